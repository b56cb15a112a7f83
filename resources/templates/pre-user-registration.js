/**
 * pre-user-registration: runs before a user is created (database and passwordless sign-ups).
 *
 * `event.user` is the sign-up form (no user_id yet). `api` can deny the sign-up or set metadata.
 */

const BLOCKED_DOMAINS = ["mailinator.com"]; // example: throwaway mail providers

/**
 * @param {import("actions-types/pre-user-registration").PreUserRegistrationEvent} event
 * @param {import("actions-types/pre-user-registration").PreUserRegistrationApi} api
 */
exports.onExecutePreUserRegistration = async (event, api) => {
  const email = event.user.email || "";
  if (BLOCKED_DOMAINS.includes(email.slice(email.lastIndexOf("@") + 1).toLowerCase())) {
    // The reason is for your logs; the user message is shown on the sign-up page.
    api.access.deny("blocked_email_domain", "Please sign up with your work email address.");
    return;
  }
  api.user.setUserMetadata("signup_source", "web");
};

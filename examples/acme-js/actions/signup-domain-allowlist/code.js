/**
 * pre-user-registration: only Acme and partner email addresses may sign up.
 *
 * Runs before the user exists, so a refused sign-up leaves nothing behind. The allowed domains and
 * their subdomains pass; the reason goes to the tenant logs, the message to the person signing up.
 */

const ALLOWED_DOMAINS = ["acme.example", "partners.acme.example", "globex.example"];

/** The part after the last "@" (the whole address when it has none). */
function domainOf(email) {
  return email.slice(email.lastIndexOf("@") + 1);
}

function domainAllowed(email) {
  const domain = domainOf(email).toLowerCase();
  return ALLOWED_DOMAINS.some((allowed) => domain === allowed || domain.endsWith("." + allowed));
}

/**
 * @param {import("actions-types/pre-user-registration").PreUserRegistrationEvent} event
 * @param {import("actions-types/pre-user-registration").PreUserRegistrationApi} api
 */
exports.onExecutePreUserRegistration = async (event, api) => {
  const email = event.user.email || "";
  if (domainAllowed(email)) {
    api.user.setAppMetadata("signup_domain", domainOf(email).toLowerCase());
    return;
  }
  api.access.deny(
    `sign-up refused for domain '${domainOf(email)}'`,
    "Sign-up is open to Acme staff and partners only. Ask your Acme contact for an invitation."
  );
};

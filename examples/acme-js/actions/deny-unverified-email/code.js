/**
 * post-login: refuse a login until a database user has verified their email address.
 *
 * Runs first in the flow, so no token is issued and no later action runs for an unverified user.
 * Social and enterprise connections vouch for the address themselves, so only the tenant's own
 * database connection (strategy "auth0") is checked.
 */

/**
 * @param {import("actions-types/post-login").PostLoginEvent} event
 * @param {import("actions-types/post-login").PostLoginApi} api
 */
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email_verified || event.connection.strategy !== "auth0") {
    return;
  }
  api.access.deny(
    "Please verify your email address before you log in: " +
      "we sent you a link when you signed up."
  );
};

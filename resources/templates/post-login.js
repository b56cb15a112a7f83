/**
 * post-login: runs after a user authenticates and before tokens are issued.
 *
 * `event` is who is logging in (event.user, event.client, event.organization, ...), as Auth0's JSON.
 * `api` records what the action changes: token claims, deny, MFA, redirects, user metadata.
 */

// Auth0 drops custom claims whose name is not a URL-style namespace.
const NAMESPACE = "https://example.com";

/**
 * @param {import("actions-types/post-login").PostLoginEvent} event
 * @param {import("actions-types/post-login").PostLoginApi} api
 */
exports.onExecutePostLogin = async (event, api) => {
  // Example: copy the user's roles (kept in app_metadata) into the access token.
  const roles = event.user.app_metadata.roles || [];
  api.accessToken.setCustomClaim(`${NAMESPACE}/roles`, roles);
};

/**
 * post-login: put the user's roles into the ID and access tokens.
 *
 * The app shows or hides screens by role and the APIs authorise by role, both without calling the
 * Management API on every request. Roles come from the tenant's RBAC (event.authorization).
 */

// Auth0 drops custom claims whose name is not a URL-style namespace.
const NAMESPACE = "https://acme.example";

/**
 * @param {import("actions-types/post-login").PostLoginEvent} event
 * @param {import("actions-types/post-login").PostLoginApi} api
 */
exports.onExecutePostLogin = async (event, api) => {
  const roles = [...(event.authorization?.roles ?? [])].sort();
  api.idToken.setCustomClaim(`${NAMESPACE}/roles`, roles);
  api.accessToken.setCustomClaim(`${NAMESPACE}/roles`, roles);
};

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
  const roles = event.user.app_metadata.roles;
  // app_metadata is free-form JSON any Management API client may have written: only a list of
  // names goes into the token, so a stray value neither fails the login nor lands in a claim.
  const names = Array.isArray(roles) && roles.every((role) => typeof role === "string") ? roles : [];
  api.accessToken.setCustomClaim(`${NAMESPACE}/roles`, names);
};

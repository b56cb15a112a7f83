/**
 * post-login: administrators always log in with a second factor.
 *
 * Everyone else keeps the tenant's default; an admin cannot tick "remember this browser", because an
 * admin session stolen from a shared machine costs the most.
 */

const ADMIN_ROLES = new Set(["admin", "billing-admin"]);

/**
 * @param {import("actions-types/post-login").PostLoginEvent} event
 * @param {import("actions-types/post-login").PostLoginApi} api
 */
exports.onExecutePostLogin = async (event, api) => {
  const roles = event.authorization?.roles ?? [];
  if (roles.some((role) => ADMIN_ROLES.has(role))) {
    api.multifactor.enable("any", { allowRememberBrowser: false });
  }
};

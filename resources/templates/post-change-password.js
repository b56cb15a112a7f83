/**
 * post-change-password: runs after a user changed their password, asynchronously.
 *
 * Use it to notify the user or revoke sessions in other systems.
 */

/**
 * @param {import("actions-types/post-change-password").PostChangePasswordEvent} event
 * @param {import("actions-types/post-change-password").PostChangePasswordApi} api
 */
exports.onExecutePostChangePassword = async (event, api) => {
  // Example: log it; a real action would call an HTTP API here.
  console.log(`password changed for ${event.user.user_id || event.user.email}`);
};

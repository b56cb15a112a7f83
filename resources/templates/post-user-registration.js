/**
 * post-user-registration: runs after a user was created, asynchronously.
 *
 * It cannot change the sign-up; use it to tell other systems (a CRM, a welcome mailer).
 */

/**
 * @param {import("actions-types/post-user-registration").PostUserRegistrationEvent} event
 * @param {import("actions-types/post-user-registration").PostUserRegistrationApi} api
 */
exports.onExecutePostUserRegistration = async (event, api) => {
  // Example: log the new user; a real action would call an HTTP API here.
  console.log(`new user ${event.user.user_id} via ${event.connection.name}`);
};

/**
 * post-user-registration: one structured audit line per new account.
 *
 * The tenant's log stream forwards execution logs to the security team's SIEM, which alerts on
 * sign-ups from unexpected countries. The trigger is asynchronous: it cannot change the sign-up.
 */

/**
 * @param {import("actions-types/post-user-registration").PostUserRegistrationEvent} event
 * @param {import("actions-types/post-user-registration").PostUserRegistrationApi} api
 */
exports.onExecutePostUserRegistration = async (event, api) => {
  // Keys in sorted order, so the SIEM's parser sees the same line as from the Python version.
  console.log(JSON.stringify({
    audit: "user.registered",
    connection: event.connection.name,
    country: event.request.geoip.countryCode,
    user_id: event.user.user_id,
  }));
};

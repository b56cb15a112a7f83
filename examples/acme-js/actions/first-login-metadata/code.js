/**
 * post-login: on a user's very first login, record where they came from and start onboarding.
 *
 * The app reads app_metadata.onboarding to show the welcome tour; support reads the first login's
 * application and country when a new customer writes in.
 */

/**
 * @param {import("actions-types/post-login").PostLoginEvent} event
 * @param {import("actions-types/post-login").PostLoginApi} api
 */
exports.onExecutePostLogin = async (event, api) => {
  if (event.stats.logins_count !== 1) {
    return;
  }
  api.user.setAppMetadata("onboarding", "pending");
  api.user.setAppMetadata("first_login", {
    application: event.client.name,
    country: event.request.geoip.countryCode,
  });
  console.log(`first login of ${event.user.user_id} via ${event.client.name}`);
};

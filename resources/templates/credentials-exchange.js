/**
 * credentials-exchange: runs when a machine-to-machine client asks for an access token.
 *
 * `event` describes the client and the API it wants (event.client, event.resource_server).
 * `api` can add custom claims or deny the token.
 */

// Auth0 drops custom claims whose name is not a URL-style namespace.
const NAMESPACE = "https://example.com";

/**
 * @param {import("actions-types/credentials-exchange").CredentialsExchangeEvent} event
 * @param {import("actions-types/credentials-exchange").CredentialsExchangeApi} api
 */
exports.onExecuteCredentialsExchange = async (event, api) => {
  // Example: tell the API which client is calling.
  api.accessToken.setCustomClaim(`${NAMESPACE}/client_name`, event.client.name);
};

/**
 * credentials-exchange: tell the API which tier a machine-to-machine client pays for.
 *
 * The API gateway applies the tier's rate limit from the access token's claims alone. A client
 * without a known tier in its metadata gets no token: it was registered by hand and missed a step.
 */

const NAMESPACE = "https://acme.example";
const RATE_LIMITS = { free: 60, standard: 600, enterprise: 6000 }; // requests per minute

/**
 * @param {import("actions-types/credentials-exchange").CredentialsExchangeEvent} event
 * @param {import("actions-types/credentials-exchange").CredentialsExchangeApi} api
 */
exports.onExecuteCredentialsExchange = async (event, api) => {
  const tier = (event.client.metadata || {}).tier;
  // Own keys only: a tier named "constructor" or "toString" is not a tier.
  if (!Object.hasOwn(RATE_LIMITS, tier)) {
    api.access.deny(
      "invalid_request",
      `client '${event.client.name}' has no API tier; set its metadata 'tier' to one of ` +
        Object.keys(RATE_LIMITS).sort().join(", ")
    );
    return;
  }
  api.accessToken.setCustomClaim(`${NAMESPACE}/tier`, tier);
  api.accessToken.setCustomClaim(`${NAMESPACE}/rate_limit`, RATE_LIMITS[tier]);
};

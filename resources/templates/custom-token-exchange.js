/**
 * custom-token-exchange: runs when an application exchanges a token of its own for Auth0 tokens
 * (RFC 8693, with the subject_token_type of one of your token exchange profiles).
 *
 * Validate `event.transaction.subject_token`, then say whom it stands for with
 * api.authentication.setUserById or setUserByConnection (exactly one of them), or reject it.
 * The post-login flow then runs for that user; add token claims there.
 */

const TRUSTED_ISSUER = "https://idp.partner.example"; // example: the identity provider that signs the tokens
const CONNECTION = "Username-Password-Authentication"; // where the partner's users are kept

function readClaims(token) {
  // WARNING: this example only decodes the token; it does NOT check its signature. Before you
  // deploy, verify it (e.g. add the jose dependency and check it against the issuer's keys),
  // or anyone can exchange a token they made up for any user.
  try {
    return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

/**
 * @param {import("actions-types/custom-token-exchange").CustomTokenExchangeEvent} event
 * @param {import("actions-types/custom-token-exchange").CustomTokenExchangeApi} api
 */
exports.onExecuteCustomTokenExchange = async (event, api) => {
  const claims = readClaims(event.transaction.subject_token);
  if (!claims || claims.iss !== TRUSTED_ISSUER || !claims.sub) {
    api.access.rejectInvalidSubjectToken("the subject token is not one of the partner's");
    return;
  }
  const attributes = { user_id: claims.sub, ...(claims.email ? { email: claims.email } : {}) };
  api.authentication.setUserByConnection(CONNECTION, attributes, {
    creationBehavior: "create_if_not_exists",
    updateBehavior: "none",
  });
};

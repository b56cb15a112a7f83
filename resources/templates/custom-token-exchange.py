"""custom-token-exchange: runs when an application exchanges a token of its own for Auth0 tokens
(RFC 8693, with the subject_token_type of one of your token exchange profiles).

Validate `event.transaction.subject_token`, then say whom it stands for with
api.authentication.set_user_by_id or set_user_by_connection (exactly one of them), or reject it.
The post-login flow then runs for that user; add token claims there.
"""

import base64
import json

TRUSTED_ISSUER = "https://idp.partner.example"  # example: the identity provider that signs the tokens
CONNECTION = "Username-Password-Authentication"  # where the partner's users are kept


def read_claims(token):
    # WARNING: this example only decodes the token; it does NOT check its signature. Before you
    # deploy, verify it (e.g. add the PyJWT dependency and check it against the issuer's keys),
    # or anyone can exchange a token they made up for any user.
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None


def on_execute_custom_token_exchange(event, api):
    claims = read_claims(event.transaction.subject_token)
    if not isinstance(claims, dict) or claims.get("iss") != TRUSTED_ISSUER or not claims.get("sub"):
        api.access.reject_invalid_subject_token("the subject token is not one of the partner's")
        return
    attributes = {"user_id": claims["sub"]}
    if claims.get("email"):
        attributes["email"] = claims["email"]
    api.authentication.set_user_by_connection(
        CONNECTION, attributes, creation_behavior="create_if_not_exists", update_behavior="none"
    )

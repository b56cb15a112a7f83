"""Auth0's limits for Actions, as named constants (reference/TRIGGERS.md, "Limits").

Docstrings of the api methods are formatted from these names, so a changed limit changes the
stubs, the hover docs and the enforcement together.
"""

from __future__ import annotations

# Execution: one budget for the whole flow of a trigger, not per action; a redirect resume gets a
# fresh one.
WALL_TIME_S = 20
MAX_ACTIONS_PER_FLOW = 20
MAX_ACTIONS_PER_TENANT = 100

# Bindings of the triggers Auth0 limits below MAX_ACTIONS_PER_FLOW. "You can create up to four Actions
# in your tenant that leverage the post-challenge trigger" (docs-v2, explore-triggers/
# password-reset-post-challenge.mdx); "Auth0 has a maximum limit of one Action for Actions associated
# with the following triggers: custom-phone-provider and custom-email-provider" (docs-v2,
# configure-a-custom-phone-provider-with-terraform.mdx; configure-action.mdx for email says the same).
MAX_ACTIONS_PASSWORD_RESET_POST_CHALLENGE = 4
MAX_ACTIONS_CUSTOM_PROVIDER = 1

# Secrets (per action).
MAX_SECRETS_PER_ACTION = 30
MAX_SECRET_NAME_CHARS = 128
MAX_SECRET_VALUE_CHARS = 4096

# api.cache: shared by every action of one trigger execution.
CACHE_MAX_ENTRIES = 20
CACHE_MAX_KEY_BYTES = 64
CACHE_MAX_VALUE_BYTES = 4 * 1024
CACHE_MAX_TOTAL_BYTES = 8 * 1024
CACHE_DEFAULT_TTL_MS = 15 * 60 * 1000
CACHE_MAX_TTL_MS = 24 * 60 * 60 * 1000

# api.transaction.set_metadata: scalar values only.
TRANSACTION_METADATA_MAX_KEY_CHARS = 64
TRANSACTION_METADATA_MAX_VALUE_BYTES = 8 * 1024
TRANSACTION_METADATA_MAX_TOTAL_BYTES = 16 * 1024

# api.redirect.encode_token default lifetime.
REDIRECT_TOKEN_DEFAULT_EXPIRES_IN_S = 900

# api.notification.drop / retry (custom-email-provider, custom-phone-provider): Auth0 truncates the
# reason to 1024 characters and retries a notification up to 5 times (docs-v2, actions/reference/
# custom-email-provider/custom-email-provider-api-object.mdx).
NOTIFICATION_REASON_MAX_CHARS = 1024
NOTIFICATION_MAX_RETRIES = 5

# api.authentication.set_actor (custom-token-exchange): "Up to 4 additional act levels are allowed (5
# actors total, including the root actor) ... up to 5 additional custom properties (string, boolean, or
# number values)" per level (docs-v2, custom-token-exchange-api-object.mdx).
ACTOR_MAX_DEPTH = 5
ACTOR_MAX_CUSTOM_PROPERTIES = 5

# Payloads and code (guidance, enforced by the runtime and the tenant, not here).
MAX_EVENT_PAYLOAD_BYTES = 1024 * 1024
MAX_ACTION_CODE_BYTES = 100 * 1024
CONSOLE_OUTPUT_KEPT_CHARS = 256

# Claims Auth0 sets itself: an action that sets one gets a warning (Auth0 ignores or rejects it).
RESERVED_CLAIMS = frozenset(
    {
        "sub", "iss", "aud", "exp", "iat", "nbf", "jti", "azp", "scope", "auth_time", "nonce",
        "acr", "amr", "sid", "at_hash", "c_hash", "gty", "permissions", "org_id", "org_name",
        "cnf", "act", "client_id", "may_act",
    }
)
# Namespaces Auth0 refuses for custom claims (its own domains).
RESTRICTED_CLAIM_DOMAINS = ("auth0.com", "webtask.io", "webtask.run")


def as_format_map() -> dict[str, object]:
    """Every constant of this module, for formatting docstrings."""
    return {name: value for name, value in globals().items() if name.isupper()}

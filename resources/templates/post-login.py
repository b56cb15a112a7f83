"""post-login: runs after a user authenticates and before tokens are issued.

`event` is who is logging in (event.user, event.client, event.organization, ...), read-only.
`api` records what the action changes: token claims, deny, MFA, redirects, user metadata.
"""

# Auth0 drops custom claims whose name is not a URL-style namespace.
NAMESPACE = "https://example.com"


def on_execute_post_login(event, api):
    # Example: copy the user's roles (kept in app_metadata) into the access token.
    roles = event.user.app_metadata.get("roles", [])
    # app_metadata is free-form JSON any Management API client may have written: only a list of
    # names goes into the token, so a stray value neither fails the login nor lands in a claim.
    if not isinstance(roles, (list, tuple)) or not all(isinstance(role, str) for role in roles):
        roles = []
    api.access_token.set_custom_claim(f"{NAMESPACE}/roles", list(roles))

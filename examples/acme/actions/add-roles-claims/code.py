"""post-login: put the user's roles into the ID and access tokens.

The app shows or hides screens by role and the APIs authorise by role, both without calling the
Management API on every request. Roles come from the tenant's RBAC (event.authorization).
"""

# Auth0 drops custom claims whose name is not a URL-style namespace.
NAMESPACE = "https://acme.example"


def on_execute_post_login(event, api):
    roles = sorted(event.authorization.roles) if event.authorization else []
    api.id_token.set_custom_claim(f"{NAMESPACE}/roles", roles)
    api.access_token.set_custom_claim(f"{NAMESPACE}/roles", roles)

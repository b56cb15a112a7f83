"""post-login: administrators always log in with a second factor.

Everyone else keeps the tenant's default; an admin cannot tick "remember this browser", because an
admin session stolen from a shared machine costs the most.
"""

ADMIN_ROLES = {"admin", "billing-admin"}


def on_execute_post_login(event, api):
    roles = set(event.authorization.roles) if event.authorization else set()
    if roles & ADMIN_ROLES:
        api.multifactor.enable("any", allow_remember_browser=False)

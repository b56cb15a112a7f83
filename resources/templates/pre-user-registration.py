"""pre-user-registration: runs before a user is created (database and passwordless sign-ups).

`event.user` is the sign-up form (no user_id yet). `api` can deny the sign-up or set metadata.
"""

BLOCKED_DOMAINS = ("mailinator.com",)  # example: throwaway mail providers


def on_execute_pre_user_registration(event, api):
    email = event.user.email or ""
    if email.rsplit("@", 1)[-1].lower() in BLOCKED_DOMAINS:
        # reason is for your logs; user_message is shown on the sign-up page.
        api.access.deny("blocked_email_domain", "Please sign up with your work email address.")
        return
    api.user.set_user_metadata("signup_source", "web")

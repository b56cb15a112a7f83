"""post-change-password: runs after a user changed their password, asynchronously.

Use it to notify the user or revoke sessions in other systems.
"""


def on_execute_post_change_password(event, api):
    # Example: log it; a real action would call an HTTP API here.
    print(f"password changed for {event.user.user_id or event.user.email}")

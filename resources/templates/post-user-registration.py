"""post-user-registration: runs after a user was created, asynchronously.

It cannot change the sign-up; use it to tell other systems (a CRM, a welcome mailer).
"""


def on_execute_post_user_registration(event, api):
    # Example: log the new user; a real action would call an HTTP API here.
    print(f"new user {event.user.user_id} via {event.connection.name}")

"""event-stream: runs, asynchronously, for each event of the event stream this action is the
destination of (user.created, user.updated, organization.member.added, ...).

`event.message` is the CloudEvent: type, id, time and data. Forward it where you need it, e.g. a CRM.
Raising an exception fails the delivery, and Auth0 delivers the event again later.
"""


def on_execute_event_stream(event, api):
    message = event.message
    if message.type == "user.created":
        user = message.data["object"]
        print(f"new user {user['user_id']} ({user.get('email')})")
    else:
        print(f"{message.type} event {message.id}")

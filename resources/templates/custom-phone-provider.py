"""custom-phone-provider: delivers the tenant's SMS and voice messages (one-time codes, ...) through
your own provider.

`event.notification` is the rendered message: recipient, delivery_method ("text" or "voice"),
as_text, as_voice and, for one-time codes, code. When sending fails, api.notification.retry(reason)
has Auth0 try again later; api.notification.drop(reason) gives up on this message.
"""

import json


def on_execute_custom_phone_provider(event, api):
    message = event.notification
    text = message.as_voice if message.delivery_method == "voice" else message.as_text
    url = event.secrets.get("SMS_API_URL")  # e.g. your gateway's send endpoint
    if not url:
        print(f"would send a {message.delivery_method} message ({message.message_type}) to {message.recipient}")
        return
    import urllib.error
    import urllib.request

    body = {"to": message.recipient, "from": message.from_, "channel": message.delivery_method, "body": text}
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {event.secrets.get('SMS_API_KEY', '')}",
                 "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5):
            pass
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            api.notification.retry(f"the gateway answered {exc.code}")
        else:
            api.notification.drop(f"the gateway refused the message ({exc.code})")
    except OSError as exc:
        api.notification.retry(f"the gateway is unreachable: {exc}")

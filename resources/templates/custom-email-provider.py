"""custom-email-provider: delivers the tenant's emails (verification, password reset, ...) through
your own provider.

`event.notification` is the rendered email: from_, to, subject, html, text, message_type. Send it
with your provider's HTTP API. When sending fails, api.notification.retry(reason) has Auth0 try
again later; api.notification.drop(reason) gives up on this email.
"""

import json


def on_execute_custom_email_provider(event, api):
    email = event.notification
    url = event.secrets.get("EMAIL_API_URL")  # e.g. your provider's send endpoint
    if not url:
        print(f"would send {email.message_type} to {email.to}: {email.subject}")
        return
    import urllib.error
    import urllib.request

    body = {"from": email.from_, "to": email.to, "subject": email.subject, "html": email.html, "text": email.text}
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {event.secrets.get('EMAIL_API_KEY', '')}",
                 "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5):
            pass
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            api.notification.retry(f"the provider answered {exc.code}")
        else:
            api.notification.drop(f"the provider refused the email ({exc.code})")
    except OSError as exc:
        api.notification.retry(f"the provider is unreachable: {exc}")

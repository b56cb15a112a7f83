"""post-login: on a user's very first login, record where they came from and start onboarding.

The app reads app_metadata.onboarding to show the welcome tour; support reads the first login's
application and country when a new customer writes in.
"""


def on_execute_post_login(event, api):
    if event.stats.logins_count != 1:
        return
    api.user.set_app_metadata("onboarding", "pending")
    api.user.set_app_metadata("first_login", {
        "application": event.client.name,
        "country": event.request.geoip.country_code,
    })
    print(f"first login of {event.user.user_id} via {event.client.name}")

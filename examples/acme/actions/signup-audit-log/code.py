"""post-user-registration: one structured audit line per new account.

The tenant's log stream forwards execution logs to the security team's SIEM, which alerts on
sign-ups from unexpected countries. The trigger is asynchronous: it cannot change the sign-up.
"""

import json


def on_execute_post_user_registration(event, api):
    print(json.dumps({
        "audit": "user.registered",
        "user_id": event.user.user_id,
        "connection": event.connection.name,
        "country": event.request.geoip.country_code,
    }, sort_keys=True))

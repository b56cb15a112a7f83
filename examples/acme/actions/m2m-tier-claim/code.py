"""credentials-exchange: tell the API which tier a machine-to-machine client pays for.

The API gateway applies the tier's rate limit from the access token's claims alone. A client
without a known tier in its metadata gets no token: it was registered by hand and missed a step.
"""

NAMESPACE = "https://acme.example"
RATE_LIMITS = {"free": 60, "standard": 600, "enterprise": 6000}  # requests per minute


def on_execute_credentials_exchange(event, api):
    tier = event.client.metadata.get("tier")
    if tier not in RATE_LIMITS:
        api.access.deny(
            "invalid_request",
            f"client {event.client.name!r} has no API tier; set its metadata 'tier' to one of "
            + ", ".join(sorted(RATE_LIMITS)),
        )
        return
    api.access_token.set_custom_claim(f"{NAMESPACE}/tier", tier)
    api.access_token.set_custom_claim(f"{NAMESPACE}/rate_limit", RATE_LIMITS[tier])

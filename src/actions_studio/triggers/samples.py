"""A realistic sample event per trigger, in Auth0's wire JSON (what its test panel sends)."""

from __future__ import annotations

import copy
from typing import Any

_TENANT = {"id": "acme-dev"}

_GEOIP = {
    "cityName": "Berlin",
    "continentCode": "EU",
    "countryCode": "DE",
    "countryCode3": "DEU",
    "countryName": "Germany",
    "latitude": 52.5244,
    "longitude": 13.4105,
    "subdivisionCode": "BE",
    "subdivisionName": "Land Berlin",
    "timeZone": "Europe/Berlin",
}

_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

_USER = {
    "user_id": "auth0|5f7c8ec7c33c6c004bbafe82",
    "email": "jane.doe@example.com",
    "email_verified": True,
    "username": "janedoe",
    "name": "Jane Doe",
    "nickname": "jane.doe",
    "given_name": "Jane",
    "family_name": "Doe",
    "picture": "https://s.gravatar.com/avatar/1f9d9a9efc2f523b2f09629444632b5c?s=480&d=mp",
    "phone_number": "+4915112345678",
    "phone_verified": False,
    "created_at": "2024-03-11T09:21:44.512Z",
    "updated_at": "2026-11-20T17:03:12.087Z",
    "last_password_reset": "2025-06-02T08:15:00.000Z",
    "app_metadata": {"plan": "pro", "roles": ["editor"]},
    "user_metadata": {"locale": "de-DE", "newsletter": True},
    "identities": [
        {
            "connection": "Username-Password-Authentication",
            "provider": "auth0",
            "user_id": "5f7c8ec7c33c6c004bbafe82",
            "isSocial": False,
        }
    ],
    "multifactor": ["guardian"],
}

_CLIENT = {
    "client_id": "kE9xNQ2uV3bLr1Yq7mZpTa0s4HcDw8Fj",
    "name": "Acme Web",
    "metadata": {"tier": "internal"},
}

_CONNECTION = {
    "id": "con_fpe5kj482KO1eOzQ",
    "name": "Username-Password-Authentication",
    "strategy": "auth0",
    "metadata": {},
}

_ORGANIZATION = {
    "id": "org_J2kVbLzk6YqHkC8a",
    "name": "acme-berlin",
    "display_name": "Acme Berlin",
    "metadata": {"region": "eu"},
}


def _request(*, query: bool = True, method: str = "GET") -> dict[str, Any]:
    request: dict[str, Any] = {
        "ip": "203.0.113.42",
        "method": method,
        "hostname": "acme-dev.eu.auth0.com",
        "user_agent": _USER_AGENT,
        "language": "de",
        "body": {},
        "geoip": dict(_GEOIP),
    }
    if query:
        request["query"] = {
            "client_id": _CLIENT["client_id"],
            "redirect_uri": "https://app.acme.com/callback",
            "response_type": "code",
            "scope": "openid profile email",
            "state": "hKFo2SBxR0FYNmpXTk5rQ3Z0",
        }
    return request


_POST_LOGIN = {
    "user": _USER,
    "client": _CLIENT,
    "connection": _CONNECTION,
    "organization": _ORGANIZATION,
    "authentication": {
        "methods": [{"name": "pwd", "timestamp": "2026-11-27T22:58:01.220Z"}],
        "riskAssessment": {
            "confidence": "high",
            "version": "1",
            "assessments": {
                "UntrustedIP": {"confidence": "high", "code": "not_found_on_deny_list"},
                "NewDevice": {"confidence": "high", "code": "known_device"},
                "ImpossibleTravel": {"confidence": "high", "code": "minimal_travel_from_last_login"},
            },
        },
    },
    "authorization": {"roles": ["editor"]},
    "transaction": {
        "id": "f6e2a7c1b3d94c4e8a5b0c1d2e3f4a5b",
        "protocol": "oidc-basic-profile",
        "requested_scopes": ["openid", "profile", "email"],
        "redirect_uri": "https://app.acme.com/callback",
        "locale": "de",
        "ui_locales": ["de", "en"],
        "acr_values": [],
        "prompt": [],
        "state": "hKFo2SBxR0FYNmpXTk5rQ3Z0",
        "response_type": ["code"],
        "response_mode": "query",
        "metadata": {},
    },
    "stats": {"logins_count": 42},
    "resource_server": {"identifier": "https://api.acme.com"},
    "session": {
        "id": "u2x9Qe3LkVt0Wm4B",
        "created_at": "2026-11-27T22:58:01.220Z",
        "updated_at": "2026-11-27T22:58:01.220Z",
        "authenticated_at": "2026-11-27T22:58:01.220Z",
    },
    "request": _request(),
    "secrets": {},
    "tenant": _TENANT,
}

_CREDENTIALS_EXCHANGE = {
    "accessToken": {"customClaims": {}, "scope": ["read:reports"]},
    "client": {"client_id": "Xb7QmP2sLk9RtV4nHy6Wc1Ze3Ud8Fa5J", "name": "Reporting Service", "metadata": {"team": "data"}},
    "resource_server": {"identifier": "https://api.acme.com"},
    "request": {**_request(query=False, method="POST"), "body": {"grant_type": "client_credentials", "audience": "https://api.acme.com"}},
    "transaction": {"requested_scopes": ["read:reports"]},
    "secrets": {},
    "tenant": _TENANT,
}

_PRE_USER_REGISTRATION = {
    "user": {
        "email": "new.user@example.com",
        "name": "New User",
        "given_name": "New",
        "family_name": "User",
        "nickname": "new.user",
        "app_metadata": {},
        "user_metadata": {"signup_source": "landing-page"},
    },
    "client": _CLIENT,
    "connection": _CONNECTION,
    "request": _request(query=False, method="POST"),
    "transaction": {
        "protocol": "oidc-basic-profile",
        "requested_scopes": ["openid", "profile", "email"],
        "redirect_uri": "https://app.acme.com/callback",
        "locale": "en",
        "ui_locales": ["en"],
        "state": "hKFo2SBxR0FYNmpXTk5rQ3Z0",
        "response_type": ["code"],
        "response_mode": "query",
    },
    "secrets": {},
    "tenant": _TENANT,
}

_POST_USER_REGISTRATION = {
    "user": {
        **_USER,
        "user_id": "auth0|6564c1a2b3c4d5e6f7a8b9c0",
        "email": "new.user@example.com",
        "email_verified": False,
        "username": None,
        "name": "New User",
        "nickname": "new.user",
        "given_name": "New",
        "family_name": "User",
        "phone_number": None,
        "phone_verified": None,
        "created_at": "2026-11-27T22:58:01.220Z",
        "updated_at": "2026-11-27T22:58:01.220Z",
        "last_password_reset": None,
        "app_metadata": {},
        "user_metadata": {"signup_source": "landing-page"},
        "identities": [
            {
                "connection": "Username-Password-Authentication",
                "provider": "auth0",
                "user_id": "6564c1a2b3c4d5e6f7a8b9c0",
                "isSocial": False,
            }
        ],
        "multifactor": None,
    },
    "connection": _CONNECTION,
    "request": _request(query=False, method="POST"),
    "transaction": {"protocol": "oidc-basic-profile", "locale": "en", "requested_scopes": ["openid", "profile"]},
    "secrets": {},
    "tenant": _TENANT,
}

_POST_CHANGE_PASSWORD = {
    "user": {
        "user_id": _USER["user_id"],
        "email": _USER["email"],
        "email_verified": True,
        "username": _USER["username"],
        "phone_number": _USER["phone_number"],
        "phone_verified": False,
        "last_password_reset": "2026-11-27T22:58:01.220Z",
    },
    "connection": _CONNECTION,
    "request": _request(query=False, method="POST"),
    "transaction": {"correlation_id": "c0ffee00-1234-4abc-9def-0123456789ab"},
    "secrets": {},
    "tenant": _TENANT,
}

_SEND_PHONE_MESSAGE = {
    "message_options": {
        "action": "second-factor-authentication",
        "code": "482913",
        "message_type": "sms",
        "recipient": "+4915112345678",
        "text": "482913 is your verification code for Acme. Please enter this code to verify your enrollment.",
    },
    "user": _USER,
    "client": _CLIENT,
    "request": _request(),
    "secrets": {},
    "tenant": _TENANT,
}

_PASSWORD_RESET_POST_CHALLENGE = {
    "user": {
        **_USER,
        "enrolledFactors": [{"type": "email"}, {"type": "phone", "options": {"preferredMethod": "sms"}}, {"type": "otp"}],
    },
    "client": _CLIENT,
    "connection": _CONNECTION,
    # The first challenge of a reset is the link in the email (method name "email").
    "authentication": {"methods": [{"name": "email", "timestamp": "2026-11-27T22:58:01.220Z"}]},
    "authorization": {"roles": ["editor"]},
    "transaction": {
        "locale": "de",
        "ui_locales": ["de", "en"],
        "login_hint": "jane.doe@example.com",
        "state": "hKFo2SBxR0FYNmpXTk5rQ3Z0",
        "correlation_id": "c0ffee00-1234-4abc-9def-0123456789ab",
    },
    "stats": {"logins_count": 42},
    "request": {
        **_request(query=False),
        "query": {"ticket": "Rk9PQkFSLXJlc2V0LXRpY2tldC0xMjM0NTY3ODkw#"},
    },
    "secrets": {},
    "tenant": _TENANT,
}

# A partner's signed JWT exchanged for Auth0 tokens (the subject token's payload: sub "partner-7781").
_CUSTOM_TOKEN_EXCHANGE = {
    "transaction": {
        "subject_token": (
            "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InBhcnRuZXItMjAyNiJ9."
            "eyJpc3MiOiJodHRwczovL2lkcC5wYXJ0bmVyLmV4YW1wbGUiLCJzdWIiOiJwYXJ0bmVyLTc3ODEiLCJhdWQiOiJodHRwczovL2FwaS5hY21lLmNvbSIsImVtYWlsIjoiamFuZS5kb2VAZXhhbXBsZS5jb20iLCJleHAiOjE4MDAwMDM2MDB9."
            "c2lnbmF0dXJlLW9mLXRoZS1wYXJ0bmVyLWlkcA"
        ),
        "subject_token_type": "urn:acme:partner-idp-token",
        "requested_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "requested_scopes": ["openid", "profile", "read:orders"],
    },
    "client": {"client_id": "Pq4nV7sLm2Rt9WcX1bZy6Ke3Hd8Ju5Fa", "name": "Acme Mobile", "metadata": {}},
    "resource_server": {"identifier": "https://api.acme.com"},
    "request": {
        **_request(query=False, method="POST"),
        "body": {
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:acme:partner-idp-token",
            "audience": "https://api.acme.com",
            "scope": "openid profile read:orders",
        },
    },
    "secrets": {},
    "tenant": _TENANT,
}

_TENANT_SETTINGS = {
    **_TENANT,
    "friendly_name": "Acme",
    "home_url": "https://www.acme.com",
    "logo_url": "https://www.acme.com/logo.png",
    "support_email": "support@acme.com",
    "support_url": "https://www.acme.com/support",
}

_CUSTOM_EMAIL_PROVIDER = {
    "notification": {
        "from": "Acme <no-reply@acme.com>",
        "to": "jane.doe@example.com",
        "subject": "Verify your email",
        "html": (
            "<html><body><p>Welcome to Acme! Please verify your account by clicking the link below.</p>"
            "<p><a href=\"https://acme-dev.eu.auth0.com/u/email-verification?ticket=V2VsY29tZS10aWNrZXQ#\">"
            "Confirm my account</a></p></body></html>"
        ),
        "text": (
            "Welcome to Acme! Please verify your account by opening this link: "
            "https://acme-dev.eu.auth0.com/u/email-verification?ticket=V2VsY29tZS10aWNrZXQ#"
        ),
        "locale": "en_US",
        "message_type": "verify_email",
    },
    "user": {
        key: _USER[key]
        for key in ("user_id", "email", "email_verified", "username", "name", "nickname", "given_name",
                    "family_name", "picture", "app_metadata", "user_metadata")
    },
    "client": _CLIENT,
    "connection": _CONNECTION,
    "transaction": {"correlation_id": "c0ffee00-1234-4abc-9def-0123456789ab"},
    "request": {
        "ip": "203.0.113.42",
        "hostname": "acme-dev.eu.auth0.com",
        "user_agent": _USER_AGENT,
        "query": {},
        "geoip": dict(_GEOIP),
    },
    "secrets": {},
    "tenant": _TENANT_SETTINGS,
}

_CUSTOM_PHONE_PROVIDER = {
    "notification": {
        "recipient": "+4915112345678",
        "message_type": "otp_verify",
        "delivery_method": "text",
        "as_text": "482913 is your verification code for Acme. Please enter this code to verify your enrollment.",
        "as_voice": "Your verification code for Acme is 4, 8, 2, 9, 1, 3. Again, your code is 4, 8, 2, 9, 1, 3.",
        "code": "482913",
        "from": "+4930901820",
        "locale": "de_DE",
    },
    "user": _USER,
    "client": _CLIENT,
    "connection": _CONNECTION,
    "transaction": {"correlation_id": "c0ffee00-1234-4abc-9def-0123456789ab"},
    "request": _request(query=False, method="POST"),
    "secrets": {},
    "tenant": _TENANT_SETTINGS,
}

# A user.created event as Auth0 delivers it (docs-v2, event-testing-observability-and-failure-recovery.mdx).
_EVENT_STREAM = {
    "message": {
        "id": "evt_6SfwXrtm8nVcjzzNCFFH1L",
        "source": "urn:auth0:acme-dev.eu.auth0.com:users",
        "specversion": "1.0",
        "type": "user.created",
        "time": "2026-11-27T22:58:01.573Z",
        "dataschema": "https://acme-dev.eu.auth0.com/api/v2/schemas/user.created",
        "data": {
            "object": {
                "user_id": "auth0|6564c1a2b3c4d5e6f7a8b9c0",
                "email": "new.user@example.com",
                "email_verified": False,
                "name": "New User",
                "nickname": "new.user",
                "picture": "https://s.gravatar.com/avatar/2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e?s=480&d=mp",
                "identities": [
                    {
                        "connection": "Username-Password-Authentication",
                        "provider": "auth0",
                        "user_id": "6564c1a2b3c4d5e6f7a8b9c0",
                        "isSocial": False,
                    }
                ],
                "user_metadata": {"signup_source": "landing-page"},
                "app_metadata": {},
                "created_at": "2026-11-27T22:58:01.566Z",
                "updated_at": "2026-11-27T22:58:01.566Z",
            }
        },
        "a0tenant": "acme-dev",
        "a0stream": "est_38ANnv8pQhqsZrX2VFbftv",
    },
    "secrets": {},
}

SAMPLES: dict[str, dict[str, Any]] = {
    "post-login": _POST_LOGIN,
    "credentials-exchange": _CREDENTIALS_EXCHANGE,
    "pre-user-registration": _PRE_USER_REGISTRATION,
    "post-user-registration": _POST_USER_REGISTRATION,
    "post-change-password": _POST_CHANGE_PASSWORD,
    "send-phone-message": _SEND_PHONE_MESSAGE,
    "password-reset-post-challenge": _PASSWORD_RESET_POST_CHALLENGE,
    "custom-token-exchange": _CUSTOM_TOKEN_EXCHANGE,
    "custom-email-provider": _CUSTOM_EMAIL_PROVIDER,
    "custom-phone-provider": _CUSTOM_PHONE_PROVIDER,
    "event-stream": _EVENT_STREAM,
}


def sample_event(trigger_id: str) -> dict[str, Any]:
    """A fresh deep copy of the sample event of ``trigger_id`` (callers may change it)."""
    return copy.deepcopy(SAMPLES[trigger_id])

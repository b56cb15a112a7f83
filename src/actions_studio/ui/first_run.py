"""The examples a new workspace starts with: one action for each of the six everyday triggers, each
with a passing fixture.

The later triggers (password-reset-post-challenge, custom-token-exchange, the custom providers,
event-stream) get no example: each needs tenant setup before it runs at all (a token exchange
profile, an event stream, a provider switched to "custom"), and five more cards would crowd the
explorer a new user first sees. Their templates are one *New action…* away.

Qt-free on purpose (it only calls services), so it is unit-testable and could move into services/
as a use case. The expectations are derived from each trigger's sample event, so they say what the
template does with that event rather than echoing whatever it happened to return.
"""

from __future__ import annotations

from typing import Any, Callable

from actions_studio.services import actions, fixtures
from actions_studio.services.catalog import get_trigger
from actions_studio.services.workspace import Workspace

EXAMPLE_NAMES = {
    "post-login": "add-roles-to-tokens",
    "credentials-exchange": "tag-calling-client",
    "pre-user-registration": "block-throwaway-emails",
    "post-user-registration": "welcome-new-user",
    "post-change-password": "notify-password-change",
    "send-phone-message": "send-mfa-sms",
}


def _post_login(event: dict[str, Any]) -> dict[str, Any]:
    roles = list(event["user"].get("app_metadata", {}).get("roles", []))
    return {"status": "success",
            "outcome": {"access_token": {"claims": {"https://example.com/roles": roles}}}}


def _credentials_exchange(event: dict[str, Any]) -> dict[str, Any]:
    return {"status": "success", "outcome": {
        "access_token": {"claims": {"https://example.com/client_name": event["client"]["name"]}}}}


def _pre_user_registration(event: dict[str, Any]) -> dict[str, Any]:
    return {"status": "success",
            "outcome": {"user": {"user_metadata": {"signup_source": "web"}}}}


_EXPECT: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "post-login": _post_login,
    "credentials-exchange": _credentials_exchange,
    "pre-user-registration": _pre_user_registration,
}


def seed_examples(ws: Workspace) -> list[str]:
    """Creates the example actions and fixtures; returns the action names created."""
    created = []
    for trigger_id, name in EXAMPLE_NAMES.items():
        try:
            trigger = get_trigger(trigger_id)
        except Exception:  # a trigger dropped from the catalog: skip its example
            continue
        actions.create_action(ws, name, trigger.id)
        event = trigger.sample_event()
        expect = _EXPECT.get(trigger.id, lambda _e: {"status": "success"})(event)
        doc = {"name": f"{name} sample", "trigger": trigger.id, "action": name,
               "event": event, "expect": expect}
        fixtures.save_fixture(ws, fixtures.parse_fixture(doc))
        created.append(name)
    if "pre-user-registration" in EXAMPLE_NAMES and EXAMPLE_NAMES["pre-user-registration"] in created:
        # A second fixture shows a denied result, the case a new user most wants to see.
        name = EXAMPLE_NAMES["pre-user-registration"]
        event = get_trigger("pre-user-registration").sample_event()
        event["user"]["email"] = "someone@mailinator.com"
        doc = {"name": f"{name} throwaway", "trigger": "pre-user-registration", "action": name,
               "event": event, "expect": {"status": "denied", "outcome": {
                   "denied": {"reason": "blocked_email_domain"}}}}
        fixtures.save_fixture(ws, fixtures.parse_fixture(doc))
    return created

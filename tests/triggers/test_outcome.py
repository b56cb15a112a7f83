"""apply_calls, aggregate_outcome, stops_flow and redirect_of, through real recorded calls."""

from __future__ import annotations

import copy
import json

import pytest

from actions_studio.triggers import TRIGGERS, get_trigger, redirect_of, stops_flow

from .support import make

OUTCOME_KEYS = {
    "post-login": {
        "denied", "access_token", "id_token", "user", "multifactor", "authentication", "redirect",
        "validation_error", "transaction_metadata", "set_by",
    },
    "credentials-exchange": {"denied", "access_token", "set_by"},
    "pre-user-registration": {"denied", "validation_error", "user", "set_by"},
    "post-user-registration": set(),
    "post-change-password": set(),
    "send-phone-message": set(),
    "password-reset-post-challenge": {"denied", "authentication", "redirect", "result_url", "set_by"},
    "custom-token-exchange": {"denied", "subject", "organization", "actor", "user", "set_by"},
    "custom-email-provider": {"notification", "set_by"},
    "custom-phone-provider": {"notification", "set_by"},
    "event-stream": set(),
}


def calls_of(trigger_id: str, script) -> list[dict]:
    api = make(trigger_id)
    script(api)
    return api.calls


@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_outcome_has_exactly_the_keys_of_the_table(trigger_id) -> None:
    trigger = get_trigger(trigger_id)
    empty = trigger.aggregate_outcome([])
    assert set(empty) == OUTCOME_KEYS[trigger_id]
    busy = trigger.aggregate_outcome([("a", calls_of(trigger_id, lambda api: api.cache.set("k", "v")))])
    assert set(busy) == OUTCOME_KEYS[trigger_id]


def test_empty_post_login_outcome() -> None:
    assert get_trigger("post-login").aggregate_outcome([]) == {
        "denied": None,
        "access_token": {"claims": {}, "scopes_added": [], "scopes_removed": []},
        "id_token": {"claims": {}},
        "user": {"app_metadata": {}, "user_metadata": {}},
        "multifactor": None,
        "authentication": {"challenges": [], "enrollments": []},
        "redirect": None,
        "validation_error": None,
        "transaction_metadata": {},
        "set_by": {},
    }


def test_post_login_outcome_later_actions_override_earlier_with_set_by() -> None:
    def first(api):
        api.access_token.set_custom_claim("https://acme.com/roles", ["viewer"])
        api.access_token.set_custom_claim("https://acme.com/tenant", "acme")
        api.id_token.set_custom_claim("https://acme.com/plan", "free")
        api.access_token.add_scope("read:reports")
        api.access_token.add_scope("write:reports")
        api.user.set_app_metadata("plan", "free")
        api.user.set_user_metadata("theme", "dark")
        api.multifactor.enable("guardian")
        api.transaction.set_metadata("risk", "low")
        api.authentication.challenge_with({"type": "otp"}, additional_factors=[{"type": "email"}])

    def second(api):
        api.access_token.set_custom_claim("https://acme.com/roles", ["admin"])
        api.id_token.set_custom_claim("https://acme.com/plan", "pro")
        api.access_token.remove_scope("write:reports")
        api.user.set_app_metadata("plan", "pro")
        api.user.set_user_metadata("theme", None)
        api.multifactor.enable("duo", allow_remember_browser=True)
        api.transaction.set_metadata("risk", "high")
        api.authentication.enroll_with_any([{"type": "webauthn-platform"}, {"type": "otp"}])
        api.redirect.send_user_to("https://idv.acme.com", query={"step": "1"})

    outcome = get_trigger("post-login").aggregate_outcome(
        [("first", calls_of("post-login", first)), ("second", calls_of("post-login", second))]
    )
    assert outcome["denied"] is None and outcome["validation_error"] is None
    assert outcome["access_token"] == {
        "claims": {"https://acme.com/roles": ["admin"], "https://acme.com/tenant": "acme"},
        "scopes_added": ["read:reports"],
        "scopes_removed": ["write:reports"],
    }
    assert outcome["id_token"] == {"claims": {"https://acme.com/plan": "pro"}}
    assert outcome["user"] == {"app_metadata": {"plan": "pro"}, "user_metadata": {"theme": None}}
    assert outcome["multifactor"] == {"provider": "duo", "allow_remember_browser": True}
    assert outcome["transaction_metadata"] == {"risk": "high"}
    assert outcome["redirect"] == {"url": "https://idv.acme.com", "query": {"step": "1"}}
    assert outcome["authentication"] == {
        "challenges": [{"action": "first", "method": "challenge_with", "factors": [{"type": "otp"}, {"type": "email"}]}],
        "enrollments": [
            {"action": "second", "method": "enroll_with_any", "factors": [{"type": "webauthn-platform"}, {"type": "otp"}]}
        ],
    }
    assert outcome["set_by"] == {
        "access_token.claims.https://acme.com/roles": "second",
        "access_token.claims.https://acme.com/tenant": "first",
        "id_token.claims.https://acme.com/plan": "second",
        "access_token.scopes_added.read:reports": "first",
        "access_token.scopes_added.write:reports": "first",
        "access_token.scopes_removed.write:reports": "second",
        "user.app_metadata.plan": "second",
        "user.user_metadata.theme": "second",
        "multifactor": "second",
        "transaction_metadata.risk": "second",
        "redirect": "second",
    }
    json.dumps(outcome)  # the outcome is JSON


def test_post_login_deny_and_validation_error() -> None:
    denied = calls_of("post-login", lambda api: (api.user.set_app_metadata("seen", True), api.access.deny("blocked")))
    outcome = get_trigger("post-login").aggregate_outcome([("gate", denied)])
    assert outcome["denied"] == {"reason": "blocked"}
    assert outcome["user"]["app_metadata"] == {"seen": True}  # queued before the deny, still applied
    assert outcome["set_by"]["denied"] == "gate"
    invalid = calls_of("post-login", lambda api: api.validation.error("bad_email", "Use a work email"))
    outcome = get_trigger("post-login").aggregate_outcome([("check", invalid)])
    assert outcome["validation_error"] == {"code": "bad_email", "message": "Use a work email"}
    assert outcome["denied"] is None


def test_the_first_deny_counts() -> None:
    calls = calls_of("post-login", lambda api: (api.access.deny("first"), api.access.deny("second")))
    assert get_trigger("post-login").aggregate_outcome([("a", calls)])["denied"] == {"reason": "first"}


def test_credentials_exchange_outcome() -> None:
    one = calls_of("credentials-exchange", lambda api: api.access_token.set_custom_claim("https://acme.com/tier", "gold"))
    two = calls_of(
        "credentials-exchange",
        lambda api: (api.access_token.set_custom_claim("https://acme.com/tier", "platinum"), api.access.deny("invalid_scope", "nope")),
    )
    outcome = get_trigger("credentials-exchange").aggregate_outcome([("one", one), ("two", two)])
    assert outcome == {
        "denied": {"code": "invalid_scope", "reason": "nope"},
        "access_token": {"claims": {"https://acme.com/tier": "platinum"}},
        "set_by": {"access_token.claims.https://acme.com/tier": "two", "denied": "two"},
    }


def test_pre_user_registration_outcome() -> None:
    one = calls_of("pre-user-registration", lambda api: (api.user.set_app_metadata("plan", "trial"), api.user.set_user_metadata("src", "ad")))
    two = calls_of("pre-user-registration", lambda api: api.access.deny("disposable email", "Please use a real address"))
    outcome = get_trigger("pre-user-registration").aggregate_outcome([("one", one), ("two", two)])
    assert outcome == {
        "denied": {"reason": "disposable email", "user_message": "Please use a real address"},
        "validation_error": None,
        "user": {"app_metadata": {"plan": "trial"}, "user_metadata": {"src": "ad"}},
        "set_by": {"user.app_metadata.plan": "one", "user.user_metadata.src": "one", "denied": "two"},
    }


def test_password_reset_post_challenge_outcome() -> None:
    first = calls_of("password-reset-post-challenge", lambda api: (
        api.transaction.set_result_url("https://app.acme.com/reset-done"),
        api.authentication.challenge_with({"type": "email"}, additional_factors=[{"type": "otp"}]),
    ))
    second = calls_of("password-reset-post-challenge", lambda api: (
        api.transaction.set_result_url("https://app.acme.com/welcome-back", query={"reset": "1"}),
        api.authentication.challenge_with_any([{"type": "phone"}, {"type": "webauthn-roaming"}]),
        api.redirect.send_user_to("https://verify.acme.com/start"),
    ))
    outcome = get_trigger("password-reset-post-challenge").aggregate_outcome([("first", first), ("second", second)])
    assert outcome == {
        "denied": None,
        "authentication": {"challenges": [
            {"action": "first", "method": "challenge_with", "factors": [{"type": "email"}, {"type": "otp"}]},
            {"action": "second", "method": "challenge_with_any", "factors": [{"type": "phone"}, {"type": "webauthn-roaming"}]},
        ]},
        "redirect": {"url": "https://verify.acme.com/start", "query": {}},
        "result_url": {"url": "https://app.acme.com/welcome-back", "query": {"reset": "1"}},
        "set_by": {"result_url": "second", "redirect": "second"},
    }
    denied = calls_of("password-reset-post-challenge", lambda api: api.access.deny("account locked"))
    outcome = get_trigger("password-reset-post-challenge").aggregate_outcome([("gate", denied)])
    assert outcome["denied"] == {"reason": "account locked"} and outcome["set_by"] == {"denied": "gate"}
    assert stops_flow(denied) and not stops_flow(second)
    assert redirect_of(second) == {"url": "https://verify.acme.com/start", "query": {}}


def test_custom_token_exchange_outcome_by_id() -> None:
    calls = calls_of("custom-token-exchange", lambda api: (
        api.authentication.set_organization("org_J2kVbLzk6YqHkC8a"),
        api.authentication.set_actor({"sub": "support-agent-1"}),
        api.authentication.set_user_by_id("auth0|5f7c8ec7c33c6c004bbafe82"),
        api.user.set_app_metadata("partner", "acme-partner"),
        api.user.set_user_metadata("locale", None),
    ))
    outcome = get_trigger("custom-token-exchange").aggregate_outcome([("exchange", calls)])
    assert outcome == {
        "denied": None,
        "subject": {"method": "set_user_by_id", "user_id": "auth0|5f7c8ec7c33c6c004bbafe82"},
        "organization": "org_J2kVbLzk6YqHkC8a",
        "actor": {"sub": "support-agent-1"},
        "user": {"app_metadata": {"partner": "acme-partner"}, "user_metadata": {"locale": None}},
        "set_by": {"organization": "exchange", "actor": "exchange", "subject": "exchange",
                   "user.app_metadata.partner": "exchange", "user.user_metadata.locale": "exchange"},
    }
    assert not stops_flow(calls)


def test_custom_token_exchange_outcome_by_connection_and_the_denials() -> None:
    attributes = {"user_id": "partner-7781", "email": "jane.doe@example.com", "verify_email": False}
    calls = calls_of("custom-token-exchange", lambda api: api.authentication.set_user_by_connection(
        "partner-users", attributes, creation_behavior="create_if_not_exists", update_behavior="replace"))
    trigger = get_trigger("custom-token-exchange")
    assert trigger.aggregate_outcome([("exchange", calls)])["subject"] == {
        "method": "set_user_by_connection", "connection": "partner-users", "user_attributes": attributes,
        "creation_behavior": "create_if_not_exists", "update_behavior": "replace",
    }
    invalid = calls_of("custom-token-exchange", lambda api: api.access.reject_invalid_subject_token("expired token"))
    assert trigger.aggregate_outcome([("exchange", invalid)])["denied"] == {
        "code": "invalid_request", "reason": "expired token", "invalid_subject_token": True}
    denied = calls_of("custom-token-exchange", lambda api: api.access.deny("unauthorized_login", "not a partner"))
    assert trigger.aggregate_outcome([("exchange", denied)])["denied"] == {"code": "unauthorized_login",
                                                                          "reason": "not a partner"}
    assert stops_flow(invalid) and stops_flow(denied) and trigger.stops_flow(invalid)


@pytest.mark.parametrize("trigger_id", ["custom-email-provider", "custom-phone-provider"])
def test_provider_outcome_is_the_last_drop_or_retry(trigger_id) -> None:
    trigger = get_trigger(trigger_id)
    assert trigger.aggregate_outcome([("send", calls_of(trigger_id, lambda api: api.cache.set("k", "v")))]) == {
        "notification": None, "set_by": {}}  # delivered: nothing reported
    calls = calls_of(trigger_id, lambda api: (api.notification.retry("503 from the provider"),
                                              api.notification.drop("x" * 2000)))
    outcome = trigger.aggregate_outcome([("send", calls)])
    assert outcome == {"notification": {"result": "drop", "reason": "x" * 1024}, "set_by": {"notification": "send"}}
    assert not stops_flow(calls)


@pytest.mark.parametrize("trigger_id", ["post-user-registration", "post-change-password", "send-phone-message",
                                        "event-stream"])
def test_async_and_phone_triggers_have_an_empty_outcome(trigger_id) -> None:
    calls = calls_of(trigger_id, lambda api: (api.cache.set("k", "v"), api.cache.get("k")))
    assert get_trigger(trigger_id).aggregate_outcome([("a", calls), ("b", calls)]) == {}


def test_aggregate_accepts_calls_by_name_from_any_runtime() -> None:
    calls = [{"method": "access_token.set_custom_claim", "args": [], "kwargs": {"key": "https://a.com/x", "value": 1}}]
    outcome = get_trigger("post-login").aggregate_outcome([("js-action", calls)])
    assert outcome["access_token"]["claims"] == {"https://a.com/x": 1}


def test_apply_calls_writes_metadata_and_none_deletes() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    calls = calls_of("post-login", lambda api: (
        api.user.set_app_metadata("plan", "enterprise"),
        api.user.set_app_metadata("roles", None),
        api.user.set_user_metadata("locale", None),
        api.user.set_user_metadata("theme", {"mode": "dark"}),
        api.user.set_user_metadata("never_there", None),
        api.transaction.set_metadata("risk", "low"),
        api.access_token.set_custom_claim("https://a.com/x", 1),
    ))
    after = trigger.apply_calls(payload, calls)
    assert after["user"]["app_metadata"] == {"plan": "enterprise"}
    assert after["user"]["user_metadata"] == {"newsletter": True, "theme": {"mode": "dark"}}
    assert after["transaction"]["metadata"] == {"risk": "low"}
    assert payload == trigger.sample_event()  # the input is untouched
    # What a later action sees:
    later = trigger.parse_event(after)
    assert later.user.app_metadata["plan"] == "enterprise"
    assert "roles" not in later.user.app_metadata
    assert later.transaction.metadata["risk"] == "low"
    # Nothing else changed.
    for key in ("user", "transaction"):
        after.pop(key), payload.pop(key)
    assert after == payload


def test_apply_calls_creates_missing_containers() -> None:
    trigger = get_trigger("pre-user-registration")
    payload = trigger.sample_event()
    del payload["user"]["app_metadata"]
    payload.pop("transaction")
    calls = calls_of("pre-user-registration", lambda api: api.user.set_app_metadata("plan", "trial"))
    after = trigger.apply_calls(payload, calls)
    assert after["user"]["app_metadata"] == {"plan": "trial"}
    assert trigger.parse_event(after).user.app_metadata == {"plan": "trial"}
    post_login = get_trigger("post-login")
    payload = post_login.sample_event()
    payload.pop("transaction")
    after = post_login.apply_calls(payload, [{"method": "transaction.set_metadata", "args": ["k", 1], "kwargs": {}}])
    assert post_login.parse_event(after).transaction.metadata == {"k": 1}


def test_apply_calls_makes_credentials_exchange_claims_visible_to_later_actions() -> None:
    trigger = get_trigger("credentials-exchange")
    calls = calls_of("credentials-exchange", lambda api: api.access_token.set_custom_claim("https://acme.com/tier", "gold"))
    later = trigger.parse_event(trigger.apply_calls(trigger.sample_event(), calls))
    assert later.access_token.custom_claims == {"https://acme.com/tier": "gold"}


def test_apply_calls_does_not_share_values_with_the_calls() -> None:
    trigger = get_trigger("post-login")
    calls = [{"method": "user.set_app_metadata", "args": ["prefs", {"a": [1]}], "kwargs": {}}]
    after = trigger.apply_calls(trigger.sample_event(), calls)
    calls[0]["args"][1]["a"].append(2)
    assert after["user"]["app_metadata"]["prefs"] == {"a": [1]}


@pytest.mark.parametrize(
    ("script", "stops"),
    [
        (lambda api: api.access.deny("no"), True),
        (lambda api: api.validation.error("c", "m"), True),
        (lambda api: (api.user.set_app_metadata("a", 1), api.access.deny("no")), True),
        (lambda api: api.redirect.send_user_to("https://x.com"), False),
        (lambda api: api.access_token.set_custom_claim("https://a.com/x", 1), False),
        (lambda api: None, False),
    ],
)
def test_stops_flow(script, stops) -> None:
    calls = calls_of("post-login", script)
    assert stops_flow(calls) is stops
    assert get_trigger("post-login").stops_flow(calls) is stops


def test_stops_flow_for_the_other_blocking_triggers() -> None:
    assert stops_flow(calls_of("credentials-exchange", lambda api: api.access.deny("server_error", "down")))
    assert stops_flow(calls_of("pre-user-registration", lambda api: api.access.deny("r", "m")))
    assert not stops_flow(calls_of("pre-user-registration", lambda api: api.user.set_user_metadata("a", 1)))


def test_redirect_of() -> None:
    assert redirect_of(calls_of("post-login", lambda api: api.cache.set("k", "v"))) is None
    calls = calls_of("post-login", lambda api: (
        api.redirect.send_user_to("https://one.example.com"),
        api.redirect.send_user_to("https://two.example.com", query={"a": "b"}),
    ))
    assert redirect_of(calls) == {"url": "https://two.example.com", "query": {"a": "b"}}
    assert get_trigger("post-login").redirect_of(calls[:1]) == {"url": "https://one.example.com", "query": {}}


def test_apply_calls_of_a_token_exchange_adds_no_user_to_the_event() -> None:
    trigger = get_trigger("custom-token-exchange")
    calls = calls_of("custom-token-exchange", lambda api: api.user.set_app_metadata("partner", "acme"))
    after = trigger.apply_calls(trigger.sample_event(), calls)
    assert after == trigger.sample_event()


def test_apply_calls_copies_only_the_path_to_a_change_and_never_writes_the_input() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    pristine = copy.deepcopy(payload)
    calls = calls_of("post-login", lambda api: (
        api.user.set_app_metadata("plan", "enterprise"),
        api.user.set_app_metadata("seats", 5),
        api.transaction.set_metadata("risk", "low"),
        api.transaction.set_metadata("step", 2),
    ))
    after = trigger.apply_calls(payload, calls)
    assert payload == pristine  # nested containers too: two changes to one container copy it once, never the input's
    assert after["user"]["app_metadata"] == {**pristine["user"]["app_metadata"], "plan": "enterprise", "seats": 5}
    assert after["transaction"]["metadata"] == {**pristine["transaction"]["metadata"], "risk": "low", "step": 2}
    assert after["user"] is not payload["user"] and after["user"]["app_metadata"] is not payload["user"]["app_metadata"]
    assert after["user"]["identities"] is payload["user"]["identities"]  # unchanged parts are shared
    assert after["request"] is payload["request"]
    # The next action's changes leave this payload as it was, too.
    again = trigger.apply_calls(after, calls_of("post-login", lambda api: api.user.set_user_metadata("theme", "dark")))
    assert after["user"]["user_metadata"] == pristine["user"]["user_metadata"]
    assert again["user"]["user_metadata"]["theme"] == "dark" and again["user"]["app_metadata"] == after["user"]["app_metadata"]


def test_apply_calls_without_a_change_returns_the_payload_itself() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    calls = calls_of("post-login", lambda api: (
        api.access_token.set_custom_claim("https://a.com/x", 1), api.id_token.set_custom_claim("https://a.com/y", 2)))
    assert trigger.apply_calls(payload, calls) is payload
    assert payload == trigger.sample_event()

"""The catalog's lookup and its Trigger records."""

from __future__ import annotations

import dataclasses

import pytest

from actions_studio.triggers import TRIGGERS, ApiUsageError, Trigger, UnknownTriggerError, get_trigger

EXPECTED = [
    # id, version, execute handler, continue handler, blocking, namespaces
    ("post-login", "v3", "on_execute_post_login", "on_continue_post_login", True,
     ("access", "access_token", "id_token", "multifactor", "redirect", "user", "cache", "authentication",
      "validation", "transaction")),
    ("credentials-exchange", "v2", "on_execute_credentials_exchange", None, True,
     ("access", "access_token", "cache")),
    ("pre-user-registration", "v2", "on_execute_pre_user_registration", None, True,
     ("access", "user", "validation", "cache")),
    ("post-user-registration", "v2", "on_execute_post_user_registration", None, False, ("cache",)),
    ("post-change-password", "v2", "on_execute_post_change_password", None, False, ("cache",)),
    ("send-phone-message", "v2", "on_execute_send_phone_message", None, True, ("cache",)),
    # Auth0's handler names are onExecutePostChallenge / onContinuePostChallenge, not the trigger id's.
    ("password-reset-post-challenge", "v1", "on_execute_post_challenge", "on_continue_post_challenge", True,
     ("access", "authentication", "redirect", "cache", "transaction")),
    ("custom-token-exchange", "v1", "on_execute_custom_token_exchange", None, True,
     ("access", "authentication", "user", "cache")),
    ("custom-email-provider", "v1", "on_execute_custom_email_provider", None, True, ("cache", "notification")),
    ("custom-phone-provider", "v1", "on_execute_custom_phone_provider", None, True, ("cache", "notification")),
    ("event-stream", "v1", "on_execute_event_stream", None, False, ("cache",)),
]

# id → (binding_policy, max_bindings, bound_to): Auth0's binding limits (limits.py names the sources).
BINDINGS = {
    "post-login": ("trigger-bound", 20, None),
    "credentials-exchange": ("trigger-bound", 20, None),
    "pre-user-registration": ("trigger-bound", 20, None),
    "post-user-registration": ("trigger-bound", 20, None),
    "post-change-password": ("trigger-bound", 20, None),
    "send-phone-message": ("trigger-bound", 20, None),
    "password-reset-post-challenge": ("trigger-bound", 4, None),
    "custom-token-exchange": ("entity-bound", 0, "token exchange profile"),
    "custom-email-provider": ("trigger-bound", 1, None),
    "custom-phone-provider": ("trigger-bound", 1, None),
    "event-stream": ("entity-bound", 0, "event stream"),
}


def test_catalog_has_exactly_these_triggers_in_order() -> None:
    assert list(TRIGGERS) == [row[0] for row in EXPECTED]
    assert set(BINDINGS) == set(TRIGGERS)


@pytest.mark.parametrize("trigger_id", list(BINDINGS))
def test_binding_policy_and_limits(trigger_id) -> None:
    trigger = get_trigger(trigger_id)
    policy, max_bindings, bound_to = BINDINGS[trigger_id]
    assert (trigger.binding_policy, trigger.max_bindings, trigger.bound_to) == (policy, max_bindings, bound_to)
    assert trigger.has_flow is (policy == "trigger-bound")
    assert trigger.to_management_api()["binding_policy"] == policy


def test_class_names_follow_the_trigger_id() -> None:
    # analysis/ finds a trigger's stub classes as <CamelCaseId>Event / <CamelCaseId>Api.
    for trigger in TRIGGERS.values():
        prefix = "".join(part.capitalize() for part in trigger.id.split("-"))
        assert (trigger.event_model.__name__, trigger.api_class.__name__) == (f"{prefix}Event", f"{prefix}Api")
        assert trigger.api_class.TRIGGER_ID == trigger.id


def test_handler_names_are_auth0s_in_snake_case() -> None:
    # The JavaScript names Auth0 documents, e.g. exports.onExecutePostChallenge.
    auth0 = {
        "password-reset-post-challenge": ("onExecutePostChallenge", "onContinuePostChallenge"),
        "custom-token-exchange": ("onExecuteCustomTokenExchange", None),
        "custom-email-provider": ("onExecuteCustomEmailProvider", None),
        "custom-phone-provider": ("onExecuteCustomPhoneProvider", None),
        "event-stream": ("onExecuteEventStream", None),
    }

    def camel(name):
        head, *rest = name.split("_")
        return head + "".join(part.capitalize() for part in rest)

    for trigger_id, (execute, resume) in auth0.items():
        trigger = get_trigger(trigger_id)
        assert camel(trigger.execute_handler) == execute
        assert (camel(trigger.continue_handler) if trigger.continue_handler else None) == resume


@pytest.mark.parametrize(("trigger_id", "version", "execute", "resume", "blocking", "namespaces"), EXPECTED)
def test_trigger_record(trigger_id, version, execute, resume, blocking, namespaces) -> None:
    trigger = get_trigger(trigger_id)
    assert isinstance(trigger, Trigger)
    assert (trigger.id, trigger.version, trigger.execute_handler, trigger.continue_handler, trigger.blocking) == (
        trigger_id, version, execute, resume, blocking,
    )
    assert trigger.api_namespaces == namespaces
    api = trigger.make_api(trigger.sample_event())
    for name in namespaces:
        assert hasattr(api, name)


def test_trigger_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_trigger("post-login").version = "v9"  # type: ignore[misc]


@pytest.mark.parametrize("bad", ["post_login", "Post-Login", "", "pre-user-registration-v2", None])
def test_unknown_trigger_lists_valid_ids(bad) -> None:
    with pytest.raises(UnknownTriggerError) as info:
        get_trigger(bad)
    message = str(info.value)
    assert repr(bad) in message
    for trigger_id in TRIGGERS:
        assert trigger_id in message


@pytest.mark.parametrize(
    ("trigger_id", "missing"),
    [
        ("credentials-exchange", "redirect"),
        ("credentials-exchange", "user"),
        ("credentials-exchange", "id_token"),
        ("pre-user-registration", "access_token"),
        ("pre-user-registration", "redirect"),
        ("post-user-registration", "access"),
        ("post-change-password", "user"),
        ("send-phone-message", "access"),
        ("password-reset-post-challenge", "user"),
        ("password-reset-post-challenge", "multifactor"),
        ("custom-token-exchange", "access_token"),
        ("custom-token-exchange", "redirect"),
        ("custom-email-provider", "access"),
        ("custom-phone-provider", "user"),
        ("event-stream", "notification"),
    ],
)
def test_trigger_lacking_a_namespace_has_no_such_attribute(trigger_id, missing) -> None:
    trigger = get_trigger(trigger_id)
    api = trigger.make_api(trigger.sample_event())
    assert not hasattr(api, missing)
    with pytest.raises(AttributeError, match=f"has no '{missing}'.*namespaces are: .*cache"):
        getattr(api, missing)


def test_handler_signature() -> None:
    trigger = get_trigger("post-login")
    assert trigger.handler_signature() == "def on_execute_post_login(event: PostLoginEvent, api: PostLoginApi) -> None"
    assert trigger.handler_signature("continue").startswith("def on_continue_post_login(event: PostLoginEvent")
    with pytest.raises(ValueError, match="no continue handler"):
        get_trigger("credentials-exchange").handler_signature("continue")


def test_handler_signature_helper_of_the_stubs_module() -> None:
    from actions_studio.triggers.stubs import handler_signature

    assert handler_signature("send-phone-message") == (
        "def on_execute_send_phone_message(event: SendPhoneMessageEvent, api: SendPhoneMessageApi) -> None"
    )
    assert handler_signature(get_trigger("post-login"), "continue") == get_trigger("post-login").handler_signature("continue")


def test_management_api_shape() -> None:
    assert get_trigger("post-login").to_management_api()["id"] == "post-login"
    assert [t.to_management_api()["version"] for t in TRIGGERS.values()] == [row[1] for row in EXPECTED]
    # The shape of a real tenant's entry (auth0/terraform-provider-auth0 pull request 1409 quotes one).
    for trigger in TRIGGERS.values():
        listed = trigger.to_management_api()
        assert set(listed) == {"id", "version", "status", "runtimes", "default_runtime", "compatible_triggers",
                               "binding_policy"}
        assert listed["default_runtime"] in listed["runtimes"] and listed["status"] == "CURRENT"


def test_api_usage_error_is_value_and_type_error() -> None:
    assert issubclass(ApiUsageError, ValueError) and issubclass(ApiUsageError, TypeError)

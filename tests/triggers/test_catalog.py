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
]


def test_catalog_has_exactly_the_six_triggers_in_order() -> None:
    assert list(TRIGGERS) == [row[0] for row in EXPECTED]


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


def test_api_usage_error_is_value_and_type_error() -> None:
    assert issubclass(ApiUsageError, ValueError) and issubclass(ApiUsageError, TypeError)

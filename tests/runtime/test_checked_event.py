"""A flow validates an action's event once while the actions leave the payload as it was
(runtime/checked_event.py, used by a Python flow child and the JavaScript executor): the event
each later action gets, and the JSON a JavaScript worker gets, must be the ones validation gives."""

from __future__ import annotations

import json

import pytest

from actions_studio.runtime.checked_event import CheckedEvent
from actions_studio.triggers import TRIGGERS, get_trigger


@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_the_reused_event_is_the_validated_event_with_the_actions_own_secrets(trigger_id: str) -> None:
    trigger = get_trigger(trigger_id)
    payload = trigger.sample_event()
    checked = CheckedEvent()
    assert checked.event_for(payload, {}) is None  # nothing validated yet
    checked.keep(payload, trigger.parse_event({**payload, "secrets": {"A_KEY": "a"}}))
    for secrets in ({"B_KEY": "b", "OTHER": "o"}, {}):
        reused = checked.event_for(payload, secrets)
        assert reused == trigger.parse_event({**payload, "secrets": secrets})
        assert dict(reused.secrets) == secrets
        assert reused.model_fields_set == trigger.parse_event({**payload, "secrets": secrets}).model_fields_set
    assert dict(checked.template.secrets) == {}  # no action's secrets are kept between actions


def test_another_payload_or_secrets_that_are_not_strings_are_validated_again() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    checked = CheckedEvent()
    checked.keep(payload, trigger.parse_event(payload))
    assert checked.event_for(dict(payload), {}) is None  # an equal payload is not the same one
    assert checked.event_for(payload, {"K": 1}) is None  # type: ignore[dict-item]


def test_each_reused_event_has_its_own_transaction_metadata() -> None:
    from actions_studio.triggers.mappings import writable

    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    checked = CheckedEvent()
    checked.keep(payload, trigger.parse_event(payload))
    first = checked.event_for(payload, {})
    writable(first.transaction.metadata)["seen"] = "by-first"  # what api.transaction.set_metadata does
    second = checked.event_for(payload, {})
    assert "seen" not in second.transaction.metadata and "seen" not in checked.template.transaction.metadata


@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_the_reused_wire_is_the_dump_of_the_validated_event_with_the_actions_own_secrets(trigger_id: str) -> None:
    trigger = get_trigger(trigger_id)
    payload = trigger.sample_event()
    checked = CheckedEvent()
    checked.keep(payload, trigger.parse_event({**payload, "secrets": {"A_KEY": "a"}}))
    for secrets in ({"B_KEY": "b", "ÜBER": "ß \u2028"}, {}):
        assert checked.event_for(payload, secrets) is not None
        fresh = trigger.parse_event({**payload, "secrets": secrets})
        expected = json.dumps(fresh.model_dump(mode="json", by_alias=True, exclude_none=True),
                              separators=(",", ":"), ensure_ascii=False)
        assert checked.wire(secrets) == expected
    assert "A_KEY" not in checked.wire({})  # the secrets of the action it was validated for are not kept

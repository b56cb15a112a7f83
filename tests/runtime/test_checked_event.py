"""A flow child validates an action's event once while the actions leave the payload as it was
(python/child.py CheckedEvent): the event each later action gets must be the one validation gives."""

from __future__ import annotations

import pytest

from actions_studio.runtime.python.child import CheckedEvent
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

"""Partial events over the sample (issue 12 item 6): RFC 7396 merge patch and its inverse."""

from __future__ import annotations

import pytest

from actions_studio.triggers import get_trigger
from actions_studio.triggers.event_patch import make_patch, merge_patch


@pytest.mark.parametrize(("target", "patch", "merged"), [
    # RFC 7396 appendix A, the cases that matter for events.
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
])
def test_merge_patch_follows_rfc_7396(target: dict, patch: dict, merged: dict) -> None:
    before = repr(target)
    assert merge_patch(target, patch) == merged
    assert repr(target) == before  # the sample is never changed in place


def test_a_partial_post_login_event_keeps_the_rest_of_the_sample() -> None:
    trigger = get_trigger("post-login")
    sample = trigger.sample_event()
    event = merge_patch(sample, {"user": {"email": "x@blocked.com"}})
    trigger.parse_event(event)
    assert event["user"]["email"] == "x@blocked.com"
    assert event["user"]["user_id"] == sample["user"]["user_id"] and event["client"] == sample["client"]


@pytest.mark.parametrize("trigger_id", ["post-login", "credentials-exchange", "pre-user-registration"])
def test_make_patch_is_the_smallest_exact_inverse(trigger_id: str) -> None:
    sample = get_trigger(trigger_id).sample_event()
    assert make_patch(sample, sample) == {}
    changed = merge_patch(sample, {"request": {"ip": "203.0.113.9"}, "extra": [1, 2]})
    patch = make_patch(sample, changed)
    assert patch == {"request": {"ip": "203.0.113.9"}, "extra": [1, 2]}
    assert merge_patch(sample, patch) == changed
    without = dict(sample)
    del without["request"]
    assert make_patch(sample, without) == {"request": None}

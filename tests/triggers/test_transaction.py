"""api.transaction.set_metadata: scalar values, limits, visible at once."""

from __future__ import annotations

import pytest

from actions_studio.triggers import ApiUsageError, limits

from .support import make


def test_metadata_is_visible_at_once_in_the_event() -> None:
    api = make("post-login")
    event = api._event
    assert event.transaction.metadata == {}
    api.transaction.set_metadata("risk", "low")
    api.transaction.set_metadata("score", 7)
    api.transaction.set_metadata("verified", True)
    assert event.transaction.metadata == {"risk": "low", "score": 7, "verified": True}
    assert event.transaction.metadata["score"] == 7
    with pytest.raises(TypeError):
        event.transaction.metadata["risk"] = "high"


def test_an_event_without_transaction_still_checks_the_limits() -> None:
    api = make("post-login", change=lambda p: p.pop("transaction"))
    big = "x" * limits.TRANSACTION_METADATA_MAX_VALUE_BYTES
    api.transaction.set_metadata("a", big)
    with pytest.raises(ApiUsageError, match="would be"):
        api.transaction.set_metadata("b", big)
    assert api._event.transaction is None


def test_key_limit() -> None:
    api = make("post-login")
    api.transaction.set_metadata("k" * limits.TRANSACTION_METADATA_MAX_KEY_CHARS, 1)
    with pytest.raises(ApiUsageError, match=r"api\.transaction\.set_metadata: key is 65 chars, the limit is 64"):
        api.transaction.set_metadata("k" * 65, 1)


def test_value_limit() -> None:
    api = make("post-login")
    api.transaction.set_metadata("a", "x" * limits.TRANSACTION_METADATA_MAX_VALUE_BYTES)
    with pytest.raises(ApiUsageError, match=r"value of 'b' is 8193 bytes, the limit is 8192"):
        api.transaction.set_metadata("b", "x" * 8193)
    with pytest.raises(ApiUsageError, match=r"value of 'c' is 8194 bytes"):
        api.transaction.set_metadata("c", "é" * 4097)


def test_total_limit_counts_keys_and_values_and_replacements() -> None:
    api = make("post-login")
    api.transaction.set_metadata("a", "x" * 8000)
    api.transaction.set_metadata("b", "x" * 8000)
    with pytest.raises(ApiUsageError, match=r"transaction metadata would be 16\d\d\d bytes, the limit is 16384"):
        api.transaction.set_metadata("c", "x" * 500)
    assert "c" not in api._event.transaction.metadata
    api.transaction.set_metadata("b", "y" * 8000)  # replacing counts the new value only
    assert [c["args"][0] for c in api.calls] == ["a", "b", "b"]


def test_earlier_metadata_counts_towards_the_total() -> None:
    def with_metadata(payload):
        payload["transaction"]["metadata"] = {"from_earlier_action": "x" * 16000}

    api = make("post-login", change=with_metadata)
    with pytest.raises(ApiUsageError, match="would be"):
        api.transaction.set_metadata("mine", "x" * 500)

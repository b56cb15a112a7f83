"""api.cache: records, TTL, expiry, limits and sharing across the actions of one execution."""

from __future__ import annotations

import pytest

from actions_studio.triggers import limits

from .support import NOW_MS, make


def test_set_then_get_gives_the_record_with_the_default_ttl() -> None:
    api = make("post-login")
    result = api.cache.set("token", "abc")
    record = {"value": "abc", "expires_at": NOW_MS + limits.CACHE_DEFAULT_TTL_MS}
    assert result == {"type": "success", "record": record}
    assert api.cache.get("token") == record
    assert limits.CACHE_DEFAULT_TTL_MS == 15 * 60 * 1000


def test_get_of_a_missing_key_is_none() -> None:
    assert make("post-login").cache.get("nothing") is None


@pytest.mark.parametrize(
    ("kwargs", "expires_at"),
    [
        ({"ttl": 1000}, NOW_MS + 1000),
        ({"expires_at": NOW_MS + 5000}, NOW_MS + 5000),
        ({"ttl": 1000, "expires_at": NOW_MS + 5000}, NOW_MS + 1000),  # the earlier wins
        ({"ttl": 9000, "expires_at": NOW_MS + 5000}, NOW_MS + 5000),
        ({"ttl": limits.CACHE_MAX_TTL_MS}, NOW_MS + 24 * 3600 * 1000),
        ({"ttl": 1500.7}, NOW_MS + 1500),  # whole milliseconds
    ],
)
def test_ttl_and_expires_at(kwargs, expires_at) -> None:
    api = make("post-login")
    assert api.cache.set("k", "v", **kwargs)["record"]["expires_at"] == expires_at
    assert api.warnings == []


@pytest.mark.parametrize("kwargs", [{"ttl": limits.CACHE_MAX_TTL_MS + 1}, {"expires_at": NOW_MS + 48 * 3600 * 1000}])
def test_lifetimes_over_24_hours_are_capped_with_a_warning(kwargs) -> None:
    api = make("post-login")
    assert api.cache.set("k", "v", **kwargs)["record"]["expires_at"] == NOW_MS + limits.CACHE_MAX_TTL_MS
    assert api.warnings == ["api.cache.set: lifetime capped at 24 h (the cache's maximum TTL)"]


def test_an_expired_record_is_gone() -> None:
    cache: dict = {}
    make("post-login", cache=cache).cache.set("k", "v", ttl=1000)
    assert make("post-login", cache=cache, now_ms=NOW_MS + 999).cache.get("k") == {"value": "v", "expires_at": NOW_MS + 1000}
    assert make("post-login", cache=cache, now_ms=NOW_MS + 1000).cache.get("k") is None
    assert cache == {}


def test_the_cache_is_shared_by_the_actions_of_one_execution() -> None:
    cache: dict = {}
    first = make("credentials-exchange", cache=cache)
    first.cache.set("m2m", "token-1")
    second = make("credentials-exchange", cache=cache)
    assert second.cache.get("m2m")["value"] == "token-1"
    assert second.cache.delete("m2m") == {"type": "success", "record": {"value": "token-1", "expires_at": NOW_MS + limits.CACHE_DEFAULT_TTL_MS}}
    assert first.cache.get("m2m") is None
    assert second.cache.delete("m2m") == {"type": "success", "record": None}


def test_the_record_returned_is_a_copy() -> None:
    api = make("post-login")
    api.cache.set("k", "v")
    api.cache.get("k")["value"] = "changed"
    assert api.cache.get("k")["value"] == "v"


def test_key_limit_in_bytes() -> None:
    api = make("post-login")
    assert api.cache.set("k" * limits.CACHE_MAX_KEY_BYTES, "v")["type"] == "success"
    assert api.cache.set("k" * (limits.CACHE_MAX_KEY_BYTES + 1), "v") == {"type": "error", "code": "key_too_large"}
    # 32 two-byte characters are 64 bytes; 33 are 66.
    assert api.cache.set("é" * 32, "v")["type"] == "success"
    assert api.cache.set("é" * 33, "v") == {"type": "error", "code": "key_too_large"}


def test_value_limit_in_bytes() -> None:
    api = make("post-login")
    assert api.cache.set("a", "x" * limits.CACHE_MAX_VALUE_BYTES)["type"] == "success"
    assert api.cache.set("b", "x" * (limits.CACHE_MAX_VALUE_BYTES + 1)) == {"type": "error", "code": "value_too_large"}
    assert api.cache.get("b") is None


def test_entry_limit() -> None:
    api = make("post-login")
    for i in range(limits.CACHE_MAX_ENTRIES):
        assert api.cache.set(f"k{i}", "v")["type"] == "success"
    assert api.cache.set("one-more", "v") == {"type": "error", "code": "too_many_entries"}
    # Replacing an existing key does not add an entry.
    assert api.cache.set("k0", "w")["type"] == "success"
    api.cache.delete("k1")
    assert api.cache.set("one-more", "v")["type"] == "success"


def test_expired_entries_do_not_count_towards_the_limits() -> None:
    cache: dict = {}
    api = make("post-login", cache=cache)
    for i in range(limits.CACHE_MAX_ENTRIES):
        api.cache.set(f"k{i}", "v", ttl=10)
    later = make("post-login", cache=cache, now_ms=NOW_MS + 10)
    assert later.cache.set("fresh", "v")["type"] == "success"
    assert list(cache) == ["fresh"]


def test_total_size_limit() -> None:
    api = make("post-login")
    value = "x" * 4000
    assert api.cache.set("a", value)["type"] == "success"
    assert api.cache.set("b", value)["type"] == "success"  # 8002 bytes with keys
    assert api.cache.set("c", "x" * 200) == {"type": "error", "code": "total_size_exceeded"}
    # Replacing a key counts its new size, not both.
    assert api.cache.set("b", "y" * 4000)["type"] == "success"
    assert limits.CACHE_MAX_TOTAL_BYTES == 8192


def test_errors_are_recorded_calls_too() -> None:
    api = make("post-login")
    api.cache.set("k" * 100, "v")
    assert api.calls == [{"method": "cache.set", "args": ["k" * 100, "v"], "kwargs": {}}]

"""api.cache: a small key/value store shared by the actions of one trigger execution."""

from __future__ import annotations

import math
from typing import Any, TypedDict

from ..errors import ApiUsageError
from ..limits import (
    CACHE_DEFAULT_TTL_MS,
    CACHE_MAX_ENTRIES,
    CACHE_MAX_KEY_BYTES,
    CACHE_MAX_TOTAL_BYTES,
    CACHE_MAX_TTL_MS,
    CACHE_MAX_VALUE_BYTES,
)
from .recording import Namespace, api_method, require_str


class CacheRecord(TypedDict):
    """A cached value and when it expires (epoch milliseconds)."""

    value: str
    expires_at: int


class CacheWriteResult(TypedDict, total=False):
    """``{"type": "success", "record": ...}`` or ``{"type": "error", "code": ...}``."""

    type: str
    record: CacheRecord | None
    code: str


# TypedDict keys cannot carry docstrings; the stubs take these.
FIELD_DOCS = {
    "CacheRecord": {
        "value": "The cached string.",
        "expires_at": "When the record expires, in epoch milliseconds; after that api.cache.get returns None.",
    },
    "CacheWriteResult": {
        "type": "\"success\" or \"error\".",
        "record": "The record written (or removed by delete); absent on errors.",
        "code": (
            "Why the write failed: \"key_too_large\", \"value_too_large\", \"too_many_entries\" "
            "or \"total_size_exceeded\"; absent on success."
        ),
    },
}

# Error codes of a cache write that breaks a limit (Auth0 returns these instead of raising).
KEY_TOO_LARGE = "key_too_large"
VALUE_TOO_LARGE = "value_too_large"
TOO_MANY_ENTRIES = "too_many_entries"
TOTAL_SIZE_EXCEEDED = "total_size_exceeded"


def _size(key: str, value: str) -> int:
    return len(key.encode()) + len(value.encode())


class CacheApi(Namespace):
    """Cache values (e.g. an M2M token) across the actions of this trigger execution."""

    _name = "cache"

    def _live(self) -> dict[str, dict[str, Any]]:
        # Expired records are dropped on every access, so they never count towards the limits.
        store = self._context.cache
        now = self._context.current_ms()
        for key in [k for k, r in store.items() if r.get("expires_at", 0) <= now]:
            del store[key]
        return store

    @api_method
    def get(self, key: str) -> CacheRecord | None:
        """The record ``{{"value": str, "expires_at": epoch_ms}}`` cached under ``key``, or None.

        None when the key was never set, was deleted or has expired.
        """
        require_str("cache.get", "key", key)
        record = self._live().get(key)
        return dict(record) if record is not None else None  # type: ignore[return-value]

    @api_method
    def set(self, key: str, value: str, ttl: int | None = None, expires_at: int | None = None) -> CacheWriteResult:
        """Cache the string ``value`` under ``key``.

        ``ttl`` is a lifetime in milliseconds (default {CACHE_DEFAULT_TTL_MS} ms = 15 min, at most
        {CACHE_MAX_TTL_MS} ms = 24 h); ``expires_at`` an absolute expiry in epoch milliseconds; with
        both, the earlier wins. Returns {{"type": "success", "record": {{...}}}}, or
        {{"type": "error", "code": ...}} when a limit is exceeded: key ≤ {CACHE_MAX_KEY_BYTES} bytes
        ("key_too_large"), value ≤ {CACHE_MAX_VALUE_BYTES} bytes ("value_too_large"),
        ≤ {CACHE_MAX_ENTRIES} entries ("too_many_entries"), all entries ≤ {CACHE_MAX_TOTAL_BYTES} bytes
        ("total_size_exceeded").
        """
        method = "cache.set"
        require_str(method, "key", key)
        if not isinstance(value, str):
            raise ApiUsageError(
                f"api.{method}: value must be a str (serialise other data, e.g. json.dumps), "
                f"got {type(value).__name__}"
            )
        now = self._context.current_ms()
        expiry = self._expiry(now, ttl, expires_at)
        if len(key.encode()) > CACHE_MAX_KEY_BYTES:
            return {"type": "error", "code": KEY_TOO_LARGE}
        if len(value.encode()) > CACHE_MAX_VALUE_BYTES:
            return {"type": "error", "code": VALUE_TOO_LARGE}
        store = self._live()
        others = {k: r for k, r in store.items() if k != key}
        if len(others) + 1 > CACHE_MAX_ENTRIES:
            return {"type": "error", "code": TOO_MANY_ENTRIES}
        total = sum(_size(k, r["value"]) for k, r in others.items()) + _size(key, value)
        if total > CACHE_MAX_TOTAL_BYTES:
            return {"type": "error", "code": TOTAL_SIZE_EXCEEDED}
        record = {"value": value, "expires_at": expiry}
        store[key] = record
        return {"type": "success", "record": dict(record)}  # type: ignore[typeddict-item]

    def _expiry(self, now: int, ttl: Any, expires_at: Any) -> int:
        method = "cache.set"
        for name, number in (("ttl", ttl), ("expires_at", expires_at)):
            if number is not None and (
                isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number)
            ):
                raise ApiUsageError(f"api.{method}: {name} must be a number of milliseconds or None, got {number!r}")
        # JavaScript callers pass floats freely; records keep whole milliseconds.
        ttl = int(ttl) if ttl is not None else None
        expires_at = int(expires_at) if expires_at is not None else None
        if ttl is not None and ttl <= 0:
            raise ApiUsageError(f"api.{method}: ttl must be a positive number of milliseconds, got {ttl}")
        if expires_at is not None and expires_at <= now:
            raise ApiUsageError(f"api.{method}: expires_at {expires_at} is not in the future (now is {now})")
        if ttl is None and expires_at is None:
            ttl = CACHE_DEFAULT_TTL_MS
        expiry = min(t for t in (now + ttl if ttl is not None else None, expires_at) if t is not None)
        if expiry - now > CACHE_MAX_TTL_MS:
            self._warn(f"api.{method}: lifetime capped at 24 h (the cache's maximum TTL)")
            expiry = now + CACHE_MAX_TTL_MS
        return expiry

    @api_method
    def delete(self, key: str) -> CacheWriteResult:
        """Remove ``key`` from the cache. Returns {{"type": "success", "record": <the removed record or None>}}."""
        require_str("cache.delete", "key", key)
        record = self._live().pop(key, None)
        return {"type": "success", "record": record}  # type: ignore[typeddict-item]

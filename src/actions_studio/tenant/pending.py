"""Short-lived, single-use state kept in the server's memory: pending redirect logins, suspended
flows, authorization codes, passwordless codes. Not persisted on purpose: a suspended flow's
continuation holds code and secrets, and none of it should outlive the process."""

from __future__ import annotations

import threading
import time
from typing import Any, Optional

MAX_ENTRIES = 10_000


class Pending:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._items: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()  # endpoints run in many threads; pruning iterates the dict
        self._max = max_entries

    def put(self, key: str, value: Any, ttl_s: float) -> None:
        with self._lock:
            if len(self._items) >= self._max:
                now = time.monotonic()
                for k in [k for k, (exp, _) in self._items.items() if exp < now]:
                    del self._items[k]
                while len(self._items) >= self._max:
                    del self._items[next(iter(self._items))]
            self._items[key] = (time.monotonic() + ttl_s, value)

    def pop(self, key: str) -> Optional[Any]:
        """Single use: whatever is redeemed is gone."""
        with self._lock:
            item = self._items.pop(key, None)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def get(self, key: str) -> Optional[Any]:
        with self._lock:
            item = self._items.get(key)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

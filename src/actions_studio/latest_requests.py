"""Request ids and "is this still the newest?" per channel (DESIGN.md: stale answers are dropped).

Every asynchronous asker — the jedi worker, the test-panel runs, the canvas runs — numbers its
requests from one counter and remembers the newest id per channel (an editor, a fixture, a
trigger's canvas). An answer whose id is no longer the newest for its channel is dropped.
Thread-safe: ids are handed out and checked from worker threads and the GUI thread alike.
"""

from __future__ import annotations

import itertools
import threading


class LatestRequests:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._newest: dict[str, int] = {}
        self._lock = threading.Lock()

    def begin(self, channel: str) -> int:
        """A new request id for `channel`; every earlier request of the channel becomes stale."""
        with self._lock:
            request_id = next(self._ids)
            self._newest[channel] = request_id
            return request_id

    def is_newest(self, channel: str, request_id: int) -> bool:
        with self._lock:
            return self._newest.get(channel) == request_id

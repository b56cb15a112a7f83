"""The zygote's warm children between two executions: which are parked under which key, which is
reused next, which are evicted or expire, and whether a child is fit to be parked at all.

Bookkeeping only, by pid: the zygote (zygote.py) signals, kills and reaps; this decides. A warm
child is bound for life to one key (a flow version with its secrets, architecture.md "Warm
children"), so nothing here ever hands a child to another key.
"""

from __future__ import annotations

import select
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional

# Recycled after max_runs executions, or once their resident memory passes RSS_LIMIT_FRACTION of
# memory_bytes. Idle per key: idle_per_key, or as many as that key had running at once if that is
# more (a burst's children come back for the next burst instead of being killed and forked
# again); max_idle in all, the least recently used killed first; one idle for idle_s seconds is
# killed (a flow no login runs any more, an older version after a deploy: its memory goes back).
# The client may send others (`client.WARM_CAPS`, for tests).
WARM_CAPS = {"max_runs": 1000, "idle_per_key": 8, "max_idle": 32, "idle_s": 600}
RSS_LIMIT_FRACTION = 0.5


@dataclass(frozen=True)
class WarmCaps:
    max_runs: int
    idle_per_key: int
    max_idle: int
    idle_s: float

    @classmethod
    def from_config(cls, sent: Optional[dict[str, Any]]) -> WarmCaps:
        caps = {**WARM_CAPS, **(sent or {})}
        return cls(*(max(1, int(caps[k])) for k in ("max_runs", "idle_per_key", "max_idle")),
                   idle_s=max(0.0, float(caps["idle_s"])))


class Parked:
    """Warm children idle under their key, keys least recently used first; within a key the most
    recently parked is reused first (its caches are the warmest)."""

    def __init__(self, caps: WarmCaps) -> None:
        self.caps = caps
        self._by_key: OrderedDict[bytes, list[int]] = OrderedDict()
        self._since: dict[int, float] = {}
        # Per key with children alive: the most of its executions that ran at once.
        self._peak: dict[bytes, int] = {}

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def take(self, key: bytes) -> Optional[int]:
        """The child to continue for a request of ``key``, no longer parked; None: none is."""
        pids = self._by_key.get(key)
        if not pids:
            return None
        pid = pids.pop()
        if not pids:
            del self._by_key[key]
        del self._since[pid]
        return pid

    def park(self, key: bytes, pid: int, now: float) -> list[int]:
        """Park ``pid`` under ``key``; the children to evict to stay within the caps, already
        unparked: the key's oldest past its own cap, then the least recently used keys' oldest."""
        if pid in self._since:
            return []  # parked already: once is all (the verdict and the stop both lead here)
        pids = self._by_key.setdefault(key, [])
        pids.append(pid)
        self._since[pid] = now
        self._by_key.move_to_end(key)
        evicted = []
        if len(pids) > max(self.caps.idle_per_key, self._peak.get(key, 0)):
            evicted.append(pids[0])
            self.unpark(key, pids[0])
        while len(self._since) > self.caps.max_idle:
            oldest_key, oldest = next(iter(self._by_key.items()))
            evicted.append(oldest[0])
            self.unpark(oldest_key, oldest[0])
        return evicted

    def unpark(self, key: bytes, pid: int) -> None:
        pids = self._by_key.get(key)
        if pids and pid in pids:
            pids.remove(pid)
            del self._since[pid]
            if not pids:
                del self._by_key[key]

    def next_expiry(self) -> Optional[float]:
        """When the longest-idle child expires (None: nothing is parked)."""
        return min(self._since.values()) + self.caps.idle_s if self._since else None

    def expired(self, now: float) -> list[tuple[bytes, int]]:
        """Every (key, pid) idle for idle_s or longer; the caller kills them, which unparks them."""
        return [(key, pid) for key, pids in self._by_key.items() for pid in pids
                if now >= self._since[pid] + self.caps.idle_s]

    def running(self, key: bytes, at_once: int) -> None:
        """``at_once`` executions of ``key`` are running now: its children past idle_per_key are
        kept up to that many."""
        self._peak[key] = max(self._peak.get(key, 0), at_once)

    def forget(self, key: bytes) -> None:
        """The key's last child is gone: a later burst of it starts over."""
        self._peak.pop(key, None)


def fit_for_reuse(pid: int, pidfd: int, runs: int, caps: WarmCaps, memory_bytes: int) -> bool:
    """A stopped warm child may be parked: fewer than max_runs executions, one thread (an action's
    thread that outlived its handler would run again in the next execution), resident memory
    under RSS_LIMIT_FRACTION of the limit."""
    if runs >= caps.max_runs:
        return False
    try:
        status = _status(pid)
        threads = int(status["Threads"])
        rss = int(status["VmRSS"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return False
    # Read by pid: if the child had exited (and its pid been reused) the numbers were another
    # process's. Its pidfd says whether it is still the one alive.
    alive = select.poll()
    alive.register(pidfd, select.POLLIN)
    if alive.poll(0):
        return False
    return threads == 1 and rss <= memory_bytes * RSS_LIMIT_FRACTION


def _status(pid: int) -> dict[str, str]:
    """/proc/PID/status as a dict (the kernel's word on a child's threads and memory)."""
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
        return dict(line.split(":", 1) for line in fh.read().splitlines() if ":" in line)

"""Short-lived, single-use state: pending redirect logins, suspended flows, authorization codes,
passwordless codes and their wrong tries.

It lives in the tenant's store (table `pending_state`), not in a process's memory, so a login
started on one server process continues on any other (issue 18). Each operation is one atomic
statement: `pop` is DELETE … RETURNING, so a code is redeemed once however many processes race
for it, and a try is counted by UPDATE … RETURNING. What a suspended flow holds (its code and the
action's secrets) is already in the same store (the action's tables); the row is deleted when
redeemed, and expired rows are swept.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Optional

import sqlalchemy as sa

from .store import Database, schema
from .store.upsert import insert

T = schema.pending_state
MAX_ENTRIES = 100_000       # past this, the oldest go first (an /authorize flood must not fill the disk)
SWEEP_EVERY_S = 30.0


class Pending:
    def __init__(self, db: Database, max_entries: int = MAX_ENTRIES,
                 clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._max = max_entries
        self._now = clock
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()

    def put(self, key: str, value: Any, ttl_s: float) -> None:
        """Stores (or replaces) `key`; a replaced entry's tries start again at 0."""
        now = self._now()
        with self._db.write(ephemeral=True) as conn:
            statement = insert(conn, T).values(key=key, value=value, tries=0, expires_at=now + ttl_s)
            conn.execute(statement.on_conflict_do_update(
                index_elements=[T.c.key], set_={"value": value, "tries": 0, "expires_at": now + ttl_s}))
        self._sweep(now)

    def pop(self, key: str) -> Optional[Any]:
        """Single use: whatever is redeemed is gone, and only one caller gets it."""
        with self._db.write(ephemeral=True) as conn:
            row = conn.execute(sa.delete(T).where(T.c.key == key).returning(T.c.value, T.c.expires_at)
                               ).first()
        if row is None or row.expires_at < self._now():
            return None
        return row.value

    def get(self, key: str) -> Optional[Any]:
        with self._db.read() as conn:
            row = conn.execute(sa.select(T.c.value).where(T.c.key == key,
                                                          T.c.expires_at >= self._now())).first()
        return row.value if row is not None else None

    def count_try(self, key: str, max_tries: int) -> int:
        """One more wrong try of `key`'s code; at `max_tries` the entry is gone. Returns the tries."""
        with self._db.write(ephemeral=True) as conn:
            tries = conn.execute(sa.update(T).where(T.c.key == key).values(tries=T.c.tries + 1)
                                 .returning(T.c.tries)).scalar()
            if tries is not None and tries >= max_tries:
                conn.execute(sa.delete(T).where(T.c.key == key))
        return int(tries or 0)

    def _sweep(self, now: float) -> None:
        """Expired rows go at most every SWEEP_EVERY_S per process, then the oldest past the cap."""
        with self._sweep_lock:
            if now < self._next_sweep:
                return
            self._next_sweep = now + SWEEP_EVERY_S
        with self._db.write(ephemeral=True) as conn:
            conn.execute(sa.delete(T).where(T.c.expires_at < now))
            extra = conn.execute(sa.select(sa.func.count()).select_from(T)).scalar_one() - self._max
            if extra > 0:
                oldest = sa.select(T.c.key).order_by(T.c.expires_at).limit(extra).scalar_subquery()
                conn.execute(sa.delete(T).where(T.c.key.in_(oldest)))

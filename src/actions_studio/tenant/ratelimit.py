"""Per-client token buckets: past the limit a request gets 429 with Retry-After (issue 6, section 2).

The buckets live in the tenant's store (table `rate_bucket`) so that every server process on one
database draws from the same ones (issue 18): N workers must not each allow the whole rate. A take
is one atomic upsert that refills the bucket for the time since its last take, takes a token if
one is there and returns what it did; "now" is wall-clock time for the same reason.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

import sqlalchemy as sa

from .store import Database, schema
from .store.upsert import insert

T = schema.rate_bucket
SWEEP_EVERY_S = 60.0


class RateLimiter:
    def __init__(self, db: Database, name: str, rate_per_s: float, burst: int,
                 clock: Callable[[], float] = time.time) -> None:
        """`name`: this limit's own part of the table (its keys are `<name>:<client>`)."""
        self._db = db
        self._prefix = f"{name}:"
        self.rate = rate_per_s
        self.burst = float(max(1, burst))
        self._now = clock
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()
        self._takes: dict[str, sa.Executable] = {}

    def take(self, key: str) -> float:
        """0.0 when the request may go ahead, else the seconds until one token is back."""
        if self.rate <= 0:
            return 0.0
        now = self._now()
        with self._db.atomic() as conn:
            row = conn.execute(self._take(conn), {"key": (self._prefix + key)[:320], "now": now}).one()
        self._sweep(now)
        return 0.0 if row.allowed else (1.0 - row.tokens) / self.rate

    def _take(self, conn: sa.Connection) -> sa.Executable:
        """The take's upsert, built once per dialect (every request runs it; building it costs
        more than running it)."""
        statement = self._takes.get(conn.dialect.name)
        if statement is None:
            now = sa.bindparam("now", type_=sa.Float)
            elapsed = sa.case((T.c.updated_at < now, now - T.c.updated_at), else_=0.0)
            refilled = T.c.tokens + elapsed * self.rate
            level = sa.case((refilled > self.burst, self.burst), else_=refilled)
            statement = insert(conn, T).values(key=sa.bindparam("key"), tokens=self.burst - 1.0, allowed=True,
                                               updated_at=now).on_conflict_do_update(
                index_elements=[T.c.key],
                set_={"tokens": sa.case((level >= 1.0, level - 1.0), else_=level),
                      "allowed": level >= 1.0, "updated_at": now},
            ).returning(T.c.tokens, T.c.allowed)
            self._takes[conn.dialect.name] = statement
        return statement

    def _sweep(self, now: float) -> None:
        """A bucket that has refilled to the full burst is the same as none: forget it."""
        with self._sweep_lock:
            if now < self._next_sweep:
                return
            self._next_sweep = now + SWEEP_EVERY_S
        with self._db.write(ephemeral=True) as conn:
            conn.execute(sa.delete(T).where(T.c.key.startswith(self._prefix, autoescape=True),
                                            T.c.updated_at < now - self.burst / self.rate))

    @staticmethod
    def retry_after(wait_s: float) -> str:
        return str(max(1, math.ceil(wait_s)))

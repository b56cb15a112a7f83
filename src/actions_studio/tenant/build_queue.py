"""The dependency build queue, in the tenant's store (issue 18): one build per action, runtime and
dependency set, whichever server process queued it, run by whichever process claims it first.

- `enqueue` inserts a `build_job` row, or does nothing when that action and set are queued already
  (ON CONFLICT DO NOTHING): a second PATCH with the same dependencies, or a read of a `building`
  draft, never starts a second build.
- Each process runs `workers` builder threads. A builder claims the oldest job nobody holds: a
  `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (concurrent claimers skip each other's rows
  instead of queueing behind them), under SQLite's single writer otherwise; the claim is a lease
  (`lease_until`), renewed while pip runs, so a job whose process died is claimed again once
  the lease runs out. No transaction stays open during a build.
- The result is written only if the draft still has these dependencies and is still building
  (a newer PATCH queued its own build); then the job row goes.

Builders wake when their own process queues a job, and look for others' jobs every `poll_s`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import threading
import time
from typing import Any, Callable, Optional

import sqlalchemy as sa

from .store import Database, now_iso, schema
from .store import actions as q
from .store.upsert import insert

log = logging.getLogger(__name__)
J = schema.build_job
Build = Callable[[list[dict[str, Any]], str], list[dict[str, Any]]]   # (dependencies, runtime) → errors


def dependencies_key(dependencies: list[dict[str, Any]], runtime: str = "python3") -> str:
    return hashlib.sha256(json.dumps([runtime, dependencies], sort_keys=True).encode()).hexdigest()


class BuildQueue:
    def __init__(self, db: Database, build: Build, *, workers: int = 2, poll_s: float = 2.0,
                 lease_s: float = 30.0, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._build = build
        self._workers = workers
        self._poll_s = poll_s
        self._lease_s = lease_s
        self._now = clock
        self.worker_id = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- producers ------------------------------------------------------------------------------

    def enqueue(self, action_id: str, dependencies: list[dict[str, Any]], runtime: str = "python3") -> None:
        with self._db.write(ephemeral=True) as conn:
            conn.execute(insert(conn, J).values(
                action_id=action_id, dependencies_key=dependencies_key(dependencies, runtime),
                dependencies=dependencies, runtime=runtime, queued_at=self._now(), claimed_by=None,
                lease_until=0.0,
            ).on_conflict_do_nothing(index_elements=[J.c.action_id, J.c.dependencies_key]))
        self._wake.set()

    # -- builders -------------------------------------------------------------------------------

    def start(self) -> "BuildQueue":
        for n in range(self._workers):
            thread = threading.Thread(target=self._loop, name=f"tenant-dependency-build-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def close(self, timeout_s: float = 5.0) -> None:
        """Builders stop after their current step; a build still running keeps its process alive
        only until then (its lease runs out and another process takes the job)."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout_s)

    def claim(self) -> Optional[dict[str, Any]]:
        """The oldest job nobody holds, now leased to this process; None when there is none."""
        now = self._now()
        with self._db.write(ephemeral=True) as conn:
            row = conn.execute(sa.select(J.c.action_id, J.c.dependencies_key, J.c.dependencies, J.c.runtime)
                               .where(J.c.lease_until < now).order_by(J.c.queued_at).limit(1)
                               .with_for_update(skip_locked=True)).first()
            if row is None:
                return None
            conn.execute(sa.update(J).where(J.c.action_id == row.action_id,
                                            J.c.dependencies_key == row.dependencies_key)
                         .values(claimed_by=self.worker_id, lease_until=now + self._lease_s))
        return dict(row._mapping)

    def run_once(self) -> bool:
        """Claims and runs one job; False when there was none."""
        job = self.claim()
        if job is None:
            return False
        done = threading.Event()
        renew = threading.Thread(target=self._renew, args=(job, done), daemon=True,
                                 name="tenant-dependency-build-lease")
        renew.start()
        try:
            errors = self._build(job["dependencies"], job["runtime"])
        finally:
            done.set()
            renew.join()
        self._complete(job, errors)
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self.run_once():
                    continue
            except Exception:  # noqa: BLE001 - a store hiccup must not end the builder
                log.exception("dependency build queue")
            self._wake.wait(self._poll_s)
            self._wake.clear()

    def _renew(self, job: dict[str, Any], done: threading.Event) -> None:
        while not done.wait(self._lease_s / 3):
            try:
                with self._db.write(ephemeral=True) as conn:
                    conn.execute(sa.update(J).where(J.c.action_id == job["action_id"],
                                                    J.c.dependencies_key == job["dependencies_key"],
                                                    J.c.claimed_by == self.worker_id)
                                 .values(lease_until=self._now() + self._lease_s))
            except Exception:  # noqa: BLE001 - the next renewal tries again
                log.exception("renewing a dependency build's lease")

    def _complete(self, job: dict[str, Any], errors: list[dict[str, Any]]) -> None:
        with self._db.write() as conn:
            action = q.get_action(conn, job["action_id"])
            if action is not None and action["status"] == "building" \
                    and action["dependencies"] == job["dependencies"]:
                conn.execute(sa.update(schema.action).where(schema.action.c.id == job["action_id"])
                             .values(status="failed" if errors else "built", errors=errors,
                                     built_at=None if errors else now_iso()))
            conn.execute(sa.delete(J).where(J.c.action_id == job["action_id"],
                                            J.c.dependencies_key == job["dependencies_key"]))

"""The tenant's shared state in its store (issue 18): pending logins and codes, rate-limit buckets
and the dependency build queue, on SQLite and on PostgreSQL. Two `Database` engines on one store
stand for two server processes; threads on both race where a real tenant's workers would."""

from __future__ import annotations

import threading
import time

import pytest

from actions_studio.tenant.build_queue import BuildQueue
from actions_studio.tenant.pending import Pending
from actions_studio.tenant.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two(tmp_path, store):
    """Two engines on one fresh store (two processes' worth)."""
    url = store.url()
    first = store.database(url, tmp_path)
    second = store.database(url, tmp_path)
    yield first, second
    first.close()
    second.close()


def _race(n: int, target) -> list:
    results: list = []
    lock = threading.Lock()
    start = threading.Barrier(n)

    def run(i: int) -> None:
        start.wait()
        value = target(i)
        with lock:
            results.append(value)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_pending_is_single_use_expires_and_is_bounded(two) -> None:
    clock = Clock()
    pending = Pending(two[0], max_entries=3, clock=clock)
    pending.put("a", {"n": 1}, ttl_s=60)
    assert pending.get("a") == {"n": 1} and pending.pop("a") == {"n": 1} and pending.pop("a") is None
    pending.put("b", [2], ttl_s=1)
    clock.now += 2
    assert pending.get("b") is None and pending.pop("b") is None
    for key in "wxy":
        pending.put(key, key, ttl_s=60 + ord(key))
    clock.now += 31                     # the next put sweeps: the one expiring first goes
    pending.put("z", "z", ttl_s=600)
    assert pending.get("w") is None and [pending.get(k) for k in "xyz"] == ["x", "y", "z"]


def test_a_code_is_redeemed_once_whatever_process_races_for_it(two) -> None:
    stores = [Pending(db) for db in two]
    stores[0].put("code:abc", {"tokens": "t"}, ttl_s=60)
    got = _race(16, lambda i: stores[i % 2].pop("code:abc"))
    assert got.count({"tokens": "t"}) == 1 and got.count(None) == 15


def test_wrong_tries_are_counted_across_processes_and_the_last_one_ends_the_code(two) -> None:
    stores = [Pending(db) for db in two]
    stores[0].put("otp:c:+15550001", {"digest": "00"}, ttl_s=300)
    tries = _race(6, lambda i: stores[i % 2].count_try("otp:c:+15550001", 3))
    assert sorted(tries) == [0, 0, 0, 1, 2, 3]     # each try counted once; after the third, no code
    assert stores[1].get("otp:c:+15550001") is None
    stores[1].put("otp:c:+15550001", {"digest": "11"}, ttl_s=300)   # a new code: tries start again
    assert stores[0].count_try("otp:c:+15550001", 3) == 1


def test_two_processes_share_one_bucket(two) -> None:
    clock = Clock()
    limiters = [RateLimiter(db, "auth", rate_per_s=2, burst=10, clock=clock) for db in two]
    waits = _race(16, lambda i: limiters[i % 2].take("client-a"))
    assert waits.count(0.0) == 10                  # not 10 per process
    wait = limiters[0].take("client-a")
    assert 0 < wait <= 0.5 and RateLimiter.retry_after(wait) == "1"
    assert limiters[1].take("client-b") == 0.0     # per client
    assert RateLimiter(two[0], "mgmt", rate_per_s=2, burst=1, clock=clock).take("client-a") == 0.0  # per limit
    clock.now += 0.5                               # one token back, for either process
    assert limiters[1].take("client-a") == 0.0 and limiters[0].take("client-a") > 0
    assert RateLimiter(two[0], "off", 0, 1).take("a") == 0.0          # 0 disables


def test_one_build_per_action_and_set_whichever_process_queues_and_claims(two) -> None:
    built: list[str] = []
    lock = threading.Lock()
    release = threading.Event()

    def build(dependencies, runtime):
        with lock:
            built.append(dependencies[0]["name"])
        release.wait(30)
        return []

    queues = [BuildQueue(db, build, workers=0) for db in two]
    deps = [{"name": "left-pad", "version": "1.0"}]
    for queue in (*queues, *queues):
        queue.enqueue("act_1", deps)               # four requests, one job
    queues[1].enqueue("act_2", [{"name": "right-pad", "version": "2.0"}])
    # Builders of both processes claim at once: each job goes to exactly one.
    ran = _race(4, lambda i: _run_released(queues[i % 2], release))
    assert sorted(built) == ["left-pad", "right-pad"] and ran.count(True) == 2
    assert queues[0].claim() is None


def _run_released(queue: BuildQueue, release: threading.Event) -> bool:
    ran = queue.run_once()
    release.set()                                  # the first claimer holds its job until here
    return ran


def test_a_job_whose_builder_died_is_claimed_again_after_its_lease(two) -> None:
    clock = Clock()
    dead = BuildQueue(two[0], lambda deps, runtime: [], workers=0, lease_s=30, clock=clock)
    alive = BuildQueue(two[1], lambda deps, runtime: [], workers=0, lease_s=30, clock=clock)
    dead.enqueue("act_9", [{"name": "pkg", "version": "1"}])
    assert dead.claim() is not None                # ... and its process dies here
    assert alive.claim() is None                   # leased
    clock.now += 31
    job = alive.claim()
    assert job is not None and job["action_id"] == "act_9"
    assert dead.worker_id != alive.worker_id


def test_the_same_set_in_another_runtime_is_another_build(two) -> None:
    seen: list[str] = []
    queue = BuildQueue(two[0], lambda deps, runtime: seen.append(runtime) or [], workers=0)
    deps = [{"name": "lodash", "version": "4.17.21"}]
    queue.enqueue("act_3", deps, "node22")
    queue.enqueue("act_3", deps, "python3")
    queue.enqueue("act_3", deps, "node22")
    while queue.run_once():
        pass
    assert sorted(seen) == ["node22", "python3"]


def test_only_the_short_lived_state_commits_without_waiting_for_the_disk(two, store) -> None:
    if not store.is_postgresql:
        pytest.skip("PostgreSQL's synchronous_commit; SQLite's WAL commits are the same for both")
    # Where the setting comes from: the session's own connection options, or the server's default
    # (the suite's server has it off everywhere, so the value alone would prove nothing).
    setting = "SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'"
    with two[0].write(ephemeral=True) as conn:
        assert tuple(conn.exec_driver_sql(setting).one()) == ("off", "client")
    with two[0].atomic() as conn:        # a rate-limit take: its own transaction, on that pool too
        assert tuple(conn.exec_driver_sql(setting).one()) == ("off", "client")
        xids = [conn.exec_driver_sql("SELECT pg_current_xact_id()::text").scalar() for _ in range(2)]
        assert xids[0] != xids[1]        # no BEGIN … COMMIT around it: each statement commits itself
    with two[0].write() as conn:
        assert conn.exec_driver_sql(setting).one().source != "client"


class HeldWrite:
    """A write transaction opened in a thread of its own and kept open until `end()`."""

    def __init__(self, db, **options) -> None:
        self.opened, self._end, self.ended = threading.Event(), threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, args=(db, options), daemon=True)
        self._thread.start()

    def _run(self, db, options) -> None:
        with db.write(**options):
            self.opened.set()
            self._end.wait(60)
        self.ended.set()

    def end(self) -> None:
        self._end.set()
        self._thread.join(60)
        assert self.ended.is_set()


def _one_waits_for_the_writers_order(db) -> bool:
    """Whether one transaction waits for the advisory lock (looked at until it does, at most 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with db.read() as conn:
            waiting = conn.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                           "AND NOT granted").scalar_one()
        if waiting:
            return waiting == 1
        time.sleep(0.01)
    return False


def test_logins_write_side_by_side_and_every_other_write_still_runs_alone(two, store) -> None:
    """A login's write (`row_locks=True`) takes the writers' order shared on PostgreSQL: a second
    one, from another process, opens while the first is open; a plain write waits for both, and a
    login's write waits for a plain one."""
    if not store.is_postgresql:
        pytest.skip("SQLite has one writer at a time whatever the transaction")
    first, second = two
    login = HeldWrite(first, row_locks=True)
    assert login.opened.wait(60)
    beside = HeldWrite(second, row_locks=True)
    assert beside.opened.wait(60)                  # not queued behind the first login's write

    plain = HeldWrite(second)
    assert _one_waits_for_the_writers_order(first) and not plain.opened.is_set()
    login.end()
    assert not plain.opened.wait(0.2)              # the other login's write is still open
    beside.end()
    assert plain.opened.wait(60)                   # both ended: it runs

    late_login = HeldWrite(first, row_locks=True)
    assert _one_waits_for_the_writers_order(first) and not late_login.opened.is_set()
    plain.end()
    assert late_login.opened.wait(60)
    late_login.end()

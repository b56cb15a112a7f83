"""Attack protection's counters (issue 13, item 9) against a real store (SQLite and PostgreSQL),
with a clock the test moves: brute-force blocks per identifier and IP, suspicious IP throttling, what lifts them."""

from __future__ import annotations

import threading

import pytest

from actions_studio.tenant.attack_protection import (IP_BLOCKED, USER_BLOCKED, AttackProtection, Attempt,
                                                     Settings)
from actions_studio.tenant.store import Database


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path, store):
    database = store.database(store.url(), tmp_path)
    yield database
    database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _fail(db, protection, attempt, times=1) -> list[str]:
    started = []
    for _ in range(times):
        with db.write() as conn:
            started += protection.failed(conn, attempt)
    return started


def _check(db, protection, attempt):
    with db.read() as conn:
        return protection.check(conn, attempt)


PAIR = Attempt("Username-Password-Authentication", "Pat@Example.com", "10.0.0.1")


def test_ten_consecutive_failures_block_that_identifier_from_that_ip(db, clock) -> None:
    protection = AttackProtection(Settings(), clock)
    assert _fail(db, protection, PAIR, 9) == []
    assert _check(db, protection, PAIR).refusal is None and _check(db, protection, PAIR).prior_failures == 9
    assert _fail(db, protection, PAIR) == ["limit_wc"]            # the tenth starts the block, once
    refusal = _check(db, protection, PAIR).refusal
    assert refusal is not None and refusal.status == 429 and refusal.error == "too_many_attempts"
    assert refusal.description == USER_BLOCKED and int(refusal.headers["Retry-After"]) == 30 * 86400
    # The identifier as sent, case aside: the same pair.
    assert _check(db, protection, Attempt(PAIR.connection, " pat@example.COM", PAIR.ip)).refusal is not None
    # Another IP, another identifier, another connection: not blocked.
    for other in (Attempt(PAIR.connection, PAIR.identifier, "10.0.0.2"),
                  Attempt(PAIR.connection, "someone@example.com", PAIR.ip), Attempt("sms", PAIR.identifier, PAIR.ip)):
        assert _check(db, protection, other).refusal is None


def test_a_success_resets_the_count_and_the_block_ends_after_the_set_time(db, clock) -> None:
    protection = AttackProtection(Settings(block_s=3600), clock)
    _fail(db, protection, PAIR, 9)
    with db.write() as conn:
        protection.succeeded(conn, PAIR)
    assert _fail(db, protection, PAIR, 9) == [] and _check(db, protection, PAIR).refusal is None
    assert _fail(db, protection, PAIR) == ["limit_wc"]
    clock.now += 3599
    assert _check(db, protection, PAIR).refusal is not None
    clock.now += 2
    assert _check(db, protection, PAIR).refusal is None and _check(db, protection, PAIR).prior_failures == 0
    assert _fail(db, protection, PAIR, 9) == []                   # counted afresh
    assert _check(db, protection, PAIR).refusal is None


def test_unblock_lifts_the_blocks_of_those_identifiers_only(db, clock) -> None:
    protection = AttackProtection(Settings(max_attempts=3), clock)
    other_ip = Attempt(PAIR.connection, PAIR.identifier, "10.0.0.9")
    someone = Attempt(PAIR.connection, "someone@example.com", PAIR.ip)
    for attempt in (PAIR, other_ip, someone):
        _fail(db, protection, attempt, 3)
    with db.read() as conn:
        blocks = protection.blocks(conn, ["PAT@example.com"])
    assert [(b.identifier, b.ip, b.connection) for b in blocks] == [
        ("pat@example.com", "10.0.0.1", PAIR.connection), ("pat@example.com", "10.0.0.9", PAIR.connection)]
    with db.write() as conn:
        protection.unblock(conn, ["pat@example.com"], connection="sms")     # another connection: nothing
    assert _check(db, protection, PAIR).refusal is not None
    with db.write() as conn:
        protection.unblock(conn, ["Pat@Example.com"], connection=PAIR.connection)
    assert _check(db, protection, PAIR).refusal is None and _check(db, protection, other_ip).refusal is None
    assert _check(db, protection, someone).refusal is not None


def test_an_ip_that_fails_too_often_is_throttled_whatever_identifiers_it_names(db, clock) -> None:
    protection = AttackProtection(Settings(ip_max_failures=100, ip_failures_per_day=100), clock)
    started = []
    for n in range(100):
        started += _fail(db, protection, Attempt(PAIR.connection, f"user{n}@example.com", PAIR.ip))
    assert started == ["limit_mu"]
    fresh = Attempt(PAIR.connection, "never-tried@example.com", PAIR.ip)
    refusal = _check(db, protection, fresh).refusal
    assert refusal is not None and refusal.status == 429 and refusal.description == IP_BLOCKED
    assert int(refusal.headers["Retry-After"]) == 864                 # one attempt back every 864 s
    assert _check(db, protection, Attempt(PAIR.connection, "x@example.com", "10.0.0.2")).refusal is None
    clock.now += 864
    assert _check(db, protection, fresh).refusal is None               # one attempt drained back …
    assert _fail(db, protection, fresh) == ["limit_mu"]                # … and spent: throttled again
    assert _check(db, protection, fresh).refusal is not None
    with db.write() as conn:                                           # a success does not drain it
        protection.succeeded(conn, fresh)
    assert _check(db, protection, fresh).refusal is not None


def test_zero_turns_each_protection_off(db, clock) -> None:
    protection = AttackProtection(Settings(max_attempts=0, ip_max_failures=0), clock)
    assert _fail(db, protection, PAIR, 150) == [] and _check(db, protection, PAIR).refusal is None


def test_counts_from_two_stores_on_one_database_are_never_lost(tmp_path, clock, store) -> None:
    """Two engines stand for two server processes (issue 18): each failure is one atomic upsert."""
    url = store.url()
    databases: list[Database] = [store.database(url, tmp_path), store.database(url, tmp_path)]
    protection = AttackProtection(Settings(max_attempts=40, ip_max_failures=0), clock)
    started: list[str] = []
    lock = threading.Lock()

    def hammer(database: Database) -> None:
        for _ in range(20):
            with database.write() as conn:
                found = protection.failed(conn, PAIR)
            with lock:
                started.extend(found)

    threads = [threading.Thread(target=hammer, args=(databases[i % 2],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with databases[0].read() as conn:
            assert protection.check(conn, PAIR).prior_failures == 80
        assert started == ["limit_wc"]
    finally:
        for database in databases:
            database.close()

"""Each tenant process takes its share of PostgreSQL's connections (store/connection_budget.py):
pools sized from the real server's limits, a request that finds its pool full waits instead of
failing at connect, and too small a share is refused at start with what to change."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from actions_studio.tenant.store import Database, connection_budget
from .conftest import free_port
from actions_studio.tenant.store.connection_budget import (FULL, HEADROOM, MIN_PER_PROCESS,
                                                           ConnectionBudgetTooSmall, PoolSizes,
                                                           ServerLimits, pool_sizes)


def limits(max_connections: int = 100, reserved: int = 3, role: int | None = None,
           database: int | None = None) -> ServerLimits:
    return ServerLimits(max_connections, reserved, role, database)


@pytest.mark.parametrize("server, processes", [
    (limits(), 1), (limits(), 2), (limits(), 3), (limits(200), 2), (limits(1000), 8),
    (limits(role=20), 1), (limits(role=20), 2), (limits(database=13), 2), (limits(30, 5), 1),
])
def test_the_pools_of_all_processes_fit_in_what_the_server_allows(server, processes) -> None:
    sizes = pool_sizes(server, processes)
    assert sizes.total * processes <= server.available()
    assert sizes.total == min(FULL.total, server.available() // processes)   # all of the share, no more
    assert sizes.store >= 1 and sizes.ephemeral >= 1
    assert sizes.store <= FULL.store and sizes.ephemeral <= FULL.ephemeral


def test_one_process_on_a_default_server_keeps_the_full_pools_and_two_split_them() -> None:
    assert pool_sizes(limits(), 1) == FULL                    # 87 available, 64 wanted
    two = pool_sizes(limits(), 2)                             # 43 each: before, 2 x 64 = 128 > 100
    assert two.total == (100 - 3 - HEADROOM) // 2
    assert two.ephemeral == max(2, two.total // 4)


@pytest.mark.parametrize("server, processes, says, remedy", [
    (limits(), 64, "max_connections = 100 (3 reserved, 10 left for other clients) leaves 87, 1 per process",
     "Raise max_connections (postgresql.conf; it needs a restart) to at least 397"),
    (limits(role=5), 1, "the role's CONNECTION LIMIT 5 leaves 5",
     "Raise the role's CONNECTION LIMIT (ALTER ROLE … CONNECTION LIMIT) to at least 6"),
    (limits(database=11), 2, "the database's CONNECTION LIMIT 11 leaves 11, 5 per process",
     "Raise the database's CONNECTION LIMIT (ALTER DATABASE … CONNECTION LIMIT) to at least 12"),
    (limits(15, 3), 1, "leaves 2, 2 per process",
     "Raise max_connections (postgresql.conf; it needs a restart) to at least 19"),
    (limits(18, 3, role=4), 1, "leaves 4, 4 per process",
     "Raise max_connections (postgresql.conf; it needs a restart) to at least 19; raise the role's "
     "CONNECTION LIMIT (ALTER ROLE … CONNECTION LIMIT) to at least 6"),
])
def test_too_small_a_share_is_refused_saying_what_to_change(server, processes, says, remedy) -> None:
    with pytest.raises(ConnectionBudgetTooSmall) as caught:
        pool_sizes(server, processes)
    message = str(caught.value)
    assert says in message and remedy in message
    assert f"at least {MIN_PER_PROCESS}." in message
    assert message.endswith(", or run fewer --workers")
    if server.max_connections - server.reserved - HEADROOM >= MIN_PER_PROCESS * processes:
        assert "max_connections (" not in message        # raising it would not help


def test_sqlite_has_no_connection_budget(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'tenant.sqlite'}", processes=64)
    try:
        assert db.pools is None
    finally:
        db.close()


# PostgreSQL, for real: the session's server (a skip says how to get one otherwise).

@pytest.fixture
def limited_role(postgres_server):
    """A login role of its own, owner of a fresh database, with CONNECTION LIMIT `limit`: the
    limit PostgreSQL enforces (superusers, the tests' usual role, are exempt from it)."""
    import psycopg

    import pg_server

    made: list[tuple[str, str]] = []

    def make(limit: int) -> str:
        role, database = f"budget_{uuid.uuid4().hex[:8]}", f"budget_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(pg_server._libpq(postgres_server.admin_url), autocommit=True) as conn:
            conn.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT {int(limit)}')
            conn.execute(f'CREATE DATABASE "{database}" OWNER "{role}"')
        made.append((role, database))
        url = pg_server._with_database(postgres_server.admin_url, database)
        scheme, rest = url.split("://", 1)
        return f"{scheme}://{role}@{rest.split('@', 1)[1]}"

    yield make
    with psycopg.connect(pg_server._libpq(postgres_server.admin_url), autocommit=True) as conn:
        for role, database in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_the_real_servers_limits_are_read(postgres_server) -> None:
    engine = sa.create_engine(postgres_server.admin_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            read = connection_budget.read_limits(conn)
            shown = int(conn.execute(sa.text("SHOW max_connections")).scalar_one())
            reserved = int(conn.execute(sa.text("SHOW superuser_reserved_connections")).scalar_one())
    finally:
        engine.dispose()
    assert read.max_connections == shown
    assert read.reserved >= reserved
    assert read.role_limit is None and read.database_limit is None     # -1: none


def test_a_role_limit_sizes_the_pools_and_a_full_pool_waits_instead_of_failing(limited_role) -> None:
    url = limited_role(8)
    db = Database(url)
    try:
        assert db.pools == PoolSizes(store=6, ephemeral=2)
        # 20 writers at once, each holding its connection a moment: with the old 16 + 32 pool the
        # 9th connect failed ("too many connections for role"); now they queue on the pool.
        failures: list[BaseException] = []
        peak = [0]
        start = threading.Barrier(20)

        def writer() -> None:
            try:
                start.wait()
                with db.write() as conn:
                    conn.execute(sa.text("SELECT pg_sleep(0.05)"))
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                failures.append(exc)

        threads = [threading.Thread(target=writer) for _ in range(20)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            peak[0] = max(peak[0], db.engine.pool.checkedout())
            time.sleep(0.005)
        for t in threads:
            t.join()
        assert failures == []
        assert 1 < peak[0] <= 6
    finally:
        db.close()


def test_too_many_workers_for_the_server_are_refused_before_any_starts(limited_role, tmp_path) -> None:
    url = limited_role(20)
    data = tmp_path / "data"
    proc = subprocess.run([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(free_port()),
                           "--data", str(data), "--workers", "4", "--database-url", url],
                          capture_output=True, text=True, timeout=120)
    said = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode != 0
    assert "PostgreSQL allows too few connections for 4 tenant processes" in said
    assert "the role's CONNECTION LIMIT 20" in said and "5 per process" in said
    assert "tenant worker" not in said                     # refused by the supervisor, no worker ran
    assert not (data / "credentials.json").exists()


def _burst(db: Database, pool: str, size: int) -> set[int]:
    """`size` threads hold a connection of `pool` ("store" or "ephemeral") at once; the backend
    pids they were served by."""
    pids: set[int] = set()
    together = threading.Barrier(size)

    def take() -> None:
        with (db.atomic() if pool == "ephemeral" else db.read()) as conn:
            pids.add(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
            together.wait(timeout=30)

    threads = [threading.Thread(target=take) for _ in range(size)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return pids


@pytest.mark.parametrize("pool", ["store", "ephemeral"])
def test_a_pool_keeps_the_connections_a_burst_opened_for_the_next_burst(postgres_server, pool) -> None:
    """With SQLAlchemy's overflow, the connections past `pool_size` were closed as they came back
    and the next burst started new PostgreSQL backends (25 in a 5-s phase of 16 logins, 0.7 ms
    of the server's CPU per login); the pool now keeps them, up to its share."""
    db = Database(postgres_server.database("pool"))
    try:
        size = 12 if pool == "ephemeral" else 20        # past the old pool_size (4 and 16)
        first = _burst(db, pool, size)
        assert len(first) == size
        engine = db._ephemeral if pool == "ephemeral" else db.engine
        assert engine.pool.checkedin() >= size
        assert _burst(db, pool, size) == first            # the same backends, none started anew
        # One at a time, the connection returned last serves (LIFO): one warm backend, not a
        # round of all twelve or twenty.
        assert len(set().union(*(_burst(db, pool, 1) for _ in range(6)))) == 1
    finally:
        db.close()

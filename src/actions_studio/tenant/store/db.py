"""Engine, transactions and time/id helpers of the tenant store.

SQLite (the default, one file in the data dir) or PostgreSQL (`postgresql+psycopg://user:pass@host/db`).

Write transactions are serialised on both, across threads and processes (issue 18), so that every
read-then-write the endpoints do (a user's logins_count, an action's next version number, a name
that must stay unique) is as correct on PostgreSQL as on SQLite, where one writer at a time is the
rule anyway. No flow, password hash or build runs inside a write transaction, so they are short:
the order costs little, and it needs no per-endpoint row locking to audit.

- SQLite: an in-process lock (threads queue there instead of polling the file lock), and
  `BEGIN IMMEDIATE`, which takes the database's write lock at the start — a deferred transaction
  that reads and then writes fails with "database is locked" when another process wrote in between,
  busy timeout or not.
- PostgreSQL: a transaction-level advisory lock, taken first in every write transaction. A
  login's write takes it shared (`write(row_locks=True)`) and locks the one row it reads and then
  writes, the user's, with `SELECT … FOR UPDATE`: logins of different users no longer queue behind
  each other's commit (and its flush to disk), yet every other write still runs alone, excluding
  them and excluded by them. At 16 concurrent logins on 2 workers, 11 of them on average were
  waiting for the exclusive lock (bench/bench_tenant.py --teams, pg_stat_activity).

Reads on PostgreSQL run in autocommit: at READ COMMITTED, PostgreSQL's default, each statement
sees its own snapshot inside a transaction too, so a read sees what it saw before, without the
BEGIN it did not need and the ROLLBACK that ended it (a round trip per request). A pooled connection
is pinged before use only when it sat idle for more than `PING_IDLE_S` (`_ping_when_idle`).

`write(ephemeral=True)` is for the short-lived shared state (pending logins, codes, rate-limit
buckets, build claims): each of its statements is atomic on its own (an upsert, DELETE … RETURNING,
UPDATE … RETURNING, FOR UPDATE SKIP LOCKED), so on PostgreSQL it skips the writers' order, and
commits without waiting for the disk (a crash loses at most the last moments of such state).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import connection_budget, migrate


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4()}"


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / 'tenant.sqlite'}"


# Any constant: the key of the advisory lock that orders write transactions on PostgreSQL.
WRITERS_LOCK = 0x5EED_7E4A


_WRITERS_ORDER = sa.text("SELECT pg_advisory_xact_lock(:key)")
# The same lock taken shared (`write(row_locks=True)`): compatible with itself, not with the above.
_WRITERS_ORDER_SHARED = sa.text("SELECT pg_advisory_xact_lock_shared(:key)")


def take_writers_order_shared(conn: Connection) -> None:
    """`write(row_locks=True)`'s first statement, for a caller of `order_in_first_statement` whose
    own first statement turned out not to take it (taking it twice is harmless: it counts)."""
    conn.execute(_WRITERS_ORDER_SHARED, {"key": WRITERS_LOCK})


def writers_order_shared_cte() -> sa.CTE:
    """The writers' order taken shared, as a CTE for `order_in_first_statement`: a statement that
    refers to it (`EXISTS (SELECT FROM writers_order)`) takes the lock before it locks or writes a
    row (PostgreSQL evaluates such an uncorrelated EXISTS once, as a one-time filter, before the
    scan; a CTE that calls a volatile function is never inlined)."""
    return sa.select(sa.func.pg_advisory_xact_lock_shared(sa.literal(WRITERS_LOCK)).label("taken")) \
        .cte("writers_order")


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 (SQLAlchemy event signature)
    # The driver's own transaction handling would BEGIN (deferred) by itself; SQLAlchemy's
    # documented recipe: turn it off and emit BEGIN from the "begin" event (_sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # WAL: readers never wait for the writer; NORMAL is durable against a killed process.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


# PostgreSQL stores no NUL (U+0000) in text and refuses any statement that binds one; SQLite stores
# it. A lookup by such a value must still find nothing, as on SQLite, not fail: in SELECT and
# DELETE parameters NUL becomes U+FFFF, a noncharacter no identifier, name or email holds. A write
# of one still fails, and errors.py answers it with a 400 naming why.
_NUL, _NONCHARACTER = "\x00", "\uffff"


def _without_nul(value: object) -> object:
    return value.replace(_NUL, _NONCHARACTER) if isinstance(value, str) and _NUL in value else value


def _pg_lookups_without_nul(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
    if not statement.lstrip()[:6].upper() in ("SELECT", "DELETE") or not parameters:
        return statement, parameters
    if isinstance(parameters, dict):
        return statement, {k: _without_nul(v) for k, v in parameters.items()}
    if isinstance(parameters, (list, tuple)) and not executemany:
        return statement, type(parameters)(_without_nul(v) for v in parameters)
    return statement, parameters


# libpq waits for a server that does not answer (a host gone from the network, a firewall that
# drops) as long as TCP retries, minutes, while the request that asked holds its thread. Bounded,
# the request is a 503 (tenant/errors.py) and `tenant serve` a one-line refusal; a URL's own
# ?connect_timeout= wins.
CONNECT_TIMEOUT_S = 10


def connect_args(url: str) -> dict[str, object]:
    """The driver's connection arguments for a PostgreSQL URL (none for SQLite's)."""
    if url.startswith("sqlite") or "connect_timeout" in sa.engine.make_url(url).query:
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT_S}


# A pooled connection used this recently is known to be alive; one idle longer is pinged first, so a
# server restart (or an idle timeout that closed it) costs a reconnect, not a failed request.
# `pool_pre_ping` pinged at every checkout: a round trip for each of a login's four transactions.
PING_IDLE_S = 1.0


def _note_checkin(_dbapi_conn, record) -> None:  # noqa: ANN001 (SQLAlchemy event signature)
    record.info["checked_in"] = time.monotonic()


def _ping_when_idle(dbapi_conn, record, _proxy) -> None:  # noqa: ANN001 (SQLAlchemy event signature)
    if time.monotonic() - record.info.get("checked_in", float("-inf")) <= PING_IDLE_S:
        return
    try:
        # The dialect's own ping (what pool_pre_ping runs), outside any transaction.
        alive = _ping(dbapi_conn)
    except Exception:  # noqa: BLE001 - whatever the driver raises, this connection is gone
        alive = False
    if not alive:
        # SQLAlchemy's documented answer: the pool drops this connection and checks out another.
        raise sa.exc.DisconnectionError("the pooled connection did not answer a ping")


def _ping(dbapi_conn) -> bool:  # noqa: ANN001
    before = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    try:
        dbapi_conn.execute(";")
    finally:
        dbapi_conn.autocommit = before
    return True


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")


def _pool_sizes(url: str, processes: int) -> connection_budget.PoolSizes:
    """This process's share of the server's connections, read once over a connection of its own."""
    probe = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args=connect_args(url))
    try:
        with probe.connect() as conn:
            limits = connection_budget.read_limits(conn)
    finally:
        probe.dispose()
    return connection_budget.pool_sizes(limits, processes)


class Database:
    def __init__(self, url: str, *, upgrade: bool = True, processes: int = 1) -> None:
        """`upgrade`: bring the store's schema to this version's (migrate.py) before anything else.
        `processes`: how many tenant processes share this database (`--workers`); on PostgreSQL
        this one's pools take its share of the server's connections (connection_budget.py), and
        too small a share raises `ConnectionBudgetTooSmall`."""
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.pools: Optional[connection_budget.PoolSizes] = None   # PostgreSQL's, below
        if self.is_sqlite:
            self.engine: Engine = sa.create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 10},
                pool_size=16, max_overflow=48,
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            sa.event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.pools = _pool_sizes(url, processes)
            # max_overflow=0: a pool keeps what it opened (connection_budget.py's docstring).
            # LIFO: the connection returned last is taken next, so a quiet moment runs on the few
            # backends that are warm and the rest of a burst's wait idle (pinged when next used).
            self.engine = sa.create_engine(url, pool_size=self.pools.store, max_overflow=0, pool_use_lifo=True,
                                           connect_args=connect_args(url))
            # The short-lived state's own pool: its sessions commit without waiting for the disk
            # (synchronous_commit=off from the connection's start, so no extra round trip per
            # transaction), which a login pays for at each rate-limit take.
            self._ephemeral: Engine = sa.create_engine(
                url, pool_size=self.pools.ephemeral, max_overflow=0, pool_use_lifo=True,
                connect_args={**connect_args(url), "options": "-c synchronous_commit=off"})
            for engine in (self.engine, self._ephemeral):
                sa.event.listen(engine, "before_cursor_execute", _pg_lookups_without_nul, retval=True)
                sa.event.listen(engine.pool, "checkin", _note_checkin)
                sa.event.listen(engine.pool, "checkout", _ping_when_idle)
        self._write_lock = threading.Lock() if self.is_sqlite else None
        if upgrade:
            try:
                migrate.upgrade(self.engine)
            except BaseException:
                self.close()
                raise

    @contextmanager
    def write(self, *, ephemeral: bool = False, row_locks: bool = False,
              order_in_first_statement: bool = False) -> Iterator[Connection]:
        """One transaction that may write; committed on success, rolled back on any exception.
        `ephemeral`: only atomic statements on short-lived shared state (the module's docstring).
        `row_locks`: every row this transaction reads and then writes, it reads `FOR UPDATE`, and
        the rest it writes are atomic statements (inserts of new rows, deletes): on PostgreSQL it
        takes the writers' order shared, so such transactions (a login's write) run side by side
        with each other while every other write transaction still runs alone; on SQLite, where
        one writer at a time is the rule, the same as `write()`.
        `order_in_first_statement` (with `row_locks`): the caller's first statement takes the
        writers' order shared itself (`writers_order_shared_cte`), a round trip fewer; ignored on
        SQLite."""
        if self._write_lock is None:
            with (self._ephemeral if ephemeral else self.engine).connect() as conn, conn.begin():
                if not ephemeral and not (row_locks and order_in_first_statement):
                    conn.execute(_WRITERS_ORDER_SHARED if row_locks else _WRITERS_ORDER, {"key": WRITERS_LOCK})
                yield conn
            return
        with self._write_lock, self.engine.connect() as conn:
            conn.execution_options(writer=True)
            with conn.begin():
                yield conn

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """For ONE statement on the short-lived shared state that is atomic by itself (an upsert
        … RETURNING): on PostgreSQL it runs in autocommit on the ephemeral pool, so the statement
        is its own transaction and no BEGIN/COMMIT round trip surrounds it (a rate-limit take,
        which every request pays); on SQLite, `write(ephemeral=True)`."""
        if self._write_lock is not None:
            with self.write(ephemeral=True) as conn:
                yield conn
            return
        with self._ephemeral.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn.execution_options(isolation_level="AUTOCOMMIT")  # the module's docstring
            yield conn

    def close(self) -> None:
        self.engine.dispose()
        if not self.is_sqlite:
            self._ephemeral.dispose()

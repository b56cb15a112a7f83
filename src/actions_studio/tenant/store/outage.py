"""Whether a database error means "the store cannot serve right now" rather than "this statement is wrong".

A team's tenant outlives its PostgreSQL server's restarts, failovers and full disks; a laptop's
SQLite file can be held by another program's write lock past the busy timeout. Those are outages:
the request did nothing, trying again shortly will do, and the client is owed a 503 that says so
(tenant/errors.py), not a 500 and a dropped keep-alive connection. Everything else a driver raises
(a constraint, a bad statement, a missing table) stays a fault of the tenant: a logged 500.

Once the server is back, nothing needs restarting: SQLAlchemy invalidates the pool on the first
disconnect it sees, and a connection idle for more than a second is pinged before use (db.py).
"""

from __future__ import annotations

import sqlite3
from typing import Optional

from sqlalchemy import exc as sa_exc

# sqlite3.OperationalError covers outages and faults alike (a syntax error, a missing table); only
# these messages are the file being unavailable: held by another writer, unreadable, full, read-only.
_SQLITE_OUTAGES = ("database is locked", "database table is locked", "disk i/o error",
                   "database or disk is full", "unable to open database file",
                   "attempt to write a readonly database")


def outage_reason(exc: BaseException) -> Optional[str]:
    """The driver's one-line reason when ``exc`` says the database is unavailable, else None.
    The reason is for the log: it may name hosts, sockets and paths that a response must not."""
    if isinstance(exc, sa_exc.TimeoutError):  # every pooled connection busy past the pool's timeout
        return str(exc).splitlines()[0]
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    orig = exc.orig
    reason = (str(orig) if orig is not None else str(exc)).strip().splitlines()
    first = f"{type(orig).__name__}: {reason[0] if reason else ''}".rstrip(": ")
    if exc.connection_invalidated:  # SQLAlchemy's own verdict: the connection is gone
        return first
    if isinstance(orig, sqlite3.OperationalError):
        return first if str(orig).lower().startswith(_SQLITE_OUTAGES) else None
    # psycopg's OperationalError is PostgreSQL's class 08 (connection), 53 (resources: disk full,
    # too many connections), 57 (shutdown, cannot connect now, statement cancelled) and 55 (lock
    # not available): the server, not the statement.
    if type(orig).__module__.startswith("psycopg") and _is_psycopg_operational(orig):
        return first
    return None


def _is_psycopg_operational(orig: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - a psycopg error without psycopg importable
        return False
    return isinstance(orig, (psycopg.OperationalError, psycopg.InterfaceError))

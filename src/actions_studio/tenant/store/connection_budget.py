"""How many PostgreSQL connections one tenant process may hold: its share of what the server allows.

Each server process of `tenant serve --workers N` has two pools (db.py): the store's and the
short-lived state's. At their full size they hold 64 connections, and PostgreSQL's default
`max_connections` is 100: two workers under a burst would ask for 128, and the ones past the
server's limit fail at connect ("sorry, too many clients already") in the middle of a login.
So each process sizes its pools to its share of the limit — the server's `max_connections` less
its reserved slots and `HEADROOM` for everyone else (psql, backups, migrations, the supervisor),
and the role's and database's own `CONNECTION LIMIT` when set — divided by the number of
processes. A request that finds its pool full waits for a connection (SQLAlchemy's pool timeout)
instead of failing. A share too small to serve is refused at start, saying what to change.

A pool keeps every connection it opened, up to its size (no overflow). With SQLAlchemy's
overflow, a connection returned while more than `pool_size` were out was closed, and the next
burst opened it again: a new PostgreSQL backend, its catalog caches and prepared statements
warmed for a few statements, then thrown away. The short-lived state's pool kept 4, and 16
concurrent logins' rate-limit takes opened 25 connections in a 5-s phase, 0.7–0.85 ms of the
server's CPU per login (measured). The share is this process's either way; keeping what it
opened costs the server an idle backend per connection, never more than the share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# Connections left to clients other than the tenant's processes.
HEADROOM = 10
# Fewer than this per process and a few concurrent logins would queue on the pool: refused.
MIN_PER_PROCESS = 6

_LIMITS = sa.text(
    "SELECT current_setting('max_connections')::int,"
    " current_setting('superuser_reserved_connections')::int,"
    " COALESCE(current_setting('reserved_connections', true), '0')::int,"  # PostgreSQL 16 and later
    " (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user),"
    " (SELECT datconnlimit FROM pg_database WHERE datname = current_database())")


class ConnectionBudgetTooSmall(RuntimeError):
    """The server allows too few connections for this many tenant processes."""


@dataclass(frozen=True)
class PoolSizes:
    """How many connections the store's pool and the short-lived state's pool may hold (each
    `pool_size`, with no overflow: the module's docstring)."""

    store: int = 48
    ephemeral: int = 16

    @property
    def total(self) -> int:
        return self.store + self.ephemeral


FULL = PoolSizes()


@dataclass(frozen=True)
class ServerLimits:
    max_connections: int
    reserved: int                    # superuser_reserved_connections + reserved_connections
    role_limit: Optional[int]        # None: no CONNECTION LIMIT on the role
    database_limit: Optional[int]    # None: none on the database

    def available(self) -> int:
        """Connections the tenant's processes may share."""
        limits = [self.max_connections - self.reserved - HEADROOM]
        limits += [limit for limit in (self.role_limit, self.database_limit) if limit is not None]
        return max(0, min(limits))

    def remedy(self, needed: int) -> str:
        """What to raise so that `needed` connections are available: each limit that is short."""
        fixes = []
        if self.max_connections - self.reserved - HEADROOM < needed:
            fixes.append(f"raise max_connections (postgresql.conf; it needs a restart) to at least "
                         f"{self.reserved + HEADROOM + needed}")
        for owner, statement, limit in (("the role's", "ALTER ROLE", self.role_limit),
                                        ("the database's", "ALTER DATABASE", self.database_limit)):
            if limit is not None and limit < needed:
                fixes.append(f"raise {owner} CONNECTION LIMIT ({statement} … CONNECTION LIMIT) to at least {needed}")
        text = "; ".join(fixes) or "raise the limits above"
        return text[0].upper() + text[1:]

    def describe(self) -> str:
        parts = [f"max_connections = {self.max_connections} ({self.reserved} reserved, {HEADROOM} left "
                 "for other clients)"]
        if self.role_limit is not None:
            parts.append(f"the role's CONNECTION LIMIT {self.role_limit}")
        if self.database_limit is not None:
            parts.append(f"the database's CONNECTION LIMIT {self.database_limit}")
        return ", ".join(parts)


def read_limits(conn: Connection) -> ServerLimits:
    max_connections, superuser, reserved, role_limit, database_limit = conn.execute(_LIMITS).one()
    # -1 is PostgreSQL's "no limit"; a role or database that cannot be seen counts as none.
    return ServerLimits(int(max_connections), int(superuser) + int(reserved),
                        role_limit if role_limit is not None and role_limit >= 0 else None,
                        database_limit if database_limit is not None and database_limit >= 0 else None)


def pool_sizes(limits: ServerLimits, processes: int) -> PoolSizes:
    """This process's pools: the full sizes when its share allows them, else its share, a quarter
    (at least 2) for the short-lived state, which a login touches in one short statement at a time."""
    processes = max(1, processes)
    share = limits.available() // processes
    if share >= FULL.total:
        return FULL
    if share < MIN_PER_PROCESS:
        workers = f"{processes} tenant processes" if processes > 1 else "the tenant"
        raise ConnectionBudgetTooSmall(
            f"PostgreSQL allows too few connections for {workers}: {limits.describe()} leaves "
            f"{limits.available()}, {share} per process, and each needs at least {MIN_PER_PROCESS}. "
            f"{limits.remedy(MIN_PER_PROCESS * processes)}, or run fewer --workers")
    ephemeral = max(2, share // 4)
    return PoolSizes(store=share - ephemeral, ephemeral=ephemeral)

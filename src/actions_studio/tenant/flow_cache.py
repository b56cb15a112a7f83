"""The flows, applications and connections a server process has loaded, kept while the store's
flow generation says they are current.

A login reads the bound flow of its trigger: the bindings, their actions and deployed versions —
three statements, about a millisecond each on PostgreSQL (issue 18). They change only when someone
deploys, binds, edits or deletes an action, so each process keeps what it loaded, keyed by the
store's `flow_generation` number. Database triggers bump that number on every write to `action`,
`action_version` or `binding` (migration 0004), whichever process, API or tool writes, so a login
pays one small read to learn that its copy is still right — and a deploy or bind made through
another worker is seen by the very next login of every worker.

Since migration 0005 the same number is bumped by every write to `client` and `connection`: a
login's application (its secret, grant types, callbacks) and its database connection are kept the
same way (`Kept.client`, `Kept.connection`), so a password login reads the generation once and
then only what must be live — the attack-protection counts and the user (issue 18: two statements
fewer per login, of fifteen). What is not found is never kept: an unknown client id costs its read
each time, and nobody fills the memory with made-up ones.

The generation is read before the rows, in the same connection: the rows are then at least as
new as the number they are filed under, so a copy is never kept under a number newer than itself
(a write between the two reads only makes the next login reload once more).
"""

from __future__ import annotations

import copy
import threading
from types import MappingProxyType
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from actions_studio.execution import RunSource

from .deployed import load_flow
from .store import schema
from .store.directory import get_client, get_connection

_GENERATION = sa.select(schema.flow_generation.c.generation).where(schema.flow_generation.c.id == 1)

Loader = Callable[[Connection, str], list[RunSource]]


def generation(conn: Connection) -> Optional[int]:
    """The store's flow generation (None: a store without the row, where nothing may be kept)."""
    return conn.execute(_GENERATION).scalar()


# Applications and connections a process keeps at most (a tenant has a handful; past this, the
# kept ones are dropped and read again).
MAX_KEPT_ROWS = 1024


class FlowCache:
    """Per process, safe across threads: trigger id → (generation, the flow's sources), and
    (table, key) → (generation, row) for applications and connections."""

    def __init__(self, loader: Optional[Loader] = None) -> None:
        """`loader`: reads one trigger's flow from the store (default: `deployed.load_flow`)."""
        self._load = loader or load_flow
        self._lock = threading.Lock()
        self._flows: dict[str, tuple[int, tuple[RunSource, ...]]] = {}
        self._rows: dict[tuple[str, str], tuple[int, MappingProxyType[str, Any]]] = {}
        self.loads = 0        # how often a flow's rows were read (what the tests look at)
        self.row_loads = 0    # how often an application's or a connection's row was read

    def at(self, conn: Connection) -> "Kept":
        """What this process keeps, as of the generation read now (one statement)."""
        return Kept(self, conn, generation(conn))

    def flow(self, conn: Connection, trigger_id: str) -> list[RunSource]:
        return self.at(conn).flow(trigger_id)

    def clear(self) -> None:
        with self._lock:
            self._flows.clear()
            self._rows.clear()

    def _flow(self, conn: Connection, current: Optional[int], trigger_id: str) -> list[RunSource]:
        if current is not None:
            with self._lock:
                kept = self._flows.get(trigger_id)
            if kept is not None and kept[0] == current:
                return list(kept[1])
        sources = tuple(_frozen(s) for s in self._load(conn, trigger_id))
        with self._lock:
            self.loads += 1
            # Two threads loading at once may file an older copy last: the next login then finds
            # the number changed and loads once more, never serves the older copy as current.
            if current is not None:
                self._flows[trigger_id] = (current, sources)
        return list(sources)

    def _row(self, conn: Connection, current: Optional[int], table: str, key: str,
             read: Callable[[Connection, str], Optional[dict[str, Any]]]) -> Optional[dict[str, Any]]:
        if current is not None:
            with self._lock:
                kept = self._rows.get((table, key))
            if kept is not None and kept[0] == current:
                # A copy of its own, nested lists and metadata too (~8 µs): a caller that changed
                # its row in place would otherwise change every later login's.
                return copy.deepcopy(dict(kept[1]))
        row = read(conn, key)
        with self._lock:
            self.row_loads += 1
            if current is not None and row is not None:
                if len(self._rows) >= MAX_KEPT_ROWS:
                    self._rows.clear()
                self._rows[(table, key)] = (current, MappingProxyType(copy.deepcopy(row)))
        return row


class Kept:
    """One read's view of a `FlowCache`: everything it returns is current as of one generation,
    read once (`FlowCache.at`), in the read's own connection."""

    def __init__(self, cache: FlowCache, conn: Connection, current: Optional[int]) -> None:
        self._cache, self._conn, self.generation = cache, conn, current

    def flow(self, trigger_id: str) -> list[RunSource]:
        return self._cache._flow(self._conn, self.generation, trigger_id)

    def client(self, client_id: str) -> Optional[dict[str, Any]]:
        """`store.directory.get_client`, kept."""
        return self._cache._row(self._conn, self.generation, "client", client_id, get_client)

    def connection(self, name: str) -> Optional[dict[str, Any]]:
        """`store.directory.get_connection`, kept."""
        return self._cache._row(self._conn, self.generation, "connection", name, get_connection)


def _frozen(source: RunSource) -> RunSource:
    # Shared by every login of this process: nobody may change a kept source's secrets in place.
    if isinstance(source.secrets, MappingProxyType):
        return source
    return RunSource(name=source.name, code=source.code, version=source.version,
                     secrets=MappingProxyType(dict(source.secrets)), dependencies=source.dependencies,
                     runtime=source.runtime)

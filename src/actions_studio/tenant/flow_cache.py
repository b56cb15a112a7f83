"""The flows a server process has loaded, kept while the store's flow generation says they are current.

A login reads the bound flow of its trigger: the bindings, their actions and deployed versions —
three statements, about a millisecond each on PostgreSQL (issue 18). They change only when someone
deploys, binds, edits or deletes an action, so each process keeps what it loaded, keyed by the
store's `flow_generation` number. Database triggers bump that number on every write to `action`,
`action_version` or `binding` (migration 0004), whichever process, API or tool writes, so a login
pays one small read to learn that its copy is still right — and a deploy or bind made through
another worker is seen by the very next login of every worker.

The generation is read before the rows, in the same connection: the rows are then at least as
new as the number they are filed under, so a copy is never kept under a number newer than itself
(a write between the two reads only makes the next login reload once more).
"""

from __future__ import annotations

import threading
from types import MappingProxyType
from typing import Callable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from actions_studio.execution import RunSource

from .store import schema

_GENERATION = sa.select(schema.flow_generation.c.generation).where(schema.flow_generation.c.id == 1)

Loader = Callable[[Connection, str], list[RunSource]]


def generation(conn: Connection) -> Optional[int]:
    """The store's flow generation (None: a store without the row, where nothing may be kept)."""
    return conn.execute(_GENERATION).scalar()


class FlowCache:
    """Per process, safe across threads: trigger id → (generation, the flow's sources)."""

    def __init__(self, loader: Optional[Loader] = None) -> None:
        """`loader`: reads one trigger's flow from the store (default: `flows.load_flow`)."""
        self._load = loader or _load_flow
        self._lock = threading.Lock()
        self._flows: dict[str, tuple[int, tuple[RunSource, ...]]] = {}
        self.loads = 0   # how often the rows were read (what the tests look at)

    def flow(self, conn: Connection, trigger_id: str) -> list[RunSource]:
        current = generation(conn)
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

    def clear(self) -> None:
        with self._lock:
            self._flows.clear()


def _load_flow(conn: Connection, trigger_id: str) -> list[RunSource]:
    from .flows import load_flow  # flows.py runs flows through this cache: imported when used

    return load_flow(conn, trigger_id)


def _frozen(source: RunSource) -> RunSource:
    # Shared by every login of this process: nobody may change a kept source's secrets in place.
    if isinstance(source.secrets, MappingProxyType):
        return source
    return RunSource(name=source.name, code=source.code, version=source.version,
                     secrets=MappingProxyType(dict(source.secrets)), dependencies=source.dependencies,
                     runtime=source.runtime)

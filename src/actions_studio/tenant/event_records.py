"""Recording each execution's input event, so the studio can replay it (issue 19 part 2).

`run_flow` attaches the event to the execution record it returns (`attach`); `store_execution`
writes the record and, through `store`, the event beside it in the same transaction. What is
written:

- never a secret: the event's `secrets` are dropped (the runtime fills them in from the action's
  own), and every secret value of the flow's actions is redacted wherever else it appears (a user
  who pasted an API key into their metadata);
- nothing when the tenant's `record_events` is off (events hold personal data);
- for `event_retention_days` (default 10, like Auth0's logs): older events are deleted at most
  once a minute per server process, by the write that finds them due, so a login pays for the
  delete rarely and a quiet tenant still forgets on its next login.

`GET /api/v2/actions/executions/{id}/event` (management/executions.py) reads one back.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from actions_studio.runtime.redaction import Redactor, merge_secrets

from .config import TenantConfig
from .store import now_iso, schema
from .store.upsert import insert_new

# The key under which `run_flow` hands the event to `store_execution`; popped before the
# execution record is written, so it is never part of the execution the API returns.
_EVENT_KEY = "__recorded_event__"
PURGE_EVERY_S = 60.0
_last_purge: dict[int, float] = {}  # per store engine: monotonic time of the last purge


def attach(execution: Optional[dict[str, Any]], payload: dict[str, Any], actions: Any,
           config: TenantConfig) -> None:
    """Puts the event, secrets removed and redacted, on the record `run_flow` returns (nothing
    when the tenant records no events)."""
    if execution is None or not config.record_events:
        return
    event = {k: v for k, v in payload.items() if k != "secrets"}
    redactor = Redactor(merge_secrets((a.name, a.secrets) for a in actions))
    execution[_EVENT_KEY] = {"event": redactor.json(event), "retention_days": config.event_retention_days}


def store(conn: Connection, execution: dict[str, Any]) -> None:
    """Writes the event `attach` put on `execution` (popping it: the execution record itself
    never holds it). A resumed execution keeps the event it started with."""
    attached = take(execution)
    if attached is None:
        return
    conn.execute(insert_new(conn, schema.execution_event), event_row(execution, attached))
    purge_when_due(conn, attached["retention_days"])


def take(execution: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Pops what `attach` put on `execution` (None: nothing to record)."""
    return execution.pop(_EVENT_KEY, None)


def event_row(execution: dict[str, Any], attached: dict[str, Any]) -> dict[str, Any]:
    """The `execution_event` row of what `take` returned."""
    return {"execution_id": execution["id"], "trigger_id": execution["trigger_id"],
            "event": attached["event"], "recorded_at": now_iso()}


def _cutoff(days: float) -> str:
    moment = datetime.now(timezone.utc) - timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def purge(conn: Connection, retention_days: float) -> int:
    """Deletes the events recorded more than `retention_days` ago; returns how many."""
    result = conn.execute(sa.delete(schema.execution_event)
                          .where(schema.execution_event.c.recorded_at < _cutoff(retention_days)))
    return result.rowcount or 0


def purge_when_due(conn: Connection, retention_days: float) -> None:
    """`purge`, at most once every PURGE_EVERY_S per store engine."""
    key, now = id(conn.engine), time.monotonic()
    if now - _last_purge.get(key, float("-inf")) < PURGE_EVERY_S:
        return
    _last_purge[key] = now
    purge(conn, retention_days)


def read(conn: Connection, execution_id: str, retention_days: float) -> Optional[dict[str, Any]]:
    """The recorded event of an execution, or None (never recorded, or past retention)."""
    row = conn.execute(sa.select(schema.execution_event)
                       .where(schema.execution_event.c.execution_id == execution_id)).first()
    if row is None or row.recorded_at < _cutoff(retention_days):
        return None
    return {"execution_id": row.execution_id, "trigger_id": row.trigger_id,
            "recorded_at": row.recorded_at, "event": row.event}

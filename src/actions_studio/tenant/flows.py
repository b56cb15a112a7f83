"""Runs the flow bound to a trigger in the sandbox and turns the result into an execution record.

Called from worker threads only (FastAPI runs plain `def` endpoints in its thread pool): the
sandbox call blocks for the flow's duration and must never run on the event loop. The execution
record is returned, not written, so the caller stores it in the same transaction as the login's
own writes (one write per login).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from actions_studio.execution import RunSource, execute
from actions_studio.runtime import (ActionSource, Continuation, EventTooLargeError, ExecutionResult,
                                    SandboxError)
from actions_studio.triggers import EventValidationError

from . import event_records
from .build import sys_path_for
from .context import TenantContext
from .store import new_id, schema
from .store.upsert import insert_new
from .store import actions as q


# The statuses of a flow that did not finish: a login, signup or exchange must fail on each, never
# go on as if it succeeded. "stopped" (the sandbox's run was stopped, e.g. as the server shuts
# down) belongs here as much as a timeout (issue 12 item 5).
FAILED_STATUSES = frozenset({"error", "timeout", "stopped"})


@dataclass
class FlowRun:
    result: Optional[ExecutionResult]      # None: nothing bound, or the sandbox failed
    execution: Optional[dict[str, Any]]    # the row to store; None when nothing is bound
    platform_error: Optional[str] = None

    @property
    def status(self) -> str:
        if self.platform_error:
            return "error"
        return self.result.status if self.result is not None else "success"

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES

    @property
    def outcome(self) -> dict[str, Any]:
        return self.result.outcome if self.result is not None else {}

    @property
    def execution_ids(self) -> list[str]:
        return [self.execution["id"]] if self.execution else []


def _environment(source: RunSource) -> tuple[str, ...]:
    # A deployed version's environment was built before it could deploy: looked up, never built.
    declared = [dict(zip(("name", "version"), pin.split("==", 1))) for pin in source.dependencies]
    return sys_path_for(declared, source.runtime)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def execution_record(trigger_id: str, result: ExecutionResult, started: datetime,
                     execution_id: Optional[str] = None) -> dict[str, Any]:
    """Auth0's execution fields, plus per action: status, version, duration, full console, calls."""
    results, cursor = [], started
    for action in result.actions:
        ended = cursor + timedelta(milliseconds=action.duration_ms)
        error = None
        if action.error is not None:
            error = {"id": action.error.type, "msg": action.error.message, "url": "",
                     "traceback": action.error.traceback, "line": action.error.line}
        results.append({
            "action_name": action.name, "error": error,
            "started_at": _iso(cursor), "ended_at": _iso(ended),
            "status": action.status, "version": action.version, "duration_ms": action.duration_ms,
            "logs": action.logs, "calls": action.calls, "warnings": action.warnings,
        })
        cursor = ended
    stamp = _iso(datetime.now(timezone.utc))
    return {"id": execution_id or new_id(), "trigger_id": trigger_id,
            "status": "suspended" if result.status == "suspended" else "final",
            "flow_status": result.status, "results": results,
            "outcome": result.outcome, "stats": result.stats.model_dump(mode="json"),
            "created_at": _iso(started), "updated_at": stamp}


def _platform_failure(trigger_id: str, actions: Sequence[RunSource | ActionSource], message: str,
                      started: datetime) -> dict[str, Any]:
    stamp = _iso(started)
    return {"id": new_id(), "trigger_id": trigger_id, "status": "final", "flow_status": "error",
            "results": [{"action_name": a.name, "error": {"id": "SandboxError", "msg": message, "url": ""},
                         "error_class": "platform_error", "started_at": stamp, "ended_at": stamp,
                         "status": "error", "version": a.version, "duration_ms": 0.0, "logs": "",
                         "calls": [], "warnings": []} for a in actions[:1]],
            "outcome": {}, "stats": {}, "created_at": stamp, "updated_at": stamp}


def has_flow(conn: Connection, trigger_id: str) -> bool:
    return bool(q.bindings_of(conn, trigger_id))


def run_flow(ctx: TenantContext, trigger_id: str, payload: dict[str, Any],
             execution_id: Optional[str] = None, *, actions: Optional[list[RunSource]] = None) -> FlowRun:
    """`actions`: the flow as the caller already read it (`ctx.flows.flow`, in a read it had open
    anyway); otherwise read here."""
    if actions is None:
        with ctx.db.read() as conn:
            actions = ctx.flows.flow(conn, trigger_id)
    return run_actions(ctx, trigger_id, actions, payload, execution_id)


def run_actions(ctx: TenantContext, trigger_id: str, actions: list[RunSource], payload: dict[str, Any],
                execution_id: Optional[str] = None) -> FlowRun:
    if not actions:
        return FlowRun(None, None)
    started = datetime.now(timezone.utc)
    try:
        result = execute(trigger_id, actions, payload, sandbox=lambda: ctx.sandbox,
                         environments=_environment)
    except (SandboxError, EventTooLargeError) as exc:
        return FlowRun(None, _platform_failure(trigger_id, actions, str(exc), started), str(exc))
    except EventValidationError as exc:
        # The tenant built this event from stored data (e.g. metadata an earlier flow wrote);
        # the login fails as a platform error instead of a 500.
        message = "; ".join(f"{e.path}: {e.message}" for e in exc.errors[:3])
        return FlowRun(None, _platform_failure(trigger_id, actions, f"invalid event: {message}", started),
                       message)
    record = execution_record(trigger_id, result, started, execution_id)
    event_records.attach(record, payload, actions, ctx.config)
    return FlowRun(result, record)


def resume_flow(ctx: TenantContext, continuation: Continuation, query: dict[str, Any],
                execution_id: str) -> FlowRun:
    started = datetime.now(timezone.utc)
    try:
        result = ctx.sandbox.resume(continuation, query)
    except SandboxError as exc:
        return FlowRun(None, _platform_failure(continuation.trigger_id, list(continuation.actions),
                                               str(exc), started), str(exc))
    return FlowRun(result, execution_record(continuation.trigger_id, result, started, execution_id))


def store_execution(conn: Connection, execution: Optional[dict[str, Any]]) -> None:
    if execution is None:
        return
    event_records.store(conn, execution)  # pops the recorded event off the record first
    # A new execution (nearly every one) is one statement; only a resumed flow, whose execution
    # exists already, finds the id taken and completes the execution it suspended.
    inserted = conn.execute(insert_new(conn, schema.execution), execution_row(execution)).rowcount
    if not inserted:
        complete_resumed(conn, execution)


def execution_row(execution: dict[str, Any]) -> dict[str, Any]:
    """The `execution` row of an execution record (its recorded event already taken off)."""
    return {"id": execution["id"], "trigger_id": execution["trigger_id"],
            "status": execution["status"], "result": execution,
            "created_at": execution["created_at"], "updated_at": execution["updated_at"]}


def complete_resumed(conn: Connection, execution: dict[str, Any]) -> None:
    """A resumed flow's execution, whose row its suspension wrote: the results it had, then these."""
    previous = conn.execute(sa.select(schema.execution.c.result)
                            .where(schema.execution.c.id == execution["id"])
                            .with_for_update()).scalar_one()   # read, then written: `row_locks`
    done = [r for r in previous["results"] if r["status"] != "suspended"]
    execution = {**execution, "results": done + execution["results"],
                 "created_at": previous["created_at"]}
    conn.execute(sa.update(schema.execution).where(schema.execution.c.id == execution["id"])
                 .values(status=execution["status"], result=execution,
                         updated_at=execution["updated_at"]))

"""`GET /api/v2/actions/executions/{id}`: Auth0's fields plus each action's full console, calls and
duration (the studio's log view and execution replay need them; Auth0 keeps none of it here)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends

from ..context import TenantContext, get_ctx
from ..errors import ApiError, not_found
from ..security import require
from ..store import schema

router = APIRouter(prefix="/api/v2/actions", tags=["executions"])


@router.get("/executions/{id}", dependencies=[Depends(require("read:actions"))])
def get_execution(id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        row = conn.execute(sa.select(schema.execution.c.result)
                           .where(schema.execution.c.id == id)).first()
    if row is None:
        raise not_found(f"execution '{id}'")
    return row.result


@router.get("/executions/{id}/event", dependencies=[Depends(require("read:actions"))])
def get_execution_event(id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    """The input event the execution ran on (issue 19: replay in the studio), secrets never
    included. 404 when the tenant records no events, or the event is past its retention."""
    from .. import event_records

    with ctx.db.read() as conn:
        found = event_records.read(conn, id, ctx.config.event_retention_days)
    if found is None:
        why = ("this tenant records no events" if not ctx.config.record_events else
               f"events are kept {ctx.config.event_retention_days:g} days")
        raise ApiError(404, f"no recorded event for execution '{id}': {why}")
    return found

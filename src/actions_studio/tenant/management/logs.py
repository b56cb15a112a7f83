"""`GET /api/v2/logs` and `/api/v2/logs/{id}`: the tenant's log events, newest first by default."""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query

from ..context import TenantContext, get_ctx
from ..errors import not_found
from ..security import require
from ..store import schema
from .params import Page, QueryBool, paging
from .shapes import listing, with_fields

router = APIRouter(prefix="/api/v2", tags=["logs"])
L = schema.log_event


@router.get("/logs", dependencies=[Depends(require("read:logs"))])
def list_logs(page: Page = Depends(paging),
              sort: Optional[str] = Query(None, max_length=32, pattern=r"^date:-?1$",
                                          description="date:1 (oldest first) or date:-1"),
              fields: Optional[str] = Query(None, max_length=1024),
              include_fields: Optional[QueryBool] = Query(None),
              include_totals: Optional[QueryBool] = Query(None),
              search: Optional[str] = Query(None, max_length=1024),
              type: Optional[str] = Query(None, max_length=64, description="only this log type"),
              ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any] | list[dict[str, Any]]:
    order = L.c.seq.asc() if sort == "date:1" else L.c.seq.desc()
    query, count = sa.select(L.c.data), sa.select(sa.func.count()).select_from(L)
    if type:
        query, count = query.where(L.c.type == type), count.where(L.c.type == type)
    with ctx.db.read() as conn:
        total = conn.execute(count).scalar_one() if include_totals else None
        rows = conn.execute(query.order_by(order).offset(page.offset).limit(page.per_page)).all()
    logs = with_fields([r.data for r in rows], fields, include_fields)
    return listing("logs", logs, start=page.offset, limit=page.per_page, total=total,
                   include_totals=include_totals)


@router.get("/logs/{id}", dependencies=[Depends(require("read:logs"))])
def get_log(id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        row = conn.execute(sa.select(L.c.data).where(L.c.log_id == id)).first()
    if row is None:
        raise not_found(f"log event '{id}'")
    return row.data

"""`GET /health`: what a load balancer, a container's HEALTHCHECK or an orchestrator's probe asks
each worker of a team server: is this process serving, and does its database answer?

200 `{"status": "ok"}` when a query went through; the 503 of an unavailable database otherwise
(errors.py), so a probe sees an outage as the clients do. No token (a probe has none), and nothing
in the answer an attacker could use: no version, no host, no counts. It is not rate limited: a probe
every few seconds must not use up the clients' budget, and the one query it makes is trivial.
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Depends

from .context import TenantContext, get_ctx

router = APIRouter(tags=["health"])


@router.get("/health", summary="Whether this worker serves and its database answers")
def health(ctx: TenantContext = Depends(get_ctx)) -> dict[str, str]:
    with ctx.db.read() as conn:
        conn.execute(sa.text("SELECT 1"))
    return {"status": "ok"}

"""The async triggers (post-user-registration, post-change-password): run after the response is
sent (FastAPI background task, in the thread pool), logged, never able to change the transaction."""

from __future__ import annotations

import logging
from typing import Any, Optional

from .context import TenantContext
from .flows import run_flow, store_execution
from .logs import log_failed_actions, write_log

log = logging.getLogger("actions_studio.tenant")


def fire(ctx: TenantContext, trigger_id: str, payload: dict[str, Any], *, log_type: Optional[str],
         user_id: Optional[str], client_id: Optional[str] = None, description: Optional[str] = None,
         user_name: Optional[str] = None, connection: Optional[str] = None,
         execution_id: Optional[str] = None) -> None:
    """`execution_id`: allocated by the caller when its own log already names this execution."""
    try:
        run = run_flow(ctx, trigger_id, payload, execution_id)
        if run.execution is None and log_type is None:
            return
        with ctx.db.write() as conn:
            store_execution(conn, run.execution)
            if log_type:
                write_log(conn, log_type, description=description, client_id=client_id,
                          user_id=user_id, user_name=user_name, connection=connection,
                          execution_ids=run.execution_ids)
            if run.failed:
                log_failed_actions(conn, run.execution, client_id=client_id, user_id=user_id)
    except Exception:  # a background task has nobody to answer: log it, keep the server up
        log.exception("%s flow failed outside any request", trigger_id)

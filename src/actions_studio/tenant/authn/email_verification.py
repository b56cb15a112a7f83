"""The verification email after a signup, sent through the bound custom-email-provider action
(message type `verify_email`, senders.py), and its link: `GET /u/email-verification?ticket=…` marks
the address verified (log `sv`). Without a custom-email-provider action bound no email is sent (the
tenant has no other way to deliver one), as a tenant without an email provider."""

from __future__ import annotations

import html
import logging
import secrets
from typing import Any, Optional

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..context import TenantContext, get_ctx
from ..security import require
from ..flows import has_flow
from ..logs import write_log
from ..store import now_iso, schema
from ..store.directory import get_user
from .tickets import TICKET_TTL_S, TicketBody, ticket_subject
from .senders import EMAIL_TRIGGER, send_email

router = APIRouter(tags=["authentication"])
log = logging.getLogger("actions_studio.tenant")


def send_verification(ctx: TenantContext, user: dict[str, Any], client: dict[str, Any],
                      connection: Optional[dict[str, Any]], request: dict[str, Any]) -> None:
    """After the signup's response (a background task): the email, when a provider can send it."""
    try:
        _send(ctx, user, client, connection, request)
    except Exception:  # a background task has nobody to answer: log it, keep the server up
        log.exception("the verification email of %s failed outside any request", user.get("user_id"))


def _send(ctx: TenantContext, user: dict[str, Any], client: dict[str, Any],
          connection: Optional[dict[str, Any]], request: dict[str, Any]) -> None:
    with ctx.db.read() as conn:
        if not has_flow(conn, EMAIL_TRIGGER) or not user.get("email"):
            return
    link = new_ticket(ctx, user, client)
    send_email(ctx, message_type="verify_email", user=user, client=client, connection=connection, request=request,
               subject="Verify your email", text=f"Please verify your account by opening this link: {link}",
               html=f'<p>Please verify your account by clicking <a href="{html.escape(link)}">this link</a>.</p>',
               log_types=("svr", "fvr"), description="Verification email")


def new_ticket(ctx: TenantContext, user: dict[str, Any], client: dict[str, Any], ttl_s: float = TICKET_TTL_S,
               result_url: Optional[str] = None) -> str:
    ticket = secrets.token_urlsafe(32)
    ctx.pending.put(f"verify-ticket:{ticket}", {"user_id": user["user_id"], "client_id": client["client_id"],
                                                "result_url": result_url}, ttl_s)
    return f"{ctx.config.issuer}u/email-verification?ticket={ticket}#"


@router.post("/api/v2/tickets/email-verification", status_code=201, tags=["tickets"],
             dependencies=[Depends(require("create:user_tickets"))])
def email_verification_ticket(body: TicketBody, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    """Auth0's `POST /api/v2/tickets/email-verification`: the link, for a tenant that sends no email."""
    user, client = ticket_subject(ctx, body)
    return {"ticket": new_ticket(ctx, user, client, body.ttl_sec or TICKET_TTL_S, body.result_url)}


@router.get("/u/email-verification", response_class=HTMLResponse)
def verify(ticket: str = Query(..., min_length=1, max_length=128),
           ctx: TenantContext = Depends(get_ctx)) -> Response:
    held = ctx.pending.pop(f"verify-ticket:{ticket}")
    with ctx.db.write() as conn:
        user = get_user(conn, held["user_id"]) if held else None
        if user is None:
            return HTMLResponse("<!doctype html><html><body><h1>This link has expired</h1></body></html>",
                                status_code=404)
        stamp = now_iso()
        conn.execute(sa.update(schema.user).where(schema.user.c.user_id == user["user_id"])
                     .values(profile={**user["profile"], "email_verified": True}, updated_at=stamp))
        write_log(conn, "sv", description="Email verified", client_id=held["client_id"], user_id=user["user_id"],
                  user_name=user["email"], connection=user["connection"])
    if held.get("result_url"):
        return RedirectResponse(str(held["result_url"]), status_code=302)
    return HTMLResponse("<!doctype html><html><body><h1>Your email address was verified</h1>"
                        "<p>You can close this page.</p></body></html>")

"""The password reset, as Auth0's Universal Login runs it (issue 17 part 4):

1. `POST /dbconnections/change_password` (`client_id`, `email`, `connection`) sends the reset email
   (message type `reset_email`) through the bound custom-email-provider action — or
   `POST /api/v2/tickets/password-change` (scope `create:user_tickets`) returns the link.
   The answer never says whether the email belongs to a user.
2. Opening the link (`GET /u/reset-password?ticket=…`) passes the first challenge (the email):
   the password-reset-post-challenge flow runs (`event.authentication.methods` = email).
   `api.access.deny` stops the reset (403 page); `api.redirect.send_user_to` suspends the flow
   until the user comes back to `/continue?state=…`, where `on_continue_post_challenge` runs and the
   rest of the flow after it; `api.authentication.challenge_with…` asks for a second factor, which
   this tenant cannot run (no MFA): the page says which factor and the reset stops there.
3. Then the new-password form; `POST /u/reset-password` sets it (the password policy applies,
   brute-force blocks are lifted, post-change-password runs after the response, log `scp`) and
   sends the user to `api.transaction.set_result_url`'s URL, else the ticket's `result_url`, else
   a page saying it is done.

Tickets, suspended resets and form tokens live in `ctx.pending` (single use; a ticket lasts 5 days
as on Auth0, a form 15 minutes).
"""

from __future__ import annotations

import html
import secrets
from typing import Any, Optional
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import async_flows, suspended
from ..context import TenantContext, get_ctx
from ..errors import OAuthError
from ..flows import FlowRun, resume_flow, run_flow, store_execution
from ..logs import log_failed_actions, write_log
from ..passwords import PasswordPolicyError, check_policy
from ..security import require
from ..store import now_iso, schema
from ..store.directory import find_login, get_client, get_connection, get_user
from ..users import event_user
from .common import client_event, client_of, connection_event, event_request, form_or_json, read_params, string, text
from .tickets import TICKET_TTL_S, TicketBody, ticket_subject
from .senders import send_email

router = APIRouter(tags=["authentication"])
TRIGGER = "password-reset-post-challenge"
FORM_TTL_S = 900
SENT = "We've just sent you an email to reset your password."


def _with_query(url: str, query: dict[str, Any]) -> str:
    sep = "&" if urlsplit(url).query else "?"
    return f"{url}{sep}{urlencode({k: v for k, v in query.items() if v is not None})}" if query else url


def _page(status: int, title: str, body_html: str) -> HTMLResponse:
    return HTMLResponse(f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body><h1>{html.escape(title)}</h1>{body_html}</body></html>""", status_code=status)


def new_ticket(ctx: TenantContext, user: dict[str, Any], client: dict[str, Any], *,
               result_url: Optional[str] = None, ttl_s: float = TICKET_TTL_S) -> str:
    ticket = secrets.token_urlsafe(32)
    ctx.pending.put(f"reset-ticket:{ticket}", {"user_id": user["user_id"], "client_id": client["client_id"],
                                               "result_url": result_url}, ttl_s)
    return f"{ctx.config.issuer}u/reset-password?ticket={ticket}#"


# -- 1. asking for the reset --------------------------------------------------------------------

CHANGE_BODY = form_or_json({"client_id": string(128, 1), "email": string(320, 1),
                            "connection": {"type": "string", "x-tenant-enum": "database_connections"}},
                           ["client_id", "email", "connection"])


@router.post("/dbconnections/change_password", response_class=PlainTextResponse, openapi_extra=CHANGE_BODY)
async def change_password(request: Request, ctx: TenantContext = Depends(get_ctx)) -> Response:
    params = await read_params(request)
    return await run_in_threadpool(_change_password, ctx, request, params)


def _change_password(ctx: TenantContext, request: Request, params: dict[str, Any]) -> Response:
    with ctx.db.read() as conn:
        client = client_of(ctx, conn, request, params, secret_required=False)
        connection = get_connection(conn, text(params, "connection", max_len=128) or "")
        if connection is None or connection["strategy"] != "auth0":
            raise OAuthError(400, "invalid_request", "connection: not a database connection of this tenant")
        user = find_login(conn, connection["name"], text(params, "email", max_len=320) or "")
    if user is not None and user["email"]:
        link = new_ticket(ctx, user, client)
        send_email(ctx, message_type="reset_email", user=user, client=client, connection=connection,
                   request=event_request(request, params), subject="Reset your password",
                   text=f"Follow this link to reset your password: {link}",
                   html=f'<p>Follow <a href="{html.escape(link)}">this link</a> to reset your password.</p>',
                   log_types=("scpr", "fcpr"), description="Password reset email")
    # The same answer for an unknown email: the endpoint must not tell who has an account.
    return PlainTextResponse(SENT)


@router.post("/api/v2/tickets/password-change", status_code=201, tags=["tickets"],
             dependencies=[Depends(require("create:user_tickets"))])
def password_change_ticket(body: TicketBody, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    user, client = ticket_subject(ctx, body)
    return {"ticket": new_ticket(ctx, user, client, result_url=body.result_url,
                                 ttl_s=body.ttl_sec or TICKET_TTL_S)}


# -- 2. the link: the post-challenge flow -------------------------------------------------------

def _event(ctx: TenantContext, user: dict[str, Any], client: dict[str, Any], connection: dict[str, Any],
           request: dict[str, Any], challenged_at: str) -> dict[str, Any]:
    full = event_user(user)
    return {"user": full, "client": client_event(client), "connection": connection_event(connection),
            "authentication": {"methods": [{"name": "email", "timestamp": challenged_at}]},
            "authorization": {"roles": list(user["roles"])},
            "transaction": {"locale": (request.get("language") or "en").split("-")[0]},
            "stats": {"logins_count": user["logins_count"]}, "request": request, "secrets": {},
            "tenant": {"id": ctx.tenant_id}}


@router.get("/u/reset-password", response_class=HTMLResponse)
def open_ticket(request: Request, ticket: str = Query(..., min_length=1, max_length=128),
                ctx: TenantContext = Depends(get_ctx)) -> Response:
    held = ctx.pending.pop(f"reset-ticket:{ticket}")
    if held is None:
        return _page(404, "This link has expired", "<p>Ask for a new password reset email.</p>")
    with ctx.db.read() as conn:
        user = get_user(conn, held["user_id"])
        client = get_client(conn, held["client_id"])
        connection = get_connection(conn, user["connection"]) if user else None
    if user is None or client is None or connection is None:
        return _page(404, "This link has expired", "<p>The user no longer exists.</p>")
    req = event_request(request, {})
    reset = {"user_id": user["user_id"], "client_id": client["client_id"], "result_url": held["result_url"],
             "request": req}
    return _after_flow(ctx, reset, run_flow(ctx, TRIGGER, _event(ctx, user, client, connection, req, now_iso())))


def resume(ctx: TenantContext, held: dict[str, Any], query: dict[str, Any]) -> Response:
    """`/continue?state=…` of a suspended reset (authorize.py hands it over)."""
    # JSON in the shared store (issue 18): any worker process may resume it.
    run = resume_flow(ctx, suspended.thaw_continuation(held["continuation"]), query, held["execution_id"])
    return _after_flow(ctx, held["reset"], run)


def _after_flow(ctx: TenantContext, reset: dict[str, Any], run: FlowRun) -> Response:
    outcome = run.outcome
    with ctx.db.write() as conn:
        store_execution(conn, run.execution)
        if run.failed:
            log_failed_actions(conn, run.execution, client_id=reset["client_id"], user_id=reset["user_id"])
    if run.status == "suspended" and run.result is not None and run.result.continuation is not None:
        state = run.result.state or secrets.token_urlsafe(24)
        assert run.execution is not None
        ctx.pending.put(f"cont:{state}", {"reset": reset, "execution_id": run.execution["id"],
                                          "continuation": suspended.freeze_continuation(run.result.continuation)},
                        FORM_TTL_S)
        target = outcome.get("redirect") or {}
        return RedirectResponse(_with_query(str(target.get("url")), {**(target.get("query") or {}), "state": state}),
                                status_code=302)
    refusal = None
    if run.failed:
        refusal = "The password reset could not be completed (an action failed)."
    elif outcome.get("denied"):
        refusal = str(outcome["denied"].get("reason") or "The password reset was denied.")
    elif (outcome.get("authentication") or {}).get("challenges"):
        factors = [f.get("type") if isinstance(f, dict) else str(f)
                   for c in outcome["authentication"]["challenges"] for f in c.get("factors", [])]
        refusal = (f"An action asked for a second factor ({', '.join(map(str, factors)) or 'any'}) before the "
                   "password may change; this tenant does not run MFA challenges.")
    if refusal is not None:
        with ctx.db.write() as conn:
            write_log(conn, "fcp", description=f"Password reset stopped: {refusal}", client_id=reset["client_id"],
                      user_id=reset["user_id"], execution_ids=run.execution_ids)
        return _page(403, "Password reset denied", f"<p>{html.escape(refusal)}</p>")
    result = outcome.get("result_url")
    form = secrets.token_urlsafe(32)
    ctx.pending.put(f"reset-form:{form}", {**reset, "result": result, "execution_ids": run.execution_ids}, FORM_TTL_S)
    return _page(200, "Change your password", f"""<form method="post" action="/u/reset-password">
<input type="hidden" name="form" value="{form}">
<label>New password <input name="password" type="password" autocomplete="new-password"></label>
<button type="submit">Reset password</button></form>""")


# -- 3. the new password ------------------------------------------------------------------------

RESET_BODY = form_or_json({"form": string(64, 1), "password": string(1024, 1)}, ["form", "password"])


@router.post("/u/reset-password", response_class=HTMLResponse, openapi_extra=RESET_BODY)
async def set_password(request: Request, background: BackgroundTasks,
                       ctx: TenantContext = Depends(get_ctx)) -> Response:
    params = await read_params(request)
    return await run_in_threadpool(_set_password, ctx, params, background)


def _set_password(ctx: TenantContext, params: dict[str, Any], background: BackgroundTasks) -> Response:
    form = text(params, "form", max_len=64) or ""
    held = ctx.pending.get(f"reset-form:{form}")
    if held is None:
        return _page(404, "This page has expired", "<p>Ask for a new password reset email.</p>")
    try:
        password = check_policy(params.get("password"))
    except PasswordPolicyError as exc:  # the form stays usable: the user types another one
        return _page(400, "Choose another password", f"<p>{html.escape(str(exc))}</p>")
    ctx.pending.pop(f"reset-form:{form}")
    stamp = now_iso()
    new_hash = ctx.passwords.hash(password)
    U = schema.user
    with ctx.db.write() as conn:
        user = get_user(conn, held["user_id"])
        if user is None:
            return _page(404, "This page has expired", "<p>The user no longer exists.</p>")
        conn.execute(sa.update(U).where(U.c.user_id == user["user_id"])
                     .values(password_hash=new_hash, last_password_reset=stamp, updated_at=stamp))
        ctx.protection.unblock(conn, [user["email"] or "", user["username"] or ""], connection=user["connection"])
        connection = get_connection(conn, user["connection"])
        user = {**user, "password_hash": new_hash, "last_password_reset": stamp}
    assert connection is not None
    full = event_user(user)
    payload = {"user": {k: full.get(k) for k in ("user_id", "email", "email_verified", "username", "phone_number",
                                                 "phone_verified", "last_password_reset") if k in full},
               "connection": connection_event(connection),
               "request": {k: v for k, v in held["request"].items() if k != "query"},
               "transaction": {"correlation_id": secrets.token_hex(16)}, "secrets": {}, "tenant": {"id": ctx.tenant_id}}
    background.add_task(async_flows.fire, ctx, "post-change-password", payload, log_type="scp",
                        user_id=user["user_id"], client_id=held["client_id"], user_name=user["email"],
                        connection=user["connection"], description="Password changed through a reset link")
    target = held["result"] or ({"url": held["result_url"], "query": None} if held["result_url"] else None)
    if target:
        return RedirectResponse(_with_query(str(target["url"]), target.get("query") or {}), status_code=302)
    return _page(200, "Password changed", "<p>You can now log in with your new password.</p>")

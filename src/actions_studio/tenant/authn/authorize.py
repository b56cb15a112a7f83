"""The redirect login: `/authorize` → login form → post-login flow → an action's redirect →
`/continue?state=…` → authorization code → `/oauth/token` (grant_type=authorization_code).

This is the only login where `api.redirect.send_user_to` can work (TRIGGERS.md: the password grants
cannot redirect). `redirect_uri` must match one of the application's Allowed Callback URLs
(callbacks.py). Pending logins, suspended flows and codes live in `ctx.pending`, in the store, so
any server process may take the next step (issue 18; suspended.py).
"""

from __future__ import annotations

import html
import secrets
from typing import Any, Optional
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import callbacks, suspended
from ..attack_protection import Attempt
from ..context import TenantContext, get_ctx
from ..errors import OAuthError
from ..flows import FlowRun, resume_flow, store_execution
from ..logs import write_log
from ..store.directory import find_login, get_client, get_connection, get_resource_server
from .common import event_request, form_or_json, read_params, string, text
from .login import LoginTransaction, check_password, finish, log_wrong_password, run_login

router = APIRouter(tags=["authentication"])
PENDING_TTL_S = 900     # Auth0 gives a redirect 15 minutes to come back to /continue
CODE_TTL_S = 60


def _put(ctx: TenantContext, key: str, value: Any, ttl_s: float) -> None:
    ctx.pending.put(key, value, ttl_s)


def _pop(ctx: TenantContext, key: str) -> Optional[Any]:
    return ctx.pending.pop(key)


def _with_query(url: str, query: dict[str, Any]) -> str:
    sep = "&" if urlsplit(url).query else "?"
    return f"{url}{sep}{urlencode({k: v for k, v in query.items() if v is not None})}"


@router.get("/authorize", response_class=HTMLResponse)
def authorize(
    client_id: str = Query(..., max_length=128),
    # The pattern in /openapi.json: the callbacks of the applications that may use this flow.
    redirect_uri: str = Query(..., max_length=2048, json_schema_extra={"x-tenant-pattern": "redirect_uris"}),
    response_type: str = Query("code", max_length=32, json_schema_extra={"enum": ["code"]}),
    scope: str = Query("openid", max_length=2048),
    state: Optional[str] = Query(None, max_length=2048), nonce: Optional[str] = Query(None, max_length=512),
    audience: Optional[str] = Query(None, max_length=512),
    connection: str = Query("Username-Password-Authentication", max_length=128,
                            json_schema_extra={"x-tenant-enum": "connections"}),
    ctx: TenantContext = Depends(get_ctx),
) -> HTMLResponse:
    with ctx.db.read() as conn:
        client = get_client(conn, client_id)
        # Until the client and its redirect_uri are known good, nothing may redirect (RFC 6749
        # §4.1.2.1): these refusals are pages for the user.
        if client is None:
            return error_page(404, "invalid_request", f"Unknown client: {client_id}")
        if "authorization_code" not in client["grant_types"]:
            return error_page(403, "unauthorized_client", f"The client {client_id} may not use the "
                              "authorization code flow.")
        if not callbacks.matches(redirect_uri, client["callbacks"]):
            mismatch = f"{redirect_uri} is not in the list of allowed callback URLs."
            with ctx.db.write() as log_conn:
                write_log(log_conn, "f", description=f"Callback URL mismatch. {mismatch}",
                          client_id=client["client_id"], client_name=client["name"])
            return error_page(400, "invalid_request", f"Callback URL mismatch. {mismatch} Please go to the "
                              "Application Settings page and make sure you are sending a valid callback "
                              "url from your application (PATCH /api/v2/clients/{id} with callbacks).")
        if response_type != "code":
            raise OAuthError(400, "unsupported_response_type", "only response_type=code is supported")
        if get_connection(conn, connection) is None:
            raise OAuthError(400, "invalid_request", f"unknown connection: {connection}")
        if audience and get_resource_server(conn, audience) is None:  # as POST /oauth/token says it
            raise OAuthError(403, "access_denied", f"Service not found: {audience}")
    login_id = secrets.token_urlsafe(24)
    _put(ctx, f"authz:{login_id}", {"client_id": client_id, "redirect_uri": redirect_uri,
                                    "scope": scope, "state": state, "nonce": nonce,
                                    "audience": audience, "connection": connection}, PENDING_TTL_S)
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Log in</title></head>
<body><h1>Log in to {html.escape(client["name"])}</h1>
<form method="post" action="/u/login"><input type="hidden" name="login" value="{login_id}">
<label>Email <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Continue</button></form></body></html>"""
    return HTMLResponse(page)


def error_page(status: int, error: str, description: str) -> HTMLResponse:
    """Auth0's error page for a request that cannot be sent back to the application: the OAuth
    error code and what to fix (every value escaped: the request is attacker-controlled)."""
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Error</title></head>
<body><h1>Oops!, something went wrong</h1><p><code>{html.escape(error)}</code></p>
<p>{html.escape(description)}</p></body></html>"""
    return HTMLResponse(page, status_code=status)


def _redirect_result(ctx: TenantContext, tx: LoginTransaction, pending: dict[str, Any],
                     run: FlowRun) -> RedirectResponse:
    if run.status == "suspended" and run.result is not None and run.result.continuation is not None:
        store_execution_and_wait(ctx, run)
        state = run.result.state or secrets.token_urlsafe(24)
        assert run.execution is not None
        _put(ctx, f"cont:{state}", suspended.freeze(tx, pending, run.result.continuation,
                                                    run.execution["id"]), PENDING_TTL_S)
        target = run.outcome.get("redirect") or {}
        url = _with_query(str(target.get("url")), {**(target.get("query") or {}), "state": state})
        return RedirectResponse(url, status_code=302)
    try:
        tokens = finish(ctx, tx, run)
    except OAuthError as exc:
        return RedirectResponse(_with_query(pending["redirect_uri"], {
            "error": exc.error, "error_description": exc.description, "state": pending["state"]}),
            status_code=302)
    code = secrets.token_urlsafe(32)
    _put(ctx, f"code:{code}", {"tokens": tokens, "client_id": tx.client["client_id"],
                               "redirect_uri": pending["redirect_uri"]}, CODE_TTL_S)
    return RedirectResponse(_with_query(pending["redirect_uri"], {"code": code, "state": pending["state"]}),
                            status_code=302)


def store_execution_and_wait(ctx: TenantContext, run: FlowRun) -> None:
    with ctx.db.write() as conn:
        store_execution(conn, run.execution)


LOGIN_BODY = form_or_json({"login": string(64, 1), "username": string(320, 1), "password": string(1024, 1)},
                          ["login", "username", "password"])


@router.post("/u/login", response_class=RedirectResponse, status_code=302, openapi_extra=LOGIN_BODY)
async def login(request: Request, ctx: TenantContext = Depends(get_ctx)) -> RedirectResponse:
    params = await read_params(request)
    return await run_in_threadpool(_login, ctx, request, params)


def _login(ctx: TenantContext, request: Request, params: dict[str, Any]) -> RedirectResponse:
    login_id = text(params, "login", max_len=64)
    username = text(params, "username", max_len=320)
    password = text(params, "password", max_len=1024)
    pending = _pop(ctx, f"authz:{login_id}")
    if pending is None:
        # 404: a well-formed login id the tenant does not hold (expired, used, or never issued).
        raise OAuthError(404, "invalid_request", "this login has expired; start again at /authorize")
    req = event_request(request, params)
    attempt = Attempt(pending["connection"], username or "", req["ip"])
    with ctx.db.read() as conn:
        client = get_client(conn, pending["client_id"])
        connection = get_connection(conn, pending["connection"])
        verdict = ctx.protection.check(conn, attempt)
        user = find_login(conn, pending["connection"], username) if verdict.refusal is None else None
        server = get_resource_server(conn, pending["audience"]) if pending["audience"] else None
    assert client is not None and connection is not None
    if verdict.refusal is not None:  # before any password check: known or not, the same answer
        return RedirectResponse(_with_query(pending["redirect_uri"], {
            "error": verdict.refusal.error, "error_description": verdict.refusal.description,
            "state": pending["state"]}), status_code=302)
    if not check_password(ctx, user, password) or user is None:
        log_wrong_password(ctx, client, username, connection["name"], req,
                           user["user_id"] if user else None, attempt)
        return RedirectResponse(_with_query(pending["redirect_uri"], {
            "error": "access_denied", "error_description": "Wrong email or password.",
            "state": pending["state"]}), status_code=302)
    tx = LoginTransaction(user=user, client=client, connection=connection, request=req,
                          protocol="oidc-basic-profile", scopes=pending["scope"].split(),
                          audience=pending["audience"],
                          resource_scopes=list(server["scopes"]) if server else [],
                          nonce=pending["nonce"], attempt=attempt if verdict.prior_failures else None,
                          extra_transaction={"redirect_uri": pending["redirect_uri"],
                                             "state": pending["state"], "response_type": ["code"],
                                             "response_mode": "query"})
    return _redirect_result(ctx, tx, pending, run_login(ctx, tx))


@router.get("/continue", response_class=RedirectResponse, status_code=302)
async def continue_login(request: Request, state: str = Query(..., min_length=1, max_length=512),
                         ctx: TenantContext = Depends(get_ctx)) -> Response:
    return await run_in_threadpool(_continue, ctx, state, dict(request.query_params))


@router.post("/continue", response_class=RedirectResponse, status_code=302,
             openapi_extra={"requestBody": {"required": False, "content": {
                 "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                 "application/json": {"schema": {"type": "object"}}}}})
async def continue_login_form(request: Request, state: str = Query(..., min_length=1, max_length=512),
                              ctx: TenantContext = Depends(get_ctx)) -> Response:
    """A form post back (Auth0 accepts both): body fields join the query."""
    params = await read_params(request)
    query = {**dict(request.query_params), **{k: v for k, v in params.items() if isinstance(v, str)}}
    return await run_in_threadpool(_continue, ctx, state, query)


def _continue(ctx: TenantContext, state: str, query: dict[str, Any]) -> Response:
    held = _pop(ctx, f"cont:{state}")
    if held is None:
        raise OAuthError(404, "invalid_request", "unknown or expired state")
    if "reset" in held:  # a password reset suspended by its post-challenge flow
        from . import password_reset

        return password_reset.resume(ctx, held, query)
    tx, pending, continuation, execution_id = suspended.thaw(held)
    run = resume_flow(ctx, continuation, query, execution_id)
    return _redirect_result(ctx, tx, pending, run)


def exchange_code(ctx: TenantContext, params: dict[str, Any], client: dict[str, Any]) -> dict[str, Any]:
    code = text(params, "code", max_len=128)
    held = _pop(ctx, f"code:{code}")
    if held is None or held["client_id"] != client["client_id"]:
        raise OAuthError(403, "invalid_grant", "Invalid authorization code")
    redirect_uri = text(params, "redirect_uri", required=False, max_len=2048)
    if redirect_uri is not None and redirect_uri != held["redirect_uri"]:
        raise OAuthError(403, "invalid_grant", "redirect_uri does not match the authorization request")
    return held["tokens"]


"""`POST /oauth/token`: client credentials (fires credentials-exchange for APIs other than the
Management API) and the password grants (fire post-login). Auth0's request and error shapes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from actions_studio.execution import RunSource

from ..attack_protection import Attempt, Verdict
from ..bootstrap import MANAGEMENT_AUDIENCE_KEY, PASSWORD_GRANTS
from ..context import TenantContext, get_ctx
from ..errors import OAuthError
from ..flow_cache import Kept
from ..flows import FlowRun, run_flow, store_execution
from ..logs import log_failed_actions, write_log
from ..store.directory import get_grant, get_resource_server, find_login
from ..tokens import access_token
from . import authorize, passwordless, token_exchange
from .common import client_event, client_of, event_request, form_or_json, read_params, string, text
from .login import (LoginTransaction, check_password, finish, log_wrong_password, persist,
                    run_login)

router = APIRouter(tags=["authentication"])

GRANT_TYPES = ["client_credentials", *PASSWORD_GRANTS, "authorization_code",
               "http://auth0.com/oauth/grant-type/passwordless/otp", token_exchange.GRANT]
TOKEN_BODY = form_or_json({
    "grant_type": {"type": "string", "enum": GRANT_TYPES}, "client_id": string(128, 1),
    "client_secret": string(256), "audience": string(512), "scope": string(2048),
    "username": string(320), "password": string(1024), "realm": string(128), "code": string(128),
    "redirect_uri": string(2048), "otp": string(16),
    "subject_token": string(16384), "subject_token_type": string(256), "requested_token_type": string(256),
    "actor_token": string(16384), "actor_token_type": string(256),
}, ["grant_type"])


@router.post("/oauth/token", openapi_extra=TOKEN_BODY)
async def token(request: Request, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    params = await read_params(request)
    return await run_in_threadpool(_token, ctx, request, params)


def _token(ctx: TenantContext, request: Request, params: dict[str, Any]) -> dict[str, Any]:
    grant_type = text(params, "grant_type", max_len=128)
    with ctx.db.read() as conn:
        # The application, its connection and the flow as this process keeps them (flow_cache.py):
        # one statement, the generation, says they are current.
        kept = ctx.flows.at(conn)
        client = client_of(ctx, conn, request, params, find=kept.client)
        if grant_type not in client["grant_types"]:
            raise OAuthError(403, "unauthorized_client",
                             f"Grant type '{grant_type}' not allowed for the client.")
        # A password login's reads in this same read: a pooled connection (and on SQLite a
        # BEGIN … ROLLBACK) fewer per login.
        read = _password_read(ctx, conn, kept, request, params, grant_type) \
            if grant_type in PASSWORD_GRANTS else None
    if grant_type == "client_credentials":
        return _client_credentials(ctx, request, params, client)
    if read is not None:
        return _password(ctx, params, client, grant_type, read)
    if grant_type == "authorization_code":
        return authorize.exchange_code(ctx, params, client)
    if grant_type == passwordless.OTP_GRANT:
        return passwordless.otp_grant(ctx, request, params, client)
    if grant_type == token_exchange.GRANT:
        return token_exchange.exchange(ctx, request, params, client)
    raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")


def _requested_scopes(params: dict[str, Any], allowed: list[str]) -> list[str]:
    raw = text(params, "scope", required=False, max_len=2048)
    if raw is None:
        return list(allowed)
    requested = raw.split()
    missing = [s for s in requested if s not in allowed]
    if missing:
        raise OAuthError(403, "invalid_scope", f"Client has not been granted scopes: {' '.join(missing)}")
    return requested


def _client_credentials(ctx: TenantContext, request: Request, params: dict[str, Any],
                        client: dict[str, Any]) -> dict[str, Any]:
    audience = text(params, "audience", max_len=512)
    management = audience == ctx.config.management_audience
    with ctx.db.read() as conn:
        server = None if management else get_resource_server(conn, audience)
        if not management and server is None:
            raise OAuthError(403, "access_denied", f"Service not found: {audience}")
        grant = get_grant(conn, client["client_id"],
                          MANAGEMENT_AUDIENCE_KEY if management else audience)
    if grant is None:
        raise OAuthError(403, "access_denied",
                         f"Client is not authorized to access \"{audience}\". You need to create a "
                         "client-grant associated to this API.")
    scopes = _requested_scopes(params, grant["scope"])
    sub = f"{client['client_id']}@clients"
    if management:
        token, expires = access_token(ctx, sub=sub, audience=audience, client_id=client["client_id"],
                                      scope=scopes, gty="client-credentials")
        with ctx.db.write() as conn:
            write_log(conn, "seccft", client_id=client["client_id"], client_name=client["name"],
                      details={"audience": audience})
        return {"access_token": token, "scope": " ".join(scopes), "expires_in": expires,
                "token_type": "Bearer"}

    event = {"accessToken": {"customClaims": {}, "scope": scopes}, "client": client_event(client),
             "resource_server": {"identifier": audience},
             "request": event_request(request, params, with_query=False),
             "transaction": {"requested_scopes": scopes}, "secrets": {}, "tenant": {"id": ctx.tenant_id}}
    run = run_flow(ctx, "credentials-exchange", event)
    outcome = run.outcome
    error = None
    if run.failed:
        error = OAuthError(403, "access_denied", "the credentials-exchange flow failed")
    elif outcome.get("denied"):
        denied = outcome["denied"]
        error = OAuthError(403, str(denied.get("code") or "access_denied"),
                           str(denied.get("reason") or "Access denied"))
    with ctx.db.write() as conn:
        store_execution(conn, run.execution)
        write_log(conn, "feccft" if error else "seccft",
                  description=error.description if error else None, client_id=client["client_id"],
                  client_name=client["name"], details={"audience": audience},
                  execution_ids=run.execution_ids)
        if run.failed:
            log_failed_actions(conn, run.execution, client_id=client["client_id"], user_id=None)
    if error is not None:
        raise error
    claims = (outcome.get("access_token") or {}).get("claims")
    token, expires = access_token(ctx, sub=sub, audience=audience, client_id=client["client_id"],
                                  scope=scopes, gty="client-credentials", claims=claims,
                                  lifetime_s=server["token_lifetime"] if server else None)
    return {"access_token": token, "scope": " ".join(scopes), "expires_in": expires,
            "token_type": "Bearer"}


@dataclass(frozen=True)
class _PasswordRead:
    """What a password login reads before the password is checked (`_password_read`)."""

    username: str
    password: str
    audience: Optional[str]
    request: dict[str, Any]
    connection: dict[str, Any]
    resource_scopes: list[str]
    attempt: Attempt
    verdict: Verdict
    user: Optional[dict[str, Any]]
    flow: list[RunSource]


def _password_read(ctx: TenantContext, conn: Any, kept: Kept, request: Request,
                   params: dict[str, Any], grant_type: str) -> _PasswordRead:
    username = text(params, "username", max_len=320)
    password = text(params, "password", max_len=1024)
    realm = text(params, "realm", required=False, max_len=128) if grant_type != "password" else None
    audience = text(params, "audience", required=False, max_len=512)
    req = event_request(request, params)
    connection = kept.connection(realm or "Username-Password-Authentication")
    if connection is None or connection["strategy"] != "auth0":
        raise OAuthError(400, "invalid_request", f"Unknown database connection: {realm}")
    resource_scopes: list[str] = []
    if audience:
        server = get_resource_server(conn, audience)
        if server is None:
            raise OAuthError(403, "access_denied", f"Service not found: {audience}")
        resource_scopes = list(server["scopes"])
    attempt = Attempt(connection["name"], username, req["ip"])
    verdict = ctx.protection.check(conn, attempt)
    user = find_login(conn, connection["name"], username) if verdict.refusal is None else None
    # Read now, in this read: a connection, and a round trip on PostgreSQL, fewer per login.
    flow = kept.flow("post-login") if verdict.refusal is None else []
    return _PasswordRead(username, password, audience, req, connection, resource_scopes, attempt,
                         verdict, user, flow)


def _password(ctx: TenantContext, params: dict[str, Any], client: dict[str, Any], grant_type: str,
              read: _PasswordRead) -> dict[str, Any]:
    if read.verdict.refusal is not None:  # before any password check: known or not, the same answer
        raise read.verdict.refusal
    user = read.user
    if not check_password(ctx, user, read.password):
        log_wrong_password(ctx, client, read.username, read.connection["name"], read.request,
                           user["user_id"] if user else None, read.attempt)
        raise OAuthError(403, "invalid_grant", "Wrong email or password.")
    assert user is not None
    if user["blocked"]:
        raise OAuthError(401, "unauthorized", "user is blocked")
    scope = text(params, "scope", required=False, max_len=2048)
    tx = LoginTransaction(user=user, client=client, connection=read.connection, request=read.request,
                          protocol="oauth2-password" if grant_type == "password" else "oauth2-resource-owner",
                          scopes=(scope or "openid profile email").split(), audience=read.audience,
                          resource_scopes=read.resource_scopes,
                          attempt=read.attempt if read.verdict.prior_failures else None)
    run = run_login(ctx, tx, read.flow)
    if run.status == "suspended":
        # TRIGGERS.md: redirect.can_redirect() is False for the password grants.
        # The suspended execution will never resume: stored as canceled (an Auth0 status).
        run = FlowRun(None, {**run.execution, "status": "canceled"} if run.execution else None, None)
        error = OAuthError(403, "interaction_required",
                           "an action redirected, which the password grant cannot do")
        persist(ctx, tx, run, success=False, log_type="f", description=error.description)
        raise error
    return finish(ctx, tx, run)

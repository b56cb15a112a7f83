"""Passwordless SMS: `POST /passwordless/start` (connection=sms) sends the code through the bound
custom-phone-provider action (`event.notification.code`), or else fires send-phone-message with the
code in `event.message_options`; `POST /oauth/token` with
`http://auth0.com/oauth/grant-type/passwordless/otp` redeems the code and logs in (post-login)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ..attack_protection import Attempt
from ..context import TenantContext, get_ctx
from ..errors import OAuthError
from ..flows import store_execution
from ..logs import log_failed_actions, write_log
from ..store import now_iso, schema
from ..store.directory import find_phone, get_connection, get_resource_server
from ..users import event_user
from .common import client_event, client_of, event_request, form_or_json, read_params, string, text
from .login import LoginTransaction, finish, log_wrong_password, run_login
from .senders import send_sms

router = APIRouter(tags=["authentication"])
OTP_GRANT = "http://auth0.com/oauth/grant-type/passwordless/otp"
CODE_TTL_S = 300        # Auth0's default OTP lifetime
MAX_ATTEMPTS = 3

# E.164: '+' and 3 to 15 digits (ASCII: `str.isdigit` would take any script's digits).
PHONE_PATTERN = r"^\+[0-9]{3,15}$"
_PHONE = re.compile(PHONE_PATTERN)
START_BODY = form_or_json({
    "client_id": string(128, 1), "client_secret": string(256),
    "connection": {"type": "string", "x-tenant-enum": "sms_connections"},
    "phone_number": string(32, pattern=PHONE_PATTERN)}, ["client_id", "connection", "phone_number"])


def _phone(value: str) -> str:
    if not _PHONE.fullmatch(value):
        raise OAuthError(400, "bad.phone_number", "phone_number: E.164 format, e.g. +4915112345678")
    return value


def _digest(code: str) -> bytes:
    return hashlib.sha256(code.encode()).digest()


@router.post("/passwordless/start", openapi_extra=START_BODY)
async def passwordless_start(request: Request, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    params = await read_params(request)
    return await run_in_threadpool(_start, ctx, request, params)


def _start(ctx: TenantContext, request: Request, params: dict[str, Any]) -> dict[str, Any]:
    with ctx.db.read() as conn:
        client = client_of(ctx, conn, request, params, secret_required=False)
        connection = get_connection(conn, text(params, "connection", max_len=32) or "")
        if connection is None or connection["strategy"] != "sms":
            raise OAuthError(400, "bad.connection", "only connection=sms is enabled on this tenant")
        phone = _phone(text(params, "phone_number", max_len=32) or "")
        known = find_phone(conn, "sms", phone)
    code = f"{secrets.randbelow(1_000_000):06d}"
    stamp = now_iso()
    user = event_user(known) if known else {
        "user_id": f"sms|{secrets.token_hex(12)}", "phone_number": phone, "phone_verified": False,
        "email_verified": False, "created_at": stamp, "updated_at": stamp, "app_metadata": {},
        "user_metadata": {}, "identities": [{"connection": "sms", "provider": "sms", "user_id": phone,
                                             "isSocial": False}]}
    event = {"message_options": {"action": "second-factor-authentication" if known else "enrollment",
                                 "code": code, "message_type": "sms", "recipient": phone,
                                 "text": f"{code} is your verification code for {client['name']}."},
             "user": user, "client": client_event(client), "request": event_request(request, params),
             "secrets": {}, "tenant": {"id": ctx.tenant_id}}
    # The custom-phone-provider action delivers the code when one is bound (senders.py).
    delivery = send_sms(ctx, code=code, recipient=phone, user=user, client=client, connection=connection,
                        request=event["request"], known=known is not None, legacy_event=event)
    run = delivery.run
    failed = not delivery.delivered
    with ctx.db.write() as conn:
        if run is not None:
            store_execution(conn, run.execution)
        write_log(conn, "gd_send_sms_failure" if failed else "gd_send_sms",
                  description=f"Failed sending phone message: {delivery.reason}" if failed else None,
                  client_id=client["client_id"], client_name=client["name"],
                  user_id=known["user_id"] if known else None, user_name=phone, connection="sms",
                  execution_ids=delivery.execution_ids)
        if run is not None and run.failed:
            log_failed_actions(conn, run.execution, client_id=client["client_id"], user_id=None)
    if failed:
        raise OAuthError(400, "sms_provider_error", f"the code could not be sent: {delivery.reason}"[:1000])
    # Only a digest is kept; a new start for the same phone replaces the previous code.
    ctx.pending.put(f"otp:{client['client_id']}:{phone}", {"digest": _digest(code).hex()}, CODE_TTL_S)
    return {"_id": user["user_id"].split("|", 1)[1], "phone_number": phone, "phone_verified": False,
            "request_language": None}


def otp_grant(ctx: TenantContext, request: Request, params: dict[str, Any],
              client: dict[str, Any]) -> dict[str, Any]:
    realm = text(params, "realm", required=False, max_len=32) or "sms"
    if realm != "sms":
        raise OAuthError(400, "invalid_request", "realm: only sms is enabled for passwordless")
    phone = _phone(text(params, "username", max_len=32) or "")
    otp = text(params, "otp", max_len=16) or ""
    req = event_request(request, params)
    attempt = Attempt("sms", phone, req["ip"])
    with ctx.db.read() as conn:
        verdict = ctx.protection.check(conn, attempt)
    if verdict.refusal is not None:
        raise verdict.refusal
    key = f"otp:{client['client_id']}:{phone}"
    held = ctx.pending.get(key)
    wrong = "Wrong phone number or verification code."
    if held is None or not hmac.compare_digest(bytes.fromhex(held["digest"]), _digest(otp)):
        if held is not None:   # tries are counted in the store: every process sees the same three
            ctx.pending.count_try(key, MAX_ATTEMPTS)
        log_wrong_password(ctx, client, phone, "sms", req, None, attempt, description=wrong)
        raise OAuthError(403, "invalid_grant", wrong)
    if ctx.pending.pop(key) is None:   # another request redeemed (or used up) it just now
        raise OAuthError(403, "invalid_grant", wrong)
    audience = text(params, "audience", required=False, max_len=512)
    stamp = now_iso()
    with ctx.db.write() as conn:
        connection = get_connection(conn, "sms")
        server = get_resource_server(conn, audience) if audience else None
        if audience and server is None:
            raise OAuthError(403, "access_denied", f"Service not found: {audience}")
        user = find_phone(conn, "sms", phone)
        if user is None:  # first login of this phone: Auth0 creates the user here
            user = {"user_id": f"sms|{secrets.token_hex(12)}", "connection": "sms", "email": None,
                    "username": None, "phone_number": phone, "password_hash": None,
                    "profile": {"phone_verified": True}, "app_metadata": {}, "user_metadata": {},
                    "roles": [], "blocked": False, "logins_count": 0, "last_login": None,
                    "last_password_reset": None, "created_at": stamp, "updated_at": stamp}
            conn.execute(sa.insert(schema.user).values(**user))
    assert connection is not None
    if user["blocked"]:
        raise OAuthError(401, "unauthorized", "user is blocked")
    scope = text(params, "scope", required=False, max_len=2048)
    tx = LoginTransaction(user=user, client=client, connection=connection, request=req,
                          protocol="oauth2-password", scopes=(scope or "openid profile").split(),
                          audience=audience, resource_scopes=list(server["scopes"]) if server else [],
                          attempt=attempt if verdict.prior_failures else None)
    return finish(ctx, tx, run_login(ctx, tx))

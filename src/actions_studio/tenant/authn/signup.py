"""`POST /dbconnections/signup`: pre-user-registration, the new user, then post-user-registration."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from starlette.concurrency import run_in_threadpool

from .. import async_flows
from . import email_verification
from ..context import TenantContext, get_ctx
from ..errors import ApiError, OAuthError
from ..flows import has_flow, run_flow, store_execution
from ..store import new_id
from ..logs import log_failed_actions, write_log
from ..management.users import EMAIL_PATTERN, insert_user, normal_email
from ..passwords import MIN_PASSWORD_LENGTH, PasswordPolicyError, check_policy
from ..store.directory import get_connection
from ..users import event_user, user_json
from .common import (client_event, client_of, connection_event, event_request, form_or_json, read_params,
                     string, text)

router = APIRouter(tags=["authentication"])
PROFILE = ("given_name", "family_name", "name", "nickname", "picture")


def signup_error(status: int, code: str, message: str) -> OAuthError:
    # Auth0's signup error body; `error`/`error_description` too, which auth0.authentication reads.
    return OAuthError(status, code, message, extra={"name": "BadRequestError", "code": code,
                                                    "description": message, "statusCode": status})


SIGNUP_BODY = form_or_json({
    "client_id": string(128, 1), "email": string(320, pattern=EMAIL_PATTERN),
    "password": string(1024, MIN_PASSWORD_LENGTH),
    "connection": {"type": "string", "x-tenant-enum": "database_connections"}, "username": string(128),
    **{k: string(300) for k in PROFILE}}, ["client_id", "email", "password", "connection"],
    json_only={"user_metadata": {"anyOf": [{"type": "object", "additionalProperties": {"type": "string"}},
                                           {"type": "null"}]}})


@router.post("/dbconnections/signup", openapi_extra=SIGNUP_BODY)
async def signup(request: Request, background: BackgroundTasks,
                 ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    params = await read_params(request)
    return await run_in_threadpool(_signup, ctx, request, params, background)


def _signup(ctx: TenantContext, request: Request, params: dict[str, Any],
            background: BackgroundTasks) -> dict[str, Any]:
    with ctx.db.read() as conn:
        client = client_of(ctx, conn, request, params, secret_required=False)
        connection = get_connection(conn, text(params, "connection", max_len=128) or "")
    if connection is None or connection["strategy"] != "auth0":
        raise signup_error(400, "invalid_connection", "connection: not a database connection of this tenant")
    try:
        email = normal_email(text(params, "email", max_len=320))
    except ValueError:
        raise signup_error(400, "invalid_signup", "email: is not a valid email address") from None
    try:
        password = check_policy(params.get("password"))
    except PasswordPolicyError as exc:
        raise signup_error(400, "invalid_password", f"password: {exc}") from None
    metadata = params.get("user_metadata") or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise signup_error(400, "invalid_signup", "user_metadata: an object of string values")
    profile = {k: text(params, k, required=False, max_len=300) for k in PROFILE}
    username = text(params, "username", required=False, max_len=128)
    pre_user = {"email": email, "user_metadata": metadata, "app_metadata": {},
                **({"username": username} if username else {}),
                **{k: v for k, v in profile.items() if v is not None}}
    req = event_request(request, params, with_query=False)
    event = {"user": pre_user, "client": client_event(client), "connection": connection_event(connection),
             "request": req, "secrets": {}, "tenant": {"id": ctx.tenant_id}}
    run = run_flow(ctx, "pre-user-registration", event)
    outcome = run.outcome
    error = None
    if run.failed:
        error = signup_error(400, "extensibility_error", "the pre-user-registration flow failed")
    elif outcome.get("denied"):
        denied = outcome["denied"]
        error = signup_error(400, "extensibility_error",
                             str(denied.get("user_message") or denied.get("reason") or "Signup denied"))
    elif outcome.get("validation_error"):
        err = outcome["validation_error"]
        error = signup_error(400, str(err.get("code") or "invalid_signup"), str(err.get("message") or ""))
    changes = outcome.get("user") or {}
    post_id = None
    with ctx.db.write() as conn:
        store_execution(conn, run.execution)
        # The `ss` log also names the post-user-registration execution that runs after the
        # response (Auth0 has no log of its own for it), so the studio can find it.
        post_id = new_id() if error is None and has_flow(conn, "post-user-registration") else None
        if error is None:
            fields = {**{k: v for k, v in profile.items() if v is not None}, "username": username,
                      "user_metadata": _merge(metadata, changes.get("user_metadata")),
                      "app_metadata": _merge({}, changes.get("app_metadata"))}
            try:
                row = insert_user(ctx, conn, connection=connection["name"], email=email,
                                  password=password, fields=fields)
            except ApiError as exc:  # the email or username is taken: 409, like the Management API
                error = signup_error(409, "user_exists", exc.message)
        write_log(conn, "fs" if error else "ss", description=error.description if error else None,
                  client_id=client["client_id"], client_name=client["name"],
                  user_id=None if error else row["user_id"], user_name=email,
                  connection=connection["name"], ip=req.get("ip"),
                  execution_ids=run.execution_ids + ([post_id] if post_id else []))
        if run.failed:
            log_failed_actions(conn, run.execution, client_id=client["client_id"], user_id=None)
    if error is not None:
        raise error
    post_event = {"user": event_user(row), "connection": connection_event(connection), "request": req,
                  "secrets": {}, "tenant": {"id": ctx.tenant_id}}
    background.add_task(async_flows.fire, ctx, "post-user-registration", post_event, log_type=None,
                        user_id=row["user_id"], client_id=client["client_id"], execution_id=post_id)
    background.add_task(email_verification.send_verification, ctx, row, client, connection, req)
    out = user_json(row)
    return {"_id": row["user_id"].split("|", 1)[1], "email": out["email"], "email_verified": False,
            **{k: out[k] for k in ("username", "user_metadata", *PROFILE) if k in out}}


def _merge(base: dict[str, Any], changes: Any) -> dict[str, Any]:
    out = dict(base)
    for key, value in (changes or {}).items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out

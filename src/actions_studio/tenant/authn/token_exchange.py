"""Custom Token Exchange: `POST /oauth/token` with `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`
(RFC 8693). The `subject_token_type` picks a token exchange profile (management/
token_exchange_profiles.py); its custom-token-exchange action validates the subject token and says
whom it stands for (`api.authentication.set_user_by_id` / `set_user_by_connection`), and may deny.
Then the login goes on as Auth0's does: the post-login flow runs for that user
(`transaction.protocol` "oauth2-token-exchange") and the tokens are issued, with the action's `act`
claim when it set an actor.

Refusals are Auth0's OAuth errors: an unknown `subject_token_type` or a rejected subject token is
400 `invalid_request`, `api.access.deny(code, reason)` is 400 with that code (403 for
`access_denied`), an action that set no user or failed is 400 `server_error`-style with what went
wrong. Each run is an execution (`GET /api/v2/actions/executions/{id}`) named by the log.
"""

from __future__ import annotations

import secrets
from typing import Any, Optional

import sqlalchemy as sa
from fastapi import Request

from ..attack_protection import Attempt
from ..context import TenantContext
from ..deployed import source_of
from ..errors import OAuthError
from ..flows import FlowRun, run_actions, store_execution
from ..logs import log_failed_actions, write_log
from ..management.token_exchange_profiles import find_profile
from ..store import now_iso, schema
from ..store import actions as q
from ..store.directory import get_connection, get_resource_server, get_user
from .common import client_event, event_request, text
from .login import LoginTransaction, finish, log_block, run_login

GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
TRIGGER = "custom-token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
# Never shown to the action in `event.request.body`: it reads them from `event.transaction`.
_TOKENS = ("subject_token", "actor_token")


def _error(code: str, description: str) -> OAuthError:
    return OAuthError(403 if code == "access_denied" else 400, code, description)


def _run_action(ctx: TenantContext, profile: dict[str, Any], event: dict[str, Any]) -> FlowRun:
    with ctx.db.read() as conn:
        action = q.get_action(conn, profile["action_id"])
        version = q.get_version(conn, action["deployed_version_id"]) if action and action["deployed_version_id"] else None
    if action is None or version is None:
        raise _error("server_error", f"the token exchange profile '{profile['name']}' runs an action "
                     "that has no deployed version: deploy it first")
    run = run_actions(ctx, TRIGGER, [source_of(action, version)], event)
    if run.platform_error:
        raise OAuthError(503, "temporarily_unavailable", f"the sandbox is unavailable: {run.platform_error}",
                         headers={"Retry-After": "1"})
    return run


def _subject_user(ctx: TenantContext, conn: Any, subject: dict[str, Any]) -> dict[str, Any]:
    """The user the action named (created or updated as it asked), inside the caller's write."""
    if subject["method"] == "set_user_by_id":
        user = get_user(conn, subject["user_id"])
        if user is None:
            raise _error("invalid_request", f"api.authentication.set_user_by_id: no user '{subject['user_id']}'")
        return user
    attributes = dict(subject.get("user_attributes") or {})
    connection = get_connection(conn, subject["connection"])
    if connection is None:
        raise _error("invalid_request", f"api.authentication.set_user_by_connection: no connection "
                     f"'{subject['connection']}'")
    provider = "auth0" if connection["strategy"] == "auth0" else connection["strategy"]
    user_id = f"{provider}|{attributes.pop('user_id')}"
    attributes.pop("verify_email", None)
    profile = {k: attributes.pop(k) for k in ("email_verified", "phone_verified", "name", "nickname", "given_name",
                                              "family_name", "picture") if k in attributes}
    user = get_user(conn, user_id)
    U, stamp = schema.user, now_iso()
    if user is None:
        if subject.get("creation_behavior") != "create_if_not_exists":
            raise _error("invalid_request", f"api.authentication.set_user_by_connection: no user "
                         f"'{user_id}' in {connection['name']} (creation_behavior 'none')")
        user = {"user_id": user_id, "connection": connection["name"], "email": attributes.get("email"),
                "username": attributes.get("username"), "phone_number": attributes.get("phone_number"),
                "password_hash": None, "profile": {"email_verified": False, **profile}, "app_metadata": {},
                "user_metadata": {}, "roles": [], "blocked": False, "logins_count": 0, "last_login": None,
                "last_password_reset": None, "created_at": stamp, "updated_at": stamp}
        conn.execute(sa.insert(U).values(**user))
    elif subject.get("update_behavior") == "replace":
        # Auth0: email, phone number and username of an existing user do not change this way.
        user = {**user, "profile": {**user["profile"], **profile}, "updated_at": stamp}
        conn.execute(sa.update(U).where(U.c.user_id == user_id).values(profile=user["profile"], updated_at=stamp))
    return user


def _apply_metadata(conn: Any, user: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    from ..users import apply_metadata

    values = {key: apply_metadata(user[key], changes[key]) for key in ("app_metadata", "user_metadata")
              if changes.get(key)}
    if values:
        conn.execute(sa.update(schema.user).where(schema.user.c.user_id == user["user_id"]).values(**values))
    return {**user, **values}


def exchange(ctx: TenantContext, request: Request, params: dict[str, Any], client: dict[str, Any]) -> dict[str, Any]:
    subject_token = text(params, "subject_token", max_len=16384)
    subject_token_type = text(params, "subject_token_type", max_len=256)
    audience = text(params, "audience", max_len=512)
    scope = text(params, "scope", required=False, max_len=2048)
    requested = text(params, "requested_token_type", required=False, max_len=256) or ACCESS_TOKEN_TYPE
    actor_token = text(params, "actor_token", required=False, max_len=16384)
    actor_token_type = text(params, "actor_token_type", required=False, max_len=256)
    with ctx.db.read() as conn:
        profile = find_profile(conn, subject_token_type or "")
        server = get_resource_server(conn, audience or "")
    if profile is None:
        raise _error("invalid_request", f"subject_token_type: no token exchange profile handles "
                     f"'{subject_token_type}' on this tenant (POST /api/v2/token-exchange-profiles)")
    if server is None:
        raise OAuthError(403, "access_denied", f"Service not found: {audience}")
    scopes = (scope or "openid").split()
    req = event_request(request, params, with_query=False)
    # Auth0's attack protection counts rejected subject tokens (api.access.reject_invalid_subject_token):
    # per profile, application and IP, with the login's brute-force rules (attack_protection.py).
    attempt = Attempt(f"token-exchange:{profile['id']}", client["client_id"], req["ip"])
    with ctx.db.read() as conn:
        verdict = ctx.protection.check(conn, attempt)
    if verdict.refusal is not None:
        raise verdict.refusal
    req["body"] = {k: v for k, v in req["body"].items() if k not in _TOKENS}
    transaction: dict[str, Any] = {"subject_token": subject_token, "subject_token_type": subject_token_type,
                                   "requested_token_type": requested, "requested_scopes": scopes}
    if actor_token:
        transaction.update(actor_token=actor_token, actor_token_type=actor_token_type)
    event = {"transaction": transaction, "client": client_event(client),
             "resource_server": {"identifier": audience}, "request": req, "secrets": {},
             "tenant": {"id": ctx.tenant_id}}
    run = _run_action(ctx, profile, event)
    outcome = run.outcome
    error: Optional[OAuthError] = None
    if run.failed:
        failed = next((r for r in run.execution["results"] if r.get("error")), None)
        error = _error("server_error", f"action '{failed['action_name']}' failed: {failed['error']['msg']}"[:1000]
                       if failed else "the custom-token-exchange action failed")
    elif outcome.get("denied"):
        denied = outcome["denied"]
        error = _error(str(denied.get("code") or "invalid_request"), str(denied.get("reason") or "Denied"))
    elif not outcome.get("subject"):
        error = _error("server_error", "the custom-token-exchange action set no user: call exactly one of "
                       "api.authentication.set_user_by_id and set_user_by_connection")
    rejected = bool((outcome.get("denied") or {}).get("invalid_subject_token"))
    user = None
    with ctx.db.write() as conn:
        store_execution(conn, run.execution)
        if error is None:
            try:
                user = _subject_user(ctx, conn, outcome["subject"])
                user = _apply_metadata(conn, user, outcome.get("user") or {})
            except OAuthError as exc:
                error = exc
        if rejected:
            for log_type in ctx.protection.failed(conn, attempt):
                log_block(ctx, conn, log_type, attempt, client, None)
        elif error is None and verdict.prior_failures:
            ctx.protection.succeeded(conn, attempt)
        if error is not None:
            write_log(conn, "f", description=f"Custom token exchange: {error.description}",
                      client_id=client["client_id"], client_name=client["name"], ip=req.get("ip"),
                      details={"subject_token_type": subject_token_type, "profile": profile["id"]},
                      execution_ids=run.execution_ids)
            if run.failed:
                log_failed_actions(conn, run.execution, client_id=client["client_id"], user_id=None)
    if error is not None:
        raise error
    assert user is not None
    if user["blocked"]:
        raise OAuthError(401, "unauthorized", "user is blocked")
    with ctx.db.read() as conn:
        connection = get_connection(conn, user["connection"])
    assert connection is not None
    extra_claims = {"act": outcome["actor"]} if outcome.get("actor") else {}
    tx = LoginTransaction(user=user, client=client, connection=connection, request={**req, "query": {}},
                          protocol="oauth2-token-exchange", scopes=scopes, audience=audience,
                          resource_scopes=list(server["scopes"]), extra_claims=extra_claims,
                          transaction_id=secrets.token_hex(16), prior_execution_ids=run.execution_ids)
    return finish(ctx, tx, run_login(ctx, tx))

"""A login: the post-login event, the flow, its result applied to the user, tokens, logs.

Shared by the password grants of /oauth/token and the redirect login (/authorize → /continue).
The password is checked before anything runs (a wrong password runs no action). What the flow
changed on the user (app/user metadata, logins_count) is written once, at the end, in the same
transaction as the execution and the log.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any, Optional

import sqlalchemy as sa

from actions_studio.execution import RunSource

from .. import login_records
from ..attack_protection import Attempt
from ..context import TenantContext
from ..errors import RETRY_AFTER_S, OAuthError
from ..flows import FlowRun, run_flow
from ..keys import epoch
from ..logs import log_failed_actions, write_log
from ..store import now_iso
from ..store.outage import outage_reason
from ..tokens import access_token, id_token
from ..users import event_user
from . import login_row
from .common import client_event, connection_event

log = logging.getLogger("actions_studio.tenant")

OIDC_SCOPES = ("openid", "profile", "email", "address", "phone", "offline_access")


@dataclass
class LoginTransaction:
    """Everything a login needs between the password check and the tokens (kept across a redirect)."""

    user: dict[str, Any]
    client: dict[str, Any]
    connection: dict[str, Any]
    request: dict[str, Any]
    protocol: str
    scopes: list[str]
    audience: Optional[str]
    resource_scopes: list[str]
    nonce: Optional[str] = None
    # The attempt whose earlier failures a successful login forgets (attack_protection.py).
    attempt: Optional[Attempt] = None
    transaction_id: str = field(default_factory=lambda: secrets.token_hex(16))
    extra_transaction: dict[str, Any] = field(default_factory=dict)
    # Claims the tenant adds to the access token (a token exchange's `act`).
    extra_claims: dict[str, Any] = field(default_factory=dict)
    # Executions that ran before this login's post-login flow (a custom token exchange's action):
    # its log names them too.
    prior_execution_ids: list[str] = field(default_factory=list)


def post_login_event(tx: LoginTransaction, tenant_id: str) -> dict[str, Any]:
    now = now_iso()
    event: dict[str, Any] = {
        "user": event_user(tx.user),
        "client": client_event(tx.client),
        "connection": connection_event(tx.connection),
        "authentication": {"methods": [{"name": "pwd", "timestamp": now}]},
        "authorization": {"roles": list(tx.user["roles"])},
        "transaction": {"id": tx.transaction_id, "protocol": tx.protocol,
                        "requested_scopes": tx.scopes, "metadata": {}, **tx.extra_transaction},
        "stats": {"logins_count": tx.user["logins_count"] + 1},
        "request": tx.request, "secrets": {}, "tenant": {"id": tenant_id},
    }
    if tx.audience:
        event["resource_server"] = {"identifier": tx.audience}
    return event


def check_password(ctx: TenantContext, user: Optional[dict[str, Any]], password: str) -> bool:
    if user is None:
        ctx.passwords.burn(password)
        return False
    return ctx.passwords.verify(user["password_hash"], password)


def log_wrong_password(ctx: TenantContext, tx_client: dict[str, Any], username: str,
                       connection: str, request: dict[str, Any], user_id: Optional[str],
                       attempt: Attempt, description: str = "Wrong email or password.") -> None:
    """The `f` log and the attack-protection counts of a failed login, in one write (an insert and
    atomic upserts: it reads nothing it then writes, so it runs beside other logins' writes)."""
    with ctx.db.write(row_locks=True) as conn:
        write_log(conn, "f", description=description, client_id=tx_client["client_id"],
                  client_name=tx_client["name"], user_id=user_id, user_name=username,
                  connection=connection, ip=request.get("ip"), user_agent=request.get("user_agent"))
        for log_type in ctx.protection.failed(conn, attempt):
            log_block(ctx, conn, log_type, attempt, tx_client, user_id)


def log_block(ctx: TenantContext, conn: Any, log_type: str, attempt: Attempt,
              client: dict[str, Any], user_id: Optional[str]) -> None:
    settings = ctx.protection.settings
    if log_type == "limit_wc":
        description = (f"{settings.max_attempts} consecutive failed logins of {attempt.key} from "
                       f"{attempt.ip}: that pair is blocked until the password changes, an administrator "
                       f"unblocks it (DELETE /api/v2/user-blocks?identifier=…) or "
                       f"{settings.block_s / 86400:g} days pass")
    else:
        description = (f"{settings.ip_max_failures} failed logins from {attempt.ip}: its further "
                       f"attempts are throttled to {settings.ip_failures_per_day:g} a day")
    write_log(conn, log_type, description=description, client_id=client["client_id"],
              client_name=client["name"], user_id=user_id, user_name=attempt.identifier,
              connection=attempt.connection, ip=attempt.ip,
              details={"identifier": attempt.key, "ip": attempt.ip})


def persist(ctx: TenantContext, tx: LoginTransaction, run: FlowRun, *, success: bool,
            log_type: str, description: Optional[str] = None) -> dict[str, Any]:
    """One write: the flow's metadata changes, login stats, the execution and the log(s) — all of
    them or, when the store refuses any part, none, and the login fails saying so (`_unrecorded`)."""
    try:
        return _persist(ctx, tx, run, success=success, log_type=log_type, description=description)
    except sa.exc.DataError:
        raise  # a value the store cannot hold: errors.py answers it as the bad input it is
    except sa.exc.DBAPIError as exc:
        raise _unrecorded(exc) from exc


def _unrecorded(exc: sa.exc.DBAPIError) -> OAuthError:
    """A login whose one write failed was rolled back whole: no tokens, and an answer that says
    nothing of it was kept (not a bare 500), so the client knows a retry is a fresh login."""
    outage = outage_reason(exc)    # the server gone, a lock held past the timeout, a full disk
    if outage is not None:
        # The driver's words name hosts, sockets and paths: the log has them, the answer does not.
        log.error("a login could not be recorded; it was rolled back: the database is unavailable (%s)", outage)
        return OAuthError(503, "temporarily_unavailable",
                          "the login could not be recorded (the tenant's database is unavailable); nothing "
                          "of it was kept and no token was issued: try again in a moment",
                          headers={"Retry-After": str(RETRY_AFTER_S)})
    reason = str(exc.orig).strip().splitlines()[0][:300] if exc.orig is not None else type(exc).__name__
    log.error("a login could not be recorded; it was rolled back: %s", reason)
    return OAuthError(500, "server_error", f"the login could not be recorded ({reason}); nothing of it was "
                      "kept and no token was issued: try again")


def _persist(ctx: TenantContext, tx: LoginTransaction, run: FlowRun, *, success: bool,
             log_type: str, description: Optional[str]) -> dict[str, Any]:
    outcome_user = run.outcome.get("user") or {}
    stamp = now_iso()
    on_postgresql = not ctx.db.is_sqlite
    # The user's row is the one this write reads and then writes: locked, so logins of other users
    # write side by side (store/db.py, `row_locks`); the rest are inserts and one delete. On
    # PostgreSQL one statement takes the writers' order, locks the row and writes it (login_row.py).
    with ctx.db.write(row_locks=True, order_in_first_statement=on_postgresql) as conn:
        user = login_row.write(conn, tx.user, outcome_user, success=success, stamp=stamp,
                               in_sql=on_postgresql)
        if success and tx.attempt is not None:
            ctx.protection.succeeded(conn, tx.attempt)
        # The execution, its event and the log: one statement on PostgreSQL (login_records.py).
        login_records.write(conn, run.execution, log_type, description=description,
                            client_id=tx.client["client_id"], client_name=tx.client["name"],
                            user_id=user["user_id"], user_name=user["email"] or user["username"],
                            connection=tx.connection["name"], ip=tx.request.get("ip"),
                            user_agent=tx.request.get("user_agent"),
                            execution_ids=tx.prior_execution_ids + run.execution_ids)
        if run.failed:
            log_failed_actions(conn, run.execution, client_id=tx.client["client_id"],
                               user_id=user["user_id"])
    return user


def refusal(run: FlowRun) -> Optional[OAuthError]:
    """The OAuth error a finished (not suspended) post-login flow answers with, or None."""
    outcome = run.outcome
    if run.failed:
        failed = next((r for r in (run.execution or {}).get("results", []) if r.get("error")), None)
        detail = (f"action '{failed['action_name']}' failed: {failed['error']['msg']}" if failed
                  else "the post-login flow failed")
        return OAuthError(403, "access_denied", detail[:1000])
    if outcome.get("denied"):
        return OAuthError(403, "access_denied", str(outcome["denied"].get("reason") or "Access denied"))
    if outcome.get("validation_error"):
        err = outcome["validation_error"]
        return OAuthError(403, str(err.get("code") or "access_denied"), str(err.get("message") or ""))
    return None


def mfa_token(ctx: TenantContext, tx: LoginTransaction, provider: str) -> str:
    now = epoch()
    return ctx.key.sign({"iss": ctx.config.issuer, "aud": f"{ctx.config.issuer}mfa/",
                         "sub": tx.user["user_id"], "azp": tx.client["client_id"], "iat": now,
                         "exp": now + 600, "provider": provider, "gty": "mfa"})


def finish(ctx: TenantContext, tx: LoginTransaction, run: FlowRun) -> dict[str, Any]:
    """Applies a completed flow: an OAuth error, or the token response."""
    error = refusal(run)
    if error is not None:
        persist(ctx, tx, run, success=False, log_type="f", description=error.description)
        raise error
    outcome = run.outcome
    mfa = outcome.get("multifactor")
    if mfa and mfa.get("provider") not in (None, "none"):
        persist(ctx, tx, run, success=False, log_type="f",
                description="Multifactor authentication required")
        raise OAuthError(403, "mfa_required", "Multifactor authentication required",
                         extra={"mfa_token": mfa_token(ctx, tx, str(mfa.get("provider")))})
    user = persist(ctx, tx, run, success=True, log_type="s")
    return tokens_for(ctx, tx, user, outcome)


def tokens_for(ctx: TenantContext, tx: LoginTransaction, user: dict[str, Any],
               outcome: dict[str, Any]) -> dict[str, Any]:
    at = outcome.get("access_token") or {}
    scopes = [s for s in tx.scopes if s in OIDC_SCOPES or s in tx.resource_scopes]
    scopes += [s for s in at.get("scopes_added", []) if s not in scopes]
    scopes = [s for s in scopes if s not in at.get("scopes_removed", [])]
    userinfo = f"{ctx.config.issuer}userinfo"
    audience: str | list[str] = [tx.audience, userinfo] if tx.audience and "openid" in scopes \
        else (tx.audience or userinfo)
    token, expires = access_token(ctx, sub=user["user_id"], audience=audience,
                                  client_id=tx.client["client_id"], scope=scopes, gty="password",
                                  claims={**(at.get("claims") or {}), **tx.extra_claims})
    body: dict[str, Any] = {"access_token": token, "scope": " ".join(scopes),
                            "expires_in": expires, "token_type": "Bearer"}
    if "openid" in scopes:
        body["id_token"] = id_token(ctx, user=event_user(user), client_id=tx.client["client_id"],
                                    claims=(outcome.get("id_token") or {}).get("claims"),
                                    nonce=tx.nonce)
    return body


def run_login(ctx: TenantContext, tx: LoginTransaction,
              flow: Optional[list[RunSource]] = None) -> FlowRun:
    """`flow`: the post-login flow when the caller read it already (`ctx.flows.flow`)."""
    return run_flow(ctx, "post-login", post_login_event(tx, ctx.tenant_id), actions=flow)

"""`/api/v2/users…` and `/api/v2/users-by-email`: what the SDK's user methods call.

A password set through PATCH fires post-change-password after the response (issue 6, section 3).
"""

from __future__ import annotations

import re
import secrets
from typing import Any, Optional

import sqlalchemy as sa
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from .. import async_flows
from ..context import TenantContext, get_ctx
from ..errors import ApiError, bad_request, not_found
from ..passwords import MIN_PASSWORD_LENGTH, PasswordPolicyError, check_policy
from ..security import require
from ..store import now_iso, schema
from ..store.directory import get_connection, get_user, list_users, users_by_email
from ..users import PROFILE_FIELDS, apply_metadata, event_user, user_json
from . import user_search
from .params import Page, QueryBool, paging
from .shapes import listing, with_fields

router = APIRouter(prefix="/api/v2", tags=["users"])
U = schema.user
# A local part, '@', and a domain of two or more dot-separated labels; no spaces or control
# characters anywhere. The same regex is the `pattern` of every email in /openapi.json.
EMAIL_PATTERN = r"^[^@\x00-\x20\x7f]{1,64}@[^@.\x00-\x20\x7f]+(\.[^@.\x00-\x20\x7f]+)+$"
_EMAIL = re.compile(EMAIL_PATTERN)


def normal_email(value: Optional[str]) -> Optional[str]:
    """Lowercased (emails are matched case-insensitively); anything else is refused, not repaired."""
    if value is None:
        return None
    if not _EMAIL.fullmatch(value):
        raise ValueError("is not a valid email address")
    return value.lower()


def _user_create_schema(schema: dict[str, Any]) -> None:
    # What create_user checks against the tenant's connections (enums filled in by openapi.py).
    schema["oneOf"] = [
        {"properties": {"connection": {"x-tenant-enum": "database_connections"},
                        "email": {"type": "string"},
                        "password": {"type": "string", "minLength": MIN_PASSWORD_LENGTH}},
         "required": ["connection", "email", "password"]},
        {"properties": {"connection": {"x-tenant-enum": "other_connections"}}, "required": ["connection"]}]


def _policy_schema(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # "" only marks the field as not given
    schema["minLength"] = MIN_PASSWORD_LENGTH


class _UserFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Optional[str] = Field(default=None, max_length=320, json_schema_extra={"pattern": EMAIL_PATTERN})
    phone_number: Optional[str] = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()-]{3,31}$")
    user_metadata: Optional[dict[str, Any]] = None
    app_metadata: Optional[dict[str, Any]] = None
    blocked: Optional[StrictBool] = None
    email_verified: Optional[StrictBool] = None
    phone_verified: Optional[StrictBool] = None
    given_name: Optional[str] = Field(default=None, max_length=150)
    family_name: Optional[str] = Field(default=None, max_length=150)
    name: Optional[str] = Field(default=None, max_length=300)
    nickname: Optional[str] = Field(default=None, max_length=300)
    picture: Optional[str] = Field(default=None, max_length=2048)
    username: Optional[str] = Field(default=None, min_length=1, max_length=128,
                                    pattern=r"^[A-Za-z0-9_+\-.!#$^`~@']+$")
    password: Optional[str] = Field(default=None, max_length=1024)
    connection: Optional[str] = Field(default=None, max_length=128)
    verify_email: Optional[StrictBool] = None

    _email = field_validator("email")(normal_email)


class UserCreate(_UserFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_user_create_schema)
    connection: str = Field(min_length=1, max_length=128)
    user_id: Optional[str] = Field(default=None, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


class UserUpdate(_UserFields):
    client_id: Optional[str] = Field(default=None, max_length=128)
    # Not nullable here: a password set through PATCH meets the policy (check_policy says why not).
    password: str = Field("", max_length=1024, json_schema_extra=_policy_schema)


def insert_user(ctx: TenantContext, conn: Any, *, connection: str, email: Optional[str],
                password: Optional[str], fields: dict[str, Any], user_id: Optional[str] = None
                ) -> dict[str, Any]:
    """Creates one user in a database connection; 409 when the email or username is taken."""
    if email and conn.execute(sa.select(U.c.user_id).where(U.c.connection == connection,
                                                           U.c.email == email)).first():
        raise ApiError(409, "The user already exists.", "auth0_idp_error")
    if fields.get("username") and conn.execute(sa.select(U.c.user_id).where(
            U.c.connection == connection, U.c.username == fields["username"])).first():
        raise ApiError(409, "The username provided is in use already.", "auth0_idp_error")
    stamp = now_iso()
    row = {
        "user_id": f"auth0|{user_id or secrets.token_hex(12)}", "connection": connection,
        "email": email, "username": fields.get("username"), "phone_number": fields.get("phone_number"),
        "password_hash": ctx.passwords.hash(password) if password else None,
        "profile": {k: fields[k] for k in PROFILE_FIELDS if fields.get(k) is not None},
        "app_metadata": fields.get("app_metadata") or {}, "user_metadata": fields.get("user_metadata") or {},
        "roles": [], "blocked": bool(fields.get("blocked")), "logins_count": 0, "last_login": None,
        "last_password_reset": None, "created_at": stamp, "updated_at": stamp,
    }
    row["profile"].setdefault("email_verified", False)
    if get_user(conn, row["user_id"]) is not None:
        raise ApiError(409, "The user already exists.", "auth0_idp_error")
    conn.execute(sa.insert(U).values(**row))
    return row


@router.get("/users", dependencies=[Depends(require("read:users"))])
def get_users(page: Page = Depends(paging), include_totals: Optional[QueryBool] = Query(None),
              connection: Optional[str] = Query(None, max_length=128),
              q: Optional[str] = Query(None, max_length=1024, json_schema_extra={"pattern": user_search.PATTERN},
                                       description=user_search.QUERY_HELP),
              sort: Optional[str] = Query(None, max_length=64, json_schema_extra={"pattern": user_search.SORT_PATTERN},
                                          description="field:1 (ascending) or field:-1 of "
                                                      + ", ".join(user_search.SORTABLE)),
              fields: Optional[str] = Query(None, max_length=1024),
              include_fields: Optional[QueryBool] = Query(None),
              search_engine: Optional[str] = Query(None, max_length=8),
              ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any] | list[dict[str, Any]]:
    where = user_search.conditions(q) if q is not None and q.strip() else []
    ordering = user_search.order(sort) if sort is not None else None
    with ctx.db.read() as conn:
        total, rows = list_users(conn, connection=connection, offset=page.offset, limit=page.per_page,
                                 where=where, order=ordering)
    users = with_fields([user_json(r) for r in rows], fields, include_fields)
    return listing("users", users, start=page.offset, limit=page.per_page, total=total,
                   include_totals=include_totals)


@router.post("/users", status_code=201, dependencies=[Depends(require("create:users"))])
def create_user(body: UserCreate, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.write() as conn:
        connection = get_connection(conn, body.connection)
        if connection is None:
            raise bad_request(f"connection: '{body.connection}' does not exist", "inexistent_connection")
        if connection["strategy"] == "auth0":
            if not body.email:
                raise bad_request("email: required for a database connection")
            try:
                check_policy(body.password)
            except PasswordPolicyError as exc:
                raise bad_request(f"password: {exc}", "password_strength_error") from None
        row = insert_user(ctx, conn, connection=body.connection, email=body.email,
                          password=body.password, fields=body.model_dump(exclude_none=True),
                          user_id=body.user_id)
    return user_json(row)


def _require_user(conn: Any, user_id: str) -> dict[str, Any]:
    row = get_user(conn, user_id)
    if row is None:
        raise not_found(f"user '{user_id}'")
    return row


@router.get("/users/{id}", dependencies=[Depends(require("read:users"))])
def get_one(id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return user_json(_require_user(conn, id))


@router.patch("/users/{id}", dependencies=[Depends(require("update:users"))])
def update_user(id: str, body: UserUpdate, background: BackgroundTasks,
                ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    given = body.model_dump(exclude_unset=True)
    stamp = now_iso()
    new_hash = None
    if "password" in given:
        try:
            check_policy(body.password)
        except PasswordPolicyError as exc:
            raise bad_request(f"password: {exc}", "password_strength_error") from None
        new_hash = ctx.passwords.hash(body.password or "")
    with ctx.db.write() as conn:
        row = _require_user(conn, id)
        values: dict[str, Any] = {"updated_at": stamp}
        if "email" in given and given["email"] != row["email"]:
            if given["email"] and conn.execute(sa.select(U.c.user_id).where(
                    U.c.connection == row["connection"], U.c.email == given["email"])).first():
                raise ApiError(409, "The specified new email already exists", "auth0_idp_error")
            values["email"] = given["email"]
        for key in ("username", "phone_number", "blocked"):
            if key in given:
                values[key] = given[key] if key != "blocked" else bool(given[key])
        profile = dict(row["profile"])
        for key in PROFILE_FIELDS:
            if key in given:
                profile[key] = given[key]
        values["profile"] = profile
        for key in ("app_metadata", "user_metadata"):
            if key in given:
                # Auth0 merges top-level keys; a null value deletes one.
                values[key] = apply_metadata(row[key], given[key] or {})
        if new_hash is not None:
            values.update(password_hash=new_hash, last_password_reset=stamp)
            # Auth0: a password change lifts the user's brute-force blocks.
            ctx.protection.unblock(conn, [row["email"] or "", row["username"] or "",
                                          values.get("email") or "", values.get("username") or ""],
                                   connection=row["connection"])
        conn.execute(sa.update(U).where(U.c.user_id == id).values(**values))
        row.update(values)
        connection = get_connection(conn, row["connection"])
    if new_hash is not None and connection is not None:
        full = event_user(row)
        payload = {"user": {k: full.get(k) for k in ("user_id", "email", "email_verified", "username",
                                                     "phone_number", "phone_verified",
                                                     "last_password_reset") if k in full},
                   "connection": {"id": connection["id"], "name": connection["name"],
                                  "strategy": connection["strategy"], "metadata": connection["metadata"]},
                   "request": {"ip": "127.0.0.1", "method": "PATCH", "body": {}},
                   "transaction": {"correlation_id": secrets.token_hex(16)},
                   "secrets": {}, "tenant": {"id": ctx.tenant_id}}
        background.add_task(async_flows.fire, ctx, "post-change-password", payload, log_type="scp",
                            user_id=id, user_name=row["email"], connection=row["connection"])
    return user_json(row)


@router.delete("/users/{id}", status_code=204, response_class=Response,
               dependencies=[Depends(require("delete:users"))])
def delete_user(id: str, ctx: TenantContext = Depends(get_ctx)) -> Response:
    with ctx.db.write() as conn:
        _require_user(conn, id)
        conn.execute(sa.delete(U).where(U.c.user_id == id))
    return Response(status_code=204)


@router.get("/users-by-email", dependencies=[Depends(require("read:users"))])
def by_email(email: str = Query(..., min_length=1, max_length=320),
             fields: Optional[str] = Query(None, max_length=1024),
             include_fields: Optional[QueryBool] = Query(None),
             ctx: TenantContext = Depends(get_ctx)) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        return [user_json(r) for r in users_by_email(conn, email)]

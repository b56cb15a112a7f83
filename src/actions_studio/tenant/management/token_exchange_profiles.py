"""`/api/v2/token-exchange-profiles…`: which custom-token-exchange action a token exchange with a
given `subject_token_type` runs (Auth0's Custom Token Exchange; the SDKs' `tokenExchangeProfiles`).

The shapes and rules are Auth0's: `{id, name, subject_token_type, action_id, type, created_at,
updated_at}`, `type` "custom_authentication", a `subject_token_type` that is a URI outside the
namespaces Auth0 keeps for itself, one profile per `subject_token_type`, checkpoint paging (`from`,
`take`, `next`); PATCH changes only `name` and `subject_token_type`. The action must support the
custom-token-exchange trigger; it runs once deployed (authn/token_exchange.py).
"""

from __future__ import annotations

from typing import Any, Literal, Optional

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ..context import TenantContext, get_ctx
from ..errors import ApiError, not_found
from ..security import require
from ..store import new_id, now_iso, schema
from ..store import actions as q

router = APIRouter(prefix="/api/v2", tags=["token exchange profiles"])
P = schema.token_exchange_profile
TRIGGER = "custom-token-exchange"
# Auth0 refuses subject token types in its own and the standards' namespaces.
RESERVED_PREFIXES = ("http://auth0.com", "https://auth0.com", "http://okta.com", "https://okta.com",
                     "urn:ietf:", "urn:auth0:", "urn:okta:")
URI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$"


class ProfileCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=3, max_length=50)
    subject_token_type: str = Field(min_length=8, max_length=100, pattern=URI_PATTERN)
    action_id: str = Field(min_length=1, max_length=64)
    type: Literal["custom_authentication"]


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Optional[str] = Field(default=None, min_length=3, max_length=50)
    subject_token_type: Optional[str] = Field(default=None, min_length=8, max_length=100, pattern=URI_PATTERN)


def profile_json(row: Any) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "name", "subject_token_type", "action_id", "type", "created_at", "updated_at")}


def find_profile(conn: Any, subject_token_type: str) -> Optional[dict[str, Any]]:
    row = conn.execute(sa.select(P).where(P.c.subject_token_type == subject_token_type)).first()
    return dict(row._mapping) if row is not None else None


def profiles_of_action(conn: Any, action_id: str) -> list[str]:
    return list(conn.execute(sa.select(P.c.name).where(P.c.action_id == action_id)).scalars())


def _check_type(conn: Any, subject_token_type: str, own_id: Optional[str] = None) -> None:
    if subject_token_type.lower().startswith(RESERVED_PREFIXES):
        # 409 like the other refusals of a well-formed value the tenant's rules refuse (openapi.py).
        raise ApiError(409, f"subject_token_type: '{subject_token_type}' is in a reserved namespace "
                       f"({', '.join(RESERVED_PREFIXES)}); use a URI of your own, such as "
                       "urn:acme:legacy-token", "invalid_subject_token_type")
    other = find_profile(conn, subject_token_type)
    if other is not None and other["id"] != own_id:
        raise ApiError(409, f"subject_token_type: profile '{other['name']}' already uses "
                       f"'{subject_token_type}'", "token_exchange_profile_conflict")


def _require(conn: Any, profile_id: str) -> dict[str, Any]:
    row = conn.execute(sa.select(P).where(P.c.id == profile_id)).first()
    if row is None:
        raise not_found(f"token exchange profile '{profile_id}'")
    return dict(row._mapping)


@router.get("/token-exchange-profiles", dependencies=[Depends(require("read:token_exchange_profiles"))])
def list_profiles(from_: Optional[str] = Query(None, alias="from", max_length=64),
                  take: int = Query(50, ge=1, le=100), ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(P).order_by(P.c.created_at, P.c.id)).all()]
    start = 0
    if from_ is not None:
        start = next((i for i, r in enumerate(rows) if r["id"] == from_), len(rows))
    page = rows[start:start + take]
    out: dict[str, Any] = {"token_exchange_profiles": [profile_json(r) for r in page]}
    if start + take < len(rows):
        out["next"] = rows[start + take]["id"]
    return out


@router.post("/token-exchange-profiles", status_code=201,
             dependencies=[Depends(require("create:token_exchange_profiles"))])
def create_profile(body: ProfileCreate, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    stamp = now_iso()
    with ctx.db.write() as conn:
        action = q.get_action(conn, body.action_id)
        if action is None:
            raise ApiError(404, f"action_id: no action '{body.action_id}'", "inexistent_action")
        if action["supported_triggers"][0]["id"] != TRIGGER:
            raise ApiError(409, f"action_id: action '{action['name']}' is for "
                           f"{action['supported_triggers'][0]['id']}; a profile runs a {TRIGGER} action",
                           "invalid_action")
        _check_type(conn, body.subject_token_type)
        row = {"id": new_id("tep_"), **body.model_dump(), "created_at": stamp, "updated_at": stamp}
        conn.execute(sa.insert(P).values(**row))
    return profile_json(row)


@router.get("/token-exchange-profiles/{id}", dependencies=[Depends(require("read:token_exchange_profiles"))])
def get_profile(id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return profile_json(_require(conn, id))


@router.patch("/token-exchange-profiles/{id}", status_code=204, response_class=Response,
              dependencies=[Depends(require("update:token_exchange_profiles"))])
def update_profile(id: str, body: ProfileUpdate, ctx: TenantContext = Depends(get_ctx)) -> Response:
    # Auth0 answers a PATCH with an empty body (the SDK's update resolves to nothing).
    with ctx.db.write() as conn:
        _require(conn, id)
        changes = body.model_dump(exclude_none=True)
        if "subject_token_type" in changes:
            _check_type(conn, changes["subject_token_type"], own_id=id)
        if changes:
            conn.execute(sa.update(P).where(P.c.id == id).values(**changes, updated_at=now_iso()))
    return Response(status_code=204)


@router.delete("/token-exchange-profiles/{id}", status_code=204, response_class=Response,
               dependencies=[Depends(require("delete:token_exchange_profiles"))])
def delete_profile(id: str, ctx: TenantContext = Depends(get_ctx)) -> Response:
    with ctx.db.write() as conn:
        conn.execute(sa.delete(P).where(P.c.id == id))   # Auth0: deleting a missing profile is no error
    return Response(status_code=204)

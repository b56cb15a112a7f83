"""`/api/v2/clients…`: the tenant's applications, read and renamed, and their Allowed Callback URLs
(Auth0's `callbacks`, what `/authorize` checks `redirect_uri` against: callbacks.py). Client
secrets are never returned (the store holds only their SHA-256)."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from .. import callbacks
from ..context import TenantContext, get_ctx
from ..errors import not_found
from ..security import require
from ..store import schema
from ..store.directory import get_client
from .models import _printable, name_field
from .params import Page, QueryBool, paging
from .shapes import listing, with_fields

router = APIRouter(prefix="/api/v2", tags=["clients"])
C = schema.client

CallbackURL = Annotated[str, Field(min_length=1, max_length=callbacks.MAX_LENGTH,
                                   json_schema_extra={"pattern": callbacks.PATTERN}),
                        AfterValidator(callbacks.validate)]


class ClientUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Only the fields given are changed (`model_fields_set`); null is not a value for either.
    name: str = name_field("")
    callbacks: list[CallbackURL] = Field(default_factory=list, max_length=callbacks.MAX_CALLBACKS)

    _name = field_validator("name")(_printable)


def client_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"client_id": row["client_id"], "name": row["name"], "app_type": row["app_type"],
            "grant_types": list(row["grant_types"]), "callbacks": list(row["callbacks"]),
            "client_metadata": dict(row["metadata"]), "is_first_party": True,
            "token_endpoint_auth_method": "client_secret_post"}


def _require_client(conn: Any, client_id: str) -> dict[str, Any]:
    row = get_client(conn, client_id)
    if row is None:
        raise not_found(f"client '{client_id}'")
    return row


@router.get("/clients", dependencies=[Depends(require("read:clients"))])
def list_clients(page: Page = Depends(paging), include_totals: Optional[QueryBool] = Query(None),
                 fields: Optional[str] = Query(None, max_length=1024),
                 include_fields: Optional[QueryBool] = Query(None),
                 ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any] | list[dict[str, Any]]:
    with ctx.db.read() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(C)).scalar_one() if include_totals else None
        rows = conn.execute(sa.select(C).order_by(C.c.name, C.c.client_id)
                            .offset(page.offset).limit(page.per_page)).all()
    clients = with_fields([client_json(dict(r._mapping)) for r in rows], fields, include_fields)
    return listing("clients", clients, start=page.offset, limit=page.per_page, total=total,
                   include_totals=include_totals)


@router.get("/clients/{id}", dependencies=[Depends(require("read:clients"))])
def get_one(id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return client_json(_require_client(conn, id))


@router.patch("/clients/{id}", dependencies=[Depends(require("update:clients"))])
def update_client(id: str, body: ClientUpdate, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    values = {key: getattr(body, key) for key in ("name", "callbacks") if key in body.model_fields_set}
    with ctx.db.write() as conn:
        row = _require_client(conn, id)
        if values:
            conn.execute(sa.update(C).where(C.c.client_id == id).values(**values))
            row.update(values)
    return client_json(row)

"""`/api/v2/user-blocks…`: the brute-force blocks of a user or an identifier, read and lifted
(Auth0's endpoints; attack_protection.py keeps the counts). A tenant administrator's `blocked`
flag on a user is separate and stays as it is."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, Query, Response

from ..attack_protection import Block
from ..context import TenantContext, get_ctx
from ..errors import not_found
from ..security import require
from ..store.directory import get_user
from .params import QueryBool

router = APIRouter(prefix="/api/v2", tags=["user-blocks"])

IDENTIFIER = Query(..., min_length=1, max_length=320, description="an email, username or phone number")
CONSIDER = Query(None, description="accepted for compatibility; blocks are listed while they apply")


def _blocked_for(blocks: list[Block]) -> dict[str, Any]:
    return {"blocked_for": [{"identifier": b.identifier, "ip": b.ip, "connection": b.connection}
                            for b in blocks]}


def _identifiers(ctx: TenantContext, user_id: str) -> tuple[list[str], str]:
    with ctx.db.read() as conn:
        user = get_user(conn, user_id)
    if user is None:
        raise not_found(f"user '{user_id}'")
    return [user["email"] or "", user["username"] or "", user["phone_number"] or ""], user["connection"]


@router.get("/user-blocks", dependencies=[Depends(require("read:users"))])
def list_by_identifier(identifier: str = IDENTIFIER,
                       consider_brute_force_enablement: Optional[QueryBool] = CONSIDER,
                       ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return _blocked_for(ctx.protection.blocks(conn, [identifier]))


@router.delete("/user-blocks", status_code=204, response_class=Response,
               dependencies=[Depends(require("update:users"))])
def delete_by_identifier(identifier: str = IDENTIFIER, ctx: TenantContext = Depends(get_ctx)) -> Response:
    with ctx.db.write() as conn:
        ctx.protection.unblock(conn, [identifier])
    return Response(status_code=204)


@router.get("/user-blocks/{id}", dependencies=[Depends(require("read:users"))])
def list_for_user(id: str, consider_brute_force_enablement: Optional[QueryBool] = CONSIDER,
                  ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    identifiers, connection = _identifiers(ctx, id)
    with ctx.db.read() as conn:
        return _blocked_for(ctx.protection.blocks(conn, identifiers, connection=connection))


@router.delete("/user-blocks/{id}", status_code=204, response_class=Response,
               dependencies=[Depends(require("update:users"))])
def delete_for_user(id: str, ctx: TenantContext = Depends(get_ctx)) -> Response:
    identifiers, connection = _identifiers(ctx, id)
    with ctx.db.write() as conn:
        ctx.protection.unblock(conn, identifiers, connection=connection)
    return Response(status_code=204)

"""Queries over clients, grants, resource servers, connections and users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema

U = schema.user

# Built once (a login runs each): constructing a statement costs more than running it, measured
# ~100-270 µs against ~40-90 µs (attack_protection.py's _CHECK says the same).
_CLIENT = sa.select(schema.client).where(schema.client.c.client_id == sa.bindparam("client_id"))
_CONNECTION = sa.select(schema.connection).where(schema.connection.c.name == sa.bindparam("name"))
_RESOURCE_SERVER = sa.select(schema.resource_server).where(
    schema.resource_server.c.identifier == sa.bindparam("identifier"))
_USER = sa.select(U).where(U.c.user_id == sa.bindparam("user_id"))
_USER_FOR_UPDATE = _USER.with_for_update()   # SQLite renders no FOR UPDATE: its writer is alone
_BY_EMAIL = sa.select(U).where(U.c.connection == sa.bindparam("connection"), U.c.email == sa.bindparam("email"))
_BY_USERNAME = sa.select(U).where(U.c.connection == sa.bindparam("connection"),
                                  U.c.username == sa.bindparam("username"))


def _one(row: Any) -> Optional[dict[str, Any]]:
    return dict(row._mapping) if row is not None else None


def get_client(conn: Connection, client_id: str) -> Optional[dict[str, Any]]:
    return _one(conn.execute(_CLIENT, {"client_id": client_id}).first())


def get_grant(conn: Connection, client_id: str, audience: str) -> Optional[dict[str, Any]]:
    g = schema.client_grant
    return _one(conn.execute(sa.select(g).where(g.c.client_id == client_id,
                                                g.c.audience == audience)).first())


def get_resource_server(conn: Connection, identifier: str) -> Optional[dict[str, Any]]:
    return _one(conn.execute(_RESOURCE_SERVER, {"identifier": identifier}).first())


def get_connection(conn: Connection, name: str) -> Optional[dict[str, Any]]:
    return _one(conn.execute(_CONNECTION, {"name": name}).first())


def get_user(conn: Connection, user_id: str, *, for_update: bool = False) -> Optional[dict[str, Any]]:
    """`for_update`: locked until the transaction ends (a `write(row_locks=True)` that writes it)."""
    return _one(conn.execute(_USER_FOR_UPDATE if for_update else _USER, {"user_id": user_id}).first())


def find_login(conn: Connection, connection: str, username: str) -> Optional[dict[str, Any]]:
    """Email (case-insensitive) or username within one database connection."""
    lowered = username.strip().lower()
    row = conn.execute(_BY_EMAIL, {"connection": connection, "email": lowered}).first()
    if row is None:
        row = conn.execute(_BY_USERNAME, {"connection": connection, "username": username}).first()
    return _one(row)


def find_phone(conn: Connection, connection: str, phone: str) -> Optional[dict[str, Any]]:
    return _one(conn.execute(sa.select(U).where(U.c.connection == connection,
                                                U.c.phone_number == phone)).first())


def users_by_email(conn: Connection, email: str) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(U).where(U.c.email == email.strip().lower())
                        .order_by(U.c.created_at)).all()
    return [dict(r._mapping) for r in rows]


def list_users(conn: Connection, *, connection: Optional[str], offset: int, limit: int,
               where: Sequence[Any] = (), order: Optional[Sequence[Any]] = None
               ) -> tuple[int, list[dict[str, Any]]]:
    """`where`: more conditions, all of which a user meets; `order`: the ORDER BY instead of
    oldest first (management/user_search.py)."""
    query, count = sa.select(U), sa.select(sa.func.count()).select_from(U)
    conditions = [*([U.c.connection == connection] if connection else []), *where]
    if conditions:
        query, count = query.where(*conditions), count.where(*conditions)
    total = conn.execute(count).scalar_one()
    rows = conn.execute(query.order_by(*(order or (U.c.created_at, U.c.user_id))).offset(offset).limit(limit)).all()
    return total, [dict(r._mapping) for r in rows]

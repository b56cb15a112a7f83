"""Queries over actions, versions and bindings. Rows come back as plain dicts."""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema

A, V, B = schema.action, schema.action_version, schema.binding


def _one(row: Any) -> Optional[dict[str, Any]]:
    return dict(row._mapping) if row is not None else None


def get_action(conn: Connection, action_id: str) -> Optional[dict[str, Any]]:
    return _one(conn.execute(sa.select(A).where(A.c.id == action_id)).first())


def get_action_by_name(conn: Connection, name: str) -> Optional[dict[str, Any]]:
    return _one(conn.execute(sa.select(A).where(A.c.name == name)).first())


def get_version(conn: Connection, version_id: str) -> Optional[dict[str, Any]]:
    return _one(conn.execute(sa.select(V).where(V.c.id == version_id)).first())


def versions_by_id(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = conn.execute(sa.select(V).where(V.c.id.in_(ids))).all()
    return {r.id: dict(r._mapping) for r in rows}


def list_actions(conn: Connection, *, trigger_id: Optional[str], name: Optional[str],
                 deployed: Optional[bool], offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    query = sa.select(A)
    if name is not None:
        query = query.where(A.c.name == name)
    if deployed is True:
        query = query.where(A.c.deployed_version_id.is_not(None))
    elif deployed is False:
        query = query.where(A.c.deployed_version_id.is_(None))
    rows = [dict(r._mapping) for r in conn.execute(query.order_by(A.c.created_at, A.c.id)).all()]
    if trigger_id is not None:
        # supported_triggers is JSON: filtered here, portable across SQLite and PostgreSQL.
        rows = [r for r in rows if any(t.get("id") == trigger_id for t in r["supported_triggers"])]
    return len(rows), rows[offset:offset + limit]


def list_versions(conn: Connection, action_id: str, offset: int, limit: int
                  ) -> tuple[int, list[dict[str, Any]]]:
    total = conn.execute(sa.select(sa.func.count()).select_from(V)
                         .where(V.c.action_id == action_id)).scalar_one()
    rows = conn.execute(sa.select(V).where(V.c.action_id == action_id)
                        .order_by(V.c.number.desc()).offset(offset).limit(limit)).all()
    return total, [dict(r._mapping) for r in rows]


def bindings_of(conn: Connection, trigger_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(B).where(B.c.trigger_id == trigger_id)
                        .order_by(B.c.position)).all()
    return [dict(r._mapping) for r in rows]


def bindings_of_action(conn: Connection, action_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(B).where(B.c.action_id == action_id)).all()
    return [dict(r._mapping) for r in rows]


def actions_by_id(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = conn.execute(sa.select(A).where(A.c.id.in_(ids))).all()
    return {r.id: dict(r._mapping) for r in rows}

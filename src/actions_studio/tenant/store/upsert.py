"""INSERT … ON CONFLICT for the two databases the tenant runs on (both spell it the same way;
SQLAlchemy has one construct per dialect)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection


def insert(conn: Connection, table: Any) -> Any:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        raise NotImplementedError(f"the tenant's store runs on SQLite or PostgreSQL, not {dialect}")
    return dialect_insert(table)

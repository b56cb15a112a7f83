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


_NEW_ROWS: dict[tuple[str, str], Any] = {}


def insert_new(conn: Connection, table: Any) -> Any:
    """INSERT … ON CONFLICT (primary key) DO NOTHING, built once per table and dialect: its
    rowcount says whether the row is new. Execute it with the row's values as parameters."""
    key = (conn.dialect.name, table.name)
    statement = _NEW_ROWS.get(key)
    if statement is None:
        statement = _NEW_ROWS[key] = insert(conn, table).on_conflict_do_nothing(
            index_elements=list(table.primary_key.columns))
    return statement

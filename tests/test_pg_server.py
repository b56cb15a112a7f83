"""The suite's own PostgreSQL server (tests/pg_server.py) is a real one: two databases, each
empty, each reachable through SQLAlchemy with the driver the tenant uses."""

from __future__ import annotations

import sqlalchemy as sa


def test_each_database_is_new_and_reachable(postgres_server) -> None:
    first, second = postgres_server.database(), postgres_server.database()
    assert first != second
    engine = sa.create_engine(first)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE t (id serial PRIMARY KEY, v text)"))
            conn.execute(sa.text("INSERT INTO t (v) VALUES ('x')"))
            assert conn.execute(sa.text("SELECT v FROM t")).scalar_one() == "x"
            assert conn.execute(sa.text("SHOW server_version")).scalar_one().split(".")[0].isdigit()
    finally:
        engine.dispose()
    other = sa.create_engine(second)
    try:
        with other.connect() as conn:
            assert conn.execute(sa.text("SELECT to_regclass('t')")).scalar_one() is None
    finally:
        other.dispose()

"""Writes to `client` and `connection` bump the generation too (issue 18; tenant/flow_cache.py):
a login reads its application and its database connection from what its process kept under the
generation it reads anyway for the flow — two statements fewer per login, and a secret rotated,
a grant type removed or a connection's metadata edited (by any process, the Management API or an
operator's SQL) is seen by the next login of every worker.

The same row and the same trigger function as 0004: one number says whether anything a login
keeps is still current. Idempotent as 0004 is (triggers `IF NOT EXISTS` on SQLite, dropped and
made again on PostgreSQL).

Revision ID: 0005_directory_generation
Revises: 0004_flow_generation
"""

from __future__ import annotations

from alembic import op

revision = "0005_directory_generation"
down_revision = "0004_flow_generation"
branch_labels = None
depends_on = None

TABLES = ("client", "connection")
BUMP = "UPDATE flow_generation SET generation = generation + 1 WHERE id = 1"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:   # bump_flow_generation() is 0004's
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_flow_generation ON {table}")
            op.execute(f"CREATE TRIGGER {table}_bumps_flow_generation AFTER INSERT OR UPDATE OR DELETE "
                       f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_flow_generation()")
        return
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_bumps_flow_generation "
                       f"AFTER {event} ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_flow_generation ON {table}")
            continue
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_bumps_flow_generation")

"""The flows' generation number (issue 18; tenant/flow_cache.py): one row that database triggers
bump on every write to `action`, `action_version` or `binding`, whoever writes (any server
process, the Management API, a migration, an operator's SQL), so each process can keep the flows
it loaded and see at the cost of one read that they changed.

Triggers, not application code: a write path that forgot to bump would serve a stale flow, and
no test could prove that every present and future path remembers. Idempotent, in the baseline's
manner: the table is created only where it is missing (the inspector, as 0001 does), its row only
when absent (a kept generation is not reset), the triggers with `IF NOT EXISTS` (SQLite) or
dropped and made again (PostgreSQL, `CREATE OR REPLACE` for the function). So a store stamped
before this revision that already has some or all of it (its `alembic_version` restored from an
older copy, the table made by `create_all`) runs it again and keeps what it has.

Revision ID: 0004_flow_generation
Revises: 0003_execution_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_flow_generation"
down_revision = "0003_execution_events"
branch_labels = None
depends_on = None

TABLES = ("action", "action_version", "binding")
BUMP = "UPDATE flow_generation SET generation = generation + 1 WHERE id = 1"


def upgrade() -> None:
    if "flow_generation" not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table("flow_generation",
                        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
                        sa.Column("generation", sa.BigInteger(), nullable=False),
                        sa.PrimaryKeyConstraint("id"))
    op.execute("INSERT INTO flow_generation (id, generation) "
               "SELECT 1, 1 WHERE NOT EXISTS (SELECT 1 FROM flow_generation WHERE id = 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION bump_flow_generation() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$")
        for table in TABLES:
            # Once per statement (not per row): a flow of 20 bindings rewritten is one bump.
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_flow_generation ON {table}")
            op.execute(f"CREATE TRIGGER {table}_bumps_flow_generation AFTER INSERT OR UPDATE OR DELETE "
                       f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_flow_generation()")
        return
    for table in TABLES:   # SQLite has row triggers only, one per kind of write
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_bumps_flow_generation "
                       f"AFTER {event} ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_flow_generation ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_flow_generation()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_bumps_flow_generation")
    op.drop_table("flow_generation")

"""Each execution's input event, for replaying it in the studio (issue 19; tenant/event_records.py).

A table of its own, not a column of `execution`: it holds personal data, so it has its own
retention and can be switched off. A store from before this revision simply has no events to
replay for its earlier executions.

Revision ID: 0003_execution_events
Revises: 0002_shared_state
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_execution_events"
down_revision = "0002_shared_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("execution_event",
                    sa.Column("execution_id", sa.String(length=64), nullable=False),
                    sa.Column("trigger_id", sa.String(length=64), nullable=False),
                    sa.Column("event", sa.JSON(), nullable=False),
                    sa.Column("recorded_at", sa.String(length=32), nullable=False),
                    sa.PrimaryKeyConstraint("execution_id"))
    op.create_index("ix_execution_event_recorded_at", "execution_event", ["recorded_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_execution_event_recorded_at", table_name="execution_event")
    op.drop_table("execution_event")

"""Shared state leaves process memory (issue 18): pending logins and codes, rate-limit buckets and
the dependency build queue, so several server processes on one database serve one tenant.

Revision ID: 0002_shared_state
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_shared_state"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("pending_state",
                    sa.Column("key", sa.String(length=640), nullable=False),
                    sa.Column("value", sa.JSON(), nullable=False),
                    sa.Column("tries", sa.Integer(), nullable=False),
                    sa.Column("expires_at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("key"))
    op.create_index("ix_pending_state_expires_at", "pending_state", ["expires_at"], unique=False)
    op.create_table("rate_bucket",
                    sa.Column("key", sa.String(length=320), nullable=False),
                    sa.Column("tokens", sa.Float(), nullable=False),
                    sa.Column("allowed", sa.Boolean(), nullable=False),
                    sa.Column("updated_at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("key"))
    op.create_table("build_job",
                    sa.Column("action_id", sa.String(length=64), nullable=False),
                    sa.Column("dependencies_key", sa.String(length=64), nullable=False),
                    sa.Column("dependencies", sa.JSON(), nullable=False),
                    sa.Column("runtime", sa.String(length=32), nullable=False),
                    sa.Column("queued_at", sa.Float(), nullable=False),
                    sa.Column("claimed_by", sa.String(length=64), nullable=True),
                    sa.Column("lease_until", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("action_id", "dependencies_key"))


def downgrade() -> None:
    op.drop_table("build_job")
    op.drop_table("rate_bucket")
    op.drop_index("ix_pending_state_expires_at", table_name="pending_state")
    op.drop_table("pending_state")

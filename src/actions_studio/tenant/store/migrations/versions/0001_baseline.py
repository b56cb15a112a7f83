"""Baseline: the tenant's schema as it was before Alembic versioned it (issue 18).

Stores made before then have no `alembic_version` and were built by `create_all`, which added
whatever table a newer version defined (`attack_counter` and `token_exchange_profile` came last). So this revision creates each
table only where it is missing: on an empty database it builds the whole schema, on an older store
it adds what that store lacks and keeps every row. Later revisions are ordinary ones.

Revision ID: 0001_baseline
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    def table(name: str, *columns: sa.SchemaItem, indexes: tuple[tuple[str, list[str]], ...] = ()) -> None:
        if name in existing:
            return
        op.create_table(name, *columns)
        for index, on in indexes:
            op.create_index(index, name, on, unique=False)

    table("tenant_setting",
          sa.Column("key", sa.String(length=64), nullable=False),
          sa.Column("value", sa.JSON(), nullable=False),
          sa.PrimaryKeyConstraint("key"))
    table("signing_key",
          sa.Column("kid", sa.String(length=64), nullable=False),
          sa.Column("private_pem", sa.Text(), nullable=False),
          sa.Column("created_at", sa.String(length=32), nullable=False),
          sa.Column("current", sa.Boolean(), nullable=False),
          sa.PrimaryKeyConstraint("kid"))
    table("connection",
          sa.Column("id", sa.String(length=64), nullable=False),
          sa.Column("name", sa.String(length=128), nullable=False),
          sa.Column("strategy", sa.String(length=32), nullable=False),
          sa.Column("metadata", sa.JSON(), nullable=False),
          sa.PrimaryKeyConstraint("id"),
          sa.UniqueConstraint("name"))
    table("client",
          sa.Column("client_id", sa.String(length=64), nullable=False),
          sa.Column("name", sa.String(length=128), nullable=False),
          sa.Column("secret_sha256", sa.String(length=64), nullable=False),
          sa.Column("app_type", sa.String(length=32), nullable=False),
          sa.Column("grant_types", sa.JSON(), nullable=False),
          sa.Column("metadata", sa.JSON(), nullable=False),
          sa.Column("callbacks", sa.JSON(), nullable=False),
          sa.PrimaryKeyConstraint("client_id"))
    table("resource_server",
          sa.Column("id", sa.String(length=64), nullable=False),
          sa.Column("identifier", sa.String(length=512), nullable=False),
          sa.Column("name", sa.String(length=128), nullable=False),
          sa.Column("scopes", sa.JSON(), nullable=False),
          sa.Column("token_lifetime", sa.Integer(), nullable=False),
          sa.PrimaryKeyConstraint("id"),
          sa.UniqueConstraint("identifier"))
    table("client_grant",
          sa.Column("id", sa.String(length=64), nullable=False),
          sa.Column("client_id", sa.String(length=64), nullable=False),
          sa.Column("audience", sa.String(length=512), nullable=False),
          sa.Column("scope", sa.JSON(), nullable=False),
          sa.ForeignKeyConstraint(["client_id"], ["client.client_id"]),
          sa.PrimaryKeyConstraint("id"),
          sa.UniqueConstraint("client_id", "audience"))
    table("tenant_user",
          sa.Column("user_id", sa.String(length=128), nullable=False),
          sa.Column("connection", sa.String(length=128), nullable=False),
          sa.Column("email", sa.String(length=320), nullable=True),
          sa.Column("username", sa.String(length=128), nullable=True),
          sa.Column("phone_number", sa.String(length=32), nullable=True),
          sa.Column("password_hash", sa.Text(), nullable=True),
          sa.Column("profile", sa.JSON(), nullable=False),
          sa.Column("app_metadata", sa.JSON(), nullable=False),
          sa.Column("user_metadata", sa.JSON(), nullable=False),
          sa.Column("roles", sa.JSON(), nullable=False),
          sa.Column("blocked", sa.Boolean(), nullable=False),
          sa.Column("logins_count", sa.Integer(), nullable=False),
          sa.Column("last_login", sa.String(length=32), nullable=True),
          sa.Column("last_password_reset", sa.String(length=32), nullable=True),
          sa.Column("created_at", sa.String(length=32), nullable=False),
          sa.Column("updated_at", sa.String(length=32), nullable=False),
          sa.PrimaryKeyConstraint("user_id"),
          sa.UniqueConstraint("connection", "email"),
          indexes=(("ix_tenant_user_email", ["email"]),))
    table("action",
          sa.Column("id", sa.String(length=64), nullable=False),
          sa.Column("name", sa.String(length=128), nullable=False),
          sa.Column("supported_triggers", sa.JSON(), nullable=False),
          sa.Column("code", sa.Text(), nullable=False),
          sa.Column("dependencies", sa.JSON(), nullable=False),
          sa.Column("runtime", sa.String(length=32), nullable=False),
          sa.Column("secrets", sa.JSON(), nullable=False),
          sa.Column("status", sa.String(length=16), nullable=False),
          sa.Column("errors", sa.JSON(), nullable=False),
          sa.Column("last_number", sa.Integer(), nullable=False),
          sa.Column("deployed_version_id", sa.String(length=64), nullable=True),
          sa.Column("all_changes_deployed", sa.Boolean(), nullable=False),
          sa.Column("created_at", sa.String(length=32), nullable=False),
          sa.Column("updated_at", sa.String(length=32), nullable=False),
          sa.Column("built_at", sa.String(length=32), nullable=True),
          sa.PrimaryKeyConstraint("id"),
          sa.UniqueConstraint("name"))
    table("action_version",
          sa.Column("id", sa.String(length=64), nullable=False),
          sa.Column("action_id", sa.String(length=64), nullable=False),
          sa.Column("number", sa.Integer(), nullable=False),
          sa.Column("code", sa.Text(), nullable=False),
          sa.Column("dependencies", sa.JSON(), nullable=False),
          sa.Column("runtime", sa.String(length=32), nullable=False),
          sa.Column("secret_names", sa.JSON(), nullable=False),
          sa.Column("supported_triggers", sa.JSON(), nullable=False),
          sa.Column("status", sa.String(length=16), nullable=False),
          sa.Column("errors", sa.JSON(), nullable=False),
          sa.Column("created_at", sa.String(length=32), nullable=False),
          sa.Column("updated_at", sa.String(length=32), nullable=False),
          sa.Column("built_at", sa.String(length=32), nullable=True),
          sa.ForeignKeyConstraint(["action_id"], ["action.id"], ondelete="CASCADE"),
          sa.PrimaryKeyConstraint("id"),
          sa.UniqueConstraint("action_id", "number"),
          indexes=(("ix_action_version_action_id", ["action_id"]),))
    table("binding",
          sa.Column("id", sa.String(length=64), nullable=False),
          sa.Column("trigger_id", sa.String(length=64), nullable=False),
          sa.Column("position", sa.Integer(), nullable=False),
          sa.Column("action_id", sa.String(length=64), nullable=False),
          sa.Column("display_name", sa.String(length=128), nullable=False),
          sa.Column("created_at", sa.String(length=32), nullable=False),
          sa.Column("updated_at", sa.String(length=32), nullable=False),
          sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
          sa.PrimaryKeyConstraint("id"),
          indexes=(("ix_binding_trigger_id", ["trigger_id"]),))
    table("execution",
          sa.Column("id", sa.String(length=64), nullable=False),
          sa.Column("trigger_id", sa.String(length=64), nullable=False),
          sa.Column("status", sa.String(length=16), nullable=False),
          sa.Column("result", sa.JSON(), nullable=False),
          sa.Column("created_at", sa.String(length=32), nullable=False),
          sa.Column("updated_at", sa.String(length=32), nullable=False),
          sa.PrimaryKeyConstraint("id"))
    table("log_event",
          sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
          sa.Column("log_id", sa.String(length=64), nullable=False),
          sa.Column("date", sa.String(length=32), nullable=False),
          sa.Column("type", sa.String(length=32), nullable=False),
          sa.Column("data", sa.JSON(), nullable=False),
          sa.PrimaryKeyConstraint("seq"),
          sa.UniqueConstraint("log_id"),
          indexes=(("ix_log_event_type", ["type"]),))
    table("attack_counter",
          sa.Column("kind", sa.String(length=8), nullable=False),
          sa.Column("identifier", sa.String(length=320), nullable=False),
          sa.Column("connection", sa.String(length=128), nullable=False),
          sa.Column("ip", sa.String(length=64), nullable=False),
          sa.Column("count", sa.Float(), nullable=False),
          sa.Column("updated_at", sa.Float(), nullable=False),
          sa.PrimaryKeyConstraint("kind", "identifier", "connection", "ip"))
    table("token_exchange_profile",
          sa.Column("id", sa.String(length=64), nullable=False),
          sa.Column("name", sa.String(length=128), nullable=False),
          sa.Column("subject_token_type", sa.String(length=256), nullable=False),
          sa.Column("action_id", sa.String(length=64), nullable=False),
          sa.Column("type", sa.String(length=32), nullable=False),
          sa.Column("created_at", sa.String(length=32), nullable=False),
          sa.Column("updated_at", sa.String(length=32), nullable=False),
          sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
          sa.PrimaryKeyConstraint("id"),
          sa.UniqueConstraint("subject_token_type"))


def downgrade() -> None:
    raise NotImplementedError("the baseline is the oldest schema a store can have")

"""SQLModel table classes: the ORM view of the latest schema (migrations.py creates the tables).

The migrations, not these classes, define the schema (`SQLModel.metadata.create_all` is never
called); `tests/store/test_migrations.py` checks that the two agree column by column. List-valued
columns (dependencies, secret names) and JSON documents are TEXT holding canonical JSON.
"""

from __future__ import annotations

from typing import Optional

from sqlmodel import Field, SQLModel


class SchemaVersionRow(SQLModel, table=True):
    __tablename__ = "schema_version"
    version: int = Field(primary_key=True)


class WorkspaceInfoRow(SQLModel, table=True):
    __tablename__ = "workspace_info"
    id: str = Field(primary_key=True)
    created_at: str


class WorkspaceSettingRow(SQLModel, table=True):
    __tablename__ = "workspace_setting"
    key: str = Field(primary_key=True)
    value: str


class ActionRow(SQLModel, table=True):
    __tablename__ = "action"
    id: str = Field(primary_key=True)
    name: str
    trigger_id: str
    trigger_version: str
    runtime: str
    # The highest number ever given; numbers are never reused, even after a revert (DESIGN.md).
    last_number: int = 0
    deployed_number: Optional[int] = None
    created_at: str
    updated_at: str


class DraftRow(SQLModel, table=True):
    __tablename__ = "draft"
    action_id: str = Field(primary_key=True, foreign_key="action.id")
    code: str
    dependencies: str
    secret_names: str
    runtime: str
    updated_at: str


class VersionRow(SQLModel, table=True):
    __tablename__ = "version"
    id: str = Field(primary_key=True)
    action_id: str = Field(foreign_key="action.id")
    number: int
    code: str
    dependencies: str
    secret_names: str
    runtime: str
    note: Optional[str] = None
    created_at: str


class FlowBindingRow(SQLModel, table=True):
    __tablename__ = "flow_binding"
    trigger_id: str = Field(primary_key=True)
    position: int = Field(primary_key=True)
    action_id: str = Field(foreign_key="action.id")


class FixtureRow(SQLModel, table=True):
    __tablename__ = "fixture"
    id: str = Field(primary_key=True)
    name: str
    trigger_id: str
    action_name: Optional[str] = None
    event: str
    # Names only: fixture secret values live in the vault (issue 3, section 3).
    secret_names: str
    expect: Optional[str] = None
    created_at: str
    updated_at: str


class RunRow(SQLModel, table=True):
    __tablename__ = "test_run"
    id: str = Field(primary_key=True)
    fixture_id: str = Field(foreign_key="fixture.id")
    action_id: Optional[str] = Field(default=None, foreign_key="action.id")
    target: str
    version_number: Optional[int] = None
    status: str
    passed: Optional[bool] = None
    mismatch: Optional[str] = None
    result: str
    created_at: str


class TenantProfileRow(SQLModel, table=True):
    __tablename__ = "tenant_profile"
    id: str = Field(primary_key=True)
    name: str
    base_url: str
    client_id: str
    audience: Optional[str] = None
    created_at: str


class SyncStateRow(SQLModel, table=True):
    __tablename__ = "sync_state"
    id: str = Field(primary_key=True)
    tenant_id: str = Field(foreign_key="tenant_profile.id")
    entity_kind: str
    local_id: str
    remote_id: Optional[str] = None
    base: Optional[str] = None
    synced_at: Optional[str] = None

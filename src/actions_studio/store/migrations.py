"""Schema migrations: an ordered list of plain SQL steps, never generated from the current models.

Each step is frozen once released: a workspace written by schema N must open under every later
release, so a step never changes after it shipped; a change is a new step. `schema_version` holds
the number of the last applied step; every step runs inside the caller's write transaction, so a
crash mid-migration leaves the old schema (SQLite DDL is transactional).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A DB-API cursor-like callable: execute(sql) — kept abstract so the steps need no SQLAlchemy.
Execute = Callable[[str], Any]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


_V1 = (
    """CREATE TABLE schema_version (
        version INTEGER NOT NULL
    )""",
    """CREATE TABLE workspace_info (
        id TEXT PRIMARY KEY NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE action (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE,
        trigger_id TEXT NOT NULL,
        trigger_version TEXT NOT NULL,
        runtime TEXT NOT NULL,
        last_number INTEGER NOT NULL DEFAULT 0,
        deployed_number INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX ix_action_trigger ON action (trigger_id)",
    """CREATE TABLE draft (
        action_id TEXT PRIMARY KEY NOT NULL REFERENCES action (id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        dependencies TEXT NOT NULL,
        secret_names TEXT NOT NULL,
        runtime TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE version (
        id TEXT PRIMARY KEY NOT NULL,
        action_id TEXT NOT NULL REFERENCES action (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        code TEXT NOT NULL,
        dependencies TEXT NOT NULL,
        secret_names TEXT NOT NULL,
        runtime TEXT NOT NULL,
        note TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (action_id, number)
    )""",
    """CREATE TABLE flow_binding (
        trigger_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        action_id TEXT NOT NULL REFERENCES action (id) ON DELETE CASCADE,
        PRIMARY KEY (trigger_id, position),
        UNIQUE (trigger_id, action_id)
    )""",
    """CREATE TABLE fixture (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE,
        trigger_id TEXT NOT NULL,
        action_name TEXT,
        event TEXT NOT NULL,
        secret_names TEXT NOT NULL,
        expect TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE test_run (
        id TEXT PRIMARY KEY NOT NULL,
        fixture_id TEXT NOT NULL REFERENCES fixture (id) ON DELETE CASCADE,
        action_id TEXT REFERENCES action (id) ON DELETE SET NULL,
        target TEXT NOT NULL,
        version_number INTEGER,
        status TEXT NOT NULL,
        passed INTEGER,
        mismatch TEXT,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX ix_test_run_fixture ON test_run (fixture_id, created_at)",
    """CREATE TABLE tenant_profile (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE,
        base_url TEXT NOT NULL,
        client_id TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE sync_state (
        id TEXT PRIMARY KEY NOT NULL,
        tenant_id TEXT NOT NULL REFERENCES tenant_profile (id) ON DELETE CASCADE,
        entity_kind TEXT NOT NULL,
        local_id TEXT NOT NULL,
        remote_id TEXT,
        base TEXT,
        synced_at TEXT,
        UNIQUE (tenant_id, entity_kind, local_id)
    )""",
)

# Step 2 (issue 3): workspace settings (the test-run retention, default 50 per fixture) and the
# index that keeps "history of one action" an index range scan at 10,000 versions.
_V2 = (
    """CREATE TABLE workspace_setting (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    )""",
    "INSERT INTO workspace_setting (key, value) VALUES ('test_runs_kept_per_fixture', '50')",
    "ALTER TABLE tenant_profile ADD COLUMN audience TEXT",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "first schema: actions, drafts, versions, flows, fixtures, runs, tenants, sync", _V1),
    Migration(2, "workspace settings; tenant audience", _V2),
)

LATEST = MIGRATIONS[-1].version


def pending(current: int) -> list[Migration]:
    return [m for m in MIGRATIONS if m.version > current]


def apply(execute: Execute, current: int, upto: int = LATEST) -> int:
    """Run the steps after `current` up to `upto` through `execute`; returns the new version."""
    for migration in pending(current):
        if migration.version > upto:
            break
        for statement in migration.statements:
            execute(statement)
        current = migration.version
    if current > 0:
        execute("DELETE FROM schema_version")
        execute(f"INSERT INTO schema_version (version) VALUES ({int(current)})")
    return current

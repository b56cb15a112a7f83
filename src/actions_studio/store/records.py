"""Plain frozen records the store hands out: callers never see SQLModel rows (habit 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class ActionRecord:
    id: str
    name: str
    trigger_id: str
    trigger_version: str
    runtime: str
    last_number: int
    deployed_number: Optional[int]
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class DraftRecord:
    action_id: str
    code: str
    dependencies: tuple[str, ...]
    secret_names: tuple[str, ...]
    runtime: str
    updated_at: str


@dataclass(frozen=True)
class VersionRecord:
    id: str
    action_id: str
    number: int
    code: str
    dependencies: tuple[str, ...]
    secret_names: tuple[str, ...]
    runtime: str
    note: Optional[str]
    created_at: str


@dataclass(frozen=True)
class VersionSummary:
    """One line of an action's history: everything but the code."""

    number: int
    note: Optional[str]
    created_at: str
    deployed: bool


@dataclass(frozen=True)
class FixtureRecord:
    id: str
    name: str
    trigger_id: str
    action_name: Optional[str]
    event: dict[str, Any]
    secret_names: tuple[str, ...]
    expect: Optional[dict[str, Any]]
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class RunRecord:
    id: str
    fixture_id: str
    action_id: Optional[str]
    target: str  # "draft" | "version" | "flow"
    version_number: Optional[int]
    status: str
    passed: Optional[bool]
    mismatch: Optional[str]
    result: dict[str, Any] = field(repr=False)
    created_at: str = ""


@dataclass(frozen=True)
class TenantProfileRecord:
    id: str
    name: str
    base_url: str
    client_id: str
    audience: Optional[str]
    created_at: str


@dataclass(frozen=True)
class SyncStateRecord:
    id: str
    tenant_id: str
    entity_kind: str
    local_id: str
    remote_id: Optional[str]
    base: Optional[dict[str, Any]]
    synced_at: Optional[str]

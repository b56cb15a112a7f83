"""Store functions the sync issue needs beyond repository.py: bulk reads for a fast plan, the
sync-state rows as a map, tenant profile edits.

A plan of 100 actions × 3 versions must take well under a second (issue 7, section 8), so the
workspace side is read in three queries, not one per version.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Optional

from sqlmodel import Session, col, delete, select

from actions_studio.store.records import DraftRecord, TenantProfileRecord, VersionRecord
from actions_studio.store.repository import _draft, _tenant, _version  # one row→record mapping
from actions_studio.store.tables import (
    DraftRow,
    FlowBindingRow,
    SyncStateRow,
    TenantProfileRow,
    VersionRow,
)


def all_drafts(s: Session) -> dict[str, DraftRecord]:
    return {r.action_id: _draft(r) for r in s.exec(select(DraftRow))}


def all_versions(s: Session) -> dict[str, list[VersionRecord]]:
    """Every version of every action, oldest first per action."""
    out: dict[str, list[VersionRecord]] = defaultdict(list)
    for row in s.exec(select(VersionRow).order_by(col(VersionRow.action_id), col(VersionRow.number))):
        out[row.action_id].append(_version(row))
    return dict(out)


def all_flows(s: Session) -> dict[str, tuple[str, ...]]:
    """Trigger id -> action ids in execution order (flows with no action are absent)."""
    out: dict[str, list[str]] = defaultdict(list)
    for row in s.exec(select(FlowBindingRow).order_by(col(FlowBindingRow.trigger_id),
                                                      col(FlowBindingRow.position))):
        out[row.trigger_id].append(row.action_id)
    return {t: tuple(ids) for t, ids in out.items()}


def states(s: Session, tenant_id: str, kind: str) -> dict[str, tuple[Optional[str], Optional[dict[str, Any]]]]:
    """local id -> (remote id, base document) for one tenant and one entity kind."""
    rows = s.exec(select(SyncStateRow).where(SyncStateRow.tenant_id == tenant_id,
                                             SyncStateRow.entity_kind == kind))
    return {r.local_id: (r.remote_id, json.loads(r.base) if r.base is not None else None)
            for r in rows}


def delete_state(s: Session, tenant_id: str, kind: str, local_id: str) -> None:
    s.exec(delete(SyncStateRow).where(col(SyncStateRow.tenant_id) == tenant_id,
                                      col(SyncStateRow.entity_kind) == kind,
                                      col(SyncStateRow.local_id) == local_id))


def delete_tenant(s: Session, tenant_id: str) -> None:
    s.exec(delete(SyncStateRow).where(col(SyncStateRow.tenant_id) == tenant_id))
    s.exec(delete(TenantProfileRow).where(col(TenantProfileRow.id) == tenant_id))


def update_tenant(s: Session, tenant_id: str, *, base_url: str, client_id: str,
                  audience: Optional[str]) -> TenantProfileRecord:
    row = s.get(TenantProfileRow, tenant_id)
    assert row is not None
    row.base_url, row.client_id, row.audience = base_url, client_id, audience
    s.add(row)
    s.flush()
    return _tenant(row)

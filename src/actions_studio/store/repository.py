"""Repository functions: every read and write of the workspace tables, one function per question.

Each function takes the `Session` of a transaction opened by `Database.read()` / `.write()`, so a
service composes several of them into one atomic change. They return records (records.py), never
rows. They check nothing a service should explain to a user; the schema's constraints are the
last line of defence, not the first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Optional

from sqlmodel import Session, col, delete, func, select, update

from actions_studio.store.db import new_id, now_iso
from actions_studio.store.records import (
    ActionRecord,
    DraftRecord,
    FixtureRecord,
    RunRecord,
    SyncStateRecord,
    TenantProfileRecord,
    VersionRecord,
    VersionSummary,
)
from actions_studio.store.tables import (
    ActionRow,
    DraftRow,
    FixtureRow,
    FlowBindingRow,
    RunRow,
    SyncStateRow,
    TenantProfileRow,
    VersionRow,
    WorkspaceInfoRow,
    WorkspaceSettingRow,
)


def _names(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _doc(value: Any) -> str:
    # Documents keep their key order (a fixture's event reads as its author wrote it).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _action(row: ActionRow) -> ActionRecord:
    return ActionRecord(
        id=row.id, name=row.name, trigger_id=row.trigger_id, trigger_version=row.trigger_version,
        runtime=row.runtime, last_number=row.last_number, deployed_number=row.deployed_number,
        created_at=row.created_at, updated_at=row.updated_at,
    )


def _draft(row: DraftRow) -> DraftRecord:
    return DraftRecord(
        action_id=row.action_id, code=row.code, dependencies=tuple(json.loads(row.dependencies)),
        secret_names=tuple(json.loads(row.secret_names)), runtime=row.runtime,
        updated_at=row.updated_at,
    )


def _version(row: VersionRow) -> VersionRecord:
    return VersionRecord(
        id=row.id, action_id=row.action_id, number=row.number, code=row.code,
        dependencies=tuple(json.loads(row.dependencies)),
        secret_names=tuple(json.loads(row.secret_names)), runtime=row.runtime, note=row.note,
        created_at=row.created_at,
    )


def _fixture(row: FixtureRow) -> FixtureRecord:
    return FixtureRecord(
        id=row.id, name=row.name, trigger_id=row.trigger_id, action_name=row.action_name,
        event=json.loads(row.event), secret_names=tuple(json.loads(row.secret_names)),
        expect=json.loads(row.expect) if row.expect is not None else None,
        created_at=row.created_at, updated_at=row.updated_at,
    )


def _run(row: RunRow) -> RunRecord:
    return RunRecord(
        id=row.id, fixture_id=row.fixture_id, action_id=row.action_id, target=row.target,
        version_number=row.version_number, status=row.status,
        passed=None if row.passed is None else bool(row.passed), mismatch=row.mismatch,
        result=json.loads(row.result), created_at=row.created_at,
    )


# -- workspace -----------------------------------------------------------------------------------


def workspace_id(s: Session) -> str:
    row = s.exec(select(WorkspaceInfoRow)).first()
    assert row is not None, "workspace_info is written when the workspace is created"
    return row.id


def get_setting(s: Session, key: str, default: Optional[str] = None) -> Optional[str]:
    row = s.get(WorkspaceSettingRow, key)
    return row.value if row is not None else default


def settings_with_prefix(s: Session, prefix: str) -> list[str]:
    """The keys of the settings whose key starts with `prefix`, sorted."""
    rows = s.exec(select(WorkspaceSettingRow.key).where(col(WorkspaceSettingRow.key).startswith(prefix)))
    return sorted(rows)


def set_setting(s: Session, key: str, value: str) -> None:
    row = s.get(WorkspaceSettingRow, key)
    if row is None:
        s.add(WorkspaceSettingRow(key=key, value=value))
    else:
        row.value = value
        s.add(row)


# -- actions, drafts, versions -------------------------------------------------------------------


def insert_action(
    s: Session, *, name: str, trigger_id: str, trigger_version: str, runtime: str, code: str,
    dependencies: Sequence[str] = (), secret_names: Sequence[str] = (),
) -> ActionRecord:
    stamp = now_iso()
    row = ActionRow(
        id=new_id(), name=name, trigger_id=trigger_id, trigger_version=trigger_version,
        runtime=runtime, last_number=0, deployed_number=None, created_at=stamp, updated_at=stamp,
    )
    s.add(row)
    s.flush()  # the draft's foreign key needs the action row first
    s.add(DraftRow(action_id=row.id, code=code, dependencies=_names(dependencies),
                   secret_names=_names(secret_names), runtime=runtime, updated_at=stamp))
    s.flush()
    return _action(row)


def find_action(s: Session, name: str) -> Optional[ActionRecord]:
    row = s.exec(select(ActionRow).where(ActionRow.name == name)).first()
    return _action(row) if row is not None else None


def get_action(s: Session, action_id: str) -> Optional[ActionRecord]:
    row = s.get(ActionRow, action_id)
    return _action(row) if row is not None else None


def list_actions(s: Session, trigger_id: Optional[str] = None) -> list[ActionRecord]:
    query = select(ActionRow).order_by(col(ActionRow.name))
    if trigger_id is not None:
        query = query.where(ActionRow.trigger_id == trigger_id)
    return [_action(r) for r in s.exec(query).all()]


def get_draft(s: Session, action_id: str) -> DraftRecord:
    row = s.get(DraftRow, action_id)
    assert row is not None, "every action has exactly one draft (created with it)"
    return _draft(row)


def update_draft(
    s: Session, action_id: str, *, code: Optional[str] = None,
    dependencies: Optional[Sequence[str]] = None, secret_names: Optional[Sequence[str]] = None,
    runtime: Optional[str] = None,
) -> DraftRecord:
    row = s.get(DraftRow, action_id)
    assert row is not None
    if code is not None:
        row.code = code
    if dependencies is not None:
        row.dependencies = _names(dependencies)
    if secret_names is not None:
        row.secret_names = _names(secret_names)
    if runtime is not None:
        row.runtime = runtime
        # The action's runtime is its draft's (as Auth0 keeps one runtime per action).
        s.exec(update(ActionRow).where(col(ActionRow.id) == action_id).values(runtime=runtime))
    row.updated_at = now_iso()
    s.add(row)
    _touch(s, action_id)
    return _draft(row)


def _touch(s: Session, action_id: str) -> None:
    s.exec(update(ActionRow).where(col(ActionRow.id) == action_id).values(updated_at=now_iso()))


def insert_version(
    s: Session, action_id: str, *, code: str, dependencies: Sequence[str],
    secret_names: Sequence[str], runtime: str, note: Optional[str], number: Optional[int] = None,
    deploy: bool = True,
) -> VersionRecord:
    """Adds the next version (or `number`, which must be above every number ever given)."""
    action = s.get(ActionRow, action_id)
    assert action is not None
    if number is None:
        number = action.last_number + 1
    if number <= action.last_number:
        raise ValueError(f"version {number} of {action.name} was already given")
    row = VersionRow(
        id=new_id(), action_id=action_id, number=number, code=code,
        dependencies=_names(dependencies), secret_names=_names(secret_names), runtime=runtime,
        note=note, created_at=now_iso(),
    )
    s.add(row)
    action.last_number = number
    if deploy:
        action.deployed_number = number
    action.updated_at = row.created_at
    s.add(action)
    s.flush()
    return _version(row)


def get_version(s: Session, action_id: str, number: int) -> Optional[VersionRecord]:
    row = s.exec(
        select(VersionRow).where(VersionRow.action_id == action_id, VersionRow.number == number)
    ).first()
    return _version(row) if row is not None else None


def list_versions(s: Session, action_id: str) -> list[VersionSummary]:
    """Newest first, without the code (the history list never needs it)."""
    deployed = s.exec(select(ActionRow.deployed_number).where(ActionRow.id == action_id)).first()
    rows = s.exec(
        select(VersionRow.number, VersionRow.note, VersionRow.created_at)
        .where(VersionRow.action_id == action_id)
        .order_by(col(VersionRow.number).desc())
    ).all()
    return [VersionSummary(number=n, note=note, created_at=at, deployed=(n == deployed))
            for n, note, at in rows]


def count_versions(s: Session) -> int:
    return int(s.exec(select(func.count()).select_from(VersionRow)).one())


def rename_action(s: Session, action_id: str, new_name: str) -> ActionRecord:
    row = s.get(ActionRow, action_id)
    assert row is not None
    old = row.name
    row.name = new_name
    row.updated_at = now_iso()
    s.add(row)
    # Fixtures name their action (the file format does); keep them pointing at it.
    s.exec(update(FixtureRow).where(col(FixtureRow.action_name) == old).values(action_name=new_name))
    s.flush()
    return _action(row)


def delete_action(s: Session, action_id: str) -> None:
    remove_from_flows(s, action_id)
    # ON DELETE CASCADE removes the draft and versions; runs keep their result (action SET NULL).
    s.exec(delete(ActionRow).where(col(ActionRow.id) == action_id))


# -- flows ---------------------------------------------------------------------------------------


def get_flow(s: Session, trigger_id: str) -> list[ActionRecord]:
    rows = s.exec(
        select(ActionRow)
        .join(FlowBindingRow, col(FlowBindingRow.action_id) == col(ActionRow.id))
        .where(FlowBindingRow.trigger_id == trigger_id)
        .order_by(col(FlowBindingRow.position))
    ).all()
    return [_action(r) for r in rows]


def set_flow(s: Session, trigger_id: str, action_ids: Sequence[str]) -> None:
    s.exec(delete(FlowBindingRow).where(col(FlowBindingRow.trigger_id) == trigger_id))
    s.flush()
    for position, action_id in enumerate(action_ids):
        s.add(FlowBindingRow(trigger_id=trigger_id, position=position, action_id=action_id))
    s.flush()


def flows_containing(s: Session, action_id: str) -> list[str]:
    return list(s.exec(
        select(FlowBindingRow.trigger_id).where(FlowBindingRow.action_id == action_id)
    ).all())


def remove_from_flows(s: Session, action_id: str) -> None:
    for trigger_id in flows_containing(s, action_id):
        remaining = [a.id for a in get_flow(s, trigger_id) if a.id != action_id]
        set_flow(s, trigger_id, remaining)


def list_flows(s: Session) -> dict[str, list[ActionRecord]]:
    triggers = s.exec(select(FlowBindingRow.trigger_id).distinct()).all()
    return {t: get_flow(s, t) for t in sorted(triggers)}


# -- fixtures ------------------------------------------------------------------------------------


def find_fixture(s: Session, name: str) -> Optional[FixtureRecord]:
    row = s.exec(select(FixtureRow).where(FixtureRow.name == name)).first()
    return _fixture(row) if row is not None else None


def list_fixtures(s: Session, trigger_id: Optional[str] = None) -> list[FixtureRecord]:
    query = select(FixtureRow).order_by(col(FixtureRow.name))
    if trigger_id is not None:
        query = query.where(FixtureRow.trigger_id == trigger_id)
    return [_fixture(r) for r in s.exec(query).all()]


def save_fixture(
    s: Session, *, name: str, trigger_id: str, action_name: Optional[str], event: dict[str, Any],
    secret_names: Sequence[str], expect: Optional[dict[str, Any]],
) -> FixtureRecord:
    """Creates or replaces the fixture called `name` (its id survives a replace)."""
    stamp = now_iso()
    row = s.exec(select(FixtureRow).where(FixtureRow.name == name)).first()
    if row is None:
        row = FixtureRow(id=new_id(), name=name, created_at=stamp, trigger_id=trigger_id,
                         event="", secret_names="[]", updated_at=stamp)
    row.trigger_id = trigger_id
    row.action_name = action_name
    row.event = _doc(event)
    row.secret_names = _names(secret_names)
    row.expect = _doc(expect) if expect is not None else None
    row.updated_at = stamp
    s.add(row)
    s.flush()
    return _fixture(row)


def delete_fixture(s: Session, fixture_id: str) -> None:
    s.exec(delete(FixtureRow).where(col(FixtureRow.id) == fixture_id))


# -- test runs -----------------------------------------------------------------------------------


def insert_run(
    s: Session, *, fixture_id: str, action_id: Optional[str], target: str,
    version_number: Optional[int], status: str, passed: Optional[bool], mismatch: Optional[str],
    result: dict[str, Any], keep: int,
) -> RunRecord:
    row = RunRow(
        id=new_id(), fixture_id=fixture_id, action_id=action_id, target=target,
        version_number=version_number, status=status, passed=passed, mismatch=mismatch,
        result=_doc(result), created_at=now_iso(),
    )
    s.add(row)
    s.flush()
    # Retention in the same transaction: the history never holds more than `keep` per fixture.
    stale = s.exec(
        select(RunRow.id).where(RunRow.fixture_id == fixture_id)
        .order_by(col(RunRow.created_at).desc(), col(RunRow.id)).offset(keep)
    ).all()
    if stale:
        s.exec(delete(RunRow).where(col(RunRow.id).in_(list(stale))))
    return _run(row)


def list_runs(s: Session, fixture_id: str, limit: Optional[int] = None) -> list[RunRecord]:
    query = (select(RunRow).where(RunRow.fixture_id == fixture_id)
             .order_by(col(RunRow.created_at).desc()))
    if limit is not None:
        query = query.limit(limit)
    return [_run(r) for r in s.exec(query).all()]


# -- tenants and sync state (the sync issue fills these) -----------------------------------------


def insert_tenant(s: Session, *, name: str, base_url: str, client_id: str,
                  audience: Optional[str] = None) -> TenantProfileRecord:
    row = TenantProfileRow(id=new_id(), name=name, base_url=base_url, client_id=client_id,
                           audience=audience, created_at=now_iso())
    s.add(row)
    s.flush()
    return _tenant(row)


def _tenant(row: TenantProfileRow) -> TenantProfileRecord:
    return TenantProfileRecord(id=row.id, name=row.name, base_url=row.base_url,
                               client_id=row.client_id, audience=row.audience,
                               created_at=row.created_at)


def list_tenants(s: Session) -> list[TenantProfileRecord]:
    return [_tenant(r) for r in s.exec(select(TenantProfileRow).order_by(col(TenantProfileRow.name)))]


def put_sync_state(s: Session, *, tenant_id: str, entity_kind: str, local_id: str,
                   remote_id: Optional[str], base: Optional[dict[str, Any]]) -> SyncStateRecord:
    row = s.exec(select(SyncStateRow).where(
        SyncStateRow.tenant_id == tenant_id, SyncStateRow.entity_kind == entity_kind,
        SyncStateRow.local_id == local_id)).first()
    if row is None:
        row = SyncStateRow(id=new_id(), tenant_id=tenant_id, entity_kind=entity_kind,
                           local_id=local_id)
    row.remote_id = remote_id
    row.base = _doc(base) if base is not None else None
    row.synced_at = now_iso()
    s.add(row)
    s.flush()
    return _sync(row)


def _sync(row: SyncStateRow) -> SyncStateRecord:
    return SyncStateRecord(id=row.id, tenant_id=row.tenant_id, entity_kind=row.entity_kind,
                           local_id=row.local_id, remote_id=row.remote_id,
                           base=json.loads(row.base) if row.base is not None else None,
                           synced_at=row.synced_at)

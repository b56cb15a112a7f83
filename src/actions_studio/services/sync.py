"""Sync use cases: tenant profiles (with the built-in "Local tenant"), plan, apply, pull.

The sync layer knows the tenant; this module knows the workspace. `SyncSession` joins them for
one tenant: it starts the bundled tenant when that is the target, reads the three sides, plans,
and applies through `WorkspaceAdapter` (the applier's view of the workspace: bases in the
`sync_state` table, pulled actions and versions, flows). Every workspace write of a pull is one
transaction per action.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import platformdirs

from actions_studio.services import locations
from actions_studio.services import tenants as tenant_profiles
# Tenant profiles live in services/tenants.py; these names stay importable from here.
from actions_studio.services.tenants import (  # noqa: F401
    ACTIVE_SETTING,
    LOCAL_TENANT,
    LOCAL_URL,
    active_tenant_name,
    add_profile,
    domain_url,
    ensure_local_profile,
    find_tenant,
    get_profile,
    is_local,
    list_profiles,
    normalise_url,
    remove_profile,
    set_active_tenant,
    update_profile,
)
from actions_studio.services.catalog import get_trigger
from actions_studio.services.errors import ServiceError
from actions_studio.services.secrets import action_key
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store import sync_state as store
from actions_studio.store.records import TenantProfileRecord
from actions_studio.sync.applier import Applier, ApplyReport, Progress
from actions_studio.sync.client import Connection, TenantClient
from actions_studio.sync.errors import SyncError, TenantAuthError, TenantUnreachableError
from actions_studio.sync.local_tenant import LocalTenant
from actions_studio.sync.model import (
    ActionBase,
    BaseSnapshot,
    Content,
    FlowBase,
    LocalAction,
    LocalSnapshot,
    LocalVersion,
    RemoteAction,
    RemoteVersion,
)
from actions_studio.sync.plan import Plan
from actions_studio.sync.planner import PlanOptions, plan as make_plan


class MissingSecretsError(ServiceError):
    """Secrets the pushed versions need have no value in the vault; nothing was applied."""

    def __init__(self, missing: list[tuple[str, str]], location: str) -> None:
        self.missing = missing
        listed = ", ".join(f"{action}: {name}" for action, name in missing)
        super().__init__(f"no value in the vault ({location}) for {listed}; set them with "
                         "`secrets set` (nothing was applied)")


class SyncFailedError(ServiceError):
    """Wraps a sync-layer failure (unreachable tenant, refused request) as a one-line refusal."""


class TenantDownError(SyncFailedError):
    """No answer from the tenant: it is down or the network is (a rerun later may just work)."""


class CredentialsRefusedError(SyncFailedError):
    """The tenant answered and refused the client credentials or the token's permissions: the
    profile is misconfigured, and rerunning will not help (issue 13, item 15)."""


def sync_failure(message: str, exc: BaseException) -> SyncFailedError:
    """The service error for a sync-layer failure, keeping "down" apart from "misconfigured"."""
    if isinstance(exc, TenantUnreachableError):
        return TenantDownError(message)
    if isinstance(exc, TenantAuthError):
        return CredentialsRefusedError(message)
    return SyncFailedError(message)


def default_local_tenant_dir() -> Path:
    home = os.environ.get(locations.HOME_ENV)
    if home:
        return Path(home) / "local-tenant"
    return Path(platformdirs.user_data_dir(locations.APP_NAME, appauthor=False)) / "local-tenant"


# -- the workspace side --------------------------------------------------------------------------

def _content(code: str, runtime: str, deps: tuple[str, ...], secrets: tuple[str, ...]) -> Content:
    return Content(code=code, runtime=runtime, dependencies=tuple(deps), secret_names=tuple(secrets))


def local_snapshot(ws: Workspace) -> LocalSnapshot:
    with ws.db.read() as s:
        actions = repo.list_actions(s)
        drafts = store.all_drafts(s)
        versions = store.all_versions(s)
        flows = store.all_flows(s)
    out = []
    for a in actions:
        d = drafts[a.id]
        vs = tuple(LocalVersion(v.number, _content(v.code, v.runtime, v.dependencies, v.secret_names))
                   for v in versions.get(a.id, ()))
        out.append(LocalAction(a.id, a.name, a.trigger_id, a.trigger_version,
                               _content(d.code, d.runtime, d.dependencies, d.secret_names), vs,
                               a.deployed_number))
    return LocalSnapshot(tuple(out), flows)


def base_snapshot(ws: Workspace, tenant_id: str) -> BaseSnapshot:
    with ws.db.read() as s:
        actions = store.states(s, tenant_id, "action")
        flows = store.states(s, tenant_id, "flow")
    return BaseSnapshot(
        {k: ActionBase.from_doc(rid, doc) for k, (rid, doc) in actions.items() if doc is not None},
        {k: FlowBase(k, tuple(doc["actions"])) for k, (_rid, doc) in flows.items() if doc is not None})


class WorkspaceAdapter:
    """The applier's view of the workspace for one tenant (sync.applier.WorkspaceSide)."""

    def __init__(self, ws: Workspace, tenant_id: str) -> None:
        self.ws = ws
        self.tenant_id = tenant_id

    def secret_values(self, local_id: str, names: tuple[str, ...]) -> dict[str, str]:
        values = {}
        for name in names:
            value = self.ws.vault.get(self.ws.id, action_key(local_id, name))
            if value is None:
                raise SyncError(f"secret {name} has no value in the vault")
            values[name] = value
        return values

    def save_base(self, local_id: str, base: Optional[ActionBase]) -> None:
        with self.ws.db.write() as s:
            if base is None:
                store.delete_state(s, self.tenant_id, "action", local_id)
            else:
                repo.put_sync_state(s, tenant_id=self.tenant_id, entity_kind="action",
                                    local_id=local_id, remote_id=base.remote_id, base=base.to_doc())

    def save_flow_base(self, trigger_id: str, local_ids: tuple[str, ...]) -> None:
        with self.ws.db.write() as s:
            self._put_flow_base(s, trigger_id, local_ids)

    def _put_flow_base(self, s, trigger_id: str, local_ids: tuple[str, ...]) -> None:
        repo.put_sync_state(s, tenant_id=self.tenant_id, entity_kind="flow", local_id=trigger_id,
                            remote_id=trigger_id, base={"actions": list(local_ids)})

    def _put_base(self, s, local_id: str, base: ActionBase) -> None:
        repo.put_sync_state(s, tenant_id=self.tenant_id, entity_kind="action", local_id=local_id,
                            remote_id=base.remote_id, base=base.to_doc())

    def import_action(self, remote: RemoteAction, versions: list[RemoteVersion]
                      ) -> tuple[str, ActionBase]:
        trigger = get_trigger(remote.trigger_id)
        with self.ws.db.write() as s:
            name = remote.name
            if repo.find_action(s, name) is not None:
                name = f"{remote.name} (from tenant)"  # same name, another trigger: keep both
            d = remote.draft
            action = repo.insert_action(s, name=name, trigger_id=trigger.id,
                                        trigger_version=remote.trigger_version or trigger.version,
                                        runtime=d.runtime, code=d.code, dependencies=d.dependencies,
                                        secret_names=d.secret_names)
            mapping = self._insert_versions(s, action.id, 0, versions, remote)
            base = ActionBase(remote.id, remote.name, remote.draft, mapping, remote.deployed_number or 0)
            # With the action, in its transaction: an import whose base was lost would be
            # linked again by name, but a pull whose base was lost would look like a conflict.
            self._put_base(s, action.id, base)
        return action.id, base

    @staticmethod
    def _insert_versions(s, action_id: str, last_number: int, versions: list[RemoteVersion],
                         remote: RemoteAction) -> dict[int, Optional[int]]:
        mapping: dict[int, Optional[int]] = {}
        for v in sorted(versions, key=lambda v: v.number):
            # The tenant's number when it is free here (always, for a pulled action), else the next.
            number = v.number if v.number > last_number else last_number + 1
            c = v.content
            repo.insert_version(s, action_id, code=c.code, dependencies=c.dependencies,
                                secret_names=c.secret_names, runtime=c.runtime,
                                note=f"tenant version {v.number}", number=number,
                                deploy=v.number == remote.deployed_number)
            mapping[number] = v.number
            last_number = number
        return mapping

    def pull_action(self, local_id: str, remote: RemoteAction, versions: list[RemoteVersion],
                    base: Optional[ActionBase], drop_local_numbers: tuple[int, ...]) -> ActionBase:
        with self.ws.db.write() as s:
            action = repo.get_action(s, local_id)
            if action is None:
                raise SyncError(f"{remote.name} is no longer in the workspace")
            mapping: dict[int, Optional[int]] = dict(base.versions) if base is not None else {}
            for n in drop_local_numbers:
                mapping[n] = None  # the user took the tenant's side: never pushed
            if base is None:
                for v in repo.list_versions(s, local_id):
                    mapping.setdefault(v.number, None)
            mapping.update(self._insert_versions(s, local_id, action.last_number, versions, remote))
            d = remote.draft
            repo.update_draft(s, local_id, code=d.code, dependencies=d.dependencies,
                              secret_names=d.secret_names, runtime=d.runtime)
            if remote.name != action.name:
                taken = repo.find_action(s, remote.name)
                if taken is None:
                    repo.rename_action(s, local_id, remote.name)
            base = ActionBase(remote.id, remote.name, remote.draft, mapping, remote.deployed_number or 0)
            # The pulled versions and the base that maps them commit together (issue 13, item
            # 14): versions without their mapping would be pushed back as new ones, or conflict.
            self._put_base(s, local_id, base)
        return base

    def set_flow(self, trigger_id: str, local_ids: tuple[str, ...], *, record_base: bool = False) -> None:
        with self.ws.db.write() as s:
            missing = [i for i in local_ids if repo.get_action(s, i) is None]
            if missing:  # the planner never asks this; a clear stop beats a foreign-key error
                raise SyncError(f"the {trigger_id} flow names an action the workspace no longer "
                                "has; run sync again")
            repo.set_flow(s, trigger_id, list(local_ids))
            if record_base:
                self._put_flow_base(s, trigger_id, local_ids)

    def delete_action(self, local_id: str) -> None:
        from actions_studio.services import actions

        with self.ws.db.read() as s:
            action = repo.get_action(s, local_id)
        if action is not None:
            actions.delete(self.ws, action.name, force=True)


def missing_secrets(ws: Workspace, plan: Plan) -> list[tuple[str, str]]:
    """(action name, secret name) for every secret a pushed version needs and the vault lacks."""
    names = {a.id: a.name for a in local_snapshot(ws).actions} if plan.secret_needs else {}
    return [(names.get(local_id, local_id), name)
            for local_id, needed in sorted(plan.secret_needs.items(), key=lambda kv: names.get(kv[0], ""))
            for name in needed if ws.vault.get(ws.id, action_key(local_id, name)) is None]


# -- sessions ------------------------------------------------------------------------------------

@dataclass
class LocalTenantHost:
    """Owns the bundled tenant process for the studio or a CLI run (one per process)."""

    data_dir: Path
    runner: Optional[LocalTenant] = None

    def connection(self) -> Connection:
        if self.runner is None:
            self.runner = LocalTenant(self.data_dir)
        return self.runner.start()

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()


class SyncSession:
    """One workspace and one tenant: plan, apply, pull."""

    def __init__(self, ws: Workspace, tenant: TenantProfileRecord, *,
                 local_host: Optional[LocalTenantHost] = None,
                 connection: Optional[Connection] = None,
                 transport: Optional[object] = None) -> None:
        self.ws = ws
        self.tenant = tenant
        self._local_host = local_host
        self._connection = connection
        self._transport = transport  # TenantClient's httpx transport (None: httpx's own)
        self._client: Optional[TenantClient] = None
        # Told of every wait for the tenant outside an apply (a plan's reads hitting its rate
        # limit): (seconds, until epoch, why). An apply reports waits through its progress.
        self.on_wait: Optional[Callable[[float, float, str], None]] = None

    @classmethod
    def open(cls, ws: Workspace, tenant_name: Optional[str] = None, *,
             local_host: Optional[LocalTenantHost] = None) -> "SyncSession":
        return cls(ws, get_profile(ws, tenant_name), local_host=local_host)

    def connection(self) -> Connection:
        if self._connection is None:
            if is_local(self.tenant):
                host = self._local_host or LocalTenantHost(default_local_tenant_dir())
                self._local_host = host
                try:
                    self._connection = host.connection()
                except SyncError as exc:
                    raise SyncFailedError(str(exc)) from None
            else:
                self._connection = Connection(
                    base_url=self.tenant.base_url, client_id=self.tenant.client_id,
                    client_secret=tenant_profiles.client_secret(self.ws, self.tenant),
                    audience=self.tenant.audience)
        return self._connection

    @property
    def client(self) -> TenantClient:
        if self._client is None:
            self._client = TenantClient(self.connection(), transport=self._transport,
                                        on_wait=lambda *wait: self.on_wait and self.on_wait(*wait))
        return self._client

    def reconnect(self) -> None:
        """Forget the connection (the tenant restarted, maybe on another port)."""
        self.close()
        self._connection = None

    def plan(self, options: PlanOptions = PlanOptions()) -> Plan:
        try:
            remote = self.client.snapshot()
        except SyncError as exc:
            raise sync_failure(f"tenant {self.tenant.name}: {exc}", exc) from None
        return make_plan(local_snapshot(self.ws), remote, base_snapshot(self.ws, self.tenant.id), options)

    def apply(self, plan: Plan, progress: Optional[Callable[[Progress], None]] = None) -> ApplyReport:
        """Checks the vault first (MissingSecretsError: nothing applied), then runs the steps."""
        missing = missing_secrets(self.ws, plan)
        if missing:
            raise MissingSecretsError(missing, self.ws.vault.location())
        return Applier(self.client, WorkspaceAdapter(self.ws, self.tenant.id), plan, progress).run()

    def pull(self, progress: Optional[Callable[[Progress], None]] = None,
             prefer: Optional[str] = None) -> tuple[Plan, ApplyReport]:
        plan = self.plan(PlanOptions(mode="pull", prefer=prefer))  # type: ignore[arg-type]
        return plan, self.apply(plan, progress)

    def close(self) -> None:
        # The local tenant belongs to its host, which may serve other sessions; only the
        # client's connections are ours.
        client, self._client = self._client, None
        if client is not None and hasattr(client, "close"):
            client.close()

    def __enter__(self) -> "SyncSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

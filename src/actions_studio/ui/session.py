"""`StudioSession`: the window's one door to the workspace.

It holds no state of its own besides the open `Workspace`: every method calls a use case in
services/ and returns the records it got. Every write the window makes goes through here, so its
signals tell panels *that* something changed, by id, and each panel re-reads what it shows (the UI
never holds the truth, DESIGN.md). Workers off the GUI thread (ui/worker_bridge.py) call services
themselves and the answer's receiver on the GUI thread tells the session (`note_*`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional

from PySide6.QtCore import QObject, Signal

from actions_studio.services.action_detail import ActionDetail
from actions_studio.store.records import (
    ActionRecord,
    FixtureRecord,
    TenantProfileRecord,
    VersionRecord,
    VersionSummary,
)

# The use cases load where a method needs them, not with the session: they import the store
# (SQLAlchemy, ~0.3 s), the run pipeline and pip's machinery, which the window's start does not
# need before it is shown (issue 12 item 10).
if TYPE_CHECKING:
    from actions_studio.services import flow_design
    from actions_studio.services.workspace import Workspace
    from actions_studio.ui.workspace_opening import WorkspaceOpening


class StudioSession(QObject):
    sig_actions_changed = Signal()
    """An action was created, renamed or deleted: the list of actions changed."""
    sig_action_changed = Signal(str)
    """One action's draft, versions or secrets changed (action id)."""
    sig_fixtures_changed = Signal(str)
    """A fixture of this trigger was saved or deleted (trigger id)."""
    sig_flows_changed = Signal(str)
    """A trigger's flow was applied (trigger id)."""
    sig_tenants_changed = Signal()
    """A tenant profile was added, edited or removed, or another one became the active one."""

    sig_workspace_opened = Signal()
    """A workspace that was still opening at start-up is open: panels that wait for it read it."""

    def __init__(self, workspace: Optional["Workspace"] = None, parent: Optional[QObject] = None, *,
                 opening: Optional["WorkspaceOpening"] = None) -> None:
        """An open `workspace`, or one still `opening` (the studio's start, issue 12 item 10):
        until it is open the actions and drafts come from its start view, and anything else
        waits for it."""
        super().__init__(parent)
        assert (workspace is None) != (opening is None), "an open workspace or one opening"
        self._ws = workspace
        self._opening = opening
        self._path = workspace.path if workspace is not None else opening.path

    @property
    def ws(self) -> "Workspace":
        """The open workspace; while it is still opening, waits for it."""
        if self._ws is None:
            self._ws = self._opening.result()
        return self._ws

    def is_open(self) -> bool:
        return self._ws is not None

    def note_workspace_opened(self) -> None:
        """The opening thread finished (on the GUI thread, from gui.py): from now on every answer
        comes from the store, and the panels that waited read it."""
        self.ws  # noqa: B018 - takes the workspace (a failed open raises here)
        self.sig_workspace_opened.emit()

    def _start_view(self) -> Any:
        """What the window shows before the workspace is open (or while gui.py closes a window
        whose open failed), or None once it is open."""
        if self._ws is None and (not self._opening.done() or self._opening.failed()):
            return self._opening.view
        return None

    # -- actions --------------------------------------------------------------------------------

    def list_actions(self) -> list[ActionRecord]:
        view = self._start_view()
        if view is not None:
            return list(view.actions)
        return _actions().list_actions(self.ws)

    @property
    def name(self) -> str:
        """The workspace file's name, for the window title."""
        return self._path.name

    def action(self, action_id: str) -> Optional[ActionRecord]:
        view = self._start_view()
        if view is not None:
            return next((a for a in view.actions if a.id == action_id), None)
        return _actions().get_action(self.ws, action_id)

    def detail(self, action_id: str) -> Optional[ActionDetail]:
        view = self._start_view()
        if view is not None:
            action = self.action(action_id)
            return (ActionDetail(action, view.drafts[action_id], view.draft_differs[action_id])
                    if action is not None else None)
        return _actions().open_action_by_id(self.ws, action_id)

    def create_action(self, name: str, trigger_id: str, runtime: str = "python3") -> ActionRecord:
        detail = _actions().create_action(self.ws, name, trigger_id, runtime=runtime)
        self.sig_actions_changed.emit()
        return detail.action

    def rename_action(self, action_id: str, new_name: str) -> ActionRecord:
        old = self._require(action_id)
        renamed = _actions().rename(self.ws, old.name, new_name)
        self.sig_actions_changed.emit()
        self.sig_action_changed.emit(action_id)
        return renamed

    def delete_action(self, action_id: str, *, force: bool = False) -> None:
        _actions().delete(self.ws, self._require(action_id).name, force=force)
        self.sig_actions_changed.emit()

    def save_draft(self, action_id: str, code: str) -> None:
        _actions().save_draft(self.ws, self._require(action_id).name, code=code)
        self.sig_action_changed.emit(action_id)

    def set_dependencies(self, action_id: str, dependencies: list[str]) -> None:
        _actions().save_draft(self.ws, self._require(action_id).name, dependencies=dependencies)
        self.sig_action_changed.emit(action_id)

    def pin_dependencies(self, lines: Sequence[str], **options: Any) -> list[str]:
        """`name==version` lines (a bare name gets the newest version: network); worker-safe."""
        from actions_studio.services import dependencies

        return dependencies.pin(self.ws, lines, **options)

    def build_environment(self, pinned: Sequence[str], **options: Any) -> Any:
        """Builds (or finds) the environment of `pinned`; worker-safe, writes nothing of ours."""
        from actions_studio.services import dependencies

        return dependencies.ensure_environment(self.ws, pinned, **options)

    def note_environment_built(self, action_id: str) -> None:
        """The action's environment was built: editors complete from it now."""
        self.sig_action_changed.emit(action_id)

    def dependency_paths(self, action_id: str) -> list[str]:
        """The action's built dependency environment (for the editor); [] while none is built."""
        detail = self.detail(action_id)
        if detail is None or not detail.draft.dependencies:
            return []  # nothing to find: the dependency machinery stays unloaded (issue 12 item 10)
        from actions_studio.services import dependencies

        return [str(p) for p in dependencies.editor_paths(self.ws, detail.draft.dependencies, detail.action.runtime)]

    def deploy(self, action_id: str, note: Optional[str]) -> VersionRecord:
        version = _actions().deploy(self.ws, self._require(action_id).name, note=note or None)
        self.sig_action_changed.emit(action_id)
        return version

    def deploy_refusal(self, action_id: str) -> Optional[str]:
        """Why a deploy of the saved draft would be refused now, or None."""
        record = self.action(action_id)
        refusal = _actions().deploy_refusal(self.ws, record.name) if record is not None else None
        return str(refusal) if refusal is not None else None

    def deploy_behaviour(self, action_id: str) -> Any:
        """What deploying the draft changes (issue 19): the BehaviourDiff of the deployed version
        and the draft, or why there is nothing to compare (a first deploy). Runs fixtures: call it
        off the GUI thread."""
        from actions_studio.services import behaviour

        record = self._require(action_id)
        if record.deployed_number is None:
            return "First deploy: there is no deployed version to compare the draft's behaviour with."
        return behaviour.behaviour_diff(self.ws, record.name)

    def versions(self, action_id: str) -> list[VersionSummary]:
        return _actions().list_versions(self.ws, self._require(action_id).name)

    def version(self, action_id: str, number: int) -> VersionRecord:
        return _actions().get_version(self.ws, self._require(action_id).name, number)

    def revert(self, action_id: str, number: int) -> VersionRecord:
        version = _actions().revert(self.ws, self._require(action_id).name, number, update_draft=True)
        self.sig_action_changed.emit(action_id)
        return version

    # -- secrets (write-only: values go in, names come out) --------------------------------------

    def secret_names(self, action_id: str) -> list[str]:
        from actions_studio.services import secrets

        return secrets.list_secret_names(self.ws, self._require(action_id).name)

    def set_secret(self, action_id: str, name: str, value: str) -> None:
        from actions_studio.services import secrets

        secrets.set_secret(self.ws, self._require(action_id).name, name, value)
        self.sig_action_changed.emit(action_id)

    def delete_secret(self, action_id: str, name: str) -> None:
        from actions_studio.services import secrets

        secrets.delete_secret(self.ws, self._require(action_id).name, name)
        self.sig_action_changed.emit(action_id)

    # -- fixtures and runs -----------------------------------------------------------------------

    def fixtures_for(self, action_id: str) -> list[FixtureRecord]:
        """The fixtures this action can run: its own, and the trigger's unassigned ones."""
        from actions_studio.services import fixtures

        action = self._require(action_id)
        return [f for f in fixtures.list_fixtures(self.ws, action.trigger_id)
                if f.action_name in (None, action.name)]

    def fixture(self, name: str) -> FixtureRecord:
        from actions_studio.services import fixtures

        return fixtures.get_fixture(self.ws, name)

    def save_fixture(self, document: dict) -> FixtureRecord:
        from actions_studio.services import fixtures

        record, _change = fixtures.save_fixture(self.ws, fixtures.parse_fixture(document))
        self.sig_fixtures_changed.emit(record.trigger_id)
        return record

    def delete_fixture(self, name: str) -> None:
        from actions_studio.services import fixtures

        trigger_id = fixtures.get_fixture(self.ws, name).trigger_id
        fixtures.delete_fixture(self.ws, name)
        self.sig_fixtures_changed.emit(trigger_id)

    def fixture_names(self, trigger_id: str) -> list[str]:
        from actions_studio.services import fixtures

        return [f.name for f in fixtures.list_fixtures(self.ws, trigger_id)]

    def run_history(self, fixture_name: str, limit: int = 30):
        from actions_studio.services import runs

        return runs.list_runs(self.ws, fixture_name, limit)

    # -- flows -------------------------------------------------------------------------------------

    def cards(self) -> dict[str, flow_design.ActionCard]:
        from actions_studio.services import flow_design

        return flow_design.load_cards(self.ws)

    def flow_design(self, trigger_id: str) -> flow_design.FlowDesign:
        from actions_studio.services import flow_design

        return flow_design.FlowDesign.load(self.ws, trigger_id)

    def apply_flow(self, design: flow_design.FlowDesign) -> tuple[str, ...]:
        from actions_studio.services import flow_design

        applied = flow_design.apply_design(self.ws, design)
        self.sig_flows_changed.emit(design.trigger_id)
        return applied

    # -- sync: tenant profiles and what a sync wrote ------------------------------------------------

    def tenant_profiles(self) -> list[TenantProfileRecord]:
        from actions_studio.services import tenants

        return tenants.list_profiles(self.ws)

    def tenant_profile(self, name: str) -> TenantProfileRecord:
        from actions_studio.services import tenants

        return tenants.get_profile(self.ws, name)

    def add_tenant(self, name: str, base_url_or_domain: str, client_id: str, client_secret: str, *,
                   audience: Optional[str] = None) -> TenantProfileRecord:
        from actions_studio.services import tenants

        record = tenants.add_profile(self.ws, name, base_url_or_domain, client_id, client_secret,
                                          audience=audience)
        self.sig_tenants_changed.emit()
        return record

    def update_tenant(self, name: str, **changes: Any) -> TenantProfileRecord:
        from actions_studio.services import tenants

        record = tenants.update_profile(self.ws, name, **changes)
        self.sig_tenants_changed.emit()
        return record

    def remove_tenant(self, name: str) -> None:
        from actions_studio.services import tenants

        tenants.remove_profile(self.ws, name)
        self.sig_tenants_changed.emit()

    def active_tenant(self) -> str:
        from actions_studio.services import tenants

        return tenants.active_tenant_name(self.ws)

    def set_active_tenant(self, name: str) -> None:
        from actions_studio.services import tenants

        tenants.set_active_tenant(self.ws, name)
        self.sig_tenants_changed.emit()

    def note_workspace_changed(self) -> None:
        """Another writer (a sync pull) changed actions, versions or flows: every panel re-reads."""
        self.sig_actions_changed.emit()

    def _require(self, action_id: str) -> ActionRecord:
        record = self.action(action_id)
        if record is None:
            from actions_studio.services.errors import NotFoundError

            raise NotFoundError("that action no longer exists (deleted elsewhere?)")
        return record


def _actions() -> Any:
    from actions_studio.services import actions

    return actions

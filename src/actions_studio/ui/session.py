"""`StudioSession`: the window's one door to the workspace.

It holds no state of its own besides the open `Workspace`: every method calls a use case in
services/ and returns the records it got. Its signals tell panels *that* something changed, by id,
so each panel re-reads what it shows (the UI never holds the truth, DESIGN.md).
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject, Signal

from actions_studio.services import actions, dependencies, fixtures, runs, secrets
from actions_studio.services.workspace import Workspace
from actions_studio.store.records import ActionRecord, FixtureRecord, VersionRecord, VersionSummary


class StudioSession(QObject):
    sig_actions_changed = Signal()
    """An action was created, renamed or deleted: the list of actions changed."""
    sig_action_changed = Signal(str)
    """One action's draft, versions or secrets changed (action id)."""
    sig_fixtures_changed = Signal(str)
    """A fixture of this trigger was saved or deleted (trigger id)."""
    sig_runs_changed = Signal(str)
    """A run of this fixture was stored (fixture name)."""

    def __init__(self, workspace: Workspace, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.ws = workspace

    # -- actions --------------------------------------------------------------------------------

    def list_actions(self) -> list[ActionRecord]:
        return actions.list_actions(self.ws)

    def action(self, action_id: str) -> Optional[ActionRecord]:
        return next((a for a in actions.list_actions(self.ws) if a.id == action_id), None)

    def detail(self, action_id: str) -> Optional[actions.ActionDetail]:
        record = self.action(action_id)
        return actions.open_action(self.ws, record.name) if record is not None else None

    def create_action(self, name: str, trigger_id: str) -> ActionRecord:
        detail = actions.create_action(self.ws, name, trigger_id)
        self.sig_actions_changed.emit()
        return detail.action

    def rename_action(self, action_id: str, new_name: str) -> ActionRecord:
        old = self._require(action_id)
        renamed = actions.rename(self.ws, old.name, new_name)
        self.sig_actions_changed.emit()
        self.sig_action_changed.emit(action_id)
        return renamed

    def delete_action(self, action_id: str, *, force: bool = False) -> None:
        actions.delete(self.ws, self._require(action_id).name, force=force)
        self.sig_actions_changed.emit()

    def save_draft(self, action_id: str, code: str) -> None:
        actions.save_draft(self.ws, self._require(action_id).name, code=code)
        self.sig_action_changed.emit(action_id)

    def set_dependencies(self, action_id: str, dependencies: list[str]) -> None:
        actions.save_draft(self.ws, self._require(action_id).name, dependencies=dependencies)
        self.sig_action_changed.emit(action_id)

    def dependency_paths(self, action_id: str) -> list[str]:
        """The action's built dependency environment (for the editor); [] while none is built."""
        detail = self.detail(action_id)
        return [str(p) for p in dependencies.editor_paths(self.ws, detail.draft.dependencies)] if detail else []

    def deploy(self, action_id: str, note: Optional[str]) -> VersionRecord:
        version = actions.deploy(self.ws, self._require(action_id).name, note=note or None)
        self.sig_action_changed.emit(action_id)
        return version

    def versions(self, action_id: str) -> list[VersionSummary]:
        return actions.list_versions(self.ws, self._require(action_id).name)

    def version(self, action_id: str, number: int) -> VersionRecord:
        return actions.get_version(self.ws, self._require(action_id).name, number)

    def revert(self, action_id: str, number: int) -> VersionRecord:
        version = actions.revert(self.ws, self._require(action_id).name, number, update_draft=True)
        self.sig_action_changed.emit(action_id)
        return version

    # -- secrets (write-only: values go in, names come out) --------------------------------------

    def secret_names(self, action_id: str) -> list[str]:
        return secrets.list_secret_names(self.ws, self._require(action_id).name)

    def set_secret(self, action_id: str, name: str, value: str) -> None:
        secrets.set_secret(self.ws, self._require(action_id).name, name, value)
        self.sig_action_changed.emit(action_id)

    def delete_secret(self, action_id: str, name: str) -> None:
        secrets.delete_secret(self.ws, self._require(action_id).name, name)
        self.sig_action_changed.emit(action_id)

    # -- fixtures and runs -----------------------------------------------------------------------

    def fixtures_for(self, action_id: str) -> list[FixtureRecord]:
        """The fixtures this action can run: its own, and the trigger's unassigned ones."""
        action = self._require(action_id)
        return [f for f in fixtures.list_fixtures(self.ws, action.trigger_id)
                if f.action_name in (None, action.name)]

    def fixture(self, name: str) -> FixtureRecord:
        return fixtures.get_fixture(self.ws, name)

    def save_fixture(self, document: dict) -> FixtureRecord:
        record, _change = fixtures.save_fixture(self.ws, fixtures.parse_fixture(document))
        self.sig_fixtures_changed.emit(record.trigger_id)
        return record

    def delete_fixture(self, name: str) -> None:
        trigger_id = fixtures.get_fixture(self.ws, name).trigger_id
        fixtures.delete_fixture(self.ws, name)
        self.sig_fixtures_changed.emit(trigger_id)

    def run_history(self, fixture_name: str, limit: int = 30):
        return runs.list_runs(self.ws, fixture_name, limit)

    def _require(self, action_id: str) -> ActionRecord:
        record = self.action(action_id)
        if record is None:
            from actions_studio.services.errors import NotFoundError

            raise NotFoundError("that action no longer exists (deleted elsewhere?)")
        return record

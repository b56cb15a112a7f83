"""What the studio does when the user asks to create, rename, delete, deploy or revert an action.

A presenter in mu's "passive view" sense: it asks questions through `Prompts`, changes the
workspace through the session, and tells the window what to show through the small `WindowPort`
below. It never touches a widget, so its decisions (save before deploying, refuse code that does
not compile before asking for a note, offer to force a delete the service refused) are tested
with a fake window (tests/ui/test_action_commands.py).
"""

from __future__ import annotations

from typing import Optional, Protocol

from actions_studio.services.errors import ConflictError, DeployRefusedError, ServiceError
from actions_studio.ui.prompts import Prompts
from actions_studio.ui.session import StudioSession


class WindowPort(Protocol):
    def settle_editor(self, action_id: str) -> bool:
        """Saves the editor's unsaved text of the action, if any; False when saving failed."""

    def editor_is_modified(self, action_id: str) -> bool: ...

    def open_editor(self, action_id: str) -> None: ...

    def reload_editor(self, action_id: str) -> None:
        """Re-reads the draft into the action's editor (the draft changed underneath it)."""

    def show_message(self, text: str) -> None: ...

    def show_refusal(self, text: str, line: Optional[int], action_id: Optional[str] = None) -> None:
        """A deploy of `action_id` was refused: say why and, with a line, take the user there;
        the window drops the message once that draft compiles again."""

    def clear_refusal(self) -> None: ...

    def log(self, heading: str, body: str) -> None: ...


class ActionCommands:
    def __init__(self, session: StudioSession, prompts: Prompts, window: WindowPort) -> None:
        self._session = session
        self._prompts = prompts
        self._window = window

    def new_action(self, trigger_id: str = "") -> Optional[str]:
        """Name, trigger and language from a dialog; the action starts from the trigger's template
        in that language, with a sample fixture."""
        from actions_studio.services import fixtures
        from actions_studio.triggers import TRIGGERS

        answer = self._prompts.new_action([(t.id, t.description) for t in TRIGGERS.values()], trigger_id,
                                          self.default_runtime())
        if answer is None:
            return None
        name, trigger, runtime = answer
        try:
            record = self._session.create_action(name, trigger, runtime)
            self._session.save_fixture(fixtures.sample_fixture(trigger, f"{name} sample", action=name))
        except ServiceError as exc:
            self._prompts.error("New action", str(exc))
            return None
        self._window.open_editor(record.id)
        language = "JavaScript" if runtime.startswith("node") else "Python"
        self._window.show_message(f"Created {name} from the {trigger} {language} template, with a sample fixture")
        return record.id

    def default_runtime(self) -> str:
        """node22 when the active tenant runs only Node (an Auth0 tenant: Auth0 lists Node runtimes
        only), python3 for the bundled tenant, which runs both."""
        from actions_studio.services.tenants import is_local

        try:
            profile = self._session.tenant_profile(self._session.active_tenant())
        except ServiceError:
            return "python3"
        return "python3" if is_local(profile) else "node22"

    def rename(self, action_id: str) -> Optional[str]:
        record = self._session.action(action_id) if action_id else None
        if record is None:
            return None
        new_name = self._prompts.text("Rename action", "New name:", record.name)
        if not new_name or new_name == record.name:
            return None
        try:
            return self._session.rename_action(action_id, new_name).name
        except ServiceError as exc:
            self._prompts.error("Rename action", str(exc))
            return None

    def delete(self, action_id: str) -> bool:
        """Asks first; when the service refuses (the action is in a flow) shows why and may force."""
        record = self._session.action(action_id) if action_id else None
        if record is None:
            return False
        if not self._prompts.confirm("Delete action", f"Delete {record.name} with all its versions and "
                                     "secrets? This cannot be undone.", ok="Delete"):
            return False
        try:
            self._session.delete_action(action_id)
        except ConflictError as exc:
            if not self._prompts.confirm("Action is in a flow", f"{exc}\n\nDelete it anyway and remove it "
                                         "from the flow?", ok="Delete anyway"):
                return False
            self._session.delete_action(action_id, force=True)
        except ServiceError as exc:
            self._prompts.error("Delete action", str(exc))
            return False
        self._window.show_message(f"Deleted {record.name}")
        return True

    def deploy(self, action_id: str) -> Optional[int]:
        """Saves the editor, refuses code that does not compile before asking for a note, deploys."""
        record = self._session.action(action_id) if action_id else None
        if record is None:
            self._window.show_message("Open an action to deploy it")
            return None
        if not self._window.settle_editor(action_id):
            return None
        detail = self._session.detail(action_id)
        try:
            if detail.draft.runtime == "python3":
                # as services.actions.deploy: JavaScript is checked by Node when it runs (issue 16)
                from actions_studio.services.actions import check_compiles

                check_compiles(detail.draft.code, f"{record.name}.py")
            note = self._prompts.deploy_note(record.name, record.last_number + 1,
                                             behaviour=lambda: self._session.deploy_behaviour(action_id))
            if note is None:
                return None
            version = self._session.deploy(action_id, note)
        except DeployRefusedError as exc:
            self._window.show_refusal(str(exc), exc.line, action_id)
            return None
        except ServiceError as exc:
            self._prompts.error("Deploy", str(exc))
            return None
        self._window.clear_refusal()
        self._window.show_message(f"Deployed {record.name} as v{version.number}")
        self._window.log(f"deployed {record.name} v{version.number}", note or "(no note)")
        return version.number

    def revert(self, action_id: str, number: int) -> Optional[int]:
        """Deploys a copy of `number` as a new version and puts its code in the draft, if confirmed."""
        record = self._session.action(action_id)
        if record is None:
            return None
        unsaved = (" Your unsaved edits in the editor will be lost."
                   if self._window.editor_is_modified(action_id) else "")
        if not self._prompts.confirm(
                "Revert", f"Revert {record.name} to version {number}? This deploys a copy of v{number} as "
                f"v{record.last_number + 1} and replaces the draft with its code.{unsaved}", ok="Revert"):
            return None
        try:
            version = self._session.revert(action_id, number)
        except ServiceError as exc:
            self._prompts.error("Revert", str(exc))
            return None
        self._window.reload_editor(action_id)
        self._window.show_message(f"Reverted {record.name} to v{number} (deployed as v{version.number})")
        return version.number

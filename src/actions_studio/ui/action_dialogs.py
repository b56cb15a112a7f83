"""Small dialogs about one action: create (name, trigger, language) and deploy (optional note,
and what the deploy changes in behaviour)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services.errors import InvalidInputError
from actions_studio.services.names import RUNTIMES, check_entity_name
from actions_studio.ui.worker_bridge import WorkerBridge

if TYPE_CHECKING:  # the Deploy dialog's behaviour view loads the fixture services: on first use
    from actions_studio.ui.behaviour_view import BehaviourDiffView

# What the language picker says for each runtime (services/names.py has the runtimes).
RUNTIME_LABELS = {"python3": "Python", "node22": "JavaScript (Node 22)"}


def runtime_label(runtime: str) -> str:
    """How the studio names a runtime to the user (explorer, status bar, dialogs)."""
    return RUNTIME_LABELS.get(runtime, runtime)


class NewActionDialog(QDialog):
    def __init__(self, triggers: list[tuple[str, str]], trigger_id: str = "",
                 parent: Optional[QWidget] = None, *, runtime: str = "python3") -> None:
        """`runtime` is the preselected language: node22 when the active tenant runs only Node."""
        super().__init__(parent)
        self.setWindowTitle("New action")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. add-roles-to-tokens")
        self.trigger_combo = QComboBox()
        for tid, description in triggers:
            self.trigger_combo.addItem(tid, tid)
            self.trigger_combo.setItemData(self.trigger_combo.count() - 1, description,
                                           Qt.ItemDataRole.ToolTipRole)
        if trigger_id:
            self.trigger_combo.setCurrentIndex(max(0, self.trigger_combo.findData(trigger_id)))
        self.language_combo = QComboBox()
        for rt in RUNTIMES:
            self.language_combo.addItem(runtime_label(rt), rt)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(runtime)))
        self.language_combo.setToolTip("The action starts from the trigger's template in this language")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self._descriptions = dict(triggers)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Trigger", self.trigger_combo)
        form.addRow("", self.description)  # says what the trigger is: kept beside it
        form.addRow("Language", self.language_combo)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self.on_name_edit_text_changed)
        self.trigger_combo.currentIndexChanged.connect(self.on_trigger_combo_changed)
        self.on_trigger_combo_changed()
        self.on_name_edit_text_changed(self.name_edit.text())
        self.setMinimumWidth(420)

    def on_name_edit_text_changed(self, text: str) -> None:
        try:
            check_entity_name("action", text)
            self.problem.setText("")
            ok = True
        except InvalidInputError as exc:
            self.problem.setText(str(exc) if text else "")
            ok = False
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def on_trigger_combo_changed(self, _index: int = 0) -> None:
        self.description.setText(self._descriptions.get(self.trigger_combo.currentData() or "", ""))

    def answer(self) -> tuple[str, str, str]:
        """(name, trigger id, runtime)."""
        return self.name_edit.text(), str(self.trigger_combo.currentData()), str(self.language_combo.currentData())


class DeployDialog(QDialog):
    """The optional note, and — when `behaviour` is given — what the deploy will change: the
    action's fixtures run on the deployed version and on the draft, off the GUI thread, shown in
    the behavioural-diff view as they arrive (issue 19). Deploy stays possible meanwhile."""

    def __init__(self, action_name: str, next_number: int, parent: Optional[QWidget] = None,
                 behaviour: Optional[Callable[[], Any]] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Deploy {action_name}")
        text = QLabel(f"Deploy the draft of <b>{action_name}</b> as version <b>{next_number}</b>?")
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Optional note, e.g. “adds the roles claim”")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Deploy", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.note_edit)
        self.behaviour_view: Optional[BehaviourDiffView] = None
        self._bridge: Optional[WorkerBridge] = None
        if behaviour is not None:
            from actions_studio.ui.behaviour_view import BehaviourDiffView

            self.behaviour_view = BehaviourDiffView()
            self.behaviour_view.show_message("Running the fixtures on the deployed version and the draft…")
            layout.addWidget(self.behaviour_view, 1)
            self._bridge = WorkerBridge(name="deploy-behaviour", parent=self)
            self._bridge.sig_finished.connect(self.on_bridge_finished)
            self._bridge.sig_failed.connect(self.on_bridge_failed)
            self._bridge.submit("behaviour", lambda _job: behaviour())
            self.resize(820, 420)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def note(self) -> str:
        return self.note_edit.text().strip()

    def on_bridge_finished(self, _channel: str, _request: int, diff: Any) -> None:
        if self.behaviour_view is not None:
            if isinstance(diff, str):  # nothing to compare (a first deploy): the reason
                self.behaviour_view.show_message(diff)
            else:
                self.behaviour_view.show_diff(diff)

    def on_bridge_failed(self, _channel: str, _request: int, message: str) -> None:
        if self.behaviour_view is not None:
            self.behaviour_view.show_message(f"The fixtures could not be compared: {message}")

    def wait_for_behaviour(self, timeout_s: float = 60.0) -> bool:
        return self._bridge.wait(timeout_s) if self._bridge is not None else True

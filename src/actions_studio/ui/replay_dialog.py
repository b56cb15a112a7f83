"""Replay an execution (issue 19 part 2): the active tenant's log entries that ran a flow, and for
the one picked, its recorded event run locally — on the drafts or on the deployed versions — in
the behavioural-diff view with "what happened" on the left. *Save as fixture* keeps the event as
a test case and names the personal-data fields to scrub.

The tenant conversation (its own SyncSession, from the SyncController) and the local run happen on
a worker thread; answers of a superseded request are dropped.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from actions_studio.ui.row_table import row_table
from actions_studio.services import replay
from actions_studio.services.errors import ServiceError
from actions_studio.sync.errors import SyncError
from actions_studio.ui.behaviour_view import BehaviourDiffView
from actions_studio.ui.worker_bridge import WorkerBridge

ENTRIES, REPLAY = "entries", "replay"
COLUMNS = ("Date", "Type", "Description", "User", "Execution")


def executions_of(entries: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    """(log entry, execution id) for every entry that names an execution, newest first."""
    found = []
    for entry in entries:
        details = entry.get("details") or {}
        ids = list((details.get("actions") or {}).get("executions") or [])
        if not ids and details.get("execution_id"):
            ids = [details["execution_id"]]
        found.extend((entry, execution_id) for execution_id in ids[:1])
    return found


class ReplayDialog(QDialog):
    sig_entries_shown = Signal()
    """The tenant's log entries are listed."""
    sig_replayed = Signal(object)
    """A replay finished: the services.replay.Replay."""

    def __init__(self, controller: Any, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayDialog")
        self.setWindowTitle("Replay an execution")
        self._controller = controller
        self._tenant_session: Any = None
        self.rows: list[tuple[dict[str, Any], str]] = []
        self.replayed: Optional[replay.Replay] = None
        self._bridge = WorkerBridge(expected=(ServiceError, SyncError), name="replay", parent=self)
        self._bridge.sig_finished.connect(self.on_bridge_finished)
        self._bridge.sig_failed.connect(self.on_bridge_failed)

        self.tenant_label = QLabel()
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(lambda _c=False: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.tenant_label, 1)
        top.addWidget(self.refresh_button)
        self.table = row_table(COLUMNS, stretch=2)
        self.code_combo = QComboBox()
        self.code_combo.addItem("the drafts", "draft")
        self.code_combo.addItem("the deployed versions", "deployed")
        self.replay_button = QPushButton("Replay")
        self.replay_button.setDefault(True)
        self.replay_button.clicked.connect(lambda _c=False: self.replay_selected())
        self.save_button = QPushButton("Save as fixture")
        self.save_button.clicked.connect(lambda _c=False: self.save_as_fixture())
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Run its event locally on"))
        bar.addWidget(self.code_combo)
        bar.addWidget(self.replay_button)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        self.view = BehaviourDiffView()
        self.personal_label = QLabel()
        self.personal_label.setObjectName("personalDataFields")
        self.personal_label.setWordWrap(True)
        self.personal_label.setTextFormat(Qt.TextFormat.PlainText)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(bar)
        lower_layout.addWidget(self.view, 1)
        lower_layout.addWidget(self.personal_label)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([220, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.resize(1100, 700)
        self._set_buttons()
        self.refresh()

    def _tenant(self) -> Any:
        # Its own conversation with the tenant, on this dialog's worker thread only.
        if self._tenant_session is None:
            self._tenant_session = self._controller.open_tenant_session()
        return self._tenant_session

    def _set_buttons(self, busy: bool = False) -> None:
        self.replay_button.setEnabled(not busy and self.selected_execution() is not None)
        self.save_button.setEnabled(not busy and self.replayed is not None)
        self.refresh_button.setEnabled(not busy)

    def refresh(self) -> None:
        self.tenant_label.setText(f"Executions on {self._controller.tenant} (reading its logs…)")
        self._bridge.submit(ENTRIES, lambda _job: self._tenant().client.recent_log_entries(100))

    def selected_execution(self) -> Optional[str]:
        row = self.table.currentRow()
        return self.rows[row][1] if 0 <= row < len(self.rows) else None

    def show_entries(self, entries: list[dict[str, Any]]) -> None:
        self.rows = executions_of(entries)
        self.table.setRowCount(len(self.rows))
        for r, (entry, execution_id) in enumerate(self.rows):
            cells = ((entry.get("date") or "")[:19].replace("T", " "), entry.get("type") or "",
                     entry.get("description") or "", entry.get("user_name") or entry.get("user_id") or "",
                     execution_id)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(str(text)))
        self.tenant_label.setText(f"Executions on {self._controller.tenant}: {len(self.rows)} recent "
                                  "(the tenant keeps their events for its retention period)")
        if self.rows:
            self.table.selectRow(0)
        self._set_buttons()
        self.sig_entries_shown.emit()

    def replay_selected(self) -> Optional[int]:
        execution_id = self.selected_execution()
        if execution_id is None:
            return None
        code = self.code_combo.currentData()
        ws = self._controller.session.ws
        self.replayed = None
        self.personal_label.setText("")
        self.view.show_message(f"Replaying execution {execution_id} on {self.code_combo.currentText()}…")
        self._set_buttons(busy=True)

        def work(_job: Any) -> replay.Replay:
            ws.sandbox()
            return replay.replay_execution(ws, self._tenant().client, execution_id, code=code)

        return self._bridge.submit(REPLAY, work)

    def on_bridge_finished(self, channel: str, _request: int, answer: Any) -> None:
        if channel == ENTRIES:
            self.show_entries(answer)
            return
        self.replayed = answer
        self.view.show_replay(answer)
        self._set_buttons()
        self.sig_replayed.emit(answer)

    def on_bridge_failed(self, channel: str, _request: int, message: str) -> None:
        if channel == ENTRIES:
            self.tenant_label.setText(f"Could not read {self._controller.tenant}'s logs: {message}")
        else:
            self.view.show_message(f"Could not replay: {message}")
        self._set_buttons()

    def save_as_fixture(self) -> Optional[str]:
        if self.replayed is None:
            return None
        session = self._controller.session
        try:
            name, flagged = replay.save_as_fixture(session.ws, self.replayed,
                                                   replay.fixture_name_for(self.replayed.execution_id))
        except ServiceError as exc:
            self.personal_label.setText(f"Could not save the fixture: {exc}")
            return None
        session.note_workspace_changed()
        fields = ", ".join(flagged) if flagged else "none found"
        self.personal_label.setText(f"Saved fixture “{name}”. It holds a real user's data — scrub "
                                    f"these fields before sharing it: {fields}")
        return name

    def done(self, result: int) -> None:  # noqa: D102 - QDialog's
        self._bridge.supersede(ENTRIES)
        self._bridge.supersede(REPLAY)
        self._bridge.wait(30)
        if self._tenant_session is not None:
            self._tenant_session.close()
            self._tenant_session = None
        super().done(result)

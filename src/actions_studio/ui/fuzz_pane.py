"""The Test panel's Fuzz (issue 19): generated events of the action's trigger through the real
sandbox, with a progress bar, a Stop, and the findings listed with their shrunk events.

The run is `services.fuzz.fuzz_action` on a worker thread of its own (one fuzz at a time per
pane; a new one supersedes the old, whose answers are dropped). Stop sets the run's cancel event:
the example in progress finishes and the findings so far are kept. *Save as fixture* turns the
selected finding into a fixture of the action through the session, so the Test panel lists it.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services import fuzz
from actions_studio.services.errors import ServiceError
from actions_studio.ui.session import StudioSession
from actions_studio.ui.worker_bridge import WorkerBridge

CHANNEL = "fuzz"


class FuzzToggleButton(QPushButton):
    """The Test panel's "Fuzz…": its full width when the bar has room, and it gives way first
    when the panel is narrow, so the bar's minimum width (and the window's splitters) stay what
    they were without it."""

    def __init__(self, text: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(text, parent)
        # A push button's default (Minimum) never shrinks below its size hint.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, super().minimumSizeHint().height())


class FuzzPane(QWidget):
    sig_fuzz_finished = Signal(object)
    """A fuzz run ended (finished or stopped): the FuzzReport."""
    sig_fixture_saved = Signal(str)
    """A finding was saved as a fixture: its name."""

    def __init__(self, session: StudioSession, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("fuzzPane")
        self._session = session
        self._action_id: Optional[str] = None
        self._cancel: Optional[threading.Event] = None
        self._request = 0
        self.report: Optional[fuzz.FuzzReport] = None
        self.seed: Optional[int] = None  # None: a new random run each time (the CLI's --seed repeats one)
        self._bridge = WorkerBridge(name="fuzz", parent=self)
        self._bridge.sig_finished.connect(self.on_bridge_finished)
        self._bridge.sig_failed.connect(self.on_bridge_failed)
        self._bridge.sig_progressed.connect(self.on_bridge_progressed)

        self.examples_box = QSpinBox()
        self.examples_box.setRange(1, 100_000)
        self.examples_box.setValue(fuzz.DEFAULT_EXAMPLES)
        self.examples_box.setSuffix(" examples")
        self.fuzz_button = QPushButton("Fuzz")
        self.fuzz_button.setToolTip("Run the draft on generated events of its trigger; findings are "
                                    "shrunk to a minimal event")
        self.fuzz_button.clicked.connect(lambda _c=False: self.start())
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(lambda _c=False: self.stop())
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setObjectName("fuzzStatus")
        self.invariant_edit = QLineEdit()
        self.invariant_edit.setPlaceholderText("Invariant file (optional)")
        self.invariant_edit.setToolTip("A Python file whose invariant_… functions return True when the "
                                       "behaviour is right, e.g. never denying a verified user")
        self.invariant_button = QPushButton("Choose…")
        self.invariant_button.clicked.connect(lambda _c=False: self.choose_invariant_file())
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.invariant_edit, 1)
        bar.addWidget(self.invariant_button)
        bar.addWidget(self.examples_box)
        bar.addWidget(self.fuzz_button)
        bar.addWidget(self.stop_button)
        bar.addWidget(self.progress, 1)

        self.findings = QListWidget()
        self.findings.currentRowChanged.connect(self.on_findings_current_row_changed)
        self.event_view = QPlainTextEdit()
        self.event_view.setReadOnly(True)
        self.event_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.save_button = QPushButton("Save as fixture")
        self.save_button.setToolTip("Save the shrunk event as a fixture of this action")
        self.save_button.clicked.connect(lambda _c=False: self.save_selected())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Findings")
        heading.setObjectName("sectionHeading")
        left_layout.addWidget(heading)
        left_layout.addWidget(self.findings, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        event_row = QHBoxLayout()
        shrunk = QLabel("Shrunk event")
        shrunk.setObjectName("sectionHeading")
        event_row.addWidget(shrunk)
        event_row.addStretch(1)
        event_row.addWidget(self.save_button)
        right_layout.addLayout(event_row)
        right_layout.addWidget(self.event_view, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([380, 620])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self._set_running(False)

    # -- running ---------------------------------------------------------------------------------

    def set_action(self, action_id: Optional[str]) -> None:
        if action_id != self._action_id:
            self.stop()
            self._bridge.supersede(CHANNEL)
            self._action_id = action_id
            self.report = None
            self.findings.clear()
            self.event_view.clear()
            self.status.setText("" if action_id else "Open an action to fuzz it")
            self._set_running(False)

    def start(self) -> Optional[int]:
        record = self._session.action(self._action_id) if self._action_id else None
        if record is None:
            self.status.setText("Open an action to fuzz it")
            return None
        self.stop()
        invariants = None
        path = self.invariant_edit.text().strip()
        if path:
            try:
                invariants = fuzz.load_invariants(Path(path))
            except ServiceError as exc:
                self.status.setText(str(exc))
                return None
        examples = self.examples_box.value()
        cancel = self._cancel = threading.Event()
        ws, name, seed = self._session.ws, record.name, self.seed

        def work(job: Any) -> fuzz.FuzzReport:
            ws.sandbox()
            return fuzz.fuzz_action(ws, name, examples=examples, cancel=cancel, invariants=invariants, seed=seed,
                                    on_progress=lambda done, total, found: job.progress((done, total, found)))

        self.findings.clear()
        self.event_view.clear()
        self.progress.setRange(0, examples)
        self.progress.setValue(0)
        self.progress.setFormat(f"%v of {examples}")
        self.status.setText(f"Fuzzing the draft of {name}…")
        self._set_running(True)
        self._request = self._bridge.submit(CHANNEL, work)
        return self._request

    def choose_invariant_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Invariant file", "", "Python files (*.py)")
        if path:
            self.invariant_edit.setText(path)

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def wait(self, timeout_s: float = 120.0) -> bool:
        return self._bridge.wait(timeout_s)

    def _set_running(self, running: bool) -> None:
        self.fuzz_button.setEnabled(not running and self._action_id is not None)
        self.stop_button.setEnabled(running)
        self.examples_box.setEnabled(not running)
        self.invariant_edit.setEnabled(not running)
        self.invariant_button.setEnabled(not running)
        self.save_button.setEnabled(not running and self.findings.currentRow() >= 0)

    def on_bridge_progressed(self, _channel: str, request: int, item: Any) -> None:
        if request != self._request:
            return
        done, total, found = item
        self.progress.setValue(min(done, total))
        if found:
            self.status.setText(f"{found} finding{'s' if found != 1 else ''} so far; shrinking "
                                "to a minimal event…")

    def on_bridge_finished(self, _channel: str, request: int, report: Any) -> None:
        if request != self._request:
            return
        self.show_report(report)
        self.sig_fuzz_finished.emit(report)

    def on_bridge_failed(self, _channel: str, request: int, message: str) -> None:
        if request == self._request:
            self._set_running(False)
            self.status.setText(f"Fuzzing could not run: {message}")

    # -- findings --------------------------------------------------------------------------------

    def show_report(self, report: fuzz.FuzzReport) -> None:
        self.report = report
        self._set_running(False)
        self.progress.setValue(self.progress.maximum() if not report.stopped else self.progress.value())
        self.status.setText(report.headline())
        self.findings.clear()
        for finding in report.findings:
            QListWidgetItem(f"{finding.kind}: {finding.summary}", self.findings)
        if report.findings:
            self.findings.setCurrentRow(0)

    def on_findings_current_row_changed(self, row: int) -> None:
        finding = self.selected_finding()
        self.event_view.setPlainText(json.dumps(finding.event, indent=2, ensure_ascii=False)
                                     if finding is not None else "")
        self.save_button.setEnabled(finding is not None and self.stop_button.isEnabled() is False)

    def selected_finding(self) -> Optional[fuzz.Finding]:
        row = self.findings.currentRow()
        if self.report is None or not 0 <= row < len(self.report.findings):
            return None
        return self.report.findings[row]

    def save_selected(self) -> Optional[str]:
        finding = self.selected_finding()
        record = self._session.action(self._action_id) if self._action_id else None
        if finding is None or record is None or self.report is None:
            return None
        index = self.report.findings.index(finding) + 1
        name = fuzz.finding_fixture_name(record.name, finding, index)
        try:
            saved = self._session.save_fixture(fuzz.finding_document(record.trigger_id, record.name, finding, name))
        except Exception as exc:  # noqa: BLE001 - a refused save is a message, never a crash
            self.status.setText(f"Could not save the fixture: {exc}")
            return None
        self.status.setText(f"Saved fixture “{saved.name}”")
        self.sig_fixture_saved.emit(saved.name)
        return saved.name

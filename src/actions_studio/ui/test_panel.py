"""The Test panel: pick or write a fixture for the open action, run the draft against it off the
GUI thread, and read the result (outcome card first), plus run-all and earlier runs.

The panel shows records by name and re-reads them from the session; the JSON text is the one
thing it keeps, because it is what the user is typing and has not saved yet. The result card and
the earlier runs are drawn by TestResultPane (test_result_pane.py); this panel decides what it shows.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services.catalog import get_trigger
from actions_studio.services.errors import ServiceError
from actions_studio.ui import result_html
from actions_studio.ui.fuzz_pane import FuzzPane, FuzzToggleButton
from actions_studio.ui.expectation_wording import describe_expectation
from actions_studio.ui.elided_label import ElidedLabel
from actions_studio.ui.event_check import EventProblem, changes_text, check_event_text, event_text
from actions_studio.ui.prompts import Prompts
from actions_studio.ui.run_dispatcher import RunDispatcher
from actions_studio.ui.session import StudioSession
from actions_studio.ui.test_result_pane import TestResultPane
from actions_studio.ui.colours import LIGHT_COLOURS, StudioColours

VALIDATE_DELAY_MS = 250
EVENT_MIN_LINES = 4
PROBLEM_LINES = 3  # shown under the event; the rest are counted, and all are in the tooltip


class TestPanel(QWidget):
    __test__ = False  # "Test" in the name is the domain's word; keep pytest from collecting it

    sig_line_requested = Signal(int)
    """The user clicked a traceback frame of the action's code (1-based line)."""
    sig_console_output = Signal(str, str)
    """A run produced console output: (heading, text)."""
    sig_status_message = Signal(str)
    """Something worth a line in the status bar happened."""
    sig_run_requested = Signal()
    """A run is about to start; the window saves the editor's draft first."""

    def __init__(self, session: StudioSession, dispatcher: RunDispatcher, prompts: Prompts,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._session = session
        self._dispatcher = dispatcher
        self._prompts = prompts
        self._colours: StudioColours = LIGHT_COLOURS
        self._action_id: Optional[str] = None
        self._trigger_id: Optional[str] = None
        self._action_name = ""
        self._loading = False
        self._dirty = False
        self._problems: list[EventProblem] = []
        self._last_report: Any = None
        self._fixture_shown: Optional[str] = None  # the fixture whose event the editor holds
        self.expectation_dialog: Optional[Any] = None  # Save as expectation's, while it is open
        self._settling = False
        self._build()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        dispatcher.sig_run_finished.connect(self.on_dispatcher_run_finished)
        dispatcher.sig_run_failed.connect(self.on_dispatcher_run_failed)
        dispatcher.sig_batch_progressed.connect(self.on_dispatcher_batch_progressed)
        dispatcher.sig_batch_finished.connect(self.on_dispatcher_batch_finished)
        session.sig_fixtures_changed.connect(self.on_session_fixtures_changed)
        self.set_action(None)

    # -- layout ------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.fixture_combo = QComboBox()
        self.fixture_combo.setMinimumContentsLength(10)
        self.fixture_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.fixture_combo.setToolTip("The fixture (test event) to run the draft against")
        self.new_button = self._button("New…", "Create a fixture from the trigger's sample event",
                                       self.on_new_button_clicked)
        self.save_button = self._button("Save", "Save the event to the workspace", self.save_fixture)
        self.reset_button = self._button("Reset", "Replace the event with the trigger's sample event",
                                         self.on_reset_button_clicked)
        self.delete_button = self._button("Delete", "Delete this fixture", self.on_delete_button_clicked)
        self.changes_check = QCheckBox("Changes only")
        self.changes_check.setToolTip("Show and edit only the fields that differ from the trigger's sample "
                                      "event; the rest comes from the sample (merged as RFC 7396: "
                                      "objects merge, other values replace, null removes)")
        self.changes_check.toggled.connect(self.on_changes_check_toggled)
        self.run_button = self._button("▶ Run", "Run the draft against this fixture (F5)", self.run_selected)
        self.run_button.setObjectName("runButton")
        self.run_all_button = self._button("Run all", "Run every fixture of this action (Shift+F5)",
                                           self.run_all)
        self.expect_button = self._button("Save as expectation…",
                                          "Pin what this run changed as the fixture's expected result",
                                          self.save_as_expectation)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 2)
        bar.addWidget(QLabel("Fixture"))
        bar.addWidget(self.fixture_combo, 1)
        bar.addWidget(self.new_button)
        bar.addSpacing(8)
        for button in (self.run_button, self.run_all_button, self.expect_button):
            bar.addWidget(button)
        # Fuzz (issue 19): generated events through the sandbox, in a pane of its own under the
        # fixture editor; the button shows and hides it.
        self.fuzz_pane = FuzzPane(self._session)
        self.fuzz_pane.hide()
        self.fuzz_button = FuzzToggleButton("Fuzz…")
        self.fuzz_button.setToolTip("Run the draft on generated events of its trigger and list what breaks it")
        self.fuzz_button.clicked.connect(lambda _checked=False: self.toggle_fuzz())
        bar.addWidget(self.fuzz_button)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.event_edit = QPlainTextEdit()
        self.event_edit.setFont(mono)
        self.event_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.event_edit.setTabStopDistance(self.event_edit.fontMetrics().horizontalAdvance(" ") * 2)
        self.event_edit.textChanged.connect(self.on_event_edit_text_changed)
        # Elided, not wrapped: a wrapped label overlapped its neighbour in a short panel (Flows
        # mode gives the panel a quarter of the height; issue 12 item 3). Tooltips hold it all.
        self.problems_label = ElidedLabel()
        self.expect_label = ElidedLabel()
        # Room for a few lines of JSON however short the panel: the event is what is edited here.
        line = self.event_edit.fontMetrics().lineSpacing()
        self.event_edit.setMinimumHeight(line * EVENT_MIN_LINES + 12)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 0, 0, 4)
        left_layout.setSpacing(3)
        heading = QLabel("Event")
        heading.setToolTip("The fixture's event as Auth0's wire JSON")
        heading.setObjectName("sectionHeading")
        head_row = QHBoxLayout()
        head_row.setContentsMargins(0, 0, 0, 0)
        head_row.addWidget(heading)
        head_row.addStretch(1)
        head_row.addWidget(self.changes_check)
        for button in (self.reset_button, self.save_button, self.delete_button):
            head_row.addWidget(button)
        left_layout.addLayout(head_row)
        left_layout.addWidget(self.event_edit, 1)
        left_layout.addWidget(self.problems_label)
        left_layout.addWidget(self.expect_label)

        # The result card and the earlier runs (test_result_pane.py); the panel decides what
        # they show. Its widgets keep their names here: the window and the tests reach them.
        right = self.results = TestResultPane(self._session, self.current_fixture_name)
        self.result_view = right.result_view
        self.runs_list = right.runs_list
        self.result_view.anchorClicked.connect(self.on_result_view_anchor_clicked)
        right.sig_record_shown.connect(self.on_results_record_shown)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([370, 810])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.fuzz_pane, 1)
        self.fixture_combo.currentIndexChanged.connect(self.on_fixture_combo_changed)

    def _button(self, text: str, tip: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def set_colours(self, colours: StudioColours) -> None:
        self._colours = colours
        self._show_problems()
        self.results.set_colours(colours)

    # -- which action --------------------------------------------------------------------------------

    def _settle_fixture(self) -> None:
        """Leaving a fixture with edits: keep them when they are a valid event, else say so."""
        if self._dirty and self._fixture_shown is not None:
            self._settling = True  # the save's change signal must not reload the list mid-switch
            try:
                saved = self.save_fixture()
            finally:
                self._settling = False
            if saved:
                return
            self.sig_status_message.emit(f"Edits to {self._fixture_shown} were not saved: the event is not valid")
        self._dirty = False

    def set_action(self, action_id: Optional[str]) -> None:
        if action_id == self._action_id and action_id is not None:
            return
        self._settle_fixture()
        self._action_id = action_id
        record = self._session.action(action_id) if action_id else None
        self._trigger_id = record.trigger_id if record else None
        self._action_name = record.name if record else ""
        enabled = record is not None
        for widget in (self.fixture_combo, self.new_button, self.save_button, self.reset_button,
                       self.delete_button, self.run_button, self.run_all_button, self.event_edit):
            widget.setEnabled(enabled)
        self.expect_button.setEnabled(False)
        self.fuzz_button.setEnabled(enabled)
        self.fuzz_pane.set_action(action_id if enabled else None)
        self._last_report = None
        self.results.show_placeholder(
            "Press F5 to run the draft against the fixture." if enabled else "Open an action to test it.",
            forget=True)
        self._reload_fixtures()

    def show_opening(self) -> None:
        """The window is shown before its workspace is open (issue 12 item 10): say so until the
        action is set."""
        self.results.show_placeholder("Opening the workspace…", forget=True)

    def toggle_fuzz(self) -> None:
        self.fuzz_pane.setVisible(not self.fuzz_pane.isVisible())

    def refresh_action_name(self) -> None:
        """The action was renamed: runs are addressed by name."""
        record = self._session.action(self._action_id) if self._action_id else None
        self._action_name = record.name if record else ""

    # -- fixtures --------------------------------------------------------------------------------------

    def fixture_names(self) -> list[str]:
        return [self.fixture_combo.itemData(i) for i in range(self.fixture_combo.count())]

    def current_fixture_name(self) -> Optional[str]:
        return self.fixture_combo.currentData()

    def select_fixture(self, name: str) -> None:
        index = self.fixture_combo.findData(name)
        if index >= 0:
            self.fixture_combo.setCurrentIndex(index)

    def _reload_fixtures(self, select: Optional[str] = None) -> None:
        keep = select or self.current_fixture_name()
        self._loading = True
        self.fixture_combo.clear()
        if self._action_id:
            try:
                found = self._session.fixtures_for(self._action_id)
            except ServiceError:
                found = []
            for fixture in found:
                marker = "" if fixture.expect is None else "  ✓ test"
                self.fixture_combo.addItem(f"{fixture.name}{marker}", fixture.name)
        self._loading = False
        index = self.fixture_combo.findData(keep) if keep else -1
        self.fixture_combo.setCurrentIndex(index if index >= 0 else (0 if self.fixture_combo.count() else -1))
        self.on_fixture_combo_changed()

    def on_session_fixtures_changed(self, trigger_id: str) -> None:
        if trigger_id == self._trigger_id and not self._dirty and not self._settling:
            self._reload_fixtures()

    def on_fixture_combo_changed(self, _index: int = -1) -> None:
        if self._loading:
            return
        self._settle_fixture()
        name = self.current_fixture_name()
        self._fixture_shown = name
        self.event_edit.setReadOnly(False)
        self.fixture_combo.setPlaceholderText("")
        has = name is not None
        for widget in (self.save_button, self.reset_button, self.delete_button, self.run_button,
                       self.event_edit, self.changes_check):
            widget.setEnabled(has)
        self.run_all_button.setEnabled(has)
        self._loading = True
        if has:
            fixture = self._session.fixture(name)
            self.event_edit.setPlainText(self._editor_text(fixture.event))
            self._show_expectation(fixture.expect)
        else:
            self.event_edit.setPlainText("")
            self._show_expectation(None)
        self._loading = False
        self._dirty = False
        self._problems = []
        self._show_problems()
        self._reload_runs()

    def _editor_text(self, event: dict) -> str:
        if self.changes_check.isChecked() and self._trigger_id:
            text = changes_text(self._trigger_id, event)
            if text is not None:
                return text
            self._set_changes_only(False)
            self.sig_status_message.emit("This event sets a field to null that the sample fills: "
                                         "shown whole, since “changes only” cannot say that")
        return event_text(event)

    def _set_changes_only(self, on: bool) -> None:
        self.changes_check.blockSignals(True)
        self.changes_check.setChecked(on)
        self.changes_check.blockSignals(False)

    def on_changes_check_toggled(self, on: bool) -> None:
        """Switch the editor between the whole event and only what differs from the sample."""
        if not self._trigger_id:
            return
        event, problems = check_event_text(self._trigger_id, self.event_edit.toPlainText(), over_sample=not on)
        if event is None:
            self._set_changes_only(not on)
            self._problems = problems
            self._show_problems()
            self.sig_status_message.emit("Fix the event before switching views: " + str(problems[0]))
            return
        was_loading, self._loading = self._loading, True
        self.event_edit.setPlainText(self._editor_text(event))
        self._loading = was_loading

    def _show_fixture_of(self, name: str) -> None:
        """Selects fixture `name`; one this action cannot run (another action's, another
        trigger's) is shown read-only, named in the combo, until the user picks another."""
        if name in self.fixture_names():
            self.select_fixture(name)
            return
        try:
            fixture = self._session.fixture(name)
        except ServiceError:
            return
        self._settle_fixture()
        self._loading = True
        self.fixture_combo.setCurrentIndex(-1)
        self.fixture_combo.setPlaceholderText(f"{name} (the canvas's run)")
        self.event_edit.setPlainText(self._editor_text(fixture.event))
        self.event_edit.setReadOnly(True)
        self._show_expectation(fixture.expect)
        self._loading = False
        self._fixture_shown = None  # nothing here is saved: it is not this action's fixture
        self._dirty = False
        for widget in (self.save_button, self.reset_button, self.delete_button, self.run_button):
            widget.setEnabled(False)
        self.runs_list.clear()

    def _show_expectation(self, expect: Optional[dict]) -> None:
        if not expect:
            self.expect_label.setText("No expectation: a run shows the result but passes no judgement.")
            return
        self.expect_label.setText("Expects " + describe_expectation(expect))

    def on_event_edit_text_changed(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._validate_timer.start()

    def validate_now(self) -> Optional[dict]:
        """Checks the JSON against the trigger's event model; returns the event when valid."""
        self._validate_timer.stop()
        if not self._trigger_id:
            return None
        event, self._problems = check_event_text(self._trigger_id, self.event_edit.toPlainText(),
                                                 over_sample=self.changes_check.isChecked())
        self._show_problems()
        return event

    def problems(self) -> list[str]:
        return [str(p) for p in self._problems]

    def _show_problems(self) -> None:
        if not self._problems:
            state = "Unsaved changes — Save or Run to keep them." if self._dirty else "Event is valid."
            self.problems_label.setStyleSheet(f"color: {self._colours.allowed};")
            self.problems_label.setText(f"✓ {state}")
            return
        shown = [f"✗ {p}" for p in self._problems[:PROBLEM_LINES]]
        if len(self._problems) > PROBLEM_LINES:
            shown.append(f"… and {len(self._problems) - PROBLEM_LINES} more")
        self.problems_label.setStyleSheet(f"color: {self._colours.error};")
        self.problems_label.setText("\n".join(shown))
        self.problems_label.setToolTip("\n".join(f"✗ {p}" for p in self._problems))

    def save_fixture(self) -> bool:
        """Saves the event under its fixture's name, keeping its expectation and secrets."""
        name = self._fixture_shown
        if name is None or self._trigger_id is None:
            return False
        event = self.validate_now()
        if event is None:
            self.sig_status_message.emit(f"Fixture not saved: {self._problems[0]}")
            return False
        current = self._session.fixture(name)
        self._save_document(current, event=event, expect=current.expect)
        self._dirty = False
        self._show_problems()
        self.sig_status_message.emit(f"Saved fixture {name}")
        return True

    def _save_document(self, fixture, *, event: dict, expect: Optional[dict]) -> None:
        doc: dict[str, Any] = {"name": fixture.name, "trigger": fixture.trigger_id, "event": event}
        if fixture.action_name is not None:
            doc["action"] = fixture.action_name
        if fixture.secret_names:
            doc["secrets"] = {key: None for key in fixture.secret_names}  # None keeps the vault's value
        if expect is not None:
            doc["expect"] = expect
        self._dirty = False  # the change signal reloads the list; nothing of ours is pending now
        self._session.save_fixture(doc)

    def on_new_button_clicked(self) -> None:
        if not self._action_id or not self._trigger_id:
            return
        taken = set(self.fixture_names())
        suggestion = next(f"{self._action_name} case {i}" for i in range(1, 1000)
                          if f"{self._action_name} case {i}" not in taken)
        name = self._prompts.text("New fixture", "Fixture name:", suggestion)
        if not name:
            return
        self.create_fixture(name)

    def create_fixture(self, name: str) -> bool:
        from actions_studio.services import fixtures

        try:
            doc = fixtures.sample_fixture(self._trigger_id or "", name, action=self._action_name)
            self._session.save_fixture(doc)
        except ServiceError as exc:
            self._prompts.error("New fixture", str(exc))
            return False
        self._reload_fixtures(select=name)
        return True

    def on_reset_button_clicked(self) -> None:
        if self._trigger_id:
            self.event_edit.setPlainText("{}" if self.changes_check.isChecked()
                                         else event_text(get_trigger(self._trigger_id).sample_event()))

    def on_delete_button_clicked(self) -> None:
        name = self.current_fixture_name()
        if name and self._prompts.confirm("Delete fixture", f"Delete the fixture “{name}” and its runs?",
                                          ok="Delete"):
            self._session.delete_fixture(name)
            self._reload_fixtures()

    # -- runs ------------------------------------------------------------------------------------------

    def _channel(self) -> str:
        return f"test:{self._action_id}"

    def run_selected(self) -> Optional[int]:
        """F5: runs the draft against the selected fixture; returns the request id."""
        name = self.current_fixture_name()
        if not self._action_id or name is None:
            self.sig_status_message.emit("No fixture to run: create one with New…")
            return None
        if self._dirty and not self.save_fixture():
            self._show_problems()
            self._show_nothing_ran()
            return None
        self.sig_run_requested.emit()
        self._set_running(f"Running {self._action_name} against {name}… (Esc stops it)")
        return self._dispatcher.run(self._channel(), name, self._action_name)

    def run_all(self) -> Optional[int]:
        """Shift+F5: every fixture of the action, judged against its expectation."""
        names = self.fixture_names()
        if not self._action_id or not names:
            return None
        if self._dirty and not self.save_fixture():
            self._show_nothing_ran()
            return None
        self.sig_run_requested.emit()
        self._set_running(f"Running {len(names)} fixtures of {self._action_name}… (Esc stops them)")
        return self._dispatcher.run_all(self._channel(), names, self._action_name)

    def _show_nothing_ran(self) -> None:
        """A run refused for an invalid event replaces the last card, which would otherwise read
        as this run's answer (issue 12 item 4)."""
        self._last_report = None
        self.expect_button.setEnabled(False)
        self.results.show("refused", [str(p) for p in self._problems])

    def _set_running(self, text: str) -> None:
        self.expect_button.setEnabled(False)
        self.results.show_placeholder(text)
        self.sig_status_message.emit(text)

    def on_dispatcher_run_finished(self, channel: str, request_id: int, report: Any) -> None:
        if channel != self._channel():
            return  # another action's run (superseded ones never arrive)
        self._last_report = report
        self.results.show("report", report)
        self.expect_button.setEnabled(True)
        self._reload_runs()
        logs = "".join(a.logs for a in report.result.actions)
        self.sig_console_output.emit(f"{report.fixture} — {report.target} — {report.status}", logs)
        self.sig_status_message.emit(f"{report.fixture}: {report.status}"
                                     + ("" if report.passed is None else
                                        " · passed" if report.passed else " · FAILED"))

    def on_dispatcher_run_failed(self, channel: str, request_id: int, message: str) -> None:
        if channel != self._channel():
            return
        self.results.show("failure", message)
        self.sig_console_output.emit("run could not start", message)
        self.sig_status_message.emit(message)

    def on_dispatcher_batch_progressed(self, channel: str, request_id: int, done: int, total: int,
                                       _report: Any) -> None:
        if channel == self._channel():
            self.sig_status_message.emit(f"Ran {done} of {total} fixtures…")

    def on_dispatcher_batch_finished(self, channel: str, request_id: int, reports: list) -> None:
        if channel != self._channel():
            return
        self.results.show("batch", reports)
        self._reload_runs()
        if any(r.status == "stopped" for r in reports):
            self.sig_status_message.emit(f"Run all was stopped after {len(reports)} fixtures")
            return
        self.sig_status_message.emit(result_html.batch_summary(reports))

    def show_report(self, report: Any) -> None:
        """Shows a result this panel did not ask for (a flow run on the canvas, issue 5), with the
        fixture it ran: the panel never names one fixture over another's result (issue 12 item 3)."""
        self._show_fixture_of(report.fixture)
        self._last_report = None  # not this action's fixture run: nothing to save as expectation
        self.expect_button.setEnabled(False)
        self.results.show("report", report)

    def result_html(self) -> str:
        return self.result_view.toPlainText()

    def on_result_view_anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("line:"):
            self.sig_line_requested.emit(int(text.split(":", 1)[1]))

    def save_as_expectation(self) -> bool:
        """Opens the lines the expectation would pin (status + what this run changed); the
        checked ones become the fixture's expectation when the user saves (issue 12 item 7)."""
        from actions_studio.services.expectations import changed_lines
        from actions_studio.ui.expectation_dialog import ExpectationDialog

        report = self._last_report
        name = self.current_fixture_name()
        if report is None or name is None or report.fixture != name or self._trigger_id is None:
            return False
        lines = changed_lines(self._trigger_id, report.result.model_dump(mode="json"))
        dialog = ExpectationDialog(name, lines, self)
        # open(), not exec(): window-modal without a nested event loop, so tests can drive it.
        dialog.accepted.connect(lambda: self._pin(name, dialog.kept()))
        dialog.finished.connect(lambda _r: setattr(self, "expectation_dialog", None))
        self.expectation_dialog = dialog
        dialog.open()
        return True

    def _pin(self, name: str, lines: list) -> None:
        from actions_studio.services.expectations import expectation_from

        fixture = self._session.fixture(name)
        self._save_document(fixture, event=fixture.event, expect=expectation_from(lines))
        self._reload_fixtures(select=name)
        self.sig_status_message.emit(f"{name}: pinned {len(lines)} line{'s' if len(lines) != 1 else ''} "
                                     "of this run as its expectation")

    def _reload_runs(self) -> None:
        self.results.reload_runs(self.current_fixture_name())

    def on_results_record_shown(self) -> None:
        """An earlier run is on the card: nothing of this session's to save as expectation."""
        self._last_report = None
        self.expect_button.setEnabled(False)

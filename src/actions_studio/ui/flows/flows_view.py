"""`FlowsView`: the Flows mode of the studio window (issue 5).

Trigger tabs (each with its flow's size) over a toolbar (pending state, undo, zoom, run, Discard,
Apply), the palette beside the canvas, and the validation list under it. This class is the
presenter: it owns one `FlowDesign` and one QUndoStack per trigger, turns the canvas's id-keyed
requests into undo commands, and re-projects the model after each one. The workspace is read
through services; nothing here is the truth about a flow until Apply writes it.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services.errors import ServiceError
from actions_studio.services.flow_design import ActionCard, FlowDesign
from actions_studio.services.flow_validation import FlowProblem, validate_design
from actions_studio.triggers import TRIGGERS
from actions_studio.ui.colours import LIGHT_COLOURS, StudioColours
from actions_studio.ui.elided_label import ElidedLabel
from actions_studio.ui.flows.canvas import FlowCanvas
from actions_studio.ui.flows.card_state import RunLight, card_states
from actions_studio.ui.flows.commands import InsertCommand, MoveCommand, RemoveCommand, ReplaceCommand
from actions_studio.ui.flows.palette import ActionPalette
from actions_studio.ui.flows.runner import FlowRunner
from actions_studio.ui.prompts import Prompts
from actions_studio.ui.session import StudioSession

FIXTURE_COMBO_MAX_WIDTH = 280


class FlowsView(QWidget):
    sig_open_requested = Signal(str)
    """The user asked to open an action in the editor from the canvas (action id)."""
    sig_run_finished = Signal(object)
    """A run on the canvas ended: its RunReport, for the Test panel to show in full."""
    sig_status_message = Signal(str)
    """Something worth a line in the status bar happened."""
    sig_drafts_run_requested = Signal(list)
    """A run of drafts is about to start: save the editors of these actions first (action ids)."""
    sig_pending_changed = Signal(bool)
    """Whether any trigger's flow has changes that are not applied, after it changed."""

    def __init__(self, session: StudioSession, prompts: Prompts, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("flowsView")
        # The view shares a QStackedWidget with the editor area, whose minimum is the largest of
        # its pages: without this the toolbar row would make the whole window at least ~1000 px
        # wide even in Code mode. Narrower than that, Flows mode clips its toolbar instead.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.session = session
        self.prompts = prompts
        self.colours: StudioColours = LIGHT_COLOURS
        # Entity-bound action types (custom-token-exchange, event-stream) bind to a profile or a
        # stream, not to a trigger's flow: no tab, so nothing can be dragged where it cannot run.
        self.trigger_ids = [t for t in TRIGGERS if TRIGGERS[t].has_flow]
        self.designs: dict[str, FlowDesign] = {}
        self.stacks: dict[str, QUndoStack] = {}
        self.lights: dict[str, dict[str, RunLight]] = {}
        self.cards: dict[str, ActionCard] = {}
        self.problems: list[FlowProblem] = []
        self.trigger_id = self.trigger_ids[0]
        self._switching = False
        self._any_pending = False
        # Read the workspace when the view is first shown, not at start-up (the window opens in
        # Code mode, and every draft save would otherwise re-analyse every action).
        self._stale = True
        self.runner = FlowRunner(session.ws, self)  # runs only: a canvas run is not stored
        # The undo stacks' parent, made before any widget: Qt deletes children in creation order,
        # and a stack's destructor still emits canUndoChanged, which must not reach dead buttons.
        self._stack_owner = QObject(self)
        self.runner.sig_run_finished.connect(self.on_runner_run_finished)
        self.runner.sig_run_failed.connect(self.on_runner_run_failed)
        self._build()
        session.sig_action_changed.connect(lambda _id: self.on_session_actions_changed())
        session.sig_actions_changed.connect(self.on_session_actions_changed)
        session.sig_fixtures_changed.connect(self.on_session_fixtures_changed)

    # -- layout ------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.tabs = QTabBar()
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.tabs.setUsesScrollButtons(True)
        for trigger_id in self.trigger_ids:
            index = self.tabs.addTab(trigger_id)
            self.tabs.setTabToolTip(index, TRIGGERS[trigger_id].description)
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)

        self.pending_label = ElidedLabel()  # its own row; elided (whole in the tooltip) only if very narrow
        self.pending_label.setObjectName("flowPendingLabel")
        self.undo_button = self._tool("Undo", "Undo the last flow edit (Ctrl+Z)", lambda: self.stack().undo())
        self.redo_button = self._tool("Redo", "Redo (Ctrl+Y)", lambda: self.stack().redo())
        self.zoom_out_button = self._tool("−", "Zoom out (Ctrl+−)", lambda: self.canvas.set_zoom(self.canvas.zoom / 1.2))
        self.zoom_in_button = self._tool("+", "Zoom in (Ctrl++)", lambda: self.canvas.set_zoom(self.canvas.zoom * 1.2))
        self.fit_button = self._tool("Fit", "Show the whole flow (Ctrl+0)", lambda: self.canvas.fit())
        self.fixture_combo = QComboBox()
        # As wide as its longest fixture name (issue 12 item 9: names were cut), within reason.
        self.fixture_combo.setMinimumContentsLength(14)
        self.fixture_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.fixture_combo.setMaximumWidth(FIXTURE_COMBO_MAX_WIDTH)
        self.fixture_combo.setToolTip("The fixture (test event) to run the whole flow against")
        self.drafts_check = QCheckBox("Drafts")
        self.drafts_check.setToolTip("Run each action's draft instead of its deployed version")
        self.run_button = QPushButton("▶ Run flow")
        self.run_button.setToolTip("Run the flow as drawn against the fixture; the result opens in the Test panel")
        self.run_button.clicked.connect(self.run_flow)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Go back to the applied flow")
        self.discard_button.clicked.connect(self.discard)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setToolTip("Save this order as the trigger's flow")
        self.apply_button.clicked.connect(self.apply)

        # Two rows (issue 12 item 9): in one, the buttons clipped the pending state ("Apply
        # save:") and squeezed the fixture combo. The state and what applies it; then editing
        # and running. Each row fits the canvas at the smallest window.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(4)
        top.addWidget(self.pending_label, 1)
        top.addWidget(self.discard_button)
        top.addWidget(self.apply_button)
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.setSpacing(4)
        for widget in (self.undo_button, self.redo_button):
            tools.addWidget(widget)
        tools.addSpacing(8)
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            tools.addWidget(widget)
        tools.addStretch(1)
        tools.addWidget(QLabel("Fixture"))
        tools.addWidget(self.fixture_combo)
        tools.addWidget(self.drafts_check)
        tools.addWidget(self.run_button)
        bar = QVBoxLayout()
        bar.setContentsMargins(8, 4, 8, 4)
        bar.setSpacing(3)
        bar.addLayout(top)
        bar.addLayout(tools)

        self.palette = ActionPalette()
        self.palette.sig_drag_moved.connect(self.on_palette_drag_moved)
        self.palette.sig_drag_released.connect(self.on_palette_drag_released)
        self.palette.sig_add_requested.connect(lambda action_id: self.insert(action_id, len(self.design())))
        self.canvas = FlowCanvas()
        self.canvas.sig_insert_requested.connect(self.insert)
        self.palette.sig_drag_cancelled.connect(self.canvas.cancel_drag)
        self.canvas.sig_move_requested.connect(self.move)
        self.canvas.sig_remove_requested.connect(self.remove)
        self.canvas.sig_open_requested.connect(self.sig_open_requested.emit)
        self.canvas.sig_undo_requested.connect(lambda: self.stack().undo())
        self.canvas.sig_redo_requested.connect(lambda: self.stack().redo())
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("flowProblems")
        self.problem_list.setWordWrap(True)
        self.problem_list.itemClicked.connect(self.on_problem_list_item_clicked)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.canvas, 1)
        right_layout.addWidget(self.problem_list)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.palette)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([220, 800])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tabs)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    def _tool(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def set_colours(self, colours: StudioColours) -> None:
        self.colours = colours
        self.canvas.set_colours(colours)
        self.palette.set_colours(colours)
        self._refresh()

    # -- model access ------------------------------------------------------------------------------

    def design(self, trigger_id: Optional[str] = None) -> FlowDesign:
        trigger_id = trigger_id or self.trigger_id
        if trigger_id not in self.designs:
            self.designs[trigger_id] = self.session.flow_design(trigger_id)
        return self.designs[trigger_id]

    def stack(self, trigger_id: Optional[str] = None) -> QUndoStack:
        trigger_id = trigger_id or self.trigger_id
        if trigger_id not in self.stacks:
            stack = QUndoStack(self._stack_owner)
            # Use the emitted value: a stack being destroyed still emits, and must not be queried.
            stack.canUndoChanged.connect(
                lambda ok, t=trigger_id: t == self.trigger_id and self.undo_button.setEnabled(ok))
            stack.canRedoChanged.connect(
                lambda ok, t=trigger_id: t == self.trigger_id and self.redo_button.setEnabled(ok))
            self.stacks[trigger_id] = stack
        return self.stacks[trigger_id]

    def pending_triggers(self) -> list[str]:
        return [t for t, d in self.designs.items() if d.is_pending]

    def on_session_actions_changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def reload(self) -> None:
        """Re-reads the actions (an edit, deploy, rename or delete elsewhere) and the applied flows
        of triggers without pending changes (the CLI or an import may have changed them)."""
        self._stale = False
        self.cards = self.session.cards()
        for trigger_id, design in list(self.designs.items()):
            if not design.is_pending:
                fresh = self.session.flow_design(trigger_id)
                if fresh.applied != design.applied:
                    self.designs[trigger_id] = fresh
                    self.stack(trigger_id).clear()
        self._reload_fixtures()
        self._refresh()

    # -- edits: every one is an undo command over the design ---------------------------------------

    def _changed(self) -> None:
        # The drawn flow changed: the last run's lights no longer describe it.
        self.lights.pop(self.trigger_id, None)
        self._refresh()

    def _name(self, action_id: str) -> str:
        card = self.cards.get(action_id)
        return card.name if card is not None else "action"

    def insert(self, action_id: str, index: int) -> None:
        design = self.design()
        if action_id in design:
            self.sig_status_message.emit(f"{self._name(action_id)} is already in this flow")
            return
        card = self.cards.get(action_id)
        if card is not None and not card.deployed:
            self.sig_status_message.emit(f"{card.name} has never been deployed: deploy it first")
            return
        self.stack().push(InsertCommand(design, self._changed, action_id, index, self._name(action_id)))
        self.canvas.select(action_id)

    def move(self, action_id: str, index: int) -> None:
        design = self.design()
        if action_id not in design or not 0 <= index < len(design) or design.index_of(action_id) == index:
            return
        self.stack().push(MoveCommand(design, self._changed, action_id, index, self._name(action_id)))
        self.canvas.select(action_id)

    def remove(self, action_id: str) -> None:
        design = self.design()
        if action_id not in design:
            return
        ids = list(design.pending)
        index = ids.index(action_id)
        self.stack().push(RemoveCommand(design, self._changed, action_id, self._name(action_id)))
        rest = [i for i in ids if i != action_id]
        # Keep a selection for the next Delete, as a list does.
        self.canvas.select(rest[min(index, len(rest) - 1)] if rest else "")

    def discard(self) -> None:
        design = self.design()
        if design.is_pending:
            self.stack().push(ReplaceCommand(design, self._changed, list(design.applied), "Discard changes"))
            self.sig_status_message.emit(f"Discarded the changes to the {self.trigger_id} flow")

    def apply(self) -> bool:
        design = self.design()
        blocking = [p for p in self.problems if p.blocking]
        if blocking:
            self.sig_status_message.emit(f"Not applied: {blocking[0].message}")
            return False
        try:
            self.session.apply_flow(design)
        except ServiceError as exc:
            self.sig_status_message.emit(f"Not applied: {exc}")
            self._refresh()
            return False
        count = len(design)
        self.sig_status_message.emit(f"Applied the {self.trigger_id} flow "
                                     f"({count} action{'' if count == 1 else 's'})")
        self._refresh()
        self.canvas.setFocus()  # the Apply button just disabled itself; keep the keys on the flow
        return True

    # -- switching triggers -------------------------------------------------------------------------

    def set_trigger(self, trigger_id: str) -> bool:
        """Shows another trigger's flow; asks first when this one has pending changes."""
        if trigger_id == self.trigger_id:
            return True
        if not self._settle(self.trigger_id):
            return False
        self.trigger_id = trigger_id
        self._switching = True
        self.tabs.setCurrentIndex(self.trigger_ids.index(trigger_id))
        self._switching = False
        self.canvas.selected_id = ""
        self._reload_fixtures()
        self._refresh()
        self.canvas.set_zoom(1.0)
        self.canvas.centerOn(0, 0)
        return True

    def on_tabs_current_changed(self, index: int) -> None:
        if self._switching or index < 0:
            return
        wanted = self.trigger_ids[index]
        if not self.set_trigger(wanted):
            self._switching = True
            self.tabs.setCurrentIndex(self.trigger_ids.index(self.trigger_id))
            self._switching = False

    def _settle(self, trigger_id: str) -> bool:
        """Apply, discard or stay: the question Auth0's flow editor asks when you leave it."""
        design = self.design(trigger_id)
        if not design.is_pending:
            return True
        answer = self.prompts.save_discard_cancel(
            "Flow not applied",
            f"The {trigger_id} flow has changes that are not applied.\n"
            "Save applies them; Discard goes back to the applied flow.")
        if answer == "cancel":
            return False
        if answer == "discard":
            design.discard()
            self.stack(trigger_id).clear()
            self.lights.pop(trigger_id, None)
            self._refresh()
            return True
        previous = self.trigger_id
        self.trigger_id = trigger_id
        self._refresh()
        ok = self.apply()
        self.trigger_id = previous
        self._refresh()
        return ok

    def confirm_leave(self) -> bool:
        """Before the window closes: settle every trigger with pending changes."""
        for trigger_id in self.pending_triggers():
            if not self._settle(trigger_id):
                if trigger_id != self.trigger_id:
                    self.set_trigger(trigger_id)
                return False
        return True

    # -- projection ---------------------------------------------------------------------------------

    def _refresh(self) -> None:
        if self._stale:
            return  # reload() projects everything once the view is shown
        design = self.design()
        self.problems = validate_design(self.trigger_id, design.pending, self.cards)
        states = card_states(design.pending, design.applied, self.cards, self.problems,
                             self.lights.get(self.trigger_id, {}))
        self.canvas.set_cards(states)
        self.palette.set_actions([c for c in self.cards.values() if c.trigger_id == self.trigger_id],
                                 set(design.pending), self.trigger_id)
        self._fill_problems()
        for index, trigger_id in enumerate(self.trigger_ids):
            d = self.designs.get(trigger_id)
            count = len(d) if d is not None else len(self.design(trigger_id))
            pending = d is not None and d.is_pending
            self.tabs.setTabText(index, f"{trigger_id} ({count})" + (" •" if pending else ""))
        c = self.colours
        if design.is_pending:
            self.pending_label.setText("● Changes not applied — Apply saves this order")
            self.pending_label.setStyleSheet(f"color: {c.suspended}; font-weight: bold;")
        else:
            self.pending_label.setText(f"Applied · {len(design)} of 20 actions")
            self.pending_label.setStyleSheet(f"color: {c.muted};")
        self._refresh_buttons()
        any_pending = bool(self.pending_triggers())
        if any_pending != self._any_pending:
            self._any_pending = any_pending
            self.sig_pending_changed.emit(any_pending)

    def _refresh_buttons(self) -> None:
        design = self.design()
        blocking = [p for p in self.problems if p.blocking]
        self.apply_button.setEnabled(design.is_pending and not blocking)
        self.apply_button.setToolTip(
            f"Fix this first: {blocking[0].message}" if blocking else "Save this order as the trigger's flow")
        self.discard_button.setEnabled(design.is_pending)
        stack = self.stack()
        self.undo_button.setEnabled(stack.canUndo())
        self.redo_button.setEnabled(stack.canRedo())
        self.run_button.setEnabled(bool(design.pending) and self.fixture_combo.count() > 0)

    def _fill_problems(self) -> None:
        self.problem_list.clear()
        c = self.colours
        for problem in self.problems:
            mark = "⛔ Blocks Apply: " if problem.blocking else "⚠ "
            item = QListWidgetItem(mark + problem.message)
            item.setForeground(QColor(c.error if problem.blocking else c.suspended))
            item.setData(Qt.ItemDataRole.UserRole, problem.action_ids[-1] if problem.action_ids else "")
            self.problem_list.addItem(item)
        self.problem_list.setVisible(bool(self.problems))
        rows = min(4, self.problem_list.count())
        self.problem_list.setFixedHeight(rows * (self.problem_list.fontMetrics().height() + 4) + 8)

    def problem_messages(self) -> list[str]:
        return [self.problem_list.item(r).text() for r in range(self.problem_list.count())]

    def on_problem_list_item_clicked(self, item: QListWidgetItem) -> None:
        action_id = item.data(Qt.ItemDataRole.UserRole)
        if action_id in self.canvas.cards:
            self.canvas.select(action_id)
            self.canvas.setFocus()

    # -- palette drag -------------------------------------------------------------------------------

    def on_palette_drag_moved(self, _action_id: str, global_pos: QPoint) -> None:
        self.canvas.external_drag_moved(global_pos)

    def on_palette_drag_released(self, action_id: str, global_pos: QPoint) -> None:
        if not self.canvas.external_drag_finished(action_id, global_pos):
            self.sig_status_message.emit("Drop the action on the flow to add it")

    # -- running the flow ---------------------------------------------------------------------------

    def _reload_fixtures(self) -> None:
        current = self.fixture_combo.currentText()
        self.fixture_combo.clear()
        names = self.session.fixture_names(self.trigger_id)
        self.fixture_combo.addItems(names)
        if current in names:
            self.fixture_combo.setCurrentText(current)
        self.fixture_combo.setEnabled(bool(names))
        self.fixture_combo.setPlaceholderText("no fixture" if not names else "")

    def on_session_fixtures_changed(self, trigger_id: str) -> None:
        if trigger_id == self.trigger_id and not self._stale:
            self._reload_fixtures()
            self._refresh_buttons()

    def run_flow(self) -> Optional[int]:
        design = self.design()
        fixture = self.fixture_combo.currentText()
        if not design.pending or not fixture:
            self.sig_status_message.emit("Add actions and pick a fixture to run the flow")
            return None
        drafts = self.drafts_check.isChecked()
        if drafts:
            self.sig_drafts_run_requested.emit(list(design.pending))  # a run uses what the user sees
        self.lights[self.trigger_id] = {a: RunLight("running") for a in design.pending}
        self._refresh()
        self.sig_status_message.emit(
            f"Running the {self.trigger_id} flow ({'drafts' if drafts else 'deployed versions'}) on {fixture}…")
        return self.runner.run(self.trigger_id, list(design.pending), fixture, drafts=drafts)

    def on_runner_run_finished(self, trigger_id: str, _request_id: int, report: Any) -> None:
        design = self.design(trigger_id)
        by_name = {self.cards[a].name: a for a in design.pending if a in self.cards}
        lights: dict[str, RunLight] = {a: RunLight("not run") for a in design.pending}
        for entry in report.result.actions:
            action_id = by_name.get(entry.name)
            if action_id is not None:
                lights[action_id] = RunLight(entry.status, entry.duration_ms)
        self.lights[trigger_id] = lights
        if trigger_id == self.trigger_id:
            self._refresh()
        self.sig_status_message.emit(f"{report.fixture}: the {trigger_id} flow ended {report.status}")
        self.sig_run_finished.emit(report)

    def on_runner_run_failed(self, trigger_id: str, _request_id: int, message: str) -> None:
        self.lights.pop(trigger_id, None)
        if trigger_id == self.trigger_id:
            self._refresh()
        self.sig_status_message.emit(f"The flow did not run: {message}")

    def light_of(self, action_id: str) -> Optional[RunLight]:
        return self.lights.get(self.trigger_id, {}).get(action_id)

    def shutdown(self) -> None:
        self.runner.wait()

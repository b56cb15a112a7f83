"""The Sync dialog: the plan as a reviewable table, the diff of the selected item (workspace vs
tenant, and the last-synced base for conflicts), a choice per conflict, Apply with progress.

Passive about the truth: it shows the controller's newest plan and asks for a new one whenever
a choice changes it; it never edits the plan itself.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from actions_studio.ui.row_table import row_table
from actions_studio.sync.applier import ApplyReport, Progress
from actions_studio.sync.plan import Plan, PlanItem, Side
from actions_studio.sync.planner import PlanOptions
from actions_studio.ui.diff_view import DiffView
from actions_studio.ui.sync_behaviour import SyncBehaviour
from actions_studio.ui.sync.controller import SyncController
from actions_studio.ui.sync.wording import PAIRS, Pair, Row, diff_texts, rows

COLUMNS = ("Kind", "Name", "Change", "What happens", "Your choice")


def bare_diff_view() -> DiffView:
    """The History panel's side-by-side view without its version pickers (sync compares sides,
    not version numbers); the dialog shows its own titles and the change summary."""
    view = DiffView()
    bar = view.layout().itemAt(0).layout()
    for i in range(bar.count()):
        widget = bar.itemAt(i).widget()
        if widget is not None:
            widget.hide()
    return view


class SideBySideWindow(QDialog):
    """Both sides of one item at full size, for reading a conflict before choosing."""

    def __init__(self, item: PlanItem, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{item.name} — workspace and tenant side by side")
        left_title, left, right_title, right = diff_texts(item, "mine-theirs")
        self.diff = bare_diff_view()
        self.diff.show_texts(left, right)
        titles = QHBoxLayout()
        titles.addWidget(QLabel(f"<b>{left_title}</b>"), 1)
        titles.addWidget(QLabel(f"<b>{right_title}</b>"), 1)
        layout = QVBoxLayout(self)
        layout.addLayout(titles)
        layout.addWidget(self.diff, 1)
        self.resize(1100, 700)


class SyncDialog(QDialog):
    sig_plan_shown = Signal()
    """The table now shows the newest plan (after a refresh, a choice or an apply)."""

    def __init__(self, controller: SyncController, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Sync")
        self.setObjectName("syncDialog")
        self.plan: Optional[Plan] = None
        self.resolutions: dict[str, Side] = {}
        self._rows: list[Row] = []
        self._pending_request = 0
        self._applying = False
        self.side_windows: list[SideBySideWindow] = []

        self.tenant_combo = QComboBox()
        self.tenant_combo.setMinimumContentsLength(16)
        self.tenant_combo.activated.connect(self.on_tenant_combo_activated)
        self.tenants_button = QPushButton("Tenants…")
        self.refresh_button = QPushButton("Refresh plan")
        self.refresh_button.clicked.connect(self.refresh)
        self.delete_box = QCheckBox("Delete on the tenant what the workspace lacks")
        self.delete_box.toggled.connect(lambda _on: self.refresh())
        self.import_box = QCheckBox("Import actions found only on the tenant")
        self.import_box.toggled.connect(lambda _on: self.refresh())
        self.state_label = QLabel()
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(QLabel("Tenant"))
        top.addWidget(self.tenant_combo)
        top.addWidget(self.tenants_button)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        self.state_label.setObjectName("syncPlanState")

        self.table = row_table(COLUMNS, stretch=3)
        self.table.itemSelectionChanged.connect(self.on_table_selection_changed)

        self.pair_combo = QComboBox()
        for pair, words in PAIRS.items():
            self.pair_combo.addItem(words, pair)
        self.pair_combo.currentIndexChanged.connect(lambda _i: self.show_diff())
        self.keep_button = QPushButton("Keep mine")
        self.keep_button.setToolTip("Push the workspace's side over the tenant's change")
        self.take_button = QPushButton("Take theirs")
        self.take_button.setToolTip("Bring the tenant's side into the workspace")
        self.both_button = QPushButton("Open both side by side")
        self.keep_button.clicked.connect(lambda: self.choose("local"))
        self.take_button.clicked.connect(lambda: self.choose("remote"))
        self.both_button.clicked.connect(self.open_side_by_side)
        self.diff_titles = QLabel()
        detail_bar = QHBoxLayout()
        detail_bar.addWidget(QLabel("Compare"))
        detail_bar.addWidget(self.pair_combo)
        detail_bar.addWidget(self.diff_titles, 1)
        detail_bar.addWidget(self.keep_button)
        detail_bar.addWidget(self.take_button)
        detail_bar.addWidget(self.both_button)
        self.diff = bare_diff_view()
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addLayout(detail_bar)
        detail_layout.addWidget(self.diff, 1)
        # What the push changes in behaviour on the action's fixtures (issue 19).
        self.behaviour = SyncBehaviour(controller.session.ws, self)
        detail_layout.addWidget(self.behaviour.view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_box)
        bottom.addWidget(self.delete_box)
        bottom.addStretch(1)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state_label)
        layout.addWidget(self.behaviour.summary_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.resize(1100, 720)

        controller.sig_plan_ready.connect(self.on_controller_plan_ready)
        controller.sig_plan_failed.connect(self.on_controller_plan_failed)
        controller.sig_progress.connect(self.on_controller_progress)
        controller.sig_applied.connect(self.on_controller_applied)
        controller.sig_apply_refused.connect(self.on_controller_apply_refused)
        controller.sig_tenant_changed.connect(lambda _n: self.fill_tenants())
        self.fill_tenants()
        self._set_busy(False)
        self.show_item(None)

    # -- plan ------------------------------------------------------------------------------------

    def fill_tenants(self) -> None:
        self.tenant_combo.clear()
        self.tenant_combo.addItems(self.controller.tenants())
        self.tenant_combo.setCurrentText(self.controller.tenant)

    def on_tenant_combo_activated(self, _index: int) -> None:
        name = self.tenant_combo.currentText()
        if name and name != self.controller.tenant:
            self.resolutions.clear()
            self.controller.set_tenant(name)
            self.refresh()

    def options(self) -> PlanOptions:
        return PlanOptions(delete=self.delete_box.isChecked(), import_remote=self.import_box.isChecked(),
                           resolutions=dict(self.resolutions))

    def reopen(self) -> None:
        """The dialog opened again: a fresh plan, not the last apply's progress and table
        (issue 12 item 4: it reopened on "10 of 10 steps"). An apply still running is kept."""
        if self._applying:
            return
        self.progress.hide()
        self.message.setText("")
        self.plan = None
        self._rows = []
        self.table.setRowCount(0)
        self.show_item(None)
        self.refresh()

    def refresh(self) -> None:
        self.state_label.setText(f"Reading {self.controller.tenant}…")
        self.apply_button.setEnabled(False)
        self._pending_request = self.controller.request_plan(self.options())

    def on_controller_plan_ready(self, request: int, plan: Plan) -> None:
        if request != self._pending_request:
            return  # asked for by someone else, or superseded
        self.show_plan(plan)

    def on_controller_plan_failed(self, request: int, message: str) -> None:
        if request == self._pending_request:
            self.state_label.setText("Could not read the tenant")
            self.message.setText(message)

    def show_plan(self, plan: Plan) -> None:
        selected = self.selected_key()
        self.plan = plan
        self._rows = rows(plan)
        self.table.setRowCount(len(self._rows))
        for r, row in enumerate(self._rows):
            cells = (row.kind, row.name, row.change, row.what, row.choice or ("choose" if row.conflict else ""))
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, row.key)
                if row.conflict and row.choice is None:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(r, c, cell)
        if plan.in_sync:
            state = f"{self.controller.tenant}: in sync"
        else:
            state = (f"{self.controller.tenant}: {len(plan.changes)} change(s) in "
                     f"{len(plan.steps())} step(s), {len(plan.conflicts)} conflict(s) to resolve"
                     + (f", {len(plan.refused)} refused (runtime)" if plan.refused else ""))
        self.state_label.setText(state)
        self.behaviour.compare(plan)
        self.apply_button.setEnabled(bool(plan.steps()))
        self.message.setText("Conflicts wait for your choice; Apply runs everything else."
                             if plan.conflicts else "")
        keys = [row.key for row in self._rows]
        if keys:
            self.table.selectRow(keys.index(selected) if selected in keys else 0)
        else:
            self.show_item(None)
        self.sig_plan_shown.emit()

    def selected_key(self) -> Optional[str]:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def selected_item(self) -> Optional[PlanItem]:
        key = self.selected_key()
        if key is None or self.plan is None:
            return None
        try:
            return self.plan.item(key)
        except KeyError:
            return None

    def on_table_selection_changed(self) -> None:
        self.show_item(self.selected_item())

    def show_item(self, item: Optional[PlanItem]) -> None:
        self.behaviour.show_item(item.key if item is not None else None)
        is_conflict = item is not None and item.conflict is not None
        for button in (self.keep_button, self.take_button, self.both_button):
            button.setVisible(is_conflict)
        if item is None:
            self.diff.clear()
            self.diff_titles.setText("")
            return
        if not is_conflict and self.pair_combo.currentData() != "mine-theirs":
            self.pair_combo.setCurrentIndex(0)
        self.show_diff()

    def show_diff(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        pair: Pair = self.pair_combo.currentData() or "mine-theirs"
        left_title, left, right_title, right = diff_texts(item, pair)
        self.diff.show_texts(left, right)
        changed = self.diff.summary_label.text()
        self.diff_titles.setText(f"  left: {left_title}   right: {right_title}"
                                 + (f"   ({changed})" if changed else ""))

    # -- conflicts -------------------------------------------------------------------------------

    def choose(self, side: Side) -> None:
        item = self.selected_item()
        if item is None or item.conflict is None:
            return
        self.resolutions[item.key] = side
        self.refresh()

    def open_side_by_side(self) -> None:
        item = self.selected_item()
        if item is not None:
            window = SideBySideWindow(item, self)
            self.side_windows.append(window)
            window.show()

    # -- apply -----------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.tenant_combo, self.tenants_button, self.refresh_button, self.delete_box,
                       self.import_box):
            widget.setEnabled(not busy)
        self.apply_button.setEnabled(not busy and self.plan is not None and bool(self.plan.steps()))

    def apply(self) -> None:
        if self.plan is None or not self.plan.steps():
            return
        total = len(self.plan.steps())
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat(f"%v of {total} steps")
        self.progress.show()
        self.message.setText("")
        self._set_busy(True)
        self._applying = True
        self.controller.apply(self.plan)

    def on_controller_progress(self, p: Progress) -> None:
        if p.state == "started":
            self.message.setText(f"{p.index}/{p.total}: {p.step.label}…")
        elif p.state == "waiting":  # the tenant's rate limit or a build: why, and until when
            self.message.setText(f"{p.index}/{p.total}: {p.step.label} — {p.message}")
        elif p.state == "done":
            self.progress.setValue(p.index)

    def on_controller_applied(self, report: ApplyReport) -> None:
        self._applying = False
        self._set_busy(False)
        self.message.setText(("Done: " + report.describe()) if report.ok else report.describe())
        self.refresh()

    def on_controller_apply_refused(self, message: str) -> None:
        self._applying = False
        self._set_busy(False)
        self.progress.hide()
        self.message.setText(message)

"""History: the versions of the open action (number, date, note, deployed marker), a side-by-side
diff of any two sides (a version or the draft), and revert / deploy buttons.

Revert and deploy are asked of the window by signal: both must first settle the editor's unsaved
text, which only the window can see.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services.errors import ServiceError
from actions_studio.ui.diff_view import DiffView
from actions_studio.ui.session import StudioSession
from actions_studio.ui.colours import StudioColours


def _when(created_at: str) -> str:
    return created_at[:16].replace("T", " ")


class HistoryPanel(QWidget):
    sig_revert_requested = Signal(str, int)
    """Revert asked for: (action id, version number)."""
    sig_deploy_requested = Signal(str)
    """Deploy asked for: action id."""

    def __init__(self, session: StudioSession, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._session = session
        self._action_id: Optional[str] = None
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Version", "Note", "Date (UTC)"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self.on_table_selection_changed)
        self.deploy_button = QPushButton("Deploy…")
        self.deploy_button.setToolTip("Deploy the draft as a new version (Ctrl+Shift+D)")
        self.deploy_button.clicked.connect(lambda: self._action_id and self.sig_deploy_requested.emit(self._action_id))
        self.revert_button = QPushButton("Revert to this version…")
        self.revert_button.setToolTip("Deploy a copy of the selected version as a new version")
        self.revert_button.clicked.connect(self.on_revert_button_clicked)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.deploy_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 4, 0, 4)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_label)
        self.diff = DiffView()
        self.diff.sig_sides_changed.connect(self.on_diff_sides_changed)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.diff)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([440, 760])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.splitter)
        session.sig_action_changed.connect(self.on_session_action_changed)
        self.set_action(None)

    def set_colours(self, colours: StudioColours) -> None:
        self.diff.set_colours(colours)

    def set_action(self, action_id: Optional[str]) -> None:
        self._action_id = action_id
        self.refresh()

    def on_session_action_changed(self, action_id: str) -> None:
        if action_id == self._action_id:
            self.refresh()

    def refresh(self) -> None:
        left, right = self.diff.sides()
        self.table.setRowCount(0)
        versions = []
        if self._action_id:
            try:
                versions = self._session.versions(self._action_id)
            except ServiceError:
                versions = []
        versions = sorted(versions, key=lambda v: v.number, reverse=True)
        for row, version in enumerate(versions):
            self.table.insertRow(row)
            # The deployed version carries the marker in its own cell: a separate column would
            # take the width the note needs in a narrow bottom panel.
            number = QTableWidgetItem(f"v{version.number}" + ("  ● deployed" if version.deployed else ""))
            number.setData(Qt.ItemDataRole.UserRole, version.number)
            if version.deployed:
                font = number.font()
                font.setBold(True)
                number.setFont(font)
                number.setToolTip("The deployed version")
            self.table.setItem(row, 0, number)
            note = QTableWidgetItem(version.note or "")
            note.setToolTip(version.note or "")
            self.table.setItem(row, 1, note)
            self.table.setItem(row, 2, QTableWidgetItem(_when(version.created_at)))
        self.deploy_button.setEnabled(bool(self._action_id))
        self.revert_button.setEnabled(False)
        self.empty_label.setVisible(not versions)
        self.empty_label.setText("Not deployed yet. Deploy (Ctrl+Shift+D) snapshots the draft as version 1."
                                 if self._action_id else "Open an action to see its versions.")
        numbers = [v.number for v in versions]
        if left not in numbers and left != "draft" or left is None:
            left = numbers[0] if numbers else "draft"
        if right not in numbers and right != "draft" or right is None:
            right = "draft"
        self.diff.set_choices(numbers, left, right)
        self.show_diff(left, right)

    def versions_shown(self) -> list[int]:
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())]

    def selected_numbers(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectedItems()})
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def select_version(self, number: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == number:
                self.table.selectRow(row)

    def on_table_selection_changed(self) -> None:
        numbers = self.selected_numbers()
        self.revert_button.setEnabled(len(numbers) == 1)
        if len(numbers) == 1:
            self.compare(numbers[0], "draft")
        elif len(numbers) >= 2:
            self.compare(min(numbers), max(numbers))

    def compare(self, left: object, right: object) -> None:
        numbers = self.versions_shown()
        self.diff.set_choices(numbers, left, right)
        self.show_diff(left, right)

    def on_diff_sides_changed(self, left: object, right: object) -> None:
        self.show_diff(left, right)

    def _code(self, side: object) -> str:
        if side == "draft":
            detail = self._session.detail(self._action_id) if self._action_id else None
            return detail.draft.code if detail else ""
        return self._session.version(self._action_id, int(side)).code

    def show_diff(self, left: object, right: object) -> None:
        if not self._action_id:
            self.diff.clear()
            return
        try:
            self.diff.show_texts(self._code(left), self._code(right))
        except ServiceError:
            self.diff.clear()

    def on_revert_button_clicked(self) -> None:
        numbers = self.selected_numbers()
        if self._action_id and len(numbers) == 1:
            self.sig_revert_requested.emit(self._action_id, numbers[0])

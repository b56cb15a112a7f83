"""Problems: the open action's diagnostics (from the editor); clicking one moves to its line."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from actions_studio.analysis.model import Diagnostic
from actions_studio.ui.colours import LIGHT_COLOURS, StudioColours


class ProblemsPanel(QWidget):
    sig_line_requested = Signal(int)
    """The user picked a problem: its 1-based line."""
    sig_count_changed = Signal(int)
    """The number of problems shown changed."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._colours: StudioColours = LIGHT_COLOURS
        self._diagnostics: list[Diagnostic] = []
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["", "Line", "Problem", "Check"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemClicked.connect(self.on_tree_item_clicked)
        self.tree.itemActivated.connect(self.on_tree_item_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)

    def set_colours(self, colours: StudioColours) -> None:
        self._colours = colours
        self.show_diagnostics(self._diagnostics)

    def show_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        self._diagnostics = list(diagnostics)
        self.tree.clear()
        for d in self._diagnostics:
            mark = "✗ error" if d.severity == "error" else "⚠ warning"
            item = QTreeWidgetItem([mark, str(d.line), d.message, d.source])
            item.setData(0, Qt.ItemDataRole.UserRole, d.line)
            colour = self._colours.error if d.severity == "error" else self._colours.suspended
            item.setForeground(0, self.palette().text() if not colour else _brush(colour))
            self.tree.addTopLevelItem(item)
        self.sig_count_changed.emit(len(self._diagnostics))

    def messages(self) -> list[str]:
        return [d.message for d in self._diagnostics]

    def on_tree_item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.sig_line_requested.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))


def _brush(colour: str):
    from PySide6.QtGui import QBrush, QColor

    return QBrush(QColor(colour))

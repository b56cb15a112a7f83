"""Save as expectation (issue 12 item 7): shows exactly what the expectation will pin — the run's
status and what it changed against the trigger's empty outcome — one checkable line each, so the
user removes what the test should not be about before it is saved."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services.expectations import PinnedLine


class ExpectationDialog(QDialog):
    def __init__(self, fixture_name: str, lines: list[PinnedLine], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save as expectation")
        self.setObjectName("expectationDialog")
        self._lines = list(lines)
        intro = QLabel(f"The fixture “{fixture_name}” will pass while each checked line still holds. "
                       "Only what this run changed is listed; anything else the result holds is not "
                       "tested. Uncheck a line to leave it out.")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.list.setWordWrap(True)
        for line in self._lines:
            item = QListWidgetItem(str(line))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setToolTip(str(line))
            self.list.addItem(item)
        self.list.itemChanged.connect(lambda _item: self._refresh())
        self.count_label = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save expectation", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self.resize(640, 300)
        self._refresh()

    def _refresh(self) -> None:
        kept = len(self.kept())
        self.count_label.setText(f"{kept} of {len(self._lines)} lines pinned" if kept else
                                 "Nothing pinned: check at least one line")
        self.save_button.setEnabled(kept > 0)

    def set_checked(self, row: int, checked: bool) -> None:
        self.list.item(row).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def line_texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def kept(self) -> list[PinnedLine]:
        return [line for i, line in enumerate(self._lines)
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

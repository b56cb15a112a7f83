"""A side-by-side diff of two sides of one action (version N or the draft), with synced scrolling."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from actions_studio.ui.diff_model import DiffRow, side_by_side, summary
from actions_studio.ui.colours import LIGHT_COLOURS, StudioColours


class DiffView(QWidget):
    sig_sides_changed = Signal(object, object)
    """The user picked other sides: (left, right), each an int version number or "draft"."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._colours: StudioColours = LIGHT_COLOURS
        self._rows: list[DiffRow] = []
        self.left_combo = QComboBox()
        self.right_combo = QComboBox()
        self.summary_label = QLabel()
        for combo in (self.left_combo, self.right_combo):
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self.on_combo_changed)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 0, 4, 0)
        bar.addWidget(QLabel("Compare"))
        bar.addWidget(self.left_combo)
        bar.addWidget(QLabel("with"))
        bar.addWidget(self.right_combo)
        bar.addStretch(1)
        bar.addWidget(self.summary_label)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(7.0, mono.pointSizeF() - 1))  # two files side by side need the width
        self.left_text = QPlainTextEdit()
        self.right_text = QPlainTextEdit()
        for text in (self.left_text, self.right_text):
            text.setReadOnly(True)
            text.setFont(mono)
            text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.left_text.verticalScrollBar().valueChanged.connect(self.right_text.verticalScrollBar().setValue)
        self.right_text.verticalScrollBar().valueChanged.connect(self.left_text.verticalScrollBar().setValue)
        panes = QSplitter(Qt.Orientation.Horizontal)
        panes.addWidget(self.left_text)
        panes.addWidget(self.right_text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(bar)
        layout.addWidget(panes, 1)
        self._updating = False

    def set_colours(self, colours: StudioColours) -> None:
        self._colours = colours
        self._paint()

    def set_choices(self, numbers: list[int], left: object, right: object) -> None:
        """Fills both pickers with "draft" and the version numbers, selecting left/right."""
        self._updating = True
        for combo, chosen in ((self.left_combo, left), (self.right_combo, right)):
            combo.clear()
            combo.addItem("draft", "draft")
            for number in numbers:
                combo.addItem(f"v{number}", number)
            index = combo.findData(chosen)
            combo.setCurrentIndex(index if index >= 0 else 0)
        self._updating = False

    def sides(self) -> tuple[object, object]:
        return self.left_combo.currentData(), self.right_combo.currentData()

    def on_combo_changed(self, _index: int) -> None:
        if not self._updating:
            self.sig_sides_changed.emit(*self.sides())

    def show_texts(self, left: str, right: str) -> None:
        self._rows = side_by_side(left, right)
        self._paint()

    def clear(self) -> None:
        self._rows = []
        self._paint()

    def rows(self) -> list[DiffRow]:
        return list(self._rows)

    def _paint(self) -> None:
        width = len(str(max([r.left_number or 0 for r in self._rows] + [r.right_number or 0 for r in self._rows] + [1])))

        def line(number: Optional[int], text: str) -> str:
            return f"{number if number else '':>{width}}  {text}"

        self.left_text.setPlainText("\n".join(line(r.left_number, r.left) for r in self._rows))
        self.right_text.setPlainText("\n".join(line(r.right_number, r.right) for r in self._rows))
        c = self._colours
        colours = {"changed": c.changed_bg, "removed": c.removed_bg, "added": c.added_bg}
        for text, side in ((self.left_text, "left"), (self.right_text, "right")):
            selections = []
            for index, row in enumerate(self._rows):
                if row.kind == "equal":
                    continue
                filler = (row.left_number is None) if side == "left" else (row.right_number is None)
                colour = QColor(c.card if filler else colours[row.kind])
                selection = QTextEdit.ExtraSelection()
                selection.format.setBackground(colour)
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                cursor = QTextCursor(text.document().findBlockByNumber(index))
                selection.cursor = cursor
                selections.append(selection)
            text.setExtraSelections(selections)
        self.summary_label.setText(summary(self._rows) if self._rows else "")

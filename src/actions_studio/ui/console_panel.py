"""Console: what runs printed, newest last, each block headed by when and what ran."""

from __future__ import annotations

import datetime
from typing import Optional

from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

MAX_BLOCKS = 5000  # keep a long session's console from growing without end


class ConsolePanel(QWidget):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_BLOCKS)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("Output of print() and logging from test runs appears here.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)

    def append(self, heading: str, body: str) -> None:
        stamp = datetime.datetime.now().strftime("%H:%M:%S")
        self.text.appendPlainText(f"── {stamp}  {heading}")
        self.text.appendPlainText(body.rstrip("\n") if body.strip() else "(no output)")
        self.text.moveCursor(QTextCursor.MoveOperation.End)

    def contents(self) -> str:
        return self.text.toPlainText()

"""Ctrl+G: a small dialog asking for a line number (1 … line count)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QSpinBox, QVBoxLayout, QWidget


class GoToLineDialog(QDialog):
    def __init__(self, current_line: int, line_count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to Line")
        self.line_field = QSpinBox(self)
        self.line_field.setRange(1, max(1, line_count))
        self.line_field.setValue(max(1, min(current_line, line_count)))
        self.line_field.setAccelerated(True)
        label = QLabel(f"&Line number (1 – {max(1, line_count)}):", self)
        label.setBuddy(self.line_field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.line_field)
        layout.addWidget(buttons)
        self.line_field.selectAll()

    def line(self) -> int:
        return self.line_field.value()

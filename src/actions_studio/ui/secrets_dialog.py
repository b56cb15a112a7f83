"""Per-action secrets: names listed, values masked and write-only (set, replace, delete).

A value goes from the password field to the vault and is never read back: the dialog cannot
show one because the session offers no way to get it.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from actions_studio.ui.row_table import row_table
from actions_studio.services.errors import ServiceError
from actions_studio.ui.session import StudioSession

MASK = "••••••••"


class SecretsDialog(QDialog):
    def __init__(self, session: StudioSession, action_id: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._session = session
        self._action_id = action_id
        record = session.action(action_id)
        self.setWindowTitle(f"Secrets — {record.name if record else ''}")
        intro = QLabel("Your code reads these as <code>event.secrets[\"NAME\"]</code>. Values are stored "
                       "encrypted and are write-only: set a new value to replace one.")
        intro.setWordWrap(True)
        self.table = row_table(["Name", "Value"], stretch=0)
        self.table.itemSelectionChanged.connect(self.on_table_selection_changed)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. SMS_API_KEY")
        self.value_edit = QLineEdit()
        self.value_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.value_edit.setPlaceholderText("the value (never shown again)")
        self.value_edit.returnPressed.connect(self.set_secret)
        self.set_button = QPushButton("Set")
        self.set_button.setToolTip("Add the secret, or replace its value")
        self.set_button.clicked.connect(self.set_secret)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        # Enter in the value field sets the secret (returnPressed); a default button would make the
        # same key press set it a second time, with the field already cleared.
        for button in (self.set_button, self.delete_button):
            button.setAutoDefault(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Value", self.value_edit)
        row = QHBoxLayout()
        row.addWidget(self.set_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(520, 420)
        self.refresh()

    def refresh(self) -> None:
        try:
            names = self._session.secret_names(self._action_id)
        except ServiceError as exc:
            names = []
            self._say(str(exc), error=True)
        self.table.setRowCount(0)
        for row, name in enumerate(names):
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(name))
            masked = QTableWidgetItem(MASK)
            masked.setForeground(self.palette().placeholderText())
            self.table.setItem(row, 1, masked)
        self.delete_button.setEnabled(False)

    def names(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def on_table_selection_changed(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        self.delete_button.setEnabled(bool(rows))
        if rows:
            self.name_edit.setText(self.table.item(min(rows), 0).text())
            self.value_edit.clear()
            self.value_edit.setFocus()

    def set_secret(self) -> bool:
        name, value = self.name_edit.text().strip(), self.value_edit.text()
        replacing = name in self.names()
        try:
            self._session.set_secret(self._action_id, name, value)
        except ServiceError as exc:
            self._say(str(exc), error=True)
            return False
        self.value_edit.clear()  # the value leaves the widget as soon as the vault has it
        self.refresh()
        self._say(f"{'Replaced' if replacing else 'Added'} {name}.")
        return True

    def delete_selected(self) -> bool:
        rows = {i.row() for i in self.table.selectedItems()}
        if not rows:
            return False
        name = self.table.item(min(rows), 0).text()
        try:
            self._session.delete_secret(self._action_id, name)
        except ServiceError as exc:
            self._say(str(exc), error=True)
            return False
        self.name_edit.clear()
        self.refresh()
        self._say(f"Deleted {name}.")
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #cf222e;" if error else "")
        self.message.setText(text)

"""Per-action dependencies: one `name==version` per line, checked as you type, stored in the draft.

Installing them is a later issue; the list is kept now so versions and exports carry it.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from actions_studio.services.errors import ServiceError
from actions_studio.services.names import check_dependencies
from actions_studio.ui.session import StudioSession


class DependenciesDialog(QDialog):
    def __init__(self, session: StudioSession, action_id: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._session = session
        self._action_id = action_id
        detail = session.detail(action_id)
        self.setWindowTitle(f"Dependencies — {detail.action.name if detail else ''}")
        intro = QLabel("One package per line, pinned as <code>name==version</code> "
                       "(e.g. <code>requests==2.32.3</code>). They are stored with the draft and each "
                       "deployed version; installing them comes later.")
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlainText("\n".join(detail.draft.dependencies) if detail else "")
        self.editor.textChanged.connect(self.validate)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(480, 340)
        self.validate()

    def dependencies(self) -> list[str]:
        return [line.strip() for line in self.editor.toPlainText().splitlines() if line.strip()]

    def validate(self) -> bool:
        try:
            found = check_dependencies(self.dependencies())
        except ServiceError as exc:
            self.message.setStyleSheet("color: #cf222e;")
            self.message.setText(str(exc))
            ok = False
        else:
            self.message.setStyleSheet("")
            self.message.setText(f"{len(found)} dependenc{'y' if len(found) == 1 else 'ies'}.")
            ok = True
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)
        return ok

    def save(self) -> bool:
        if not self.validate():
            return False
        try:
            self._session.set_dependencies(self._action_id, self.dependencies())
        except ServiceError as exc:
            self.message.setText(str(exc))
            return False
        self.accept()
        return True

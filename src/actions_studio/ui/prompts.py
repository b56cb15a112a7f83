"""Every modal question the studio asks, behind one small object.

Panels call `prompts.confirm(...)`, never `QMessageBox` directly, so a test hands the window a
scripted `Prompts` (tests/ui/window_fixtures.py) and drives everything else with real keys and
clicks — a modal `exec()` would otherwise block the test's event loop (PITFALLS.md, Qt under test).
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


# Wide enough for a fixture or action name (up to 100 characters) without scrolling in the field:
# QInputDialog.getText opened 200 px wide (issue 12 item 9).
TEXT_DIALOG_WIDTH = 460


def text_dialog(parent: Optional[QWidget], title: str, label: str, value: str = "") -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(value)
    # QInputDialog's layout fixes the dialog to its contents' size (a minimum on the dialog is
    # overridden), so the field itself asks for the width.
    field = dialog.findChild(QLineEdit)
    if field is not None:
        field.setMinimumWidth(TEXT_DIALOG_WIDTH)
    return dialog


class Prompts:
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        self.parent = parent

    def confirm(self, title: str, text: str, *, ok: str = "OK") -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel,
                          self.parent)
        yes = box.addButton(ok, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def save_discard_cancel(self, title: str, text: str) -> str:
        """'save' | 'discard' | 'cancel'."""
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        answer = QMessageBox.question(self.parent, title, text, buttons, QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")

    def text(self, title: str, label: str, value: str = "") -> Optional[str]:
        dialog = text_dialog(self.parent, title, label, value)
        return dialog.textValue() if dialog.exec() else None

    def integer(self, title: str, label: str, value: int, lo: int, hi: int) -> Optional[int]:
        answer, ok = QInputDialog.getInt(self.parent, title, label, value, lo, hi)
        return answer if ok else None

    def new_action(self, triggers: list[tuple[str, str]], trigger_id: str = "",
                   runtime: str = "python3") -> Optional[tuple[str, str, str]]:
        """(name, trigger id, runtime), `runtime` preselected; None when cancelled."""
        from actions_studio.ui.action_dialogs import NewActionDialog

        dialog = NewActionDialog(triggers, trigger_id, self.parent, runtime=runtime)
        return dialog.answer() if dialog.exec() else None

    def deploy_note(self, action_name: str, next_number: int) -> Optional[str]:
        """The optional note, "" for none; None when the user cancelled."""
        from actions_studio.ui.action_dialogs import DeployDialog

        dialog = DeployDialog(action_name, next_number, self.parent)
        return dialog.note() if dialog.exec() else None

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)

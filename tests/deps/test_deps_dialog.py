"""The Dependencies dialog: install in the background with progress and cancel, errors shown in it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from actions_studio.services import actions
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.ui.dependencies_dialog import DependenciesDialog
from actions_studio.ui.session import StudioSession

# The offscreen platform plugin's own complaints (as in tests/ui/conftest.py), not the dialog's.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
pytestmark = [pytest.mark.gui,
              pytest.mark.qt_log_ignore(r"^This plugin does not support (raise|propagateSizeHints)\(\)$")]


@pytest.fixture
def session(tmp_path: Path, deps_env: Path) -> Iterator[StudioSession]:
    with Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config")) as ws:
        actions.create_action(ws, "greets", "post-login")
        yield StudioSession(ws)


def _dialog(qtbot, session: StudioSession) -> DependenciesDialog:
    action_id = actions.open_action(session.ws, "greets").action.id
    dialog = DependenciesDialog(session, action_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_save_pins_installs_and_hands_the_editor_the_environment(qtbot, session: StudioSession) -> None:
    dialog = _dialog(qtbot, session)
    dialog.editor.setPlainText("Tiny_Greeter\n")
    with qtbot.waitSignal(session.sig_action_changed, timeout=30000):
        assert dialog.save()
    assert dialog.progress.isVisible()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=30000)
    assert actions.open_action(session.ws, "greets").draft.dependencies == ("tiny-greeter==1.1",)
    assert "Installed 1 package(s): tiny-greeter==1.1" in dialog.message.text()
    [path] = session.dependency_paths(actions.open_action(session.ws, "greets").action.id)
    assert (Path(path) / "tiny_greeter.py").is_file()


def test_a_refused_package_is_shown_in_the_dialog_and_nothing_typed_is_lost(qtbot, session) -> None:
    dialog = _dialog(qtbot, session)
    dialog.editor.setPlainText("needs-native==1.0")
    assert dialog.save()
    qtbot.waitUntil(lambda: not dialog.installing() and not dialog.progress.isVisible(), timeout=30000)
    assert "fast-native==1.0 (needed by needs-native) is refused" in dialog.message.text()
    assert dialog.isVisible() and dialog.editor.toPlainText() == "needs-native==1.0"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert actions.open_action(session.ws, "greets").draft.dependencies == ("needs-native==1.0",)
    dialog.resize(560, 380)
    dialog.grab().save(str(SCREENSHOTS / "dependencies-dialog-refused.png"))


def test_cancel_stops_an_install_waiting_on_a_silent_index(qtbot, session, monkeypatch) -> None:
    with socket.socket() as silent:  # accepts connections, never answers: pip would wait its timeout
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.delenv("ACTIONS_STUDIO_NO_INDEX")
        monkeypatch.setenv("ACTIONS_STUDIO_INDEX_URL", f"http://127.0.0.1:{silent.getsockname()[1]}/simple")
        monkeypatch.setenv("ACTIONS_STUDIO_DEPS_TIMEOUT", "60")
        dialog = _dialog(qtbot, session)
        dialog.editor.setPlainText("tiny-greeter==1.0")
        assert dialog.save()
        cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text() == "Cancel install"
        qtbot.wait(300)
        cancel.click()
        qtbot.waitUntil(lambda: not dialog.installing(), timeout=10000)
        assert "cancelled" in dialog.message.text() and dialog.isVisible()
        assert cancel.text() == "Close"

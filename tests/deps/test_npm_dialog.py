"""The Dependencies dialog of a node22 action: npm packages as name@version, installed in the
background from the local registry; a refused package stays on screen and nothing typed is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from actions_studio.services import actions
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.ui.dependencies_dialog import DependenciesDialog
from actions_studio.ui.session import StudioSession

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
pytestmark = [pytest.mark.gui,
              pytest.mark.qt_log_ignore(r"^This plugin does not support (raise|propagateSizeHints)\(\)$")]
JS = "exports.onExecutePostLogin = async (event, api) => {};\n"


@pytest.fixture
def session(tmp_path: Path, npm_env: Path) -> Iterator[StudioSession]:
    with Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config")) as ws:
        actions.create_action(ws, "greets", "post-login", code=JS, runtime="node22")
        yield StudioSession(ws)


def _dialog(qtbot, session: StudioSession) -> DependenciesDialog:
    dialog = DependenciesDialog(session, actions.open_action(session.ws, "greets").action.id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_npm_packages_are_pinned_installed_and_handed_to_the_editor(qtbot, session: StudioSession) -> None:
    dialog = _dialog(qtbot, session)
    assert dialog.windowTitle() == "Dependencies (npm) — greets"
    dialog.editor.setPlainText("tiny-app\n@acme/util@0.1.0\n")
    assert dialog.message.text() == "2 dependencies."
    assert dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=60000)
    assert actions.open_action(session.ws, "greets").draft.dependencies == ("tiny-app==2.0.0", "@acme/util==0.1.0")
    assert dialog.editor.toPlainText() == "tiny-app@2.0.0\n@acme/util@0.1.0"
    assert dialog.message.text() == "Installed 3 package(s): @acme/util@0.1.0, tiny-app@2.0.0, tiny-greet@1.1.0"
    [path] = session.dependency_paths(actions.open_action(session.ws, "greets").action.id)
    assert (Path(path) / "node_modules" / "tiny-app" / "package.json").is_file()
    again = _dialog(qtbot, session)  # opened again: the saved list, in npm's spelling
    assert again.editor.toPlainText() == "tiny-app@2.0.0\n@acme/util@0.1.0"


def test_a_range_is_refused_as_you_type(qtbot, session: StudioSession) -> None:
    dialog = _dialog(qtbot, session)
    dialog.editor.setPlainText("lodash@^4.17.0")
    assert "pin one exact version (lodash@1.2.3), not a range or a tag" in dialog.message.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert not dialog.save()
    assert actions.open_action(session.ws, "greets").draft.dependencies == ()


def test_native_code_is_refused_by_name_and_nothing_typed_is_lost(qtbot, session: StudioSession) -> None:
    dialog = _dialog(qtbot, session)
    dialog.editor.setPlainText("tiny-greet@1.0.0\nuses-addon@1.0.0")
    assert dialog.save()
    qtbot.waitUntil(lambda: not dialog.installing() and not dialog.progress.isVisible(), timeout=60000)
    assert dialog.message.text().startswith(
        "prebuilt-addon@1.0.0 (needed by uses-addon@1.0.0) is refused: it ships a native addon")
    assert dialog.isVisible() and dialog.editor.toPlainText() == "tiny-greet@1.0.0\nuses-addon@1.0.0"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert actions.open_action(session.ws, "greets").draft.dependencies == ("tiny-greet==1.0.0", "uses-addon==1.0.0")
    dialog.resize(560, 400)
    dialog.grab().save(str(SCREENSHOTS / "dependencies-dialog-npm-refused.png"))

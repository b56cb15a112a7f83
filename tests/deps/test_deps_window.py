"""As a user in the studio window: Dependencies dialog → install → the open editor completes from
the installed package."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.analysis.worker import AnalysisWorker
from actions_studio.services import actions
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.ui.app import create_window

pytestmark = [pytest.mark.gui,
              pytest.mark.qt_log_ignore(r"^This plugin does not support (raise|propagateSizeHints)\(\)$")]

CODE = "import tiny_greeter\n\n\ndef on_execute_post_login(event, api):\n    tiny_greeter.gr"


def test_installed_dependencies_reach_the_open_editors_completions(qtbot, tmp_path: Path, deps_env: Path) -> None:
    worker = AnalysisWorker(warm_up=False)
    ws = Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config"))
    window = None
    try:
        action_id = actions.create_action(ws, "greets", "post-login", code=CODE).action.id
        window = create_window(ws, worker, tmp_path / "config")
        window.show()
        qtbot.waitExposed(window)
        editor = window.tabs.open_action(action_id)
        dialog = window.show_dependencies()
        dialog.editor.setPlainText("tiny-greeter==1.0")
        with qtbot.waitSignal(dialog.accepted, timeout=30000):  # closes itself once installed
            assert dialog.save()
        view = editor.view()
        view.set_caret(view.length())
        editor.request_completion()
        qtbot.waitUntil(lambda: "greet" in view.completion_items(), timeout=20000)
    finally:
        if window is not None:
            window.close()
            window.dispatcher.wait()
        ws.close()
        worker.stop()

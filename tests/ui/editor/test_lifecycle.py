"""An editor closed while jedi is still answering it: the answer is dropped, the worker lives on."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

from actions_studio.ui.editor.action_editor import ActionEditor


def test_answers_for_a_deleted_editor_are_dropped_and_the_worker_keeps_serving(
        qtbot, analysis_worker, make_editor, drive) -> None:
    doomed = ActionEditor(analysis_worker, "post-login")
    doomed.set_text("def on_execute_post_login(event, api):\n    event.")
    doomed.view().set_caret(doomed.view().length())
    doomed.request_completion()  # answered after the widget is gone
    doomed.close()
    doomed.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del doomed

    editor = make_editor("def on_execute_post_login(event, api):\n    ")
    user = drive(editor)
    user.flush()  # the doomed answer has been delivered (and dropped) by now
    user.type("api.")
    assert "access_token" in user.wait_for_completions()

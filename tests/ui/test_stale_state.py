"""State that outlived its cause (issue 12 item 4): the "deploy refused" banner once the draft
compiles again, and the last result card after a run refused for an invalid event."""

from __future__ import annotations

from PySide6.QtCore import Qt

from window_fixtures import CTRL, SHIFT, studio  # noqa: F401


def test_the_deploy_refused_banner_goes_when_the_draft_compiles_again(studio, qtbot) -> None:
    window = studio.window
    editor = studio.open("add-roles-to-tokens")
    good = editor.text()
    editor.go_to_line(1)
    studio.type("if (:\n")
    studio.key(Qt.Key.Key_D, CTRL | SHIFT)
    assert "deploy refused" in window.banner_text()
    # Saving another broken draft keeps it: the cause is still there.
    studio.type("x")
    studio.key(Qt.Key.Key_S, CTRL)
    assert "deploy refused" in window.banner_text()
    editor.set_text(good)
    studio.type("\n")
    studio.key(Qt.Key.Key_S, CTRL)  # fixed and saved: nothing refuses a deploy any more
    assert window.banner_text() == ""


def test_the_banner_goes_when_the_refused_action_is_deleted(studio, qtbot) -> None:
    window = studio.window
    editor = studio.open("add-roles-to-tokens")
    editor.go_to_line(1)
    studio.type("if (:\n")
    studio.key(Qt.Key.Key_D, CTRL | SHIFT)
    assert window.banner_text()
    window.session.delete_action(studio.action_id("add-roles-to-tokens"), force=True)
    assert window.banner_text() == ""


def test_a_run_refused_for_an_invalid_event_says_nothing_ran(studio, qtbot) -> None:
    panel = studio.window.test_panel
    studio.open("add-roles-to-tokens")
    studio.key(Qt.Key.Key_F5)
    studio.wait_result("Allowed")
    assert panel.expect_button.isEnabled()
    text = panel.event_edit.toPlainText()
    panel.event_edit.setPlainText(text.replace('"email": "jane.doe@example.com"', '"email": 42', 1))
    studio.key(Qt.Key.Key_F5)
    shown = studio.result_text()
    assert "Nothing ran" in shown and "Allowed" not in shown
    assert "event.user.email" in shown and "the event is not valid" in shown
    assert not panel.expect_button.isEnabled()  # nothing on screen to pin

"""Save as expectation (issue 12 item 7): the dialog lists exactly what will be pinned — the status
and what the run changed — and a line the user unchecks is not saved."""

from __future__ import annotations

from PySide6.QtCore import Qt

from actions_studio.services import fixtures as fixtures_service
from window_fixtures import studio  # noqa: F401

LEFT = Qt.MouseButton.LeftButton
CODE = ("def on_execute_post_login(event, api):\n"
        "    api.access_token.set_custom_claim('https://example.com/roles', ['admin'])\n"
        "    api.access_token.set_custom_claim('https://example.com/build', 'nightly-2026-12-04')\n"
        "    api.user.set_app_metadata('last_seen_ip', event.request.ip)\n")


def test_the_dialog_shows_what_is_pinned_and_a_removed_line_is_not_saved(studio, qtbot, screenshots_dir) -> None:
    window = studio.window
    window.resize(1280, 800)
    panel = window.test_panel
    editor = studio.open("add-roles-to-tokens")
    editor.set_text(CODE)
    studio.type("\n")
    studio.key(Qt.Key.Key_F5)
    studio.wait_result("Allowed")
    qtbot.mouseClick(panel.expect_button, LEFT)
    dialog = panel.expectation_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.line_texts() == [
        'status = "success"',
        'outcome.access_token.claims["https://example.com/roles"] = ["admin"]',
        'outcome.access_token.claims["https://example.com/build"] = "nightly-2026-12-04"',
        'outcome.user.app_metadata.last_seen_ip = "203.0.113.42"',
    ]
    dialog.set_checked(2, False)  # the build stamp changes every night: not what this test is about
    assert dialog.count_label.text() == "3 of 4 lines pinned"
    dialog.grab().save(str(screenshots_dir / "expectation-editor.png"))
    qtbot.mouseClick(dialog.save_button, LEFT)
    expect = fixtures_service.get_fixture(studio.ws, "add-roles-to-tokens sample").expect
    assert expect["status"] == "success"
    assert expect["outcome"]["access_token"] == {"claims": {"https://example.com/roles": ["admin"]}}
    assert set(expect["outcome"]) == {"access_token", "user"}
    assert "Expects status success" in panel.expect_label.text() and "nightly" not in panel.expect_label.text()


def test_cancel_keeps_the_old_expectation_and_unchecking_all_disables_save(studio, qtbot) -> None:
    panel = studio.window.test_panel
    studio.open("add-roles-to-tokens")
    before = fixtures_service.get_fixture(studio.ws, "add-roles-to-tokens sample").expect
    studio.key(Qt.Key.Key_F5)
    studio.wait_result("Allowed")
    qtbot.mouseClick(panel.expect_button, LEFT)
    dialog = panel.expectation_dialog
    for row in range(dialog.list.count()):
        dialog.set_checked(row, False)
    assert not dialog.save_button.isEnabled() and "Nothing pinned" in dialog.count_label.text()
    dialog.reject()
    assert fixtures_service.get_fixture(studio.ws, "add-roles-to-tokens sample").expect == before

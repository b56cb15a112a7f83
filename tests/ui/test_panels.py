"""Panels and dialogs driven as a user: the fixture editor, run-all and expectations, earlier runs,
stale results, secrets (write-only), dependencies, preferences (dark theme)."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from actions_studio.services import actions as actions_service
from actions_studio.services import fixtures as fixtures_service
from actions_studio.services.secrets import action_key
from window_fixtures import CTRL, SHIFT, studio  # noqa: F401


def test_fixture_editor_validates_as_you_type_and_names_the_field(studio, qtbot) -> None:
    panel = studio.window.test_panel
    panel.event_edit.setFocus()
    text = panel.event_edit.toPlainText()
    panel.event_edit.setPlainText(text.replace('"email": "jane.doe@example.com"', '"email": 42', 1))
    qtbot.waitUntil(lambda: any("event.user.email" in p for p in panel.problems()), timeout=3000)
    assert "event.user.email" in panel.problems_label.text()
    # A run refuses an invalid event rather than losing it or running something else.
    assert panel.run_selected() is None
    assert "42" in panel.event_edit.toPlainText()

    panel.event_edit.setPlainText("{ not json")
    qtbot.waitUntil(lambda: any("not valid JSON" in p for p in panel.problems()), timeout=3000)

    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert panel.validate_now() is not None and panel.problems() == []
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    saved = fixtures_service.get_fixture(studio.ws, "add-roles-to-tokens sample")
    assert saved.event["user"]["email"] == "jane.doe@example.com"
    assert saved.expect is not None  # saving the event keeps the expectation


def test_new_fixture_save_as_expectation_and_run_all(studio, qtbot) -> None:
    window = studio.window
    panel = window.test_panel
    studio.open("add-roles-to-tokens")
    assert panel.create_fixture("admin login")
    assert panel.current_fixture_name() == "admin login"
    text = panel.event_edit.toPlainText().replace('"roles": [\n        "editor"\n      ]',
                                                   '"roles": [\n        "admin"\n      ]')
    assert '"admin"' in text
    panel.event_edit.setPlainText(text)
    studio.key(Qt.Key.Key_F5)
    studio.wait_result("Allowed")
    assert '["admin"]' in studio.result_text()
    assert fixtures_service.get_fixture(studio.ws, "admin login").event["user"]["app_metadata"]["roles"] == ["admin"]
    qtbot.mouseClick(panel.expect_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.expectation_dialog.save_button, Qt.MouseButton.LeftButton)
    expect = fixtures_service.get_fixture(studio.ws, "admin login").expect
    assert expect["status"] == "success"
    assert expect["outcome"]["access_token"]["claims"] == {"https://example.com/roles": ["admin"]}
    assert "set_by" not in expect["outcome"]
    assert "Expects status success" in panel.expect_label.text()

    studio.key(Qt.Key.Key_F5, SHIFT)
    studio.wait_result("2 passed")
    assert "admin login" in studio.result_text() and "add-roles-to-tokens sample" in studio.result_text()
    assert panel.runs_list.count() >= 2  # earlier runs of the selected fixture are listed

    # Break the expectation: run-all reports the failure with the mismatch.
    editor = window.tabs.current_editor()
    editor.set_text(editor.text().replace('list(roles)', '["nobody"]'))
    window.tabs.save(studio.action_id("add-roles-to-tokens"))
    window.run_all_fixtures()
    studio.wait_result("0 passed · 2 failed")
    assert "expected" in studio.result_text()


def test_an_earlier_run_can_be_shown_again(studio, qtbot) -> None:
    panel = studio.window.test_panel
    studio.open("add-roles-to-tokens")
    studio.key(Qt.Key.Key_F5)
    studio.wait_result("Allowed")
    panel.result_view.clear()
    item = panel.runs_list.item(0)
    qtbot.mouseClick(panel.runs_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.runs_list.visualItemRect(item).center())
    assert "Allowed" in studio.result_text() and "earlier run" in studio.result_text()


def test_a_stale_run_result_is_dropped(studio, qtbot) -> None:
    panel = studio.window.test_panel
    dispatcher = studio.window.dispatcher
    studio.open("add-roles-to-tokens")
    arrived: dict[int, str] = {}
    dispatcher.sig_run_finished.connect(lambda _c, rid, report: arrived.__setitem__(rid, report.run_id))
    first = panel.run_selected()
    second = panel.run_selected()  # the user pressed F5 twice
    assert second > first
    assert not dispatcher.is_newest(f"test:{studio.action_id('add-roles-to-tokens')}", first)
    qtbot.waitUntil(lambda: second in arrived, timeout=15_000)
    assert dispatcher.wait()  # the first one has finished too
    qtbot.wait(20)
    # Whatever order the two finished in, the panel shows the answer to the newest request;
    # the stale one never reached anybody.
    assert first not in arrived
    assert panel._last_report.run_id == arrived[second]


def test_runs_happen_off_the_gui_thread(studio, qtbot) -> None:
    seen = []
    dispatcher = studio.window.dispatcher
    dispatcher.sig_run_finished.connect(lambda *_a: seen.append(threading.current_thread()))
    studio.open("send-mfa-sms")
    gui = threading.current_thread()
    from actions_studio.services import runs

    real = runs.run_fixture
    threads = []

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    runs.run_fixture = spy
    try:
        studio.key(Qt.Key.Key_F5)
        studio.wait_result("Completed")
    finally:
        runs.run_fixture = real
    assert threads and all(t is not gui for t in threads)
    assert "would send a sms" in studio.window.console.contents()


def test_secrets_dialog_is_write_only(studio, qtbot) -> None:
    window = studio.window
    studio.open("send-mfa-sms")
    dialog = window.show_secrets()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.name_edit, "SMS_API_KEY")
    qtbot.keyClicks(dialog.value_edit, "s3cr3t-value")
    assert dialog.value_edit.echoMode() == dialog.value_edit.EchoMode.Password
    qtbot.mouseClick(dialog.set_button, Qt.MouseButton.LeftButton)
    assert dialog.names() == ["SMS_API_KEY"]
    assert dialog.table.item(0, 1).text() == "••••••••"
    assert dialog.value_edit.text() == ""
    action_id = studio.action_id("send-mfa-sms")
    assert studio.ws.vault.get(studio.ws.id, action_key(action_id, "SMS_API_KEY")) == "s3cr3t-value"
    # Nothing on screen ever holds the value again.
    from PySide6.QtWidgets import QLabel, QLineEdit

    for widget in dialog.findChildren(QLineEdit) + dialog.findChildren(QLabel):
        assert "s3cr3t-value" not in widget.text()

    # Replace, then a bad name is refused with the service's message.
    dialog.table.selectRow(0)
    assert dialog.name_edit.text() == "SMS_API_KEY"
    qtbot.keyClicks(dialog.value_edit, "new-value")
    qtbot.keyClick(dialog.value_edit, Qt.Key.Key_Return)
    assert "Replaced SMS_API_KEY" in dialog.message.text()
    assert studio.ws.vault.get(studio.ws.id, action_key(action_id, "SMS_API_KEY")) == "new-value"
    dialog.name_edit.setText("bad name!")
    dialog.value_edit.setText("x")
    assert not dialog.set_secret()
    assert "invalid secret name" in dialog.message.text()

    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.names() == []
    dialog.reject()


def test_dependencies_dialog_validates_and_stores_the_list(studio, qtbot) -> None:
    window = studio.window
    studio.open("welcome-new-user")
    dialog = window.show_dependencies()
    dialog.editor.setPlainText("requests==2.32.3\nnot a pin")
    assert not dialog.validate()
    assert "name==version" in dialog.message.text()
    dialog.editor.setPlainText("requests==2.32.3\nhttpx==0.27.0\n")
    assert dialog.validate()
    assert dialog.save()
    draft = actions_service.open_action(studio.ws, "welcome-new-user").draft
    assert draft.dependencies == ("requests==2.32.3", "httpx==0.27.0")


def test_preferences_switch_to_dark_and_back(studio, qtbot) -> None:
    window = studio.window
    dialog = window.show_preferences()
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    assert window.is_dark
    qtbot.waitUntil(lambda: window.palette().window().color().lightness() < 80)
    assert window.settings.string("appearance/theme") == "dark"
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("light"))
    assert not window.is_dark
    qtbot.waitUntil(lambda: window.palette().window().color().lightness() > 200)
    dialog.accept()


def test_menu_shortcuts_are_the_ones_a_python_ide_user_expects(studio) -> None:
    expected = {"save": "Ctrl+S", "complete": "Ctrl+Space", "run": "F5", "run_all": "Shift+F5",
                "deploy": "Ctrl+Shift+D", "undo": "Ctrl+Z", "redo": "Ctrl+Y", "find": "Ctrl+F",
                "go_to_line": "Ctrl+G", "toggle_comment": "Ctrl+/"}
    got = {name: studio.window.actions_by_name[name].shortcut().toString() for name in expected}
    assert got == expected


def test_ctrl_slash_and_undo_reach_the_editor(studio) -> None:
    editor = studio.open("welcome-new-user")
    before = editor.text()
    editor.go_to_line(1)
    studio.key(Qt.Key.Key_Slash, CTRL)
    assert editor.text() != before and editor.text().startswith("#")
    studio.key(Qt.Key.Key_Z, CTRL)
    assert editor.text() == before


def test_new_action_dialog_checks_the_name_and_offers_every_trigger(qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from actions_studio.triggers import TRIGGERS
    from actions_studio.ui.action_dialogs import NewActionDialog

    dialog = NewActionDialog([(t.id, t.description) for t in TRIGGERS.values()], "send-phone-message")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.trigger_combo.count() == len(TRIGGERS) and not ok.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "../bad")
    assert not ok.isEnabled() and "invalid action name" in dialog.problem.text()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "sms-via-twilio")
    assert ok.isEnabled()
    assert dialog.answer() == ("sms-via-twilio", "send-phone-message", "python3")
    assert "MFA code" in dialog.description.text()


def test_f2_and_delete_in_the_explorer_ask_to_rename_and_delete(studio, qtbot) -> None:
    window = studio.window
    tree = window.explorer.tree
    window.explorer.select_action(studio.action_id("send-mfa-sms"))
    tree.setFocus()
    studio.prompts.answers = ["send-sms"]
    qtbot.keyClick(tree, Qt.Key.Key_F2)
    assert "send-sms" in window.explorer.visible_action_names()
    studio.prompts.answers = [False]
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert studio.prompts.asked[-1][0] == "confirm" and "send-sms" in window.explorer.visible_action_names()


def test_switching_fixture_keeps_valid_edits_and_says_so_for_invalid_ones(studio, qtbot) -> None:
    panel = studio.window.test_panel
    studio.open("block-throwaway-emails")
    panel.select_fixture("block-throwaway-emails sample")
    text = panel.event_edit.toPlainText()
    panel.event_edit.setPlainText(text.replace("new.user@example.com", "edited@example.com"))
    panel.select_fixture("block-throwaway-emails throwaway")
    saved = fixtures_service.get_fixture(studio.ws, "block-throwaway-emails sample")
    assert saved.event["user"]["email"] == "edited@example.com"
    assert panel.current_fixture_name() == "block-throwaway-emails throwaway"
    assert "mailinator" in panel.event_edit.toPlainText()

    messages = []
    panel.sig_status_message.connect(messages.append)
    panel.event_edit.setPlainText("{ broken")
    panel.select_fixture("block-throwaway-emails sample")
    assert any("were not saved" in m for m in messages)
    assert fixtures_service.get_fixture(studio.ws, "block-throwaway-emails throwaway").event["user"]["email"] \
        == "someone@mailinator.com"


def test_the_system_scheme_is_followed_unless_preferences_override_it(studio, monkeypatch) -> None:
    # The offscreen platform has no colour scheme to change; play the system's answer instead.
    from PySide6.QtCore import Qt as QtNs

    from actions_studio.ui import theme

    window = studio.window
    assert window.theme_choice == "system"
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    window.on_system_color_scheme_changed(QtNs.ColorScheme.Dark)
    assert window.is_dark
    window.set_theme_choice("light")
    window.on_system_color_scheme_changed(QtNs.ColorScheme.Dark)
    assert not window.is_dark
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    window.set_theme_choice("system")
    assert not window.is_dark


def test_edit_undo_acts_where_the_user_is_typing(studio, qtbot) -> None:
    window = studio.window
    editor = studio.open("welcome-new-user")
    code = editor.text()
    panel = window.test_panel
    panel.event_edit.setFocus()
    qtbot.waitUntil(panel.event_edit.hasFocus)
    before = panel.event_edit.toPlainText()
    qtbot.keyClicks(panel.event_edit, "x")
    window.actions_by_name["undo"].trigger()
    assert panel.event_edit.toPlainText() == before and editor.text() == code


def test_a_missing_secret_value_says_where_to_set_it(studio) -> None:
    from actions_studio.services import secrets

    action_id = studio.action_id("send-mfa-sms")
    studio.open("send-mfa-sms")
    secrets.set_secret(studio.ws, "send-mfa-sms", "SMS_API_KEY", "v")
    studio.ws.vault.delete(studio.ws.id, action_key(action_id, "SMS_API_KEY"))
    studio.key(Qt.Key.Key_F5)
    text = studio.wait_result("could not start")
    assert "SMS_API_KEY" in text and "Action → Secrets…" in text

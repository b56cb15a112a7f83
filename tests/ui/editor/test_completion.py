"""Completions as a user gets them: typing `.`, Ctrl+Space, narrowing, Enter/Tab, stale answers."""

from __future__ import annotations

from PySide6.QtCore import Qt

HANDLER = "def on_execute_post_login(event, api):\n    "


def test_typing_event_dot_lists_the_trigger_fields_on_a_plain_handler(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("event.")
    names = user.wait_for_completions()
    assert {"user", "client", "request", "secrets", "transaction"} <= set(names)
    assert not any(name.startswith("__") for name in names)


def test_picking_with_enter_inserts_the_name_after_narrowing(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("event.user.")
    user.wait_for_completions()
    user.type("ema")
    assert user.view.completion_items()[:2] == ["email", "email_verified"]
    user.key(Qt.Key.Key_Down)
    user.key(Qt.Key.Key_Return)
    assert editor.text() == HANDLER + "event.user.email_verified"
    assert not user.view.completion_active()


def test_nested_chain_event_request_geoip(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("event.request.geoip.")
    names = user.wait_for_completions()
    assert {"country_code", "city_name", "time_zone"} <= set(names)
    user.type("cou")
    user.key(Qt.Key.Key_Tab)
    assert editor.text().endswith("event.request.geoip.country_code")


def test_api_methods_narrow_by_substring(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("api.access_token.")
    assert {"set_custom_claim", "add_scope", "remove_scope"} <= set(user.wait_for_completions())
    user.type("claim")
    assert user.view.completion_items() == ["set_custom_claim"]
    user.key(Qt.Key.Key_Backspace)
    user.key(Qt.Key.Key_Backspace)
    user.key(Qt.Key.Key_Backspace)
    user.key(Qt.Key.Key_Backspace)
    user.key(Qt.Key.Key_Backspace)
    assert {"set_custom_claim", "add_scope"} <= set(user.view.completion_items()), "backspace widens the list"


def test_ctrl_space_completes_stdlib_and_locals(make_editor, drive) -> None:
    editor = make_editor("import os\n\n\ndef helper():\n    total_count = 1\n    ", trigger_id=None)
    user = drive(editor)
    user.type("tot")
    user.key(Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert user.wait_for_completions()[0] == "total_count"
    user.key(Qt.Key.Key_Return)
    user.type("\nos.pat")
    user.key(Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert "path" in user.wait_for_completions()
    user.key(Qt.Key.Key_Tab)
    user.type(".")
    assert "join" in user.wait_for_completions()
    assert editor.text().endswith("    total_count\n    os.path.")


def test_completion_after_accented_cjk_and_emoji_text_on_the_line(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type('note = "é 日本語 🙂"; event.user.nick')
    user.key(Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert user.wait_for_completions() == ["nickname"]
    user.key(Qt.Key.Key_Return)
    assert editor.text() == HANDLER + 'note = "é 日本語 🙂"; event.user.nickname'


def test_no_popup_for_a_dot_in_a_comment_or_string(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("# see event.")
    user.type('\ns = "event.')
    user.flush()
    assert not user.view.completion_active()


def test_answer_for_an_older_source_is_dropped(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("event.")  # asks jedi; the answer cannot arrive before the event loop runs
    for _ in range(len("event.")):
        user.key(Qt.Key.Key_Backspace)
    user.type("api")
    user.flush()
    assert not user.view.completion_active(), "the answer for `event.` must not show after the edit"


def test_answer_after_the_caret_left_the_line_is_dropped(make_editor, drive) -> None:
    editor = make_editor(HANDLER + "\n    x = 1\n", caret_at_end=False)
    user = drive(editor)
    editor.set_cursor_position(2, 5)
    user.type("event.")
    user.key(Qt.Key.Key_Down)
    user.flush()
    assert not user.view.completion_active()


def test_typing_a_non_name_character_closes_the_list(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("event.user.")
    user.wait_for_completions()
    user.type("email ")
    assert not user.view.completion_active()
    assert editor.text().endswith("event.user.email ")


def test_escape_closes_the_list_and_keeps_the_text(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("event.")
    user.wait_for_completions()
    user.key(Qt.Key.Key_Escape)
    assert not user.view.completion_active()
    assert editor.text() == HANDLER + "event."


def test_the_list_follows_the_dark_theme(make_editor, drive) -> None:
    from PySide6.QtGui import QColor

    from actions_studio.ui.editor.themes import DARK

    editor = make_editor(HANDLER, theme=DARK)
    user = drive(editor)
    user.type("event.")
    user.wait_for_completions()
    popup = user.view.completion_popup()
    picture = popup.grab().toImage()
    second_row = popup.row_height() * 3 // 2  # the first row is the selected one
    assert picture.pixelColor(2, second_row) == QColor(DARK.popup_background)
    assert picture.pixelColor(2, popup.row_height() // 2) == QColor(DARK.popup_selected_background)
    assert picture.pixelColor(0, 0) == QColor(DARK.popup_border)


def test_the_view_says_when_a_list_is_shown_and_when_it_narrows(make_editor, drive, qtbot) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    with qtbot.waitSignal(user.view.sig_completions_shown, timeout=10_000):
        user.type("event.")
    assert "user" in user.view.completion_items()
    with qtbot.waitSignal(user.view.sig_completions_shown, timeout=1_000):
        user.type("us")
    assert user.view.completion_items() == ["user"]

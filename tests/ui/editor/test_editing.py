"""Editing as a user does it: auto-indent, toggle comment, find/replace, go to line, undo, saved state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from actions_studio.ui.editor.go_to_line_dialog import GoToLineDialog

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_enter_keeps_the_indent_and_adds_a_level_after_a_colon(make_editor, drive) -> None:
    editor = make_editor("", trigger_id=None)
    user = drive(editor)
    user.type("def on_execute_post_login(event, api):\nif event.user.email:  # verified?\nreturn\nx = 1\n")
    assert editor.text() == ("def on_execute_post_login(event, api):\n"
                             "    if event.user.email:  # verified?\n"
                             "        return\n"
                             "    x = 1\n"
                             "    ")
    assert editor.cursor_position() == (5, 5)


def test_enter_on_a_blank_indented_line_leaves_no_trailing_spaces(make_editor, drive) -> None:
    editor = make_editor("", trigger_id=None)
    user = drive(editor)
    user.type("class A:\n\n")
    assert editor.text() == "class A:\n\n    "


def test_tab_indents_with_four_spaces(make_editor, drive) -> None:
    editor = make_editor("x = 1", trigger_id=None, caret_at_end=False)
    user = drive(editor)
    user.key(Qt.Key.Key_Tab)
    assert editor.text() == "    x = 1"
    user.key(Qt.Key.Key_Backtab, SHIFT)
    assert editor.text() == "x = 1"


def test_ctrl_slash_toggles_comments_on_the_selected_lines(make_editor, drive) -> None:
    source = "def f():\n    a = 1\n        b = 2\n\n    c = 3\n"
    editor = make_editor(source, trigger_id=None)
    user = drive(editor)
    view = user.view
    view.select(view.position_of(2, 2), view.position_of(5, 3))
    user.key(Qt.Key.Key_Slash, CTRL)
    assert editor.text() == "def f():\n    # a = 1\n    #     b = 2\n\n    # c = 3\n"
    user.key(Qt.Key.Key_Slash, CTRL)
    assert editor.text() == source
    editor.set_cursor_position(1, 3)
    user.key(Qt.Key.Key_Slash, CTRL)
    assert editor.text().startswith("# def f():\n")
    editor.undo()
    assert editor.text() == source, "one toggle is one undo step"


def test_find_bar_searches_as_you_type_and_enter_moves_on(make_editor, drive) -> None:
    source = "email = event.user.email\nif email:\n    print(email)\n"
    editor = make_editor(source, trigger_id=None, caret_at_end=False)
    user = drive(editor)
    user.key(Qt.Key.Key_F, CTRL)
    bar = editor.find_bar()
    assert bar.isVisible() and bar.find_field.hasFocus() and not bar.replace_visible()
    user.qtbot.keyClicks(bar.find_field, "email")
    assert bar.status.text() == "4 matches"
    assert user.view.selection() == (0, 5)
    assert user.view.find_highlight_at(user.pos_of("email:"))
    user.qtbot.keyClick(bar.find_field, Qt.Key.Key_Return)
    assert user.view.selection() == (user.pos_of("email\nif"), user.pos_of("email\nif") + 5)
    user.qtbot.keyClick(bar.find_field, Qt.Key.Key_Return, SHIFT)
    assert user.view.selection() == (0, 5)
    bar.whole_word.click()
    bar.match_case.click()
    user.qtbot.keyClicks(bar.find_field, "X")
    assert bar.status.text() == "No results"
    user.qtbot.keyClick(bar.find_field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert not user.view.find_highlight_at(user.pos_of("email:"))
    assert QApplication.focusWidget() is editor.text_area()


def test_replace_one_and_replace_all_undo_in_one_step(make_editor, drive) -> None:
    source = "a = old\nb = old\nc = old_name\n"
    editor = make_editor(source, trigger_id=None, caret_at_end=False)
    user = drive(editor)
    user.key(Qt.Key.Key_H, CTRL)
    bar = editor.find_bar()
    assert bar.replace_visible()
    user.qtbot.keyClicks(bar.find_field, "old")
    bar.whole_word.click()
    user.qtbot.keyClicks(bar.replace_field, "new")
    user.qtbot.keyClick(bar.replace_field, Qt.Key.Key_Return)  # replace the first, select the next
    assert editor.text() == "a = new\nb = old\nc = old_name\n"
    bar.replace_all_button.click()
    assert editor.text() == "a = new\nb = new\nc = old_name\n"
    assert bar.status.text() == "Replaced 1"
    editor.undo()
    assert editor.text() == "a = new\nb = old\nc = old_name\n"


def test_regex_replace_expands_groups(make_editor, drive) -> None:
    editor = make_editor("claim_a = 1\nclaim_b = 2\n", trigger_id=None)
    view = drive(editor).view
    assert view.replace_all(r"claim_(\w)", r"\1_claim", regex=True) == 2
    assert editor.text() == "a_claim = 1\nb_claim = 2\n"


def test_ctrl_g_goes_to_the_line_typed(make_editor, drive) -> None:
    editor = make_editor("".join(f"line_{n} = {n}\n" for n in range(1, 201)), trigger_id=None)
    user = drive(editor)
    moves: list[tuple[int, int]] = []
    editor.sig_cursor_moved.connect(lambda line, column: moves.append((line, column)))
    user.key(Qt.Key.Key_G, CTRL)
    dialog = editor.findChild(GoToLineDialog)
    assert dialog is not None and dialog.isVisible()
    user.qtbot.keyClicks(dialog.line_field, "120")
    user.qtbot.keyClick(dialog.line_field, Qt.Key.Key_Return)
    user.qtbot.waitUntil(lambda: not dialog.isVisible())
    assert editor.cursor_position() == (120, 1)
    user.qtbot.waitUntil(lambda: moves[-1:] == [(120, 1)])  # Scintilla reports caret moves when it repaints
    assert user.view.first_visible_line() <= 119 < user.view.first_visible_line() + user.view.lines_on_screen()


def test_go_to_line_clamps(make_editor) -> None:
    editor = make_editor("a = 1\nb = 2\n", trigger_id=None)
    editor.go_to_line(99)
    assert editor.cursor_position() == (3, 1)
    editor.go_to_line(0)
    assert editor.cursor_position() == (1, 1)


def test_cursor_column_counts_characters_not_bytes(make_editor, drive) -> None:
    editor = make_editor('s = "é日🙂"', trigger_id=None)
    assert editor.cursor_position() == (1, 10)


def test_modified_flag_follows_edits_undo_and_save(make_editor, drive) -> None:
    editor = make_editor("x = 1\n", trigger_id=None)
    user = drive(editor)
    assert not editor.is_modified()
    with user.qtbot.waitSignal(editor.sig_modified_changed) as became:
        user.type("y")
    assert became.args == [True] and editor.is_modified()
    with user.qtbot.waitSignal(editor.sig_modified_changed) as back:
        user.key(Qt.Key.Key_Z, CTRL)
    assert back.args == [False] and not editor.is_modified()
    user.key(Qt.Key.Key_Y, CTRL)
    assert editor.is_modified()
    with user.qtbot.waitSignal(editor.sig_modified_changed) as saved:
        editor.mark_saved()
    assert saved.args == [False]
    editor.set_text("z = 2\n")
    assert not editor.is_modified() and not editor.can_undo()


@pytest.mark.parametrize(("marker", "offset", "style"), [
    ("def", 0, "SCE_P_WORD"),
    ("on_execute", 0, "SCE_P_DEFNAME"),
    ("@cache", 1, "SCE_P_DECORATOR"),
    ("'https", 1, "SCE_P_CHARACTER"),  # lexilla's name for a single-quoted string
    ('f"{', 1, "SCE_P_FSTRING"),
    ('"""Doc', 3, "SCE_P_TRIPLEDOUBLE"),
    ("url}", 0, "SCE_P_IDENTIFIER"),  # code inside an f-string's braces is code
    ("# why", 2, "SCE_P_COMMENTLINE"),
    ("42", 0, "SCE_P_NUMBER"),
    ("len(", 0, "SCE_P_WORD2"),
])
def test_python_highlighting(make_editor, drive, marker, offset, style) -> None:
    source = ('from functools import cache\n\n\n@cache\ndef on_execute_post_login(event, api):\n'
              '    """Doc."""\n    url = \'https://a.example\'  # why\n    n = len(f"{url}") + 42\n')
    editor = make_editor(source)
    assert drive(editor).view.style_name_at(drive(editor).pos_of(marker, offset)) == style


def test_line_number_margin_grows_with_the_line_count(make_editor) -> None:
    editor = make_editor("x = 1\n", trigger_id=None)
    narrow = editor.view().margin_widths()[0]
    editor.set_text("x = 1\n" * 12_000)
    assert editor.view().margin_widths()[0] > narrow


def test_functions_fold(make_editor) -> None:
    editor = make_editor("def f():\n    return 1\n\n\nx = f()\n", trigger_id=None)
    view = editor.view()
    view.text()  # styles lazily; folding levels come with styling
    view.style_name_at(0)
    assert view.fold_level_is_header(0)
    assert not view.fold_level_is_header(4)


def test_escape_in_the_text_closes_the_find_bar(make_editor, drive) -> None:
    editor = make_editor("a = 1\n", trigger_id=None)
    user = drive(editor)
    user.key(Qt.Key.Key_F, CTRL)
    editor.text_area().setFocus()
    assert editor.find_bar().isVisible()
    user.key(Qt.Key.Key_Escape)
    assert not editor.find_bar().isVisible()
    assert editor.text() == "a = 1\n"

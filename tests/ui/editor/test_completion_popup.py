"""The completion list as a user handles it, in both languages (real jedi, real tsserver): the
keys it owns, narrowing and closing, accepting with keys and the mouse, its badges, where it
appears, and that the keyboard focus never leaves the text."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from actions_studio.ui.editor.completion_icons import BADGES, ICON_SIZE
from actions_studio.ui.editor.completion_popup import VISIBLE_ROWS

PY_HANDLER = "def on_execute_post_login(event, api):\n    "
JS_HANDLER = "exports.onExecutePostLogin = async (event, api) => {\n  "
JS_END = "\n};\n"


@dataclass
class Case:
    language: str
    editor: object
    user: object

    @property
    def handler(self) -> str:
        return PY_HANDLER if self.language == "python" else JS_HANDLER

    @property
    def end(self) -> str:
        """What follows the caret in the handler's text."""
        return "" if self.language == "python" else JS_END

    def text_at_caret(self) -> str:
        """The text before the caret from the handler's body on."""
        view = self.user.view
        return view.text_range(0, view.caret()).split(self.handler, 1)[1]

    def open_list(self, typed: str) -> list[str]:
        self.user.type(typed)
        return self.user.wait_for_completions(timeout=30_000)


@pytest.fixture(params=["python", "javascript"])
def case(request, make_editor, drive) -> Case:
    if request.param == "python":
        editor = make_editor(PY_HANDLER)
        return Case("python", editor, drive(editor))
    make_js_editor, drive_js = request.getfixturevalue("make_js_editor"), request.getfixturevalue("drive_js")
    editor = make_js_editor(JS_HANDLER + JS_END, caret_at_end=False)
    user = drive_js(editor)
    user.view.set_caret(user.pos_of(JS_END))
    return Case("javascript", editor, user)


def test_arrows_pages_home_and_end_move_the_selection_and_clamp(case: Case) -> None:
    names = case.open_list("event.")
    view, user = case.user.view, case.user
    assert len(names) > VISIBLE_ROWS + 1, names
    assert view.completion_selected() == names[0], "the best match is selected at once"
    user.key(Qt.Key.Key_Up)
    assert view.completion_selected() == names[0], "Up at the top stays there"
    user.key(Qt.Key.Key_Down)
    user.key(Qt.Key.Key_Down)
    assert view.completion_selected() == names[2]
    user.key(Qt.Key.Key_Up)
    assert view.completion_selected() == names[1]
    user.key(Qt.Key.Key_PageDown)
    assert view.completion_selected() == names[min(len(names) - 1, 1 + VISIBLE_ROWS)], "a page is the rows shown"
    user.key(Qt.Key.Key_PageUp)
    assert view.completion_selected() == names[1]
    user.key(Qt.Key.Key_End)
    assert view.completion_selected() == names[-1]
    assert view.completion_popup().first_visible_row() == len(names) - VISIBLE_ROWS, "the end is scrolled to"
    user.key(Qt.Key.Key_Down)
    assert view.completion_selected() == names[-1], "Down at the bottom stays there"
    user.key(Qt.Key.Key_Home)
    assert view.completion_selected() == names[0]
    assert view.completion_popup().first_visible_row() == 0
    assert case.text_at_caret() == "event.", "the keys moved the list, not the caret"


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_Enter])
def test_enter_and_tab_insert_the_selected_name_over_the_typed_prefix(case: Case, key) -> None:
    case.open_list("event.")
    case.user.type("US")  # any case: the prefix typed is replaced by the name's own
    assert case.user.view.completion_items()[0] == "user"
    case.user.key(key)
    assert case.text_at_caret() == "event.user"
    assert not case.user.view.completion_active()
    assert case.editor.text() == case.handler + "event.user" + case.end, "the key was the list's, not the text's"


def test_accepting_replaces_the_rest_of_the_word_in_one_undo_step(case: Case) -> None:
    user, editor = case.user, case.editor
    user.type("event.reqXYZ")
    for _ in "XYZ":
        user.key(Qt.Key.Key_Left)
    before = editor.text()
    user.key(Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert user.wait_for_completions(timeout=30_000)[0] == "request"
    user.key(Qt.Key.Key_Return)
    assert case.text_at_caret() == "event.request"
    assert editor.text() == before.replace("event.reqXYZ", "event.request")
    editor.undo()
    assert editor.text() == before


def test_typing_narrows_and_a_word_that_matches_nothing_closes_the_list(case: Case) -> None:
    names = case.open_list("event.")
    user = case.user
    user.type("tr")
    assert user.view.completion_items()[0] == "transaction"
    assert len(user.view.completion_items()) < len(names)
    user.key(Qt.Key.Key_Backspace)
    user.key(Qt.Key.Key_Backspace)
    assert user.view.completion_items() == names, "backspacing to the `.` widens it again"
    user.type("qqq")
    assert not user.view.completion_active()
    assert case.text_at_caret() == "event.qqq"


@pytest.mark.parametrize("leave", ["left arrow past the word", "right arrow", "click in the text", "caret moved"])
def test_the_caret_leaving_the_word_closes_the_list(case: Case, leave: str, qtbot) -> None:
    case.open_list("event.us")
    user, view = case.user, case.user.view
    area = case.editor.text_area()
    if leave == "left arrow past the word":
        for _ in range(3):
            user.key(Qt.Key.Key_Left)
    elif leave == "right arrow":
        user.key(Qt.Key.Key_Right)
    elif leave == "click in the text":
        first_line = view.point_of(0)
        qtbot.mouseClick(area.viewport() if hasattr(area, "viewport") else area, Qt.MouseButton.LeftButton,
                         pos=first_line + QPoint(30, 5))
    else:
        view.set_caret(0)
        qtbot.wait(50)  # Scintilla says the caret moved on its next update
    assert not view.completion_active()
    assert "event.us" in case.editor.text(), "closing left the text alone"


def test_esc_closes_the_list_before_a_window_shortcut_gets_it(case: Case, qtbot) -> None:
    window = case.editor.window()
    stops = []
    shortcut = QShortcut(QKeySequence("Esc"), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(lambda: stops.append(True))
    case.open_list("event.")
    case.user.key(Qt.Key.Key_Escape)
    assert not case.user.view.completion_active()
    assert stops == [], "the first Esc was the list's"
    assert case.text_at_caret() == "event."
    case.user.key(Qt.Key.Key_Escape)
    assert stops == [True], "with the list closed, Esc is the window's again"


def test_a_click_selects_a_row_and_a_double_click_inserts_it(case: Case, qtbot) -> None:
    names = case.open_list("event.")
    view = case.user.view
    popup = view.completion_popup()
    third = QPoint(popup.width() // 2, popup.row_height() * 5 // 2)
    qtbot.mouseClick(popup, Qt.MouseButton.LeftButton, pos=third)
    assert view.completion_selected() == names[2]
    assert view.completion_active() and case.text_at_caret() == "event."
    assert QApplication.focusWidget() is case.editor.text_area(), "clicking the list keeps the focus in the text"
    second = QPoint(popup.width() // 2, popup.row_height() * 3 // 2)
    qtbot.mouseDClick(popup, Qt.MouseButton.LeftButton, pos=second)
    assert case.text_at_caret() == "event." + names[1]
    assert not view.completion_active()


def test_the_wheel_scrolls_the_rows_without_moving_the_selection(case: Case, qtbot) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    names = case.open_list("event.")
    popup = case.user.view.completion_popup()
    centre = QPointF(popup.width() / 2, popup.height() / 2)
    wheel = QWheelEvent(centre, popup.mapToGlobal(centre), QPoint(), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(popup, wheel)
    assert popup.first_visible_row() == min(3, len(names) - VISIBLE_ROWS)
    assert case.user.view.completion_selected() == names[0]


def test_each_row_wears_the_badge_of_its_kind(case: Case) -> None:
    case.open_list("api.access.")
    view = case.user.view
    names = view.completion_items()
    assert "deny" in names
    popup = view.completion_popup()
    picture = popup.grab().toImage()
    row = names.index("deny")
    assert row < VISIBLE_ROWS
    # the badge's left edge, away from its letter, half way down the row
    x = 1 + 4 + 2
    y = 1 + row * popup.row_height() + popup.row_height() // 2
    assert picture.pixelColor(x, y) == QColor(BADGES["function"].colour), "a method's badge (f)"
    text_left = popup.text_offset()
    assert popup.text_offset() >= 1 + 4 + ICON_SIZE, "the badge is left of the name"
    assert any(picture.pixelColor(text_left + dx, y).lightness() < 120 for dx in range(12)), \
        "the name is drawn in dark text on the light list"


def test_the_list_sits_under_the_caret_with_the_names_lined_up_with_the_typed_text(case: Case) -> None:
    case.open_list("event.")
    view = case.user.view
    area = case.editor.text_area()
    popup = view.completion_popup()
    word = view.caret()
    top_of_line = area.mapToGlobal(view.point_of(word))
    assert popup.geometry().top() > top_of_line.y(), "below the caret's line"
    assert popup.geometry().top() - top_of_line.y() <= 24, "right below it"
    assert abs(popup.geometry().left() + popup.text_offset() - top_of_line.x()) <= 1
    assert QApplication.focusWidget() is area


def test_near_the_screens_bottom_and_right_edge_the_list_stays_on_screen(case: Case) -> None:
    editor = case.editor
    screen = editor.screen().availableGeometry()
    # put the editor's window so that the caret's line is at the screen's bottom-right corner
    editor.window().move(screen.right() - 200, screen.bottom() - 120)
    QApplication.processEvents()
    case.open_list("event.")
    view = case.user.view
    popup = view.completion_popup()
    line_top = editor.text_area().mapToGlobal(view.point_of(view.caret()))
    assert line_top.y() + popup.height() + 20 > screen.bottom(), "no room below: the test's premise"
    assert screen.contains(popup.geometry()), (popup.geometry(), screen)
    assert popup.geometry().bottom() < line_top.y() + 2, "above the line instead"


def test_the_focus_leaving_the_editor_closes_the_list(case: Case, qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    other = QLineEdit(host)
    QVBoxLayout(host).addWidget(other)
    host.show()
    case.editor.activateWindow()
    case.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is case.editor.text_area())
    case.open_list("event.")
    host.activateWindow()
    other.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is other)
    assert not case.user.view.completion_active()


def test_the_list_follows_a_theme_change_while_it_is_open(case: Case) -> None:
    from actions_studio.ui.editor.themes import DARK

    case.open_list("event.")
    view = case.user.view
    popup = view.completion_popup()
    view.apply_theme(DARK)
    picture = popup.grab().toImage()
    assert picture.pixelColor(3, popup.row_height() * 3 // 2) == QColor(DARK.popup_background)
    assert picture.pixelColor(3, popup.row_height() // 2) == QColor(DARK.popup_selected_background)


def test_one_window_serves_every_answer(case: Case) -> None:
    """The list is made once per text area and reused: no new top-level window per answer."""
    case.open_list("event.")
    popup = case.user.view.completion_popup()
    windows = _top_level_windows()
    case.user.key(Qt.Key.Key_Escape)
    for _ in "event.":
        case.user.key(Qt.Key.Key_Backspace)
    case.open_list("api.")
    assert case.user.view.completion_popup() is popup and popup.isVisible()
    # No window appeared (others' may have gone: earlier tests' widgets are deleted late).
    assert _top_level_windows() <= windows


def _top_level_windows() -> set[int]:
    # The C++ objects' addresses: a wrapper that nothing holds is made anew on every call, so
    # Python's id() of the same window can differ between two calls.
    return {shiboken6.getCppPointer(w)[0] for w in QApplication.topLevelWidgets()}


def test_rows_have_a_height_at_the_interfaces_own_font_size(qtbot) -> None:
    """The editor's size may be the interface font's already: the rows are still measured."""
    from actions_studio.ui.editor.completion_popup import CompletionPopup

    owner = QWidget()
    qtbot.addWidget(owner)
    popup = CompletionPopup(owner)
    popup.set_point_size(QApplication.font().pointSize())
    assert popup.row_height() >= ICON_SIZE + 4


def test_small_wheel_steps_add_up_alike_in_both_directions(qtbot) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    from actions_studio.ui.editor.completion_popup import CompletionPopup

    owner = QWidget()
    qtbot.addWidget(owner)
    popup = CompletionPopup(owner)
    popup.set_point_size(10)
    popup.set_rows([(f"name{n}", "function") for n in range(30)])

    def turn(delta: int) -> None:
        wheel = QWheelEvent(QPointF(5, 5), QPointF(5, 5), QPoint(), QPoint(0, delta), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(popup, wheel)

    for _ in range(8):
        turn(-15)  # a touchpad's small steps: 120 in all, one notch
    assert popup.first_visible_row() == 3
    for _ in range(8):
        turn(15)
    assert popup.first_visible_row() == 0

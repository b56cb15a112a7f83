"""Screenshots are tests you look at (STYLE.md): the editor rendered offscreen to docs/screenshots/.

The completion list and Scintilla's call tip are separate top-level windows that `grab()` of the
editor does not show (PITFALLS.md), so they are painted onto the editor's picture at their place.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from actions_studio.ui.editor.themes import DARK

ACTION = '''"""Add the user's roles to the tokens; admins need a verified email and MFA."""

import json

NAMESPACE = "https://studio.example.com"
ADMIN_ROLES = {"admin", "owner"}
BLOCKED_COUNTRIES = ("KP", "IR")


def on_execute_post_login(event, api):
    """Runs after the user has logged in, before the tokens are issued."""
    roles = list(event.authorization.roles) if event.authorization else []
    api.id_token.set_custom_claim(f"{NAMESPACE}/roles", roles)
    api.access_token.set_custom_claim(f"{NAMESPACE}/roles", roles)

    country = event.request.geoip.country_code
    if country in BLOCKED_COUNTRIES:
        api.access.deny(f"Logins from {country} are not allowed")
        return

    if ADMIN_ROLES & set(roles):
        if not event.user.email_verified:
            # Admins verify their email before a second factor is offered.
            api.access.deny("Verify your email address first")
            return
        api.multifactor.enable("any", allow_remember_browser=False)

    api.user.set_app_metadata("last_country", country)
    print(json.dumps({"user": event.user.user_id, "roles": roles}))
'''

SIZE = (980, 620)


def _popups() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowFlags() & Qt.WindowType.Popup
            or w.isVisible() and w.metaObject().className() in ("QListWidget",) or
            w.isVisible() and w.windowFlags() & Qt.WindowType.ToolTip]


def compose(editor: QWidget) -> QPixmap:
    """The editor's picture with the visible completion list / call tip painted where they are."""
    picture = editor.grab()
    origin = editor.mapToGlobal(QPoint(0, 0))
    painter = QPainter(picture)
    try:
        for popup in _popups():
            if popup is editor:
                continue
            painter.drawPixmap(popup.mapToGlobal(QPoint(0, 0)) - origin, popup.grab())
    finally:
        painter.end()
    return picture


def _save(picture: QPixmap, path: Path) -> None:
    assert picture.save(str(path)), path
    assert path.stat().st_size > 10_000


def _ready(user) -> None:
    """Diagnostics have run and the text is painted."""
    user.qtbot.wait(450)
    user.flush()



def test_editor_light(make_editor, drive, screenshots_dir) -> None:
    editor = make_editor(ACTION, size=SIZE, caret_at_end=False)
    user = drive(editor)
    editor.set_cursor_position(17, 37)  # inside country_code: current line, no squiggles
    _ready(user)
    assert editor.diagnostics() == []
    _save(compose(editor), screenshots_dir / "editor.png")


def test_editor_dark(make_editor, drive, screenshots_dir) -> None:
    editor = make_editor(ACTION, size=SIZE, theme=DARK, caret_at_end=False)
    user = drive(editor)
    editor.set_cursor_position(13, 69)  # after the closing bracket: brace match
    _ready(user)
    _save(compose(editor), screenshots_dir / "editor-dark.png")


def test_editor_completion_popup(make_editor, drive, screenshots_dir) -> None:
    editor = make_editor(ACTION, size=SIZE, caret_at_end=False)
    user = drive(editor)
    editor.set_cursor_position(16, 1)
    user.key(Qt.Key.Key_End)
    user.type("\ncity = event.request.geoip.")
    user.wait_for_completions()
    user.type("co")
    assert user.view.completion_items()[:4] == ["continent_code", "country_code", "country_code3", "country_name"]
    _ready(user)  # the diagnostics of the text as shown, not of a moment while typing it
    assert _popups(), "the completion list is a visible top-level window"
    _save(compose(editor), screenshots_dir / "editor-completion.png")


def test_editor_completion_popup_dark(make_editor, drive, screenshots_dir) -> None:
    """The list in the dark theme, with the badges of several kinds and the scroll mark."""
    editor = make_editor(ACTION, size=SIZE, theme=DARK, caret_at_end=False)
    user = drive(editor)
    editor.set_cursor_position(12, 1)
    user.key(Qt.Key.Key_End)
    user.type("\njson.")
    names = user.wait_for_completions()
    assert {"dumps", "loads", "JSONDecoder", "decoder"} <= set(names) and len(names) > 10
    user.key(Qt.Key.Key_Down)
    user.key(Qt.Key.Key_Down)
    user.qtbot.wait(100)
    assert user.view.completion_selected() == names[2]
    _ready(user)
    assert user.view.completion_active()
    _save(compose(editor), screenshots_dir / "editor-completion-dark.png")


def test_editor_diagnostics_and_hover(make_editor, drive, screenshots_dir) -> None:
    broken = (ACTION.replace('set_custom_claim(f"{NAMESPACE}/roles", roles)\n\n',
                             'set_custom_claim("roles", roles)\n\n')
              .replace("if country in BLOCKED_COUNTRIES:", "if contry in BLOCKED_COUNTRIES:"))
    editor = make_editor(broken, size=SIZE, caret_at_end=False)
    user = drive(editor)
    user.qtbot.waitUntil(lambda: len(editor.diagnostics()) == 2, timeout=10_000)
    assert {d.severity for d in editor.diagnostics()} == {"error", "warning"}
    editor.set_cursor_position(17, 12)
    editor.on_view_dwelled(user.pos_of('"roles", roles', 3))
    text, _ = user.wait_for_call_tip()
    assert text.startswith("warning: claim 'roles' is not namespaced")
    user.qtbot.wait(100)
    _save(compose(editor), screenshots_dir / "editor-diagnostics.png")


def test_editor_call_tip(make_editor, drive, screenshots_dir) -> None:
    editor = make_editor(ACTION, size=SIZE, caret_at_end=False)
    user = drive(editor)
    editor.set_cursor_position(14, 1)
    user.key(Qt.Key.Key_End)
    user.type('\napi.access_token.set_custom_claim(f"{NAMESPACE}/country", ')
    text, span = user.wait_for_call_tip()
    assert span is not None and text[span[0]:span[1]] == "value: Any"
    user.qtbot.wait(100)
    _save(compose(editor), screenshots_dir / "editor-call-tip.png")

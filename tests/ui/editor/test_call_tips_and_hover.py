"""Call tips while typing arguments and hover docs on dwell, from the trigger stubs' docstrings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

HANDLER = "def on_execute_post_login(event, api):\n    "


def _highlighted(tip: tuple[str, tuple[int, int] | None]) -> str:
    text, span = tip
    assert span is not None
    return text[span[0]:span[1]]


def test_call_tip_follows_the_argument_being_typed(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type("api.access_token.set_custom_claim(")
    tip = user.wait_for_call_tip()
    assert tip[0].startswith("set_custom_claim(key: str, value: Any)")
    assert _highlighted(tip) == "key: str"
    assert "key: Set claim key to value (JSON data) in the access token." in tip[0]
    user.type('"https://example.com/plan", ')
    user.qtbot.waitUntil(lambda: _highlighted(user.view.call_tip()) == "value: Any", timeout=10_000)
    assert "Use a namespaced key" in user.view.call_tip()[0]
    user.type('"gold")')
    assert not user.view.call_tip_active(), "the closing parenthesis ends the tip"


def test_call_tip_for_a_method_with_defaults(make_editor, drive) -> None:
    editor = make_editor(HANDLER)
    user = drive(editor)
    user.type('api.multifactor.enable("duo", ')
    text, span = user.wait_for_call_tip()
    assert text.splitlines()[0].startswith("enable(provider: str, allow_remember_browser: bool=False")
    user.qtbot.waitUntil(lambda: _highlighted(user.view.call_tip()).startswith("allow_remember_browser"),
                         timeout=10_000)


def test_hover_on_an_event_field_shows_its_stub_docstring(make_editor, drive) -> None:
    editor = make_editor(HANDLER + "if event.user.email_verified:\n        pass\n")
    user = drive(editor)
    editor.on_view_dwelled(user.pos_of("email_verified", 3))  # the slot the dwell signal calls
    text, span = user.wait_for_call_tip()
    assert text.splitlines()[0] == "email_verified: bool"
    assert "True once the email address has been verified." in text
    assert _highlighted((text, span)) == "email_verified: bool"


def test_hover_on_an_api_method_shows_signature_and_doc(make_editor, drive) -> None:
    editor = make_editor(HANDLER + 'api.access.deny("blocked")\n')
    user = drive(editor)
    editor.on_view_dwelled(user.pos_of("deny"))
    text, _ = user.wait_for_call_tip()
    assert text.splitlines()[0] == "deny(reason: str) -> None"
    assert "The flow stops: later actions do not run." in text


def test_hover_after_non_ascii_text_on_the_line(make_editor, drive) -> None:
    editor = make_editor(HANDLER + 'note = "é 日本語 🙂"; where = event.request.geoip.country_code\n')
    user = drive(editor)
    editor.on_view_dwelled(user.pos_of("country_code", 4))
    text, _ = user.wait_for_call_tip()
    assert "ISO 3166-1 alpha-2 country code" in text


def test_hover_title_of_an_optional_field_names_the_field(make_editor, drive) -> None:
    editor = make_editor(HANDLER + "where = event.request.geoip.country_code\n")
    user = drive(editor)
    editor.on_view_dwelled(user.pos_of("country_code", 4))
    text, _ = user.wait_for_call_tip()
    assert text.splitlines()[0] == "country_code: str | None"


def test_hover_on_a_squiggle_shows_the_problem(make_editor, drive) -> None:
    editor = make_editor(HANDLER + "total = undefined_thing + 1\n")
    user = drive(editor)
    user.qtbot.waitUntil(lambda: bool(editor.diagnostics()), timeout=10_000)
    editor.on_view_dwelled(user.pos_of("undefined_thing", 2))
    text, _ = user.wait_for_call_tip()
    assert text.splitlines()[0] == "error: undefined name 'undefined_thing'"


def test_dwell_end_closes_the_hover_and_an_edit_drops_a_pending_one(make_editor, drive) -> None:
    editor = make_editor(HANDLER + "event.user.email\n")
    user = drive(editor)
    editor.on_view_dwelled(user.pos_of("email", 1))
    user.wait_for_call_tip()
    editor.view().sig_dwell_ended.emit()
    assert not user.view.call_tip_active()
    editor.on_view_dwelled(user.pos_of("email", 1))
    user.type("x")  # an edit before the answer arrives makes it stale
    user.flush()
    assert not user.view.call_tip_active()


def test_no_hover_on_blank_space(make_editor, drive) -> None:
    editor = make_editor(HANDLER + "\n\n")
    user = drive(editor)
    editor.on_view_dwelled(user.pos_of("    ", 1))
    user.flush()
    assert not user.view.call_tip_active()
    user.key(Qt.Key.Key_Escape)


def test_resting_the_mouse_on_a_field_shows_its_doc_and_moving_on_hides_it(make_editor, drive) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    editor = make_editor(HANDLER + "if event.user.email_verified:\n        pass\n")
    user = drive(editor)
    viewport = editor.text_area().viewport()
    point = user.view.point_of(user.pos_of("email_verified", 3)) + QPoint(2, 6)
    QTest.mouseMove(viewport, point)
    QTest.mouseMove(viewport, point + QPoint(1, 0))  # Scintilla's dwell timer starts on a move
    text, _ = user.wait_for_call_tip()
    assert text.startswith("email_verified: bool")
    QTest.mouseMove(viewport, point + QPoint(200, 60))
    user.qtbot.waitUntil(lambda: not user.view.call_tip_active())


def test_hover_works_again_after_escape_closed_a_call_tip(make_editor, drive) -> None:
    editor = make_editor(HANDLER + "event.user.email\n    ")
    user = drive(editor)
    user.type("api.access.deny(")
    user.wait_for_call_tip()
    user.key(Qt.Key.Key_Escape)
    assert not user.view.call_tip_active()
    editor.on_view_dwelled(user.pos_of("email", 1))
    text, _ = user.wait_for_call_tip()
    assert text.startswith("email: str | None")

"""Files whose lines end in \\r\\n or \\r in the editor: Scintilla's lines are what
analysis/positions.py takes them to be, and a JavaScript action opened with such line ends gets
completions and squiggles where the user is (real Scintilla, real tsserver, real keys)."""

from __future__ import annotations

import random

import pytest

from actions_studio.analysis.positions import editor_line_starts, position_of_index
from actions_studio.ui.editor.languages import JAVASCRIPT
from actions_studio.ui.editor.scintilla_view import ScintillaView

HANDLER_LINES = ["// roles for the token", "exports.onExecutePostLogin = async (event, api) => {",
                 "  const roles = [];", "  ", "};", ""]


def test_the_editors_lines_are_scintillas(qtbot) -> None:
    # Scintilla ends a line at \r\n, \r and \n only: U+2028, U+2029 and NEL stay inside the line
    # (TypeScript's line map differs there; the engine converts through string indices).
    view = ScintillaView(language=JAVASCRIPT)
    qtbot.addWidget(view)
    rng = random.Random(7)
    samples = ["a\r\nb\rc\nd\u2028e\u2029f\x85g", "\r\r\n\n\r", "é🙂\r\n🙂"] + [
        "".join(rng.choices("ab\r\n\u2028\u2029\x85é🙂", k=rng.randrange(30))) for _ in range(40)]
    for text in samples:
        view.set_text(text)
        starts = editor_line_starts(text)
        assert view.line_count() == len(starts), repr(text)
        for index in range(len(text) + 1):
            pos = len(text[:index].encode("utf-8"))
            inside_crlf = text[index - 1:index + 1] == "\r\n"
            if inside_crlf:
                continue  # Scintilla never puts the caret between \r and \n
            assert view.location_of(pos) == position_of_index(text, starts, index), (repr(text), index)


@pytest.mark.parametrize("line_end", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_a_javascript_file_with_these_line_ends_completes_where_the_user_types(
        make_js_editor, drive_js, line_end: str) -> None:
    editor = make_js_editor(line_end.join(HANDLER_LINES), caret_at_end=False)
    user = drive_js(editor)
    before = "[];" + line_end + "  "
    user.view.set_caret(user.pos_of(before, len(before)))  # the handler's empty line
    user.type("event.stats.")
    assert "logins_count" in user.wait_for_completions(timeout=30_000)
    assert line_end.join(HANDLER_LINES[:3]) + line_end + "  event.stats." in editor.text()


@pytest.mark.parametrize("line_end", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_a_javascript_file_with_these_line_ends_gets_its_squiggle_under_the_mistake(
        make_js_editor, drive_js, line_end: str) -> None:
    lines = list(HANDLER_LINES)
    lines[3] = "  const v = event.user.emial;"
    editor = make_js_editor(line_end.join(lines), caret_at_end=False)
    user = drive_js(editor)
    try:
        user.qtbot.waitUntil(lambda: any("emial" in p.message for p in editor.diagnostics()), timeout=60_000)
    except Exception:
        raise AssertionError(f"{editor.text()!r}: {editor.diagnostics()}") from None
    problem = next(p for p in editor.diagnostics() if "emial" in p.message)
    assert (problem.line, problem.column) == (4, len("  const v = event.user."))
    assert user.view.diagnostic_severity_at(user.pos_of("emial", 2)) == "error"
    assert user.view.diagnostic_severity_at(user.pos_of("const v")) is None

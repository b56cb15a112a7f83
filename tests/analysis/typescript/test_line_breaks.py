"""Completions, signatures, hover and diagnostics against the real tsserver in files whose lines end
in \\r\\n, \\r, U+2028 or U+2029 (TypeScript counts each as a line break, the editor the first
two): each answer is about the place the editor asked about, and comes back where the editor
shows it. Editor positions are Scintilla's lines (tests/ui/editor/test_line_ends.py checks them
against the widget)."""

from __future__ import annotations

import itertools

import pytest

from actions_studio.analysis.typescript.engine import TypeScriptEngine

_keys = itertools.count()

# The editor's own lines end at \n, \r\n and \r; U+2028 and U+2029 are characters inside a line to
# it (while TypeScript starts a new line after them).
BREAKS = {"lf": "\n", "crlf": "\r\n", "cr": "\r", "ls": "\u2028", "ps": "\u2029"}
EDITOR_BREAKS = {"lf", "crlf", "cr"}
HEAD = "exports.onExecutePostLogin = async (event, api) => {"


def key() -> str:
    return f"line-breaks-{next(_keys)}"


def source_and_cursor(lines: list[str], line_break: str, line: int, column: int) -> tuple[str, int, int]:
    """The lines joined by ``line_break`` and the editor position of (0-based line, column) in them."""
    source = BREAKS[line_break].join(lines)
    if line_break in EDITOR_BREAKS:
        return source, line + 1, column
    return source, 1, sum(len(text) + 1 for text in lines[:line]) + column  # all one editor line


@pytest.mark.parametrize("line_break", list(BREAKS))
def test_completion_answers_where_the_editor_asked(engine: TypeScriptEngine, line_break: str) -> None:
    lines = [HEAD, "  const user = event.user;", "  event.stats.", "};"]
    source, line, column = source_and_cursor(lines, line_break, 2, len("  event.stats."))
    assert "logins_count" in {c.name for c in engine.complete(key(), source, line, column, "post-login")}
    # and the line before is another place: `user.` there completes the user's fields
    lines[1] = "  const user = event.user; user."
    source, line, column = source_and_cursor(lines, line_break, 1, len(lines[1]))
    assert "email" in {c.name for c in engine.complete(key(), source, line, column, "post-login")}


@pytest.mark.parametrize("line_break", list(BREAKS))
def test_signature_help_answers_where_the_editor_asked(engine: TypeScriptEngine, line_break: str) -> None:
    lines = [HEAD, "  const n = 1;", '  api.accessToken.setCustomClaim("https://acme/n", ', "};"]
    source, line, column = source_and_cursor(lines, line_break, 2, len(lines[2]))
    sig = engine.signatures(key(), source, line, column, "post-login")
    assert sig is not None and (sig.name, sig.index) == ("setCustomClaim", 1)


@pytest.mark.parametrize("line_break", list(BREAKS))
def test_hover_answers_where_the_editor_asked(engine: TypeScriptEngine, line_break: str) -> None:
    lines = [HEAD, "  event.user.email;", "  event.stats.logins_count;", "};"]
    source, line, column = source_and_cursor(lines, line_break, 2, len("  event.stats.log"))
    hover = engine.hover(key(), source, line, column, "post-login")
    assert hover is not None and hover.title == "Stats.logins_count: number"


@pytest.mark.parametrize("line_break", list(BREAKS))
def test_a_diagnostic_comes_back_where_the_editor_shows_it(engine: TypeScriptEngine, line_break: str) -> None:
    lines = [HEAD, "  const é = '🙂';", "  event.user.favourite_color;", "};", ""]
    source, line, column = source_and_cursor(lines, line_break, 2, len("  event.user."))
    found = engine.diagnostics(key(), source, "post-login")
    assert [(d.line, d.column, d.end_line, d.end_column) for d in found] == [
        (line, column, line, column + len("favourite_color"))], found
    assert "Property 'favourite_color' does not exist on type 'User'" in found[0].message


@pytest.mark.parametrize("line_break", ["cr", "ls"])
def test_the_handler_on_a_later_line_gets_its_types(engine: TypeScriptEngine, line_break: str) -> None:
    # The injected annotation goes on the handler's own line, however that line began.
    lines = ["const NAMESPACE = 'https://acme';", HEAD, "  api.accessToken.", "};"]
    source, line, column = source_and_cursor(lines, line_break, 2, len("  api.accessToken."))
    assert "setCustomClaim" in {c.name for c in engine.complete(key(), source, line, column, "post-login")}
    assert engine.diagnostics(key(), source.replace("api.accessToken.", "api.accessToken;"), "post-login") == []


def test_a_misspelled_handler_on_a_later_line_is_flagged_there(engine: TypeScriptEngine) -> None:
    source = "// helpers\r\rexports.onExecutePostLgin = async (event, api) => {};\r"
    found = engine.diagnostics(key(), source, "post-login")
    assert [(d.line, d.column, d.end_column, d.source) for d in found] == [
        (3, len("exports."), len("exports.onExecutePostLgin"), "actions")]


def test_a_file_mixing_every_line_break(engine: TypeScriptEngine) -> None:
    source = HEAD + "\r\n  const a = 1;\r  const b = 2;\u2028  const c = 3;\n  event.user.nope;\u2029  event.stats."
    # editor lines: HEAD / a / b + LS + c / nope + PS + event.stats.
    found = engine.diagnostics(key(), source + "\n};\n", "post-login")
    assert [(d.line, d.column) for d in found if "nope" in d.message] == [(4, len("  event.user."))]
    last = "  event.user.nope;\u2029  event.stats."
    names = {c.name for c in engine.complete(key(), source, 4, len(last), "post-login")}
    assert "logins_count" in names


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a deletion leaves \n beside a lone \r: one \r\n line break from now on
        ("{\rX\n  event.user.nope;\n  event.stats.", "{\r\n  event.user.nope;\n  event.stats."),
        # \n typed just after a lone \r
        ("{\r  event.user.nope;\n  event.stats.", "{\r\n  event.user.nope;\n  event.stats."),
        # \n typed after a lone \r, with more text
        ("{\r  event.user.nope;\n  event.stats.", "{\r\n  const x = 1;\n  event.user.nope;\n  event.stats."),
        # \r typed before a \n
        ("{\n\n  event.user.nope;\n  event.stats.", "{\n\r\n  event.user.nope;\n  event.stats."),
    ],
    ids=["deleted-between", "typed-after-cr", "typed-line-after-cr", "typed-cr-before-lf"],
)
def test_an_edit_that_joins_a_cr_and_an_lf_keeps_tsservers_lines(engine: TypeScriptEngine, before: str,
                                                                 after: str) -> None:
    # tsserver applies text changes to its tree of lines, which re-splits only the lines a change
    # touches (edits.py): its line map must still be computeLineStarts of the text.
    name = key()
    head = "exports.onExecutePostLogin = async (event, api) => "
    assert engine.diagnostics(name, head + before + "\n};\n", "post-login")  # opened, then edited
    source = head + after
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    names = {c.name for c in engine.complete(name, source, len(lines), len(lines[-1]), "post-login")}
    assert "logins_count" in names
    found = engine.diagnostics(name, source + "\n};\n", "post-login")
    assert [(d.line, d.column) for d in found if "nope" in d.message] == [
        (lines.index("  event.user.nope;") + 1, len("  event.user."))]

"""A JavaScript action's editor without the engine: Lexilla's highlighting, JavaScript-aware
indentation on Enter, closing brackets lining up, bracket matching and `//` comment toggling
(issue 16). The typing goes through real key events into the real Scintilla widget."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from actions_studio.ui.editor.languages import JAVASCRIPT, PYTHON, language_for

CTRL = Qt.KeyboardModifier.ControlModifier
SOURCE = (
    '/**\n * @param {object} event\n */\n'
    'exports.onExecutePostLogin = async (event, api) => {\n'
    '  const roles = event.user.app_metadata.roles || []; // why\n'
    '  const re = /^admin{1,2}$/;\n'
    '  console.log(`roles: ${roles.length} of 42`, "done{");\n'
    '};\n'
)


@pytest.fixture
def make_js(make_js_editor):
    return make_js_editor


@pytest.mark.parametrize(("marker", "offset", "style"), [
    ("const roles", 0, "SCE_C_WORD"),
    ("async", 0, "SCE_C_WORD"),
    ("console", 0, "SCE_C_WORD2"),  # Node's globals, shown like Python's builtins
    ("// why", 3, "SCE_C_COMMENTLINE"),
    ("@param", 0, "SCE_C_COMMENTDOCKEYWORD"),  # JSDoc tags
    ("* @param", 0, "SCE_C_COMMENTDOC"),
    ("/^admin", 2, "SCE_C_REGEX"),
    ("`roles", 1, "SCE_C_STRINGRAW"),  # a template literal…
    ("roles.length", 0, "SCE_C_IDENTIFIER"),  # …whose ${} is code
    ('"done{', 2, "SCE_C_STRING"),
    ("42", 0, "SCE_C_STRINGRAW"),  # inside the template text, not a number
    ("[]", 0, "SCE_C_OPERATOR"),
])
def test_javascript_highlighting(make_js, drive, marker, offset, style) -> None:
    editor = make_js(SOURCE)
    user = drive(editor)
    assert user.view.style_name_at(user.pos_of(marker, offset)) == style


def test_the_language_follows_the_runtime() -> None:
    assert language_for("node22") is JAVASCRIPT and language_for("node18") is JAVASCRIPT
    assert language_for("python3") is PYTHON and language_for(None) is PYTHON


def test_enter_after_a_brace_indents_by_two_and_a_closing_brace_lines_up(make_js, drive) -> None:
    editor = make_js("exports.onExecutePostLogin = async (event, api) => {")
    user = drive(editor)
    user.type("\nif (event.user.email) {\nreturn;\n}\n}")
    assert editor.text() == ("exports.onExecutePostLogin = async (event, api) => {\n"
                             "  if (event.user.email) {\n"
                             "    return;\n"
                             "  }\n"
                             "}")


def test_enter_between_braces_puts_the_closer_on_its_own_line(make_js, drive) -> None:
    editor = make_js("  api.access.deny({})")
    user = drive(editor)
    user.view.set_caret(user.pos_of("})"))
    user.type("\n")
    assert editor.text() == "  api.access.deny({\n    \n  })"
    where = user.view.location_of(user.view.caret())
    assert (where.line, where.column) == (2, 4)


@pytest.mark.parametrize(("line", "expected_indent"), [
    ("  const x = 1; // {", 2),  # a brace in a comment opens nothing
    ('  const s = "{";', 2),  # nor one in a string
    ("  const s = `${a} {`;", 2),  # nor one in a template literal's text
    ("  const f = (x) =>", 4),  # an arrow whose body comes next
    ("  api.accessToken.setCustomClaim(", 4),
])
def test_enter_in_javascript(make_js, drive, line, expected_indent) -> None:
    editor = make_js(line)
    user = drive(editor)
    user.type("\n")
    assert editor.text() == line + "\n" + " " * expected_indent


def test_ctrl_slash_toggles_double_slash_comments_and_undoes_in_one_step(make_js, drive) -> None:
    source = "exports.x = () => {\n  const a = 1;\n\n  return a;\n};\n"
    editor = make_js(source)
    user = drive(editor)
    user.view.select(user.pos_of("  const"), user.pos_of("  return", 5))
    user.key(Qt.Key.Key_Slash, CTRL)
    assert editor.text() == "exports.x = () => {\n  // const a = 1;\n\n  // return a;\n};\n"
    user.key(Qt.Key.Key_Slash, CTRL)
    assert editor.text() == source
    user.key(Qt.Key.Key_Slash, CTRL)
    user.key(Qt.Key.Key_Z, CTRL)
    assert editor.text() == source


def test_uncommenting_takes_the_prefix_with_or_without_its_space(make_js, drive) -> None:
    editor = make_js("//a\n  // b\n")
    user = drive(editor)
    user.view.select(0, user.view.length())
    user.key(Qt.Key.Key_Slash, CTRL)
    assert editor.text() == "a\n  b\n"


def test_a_brace_inside_a_string_does_not_pair_with_code(make_js, drive) -> None:
    editor = make_js('const o = { s: "}" };\n')
    user = drive(editor)
    opener = user.pos_of("{ s")
    assert user.view.matching_brace(opener) == user.pos_of("};")
    assert user.view.matching_brace(user.pos_of('}"')) is None  # in a string: not a bracket


def test_completion_does_not_pop_up_in_strings_comments_or_templates(make_js, drive) -> None:
    editor = make_js(SOURCE)
    user = drive(editor)
    assert user.view.is_code_at(user.pos_of("event.user", 5))
    assert not user.view.is_code_at(user.pos_of("// why", 3))
    assert not user.view.is_code_at(user.pos_of("`roles", 3))
    assert user.view.is_code_at(user.pos_of("roles.length", 5))

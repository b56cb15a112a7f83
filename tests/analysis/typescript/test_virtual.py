"""The virtual source tsserver sees: the trigger's types injected on the handler's own line,
string indices mapped both ways, the user's text never changed (no tsserver needed)."""

from __future__ import annotations

import pytest

from actions_studio.analysis.typescript.virtual import Insertion, annotation, inject_trigger_types

TYPE = annotation("post-login", "OnExecutePostLogin")


@pytest.mark.parametrize(
    ("line", "type_name"),
    [
        ("exports.onExecutePostLogin = async (event, api) => {", "OnExecutePostLogin"),
        ("  module.exports.onContinuePostLogin = function (event, api) {", "OnContinuePostLogin"),
        ("module.exports = {", "PostLoginHandlers"),
        ("async function onExecutePostLogin(event, api) {", "OnExecutePostLogin"),
        ("const onContinuePostLogin = (event, api) => {", "OnContinuePostLogin"),
    ],
)
def test_each_form_of_a_handler_gets_its_type(line: str, type_name: str) -> None:
    virtual = inject_trigger_types(line + "\n};\n", "post-login")
    indent = len(line) - len(line.lstrip())
    note = annotation("post-login", type_name)
    assert virtual.text == line[:indent] + note + line[indent:] + "\n};\n"
    assert virtual.insertions == (Insertion(indent, note),)


@pytest.mark.parametrize(
    "source",
    [
        "exports.helper = () => 1;\n",  # not a handler name
        "// exports.onExecutePostLogin = async (event, api) => {\n",
        "if (exports.onExecutePostLogin == null) {}\n",
        "exports.onExecuteCredentialsExchange = async (event, api) => {};\n",  # another trigger's handler
    ],
)
def test_other_lines_are_left_alone(source: str) -> None:
    assert inject_trigger_types(source, "post-login").text == source


def test_no_trigger_no_injection() -> None:
    source = "exports.onExecutePostLogin = async (event, api) => {};\n"
    assert inject_trigger_types(source, None).text == source


def test_positions_map_both_ways_and_only_after_the_insertion() -> None:
    source = "const x = 1;\n  exports.onExecutePostLogin = async (event, api) => { event.\n  api.\n"
    virtual = inject_trigger_types(source, "post-login")
    shift = len(TYPE)
    at = source.index("exports")
    assert virtual.insertions == (Insertion(at, TYPE),)
    assert virtual.to_virtual(5) == 5 and virtual.to_virtual(at - 1) == at - 1
    assert virtual.to_virtual(at) == at + shift  # at the insertion point the user text moves right
    assert virtual.to_virtual(len(source)) == len(source) + shift
    for index in range(len(source) + 1):
        assert virtual.to_user(virtual.to_virtual(index)) == index
    assert virtual.to_user(at) is None and virtual.to_user(at + shift - 1) is None  # inside the note
    assert virtual.to_user(at - 1) == at - 1


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\u2028", "\u2029"])
def test_a_handler_after_any_javascript_line_break_gets_its_type(line_break: str) -> None:
    # JavaScript (and TypeScript's line map) ends a line at each of these; the editor shows the
    # last two inside one line, but the handler after them is still a statement of its own.
    source = f"const x = 1;{line_break}  exports.onExecutePostLogin = async (event, api) => {{}};{line_break}"
    virtual = inject_trigger_types(source, "post-login")
    # TypeScript takes a JSDoc comment after \n or \r only: after U+2028 and U+2029 the note
    # brings a \n of its own (the virtual text's lines are its own; positions map by index).
    note = ("\n" if line_break in "\u2028\u2029" else "") + TYPE
    assert virtual.text == source.replace("exports.", note + "exports.")
    assert virtual.insertions == (Insertion(source.index("exports"), note),)


def test_the_users_lines_survive_unchanged_in_the_virtual_text() -> None:
    source = "module.exports = {\n  onExecutePostLogin: async (event, api) => { /* é🙂 */ },\n};\n"
    virtual = inject_trigger_types(source, "post-login")
    seen = virtual.text
    for insertion in reversed(virtual.insertions):
        at = virtual.to_virtual(insertion.index) - len(insertion.text)
        assert seen[at:at + len(insertion.text)] == insertion.text
        seen = seen[:at] + seen[at + len(insertion.text):]
    assert seen == source

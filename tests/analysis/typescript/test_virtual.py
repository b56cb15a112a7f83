"""The virtual source tsserver sees: the trigger's types injected on the handler's own line,
positions mapped both ways, the user's text never changed (no tsserver needed)."""

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
    assert virtual.insertions == (Insertion(1, indent, note),)


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


def test_positions_map_both_ways_and_only_on_the_annotated_line() -> None:
    source = "const x = 1;\n  exports.onExecutePostLogin = async (event, api) => { event.\n  api.\n"
    virtual = inject_trigger_types(source, "post-login")
    shift = len(TYPE)
    assert virtual.to_virtual(1, 5) == 5
    assert virtual.to_virtual(2, 0) == 0 and virtual.to_virtual(2, 1) == 1
    assert virtual.to_virtual(2, 2) == 2 + shift  # at the insertion point the user text moves right
    assert virtual.to_virtual(2, 40) == 40 + shift
    assert virtual.to_virtual(3, 6) == 6
    for column in range(len(source.split("\n")[1]) + 1):
        assert virtual.to_user(2, virtual.to_virtual(2, column)) == column
    assert virtual.to_user(2, 2) is None and virtual.to_user(2, 2 + shift - 1) is None  # inside the note
    assert virtual.to_user(2, 1) == 1


def test_the_users_lines_survive_unchanged_in_the_virtual_text() -> None:
    source = "module.exports = {\n  onExecutePostLogin: async (event, api) => { /* é🙂 */ },\n};\n"
    virtual = inject_trigger_types(source, "post-login")
    for number, (user, seen) in enumerate(zip(source.split("\n"), virtual.text.split("\n")), start=1):
        for insertion in virtual.insertions:
            if insertion.line == number:
                seen = seen[: insertion.column] + seen[insertion.column + len(insertion.text):]
        assert seen == user

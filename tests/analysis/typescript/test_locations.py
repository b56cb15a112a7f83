"""tsserver's locations ↔ string indices with TypeScript's own line breaks (\\r\\n, \\r, \\n,
U+2028, U+2029), checked against the installed TypeScript's `computeLineStarts` and by round-trip
properties; and the editor's lines (Scintilla's: \\r\\n, \\r, \\n) met through the same indices."""

from __future__ import annotations

import json
import random
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions_studio import nodejs
from actions_studio.analysis.positions import (
    Position,
    editor_line_starts,
    index_of_position,
    position_of_index,
)
from actions_studio.analysis.typescript.install import TypeScriptInstall
from actions_studio.analysis.typescript.locations import (
    index_of_location,
    line_starts,
    location_of_index,
)

# The characters that matter to a line map, and a few that must not: NEL, VT and FF are line
# breaks to Python's str.splitlines but not to TypeScript; an emoji is two UTF-16 units.
ALPHABET = "ab \t\r\n\u2028\u2029\x85\x0b\x0cé🙂"
texts = st.text(alphabet=ALPHABET, max_size=40)

TABLE = [
    "",
    "a",
    "\n",
    "\r",
    "\r\n",
    "\n\r",
    "\r\r\n",
    "\r\n\n",
    "a\r\nb\rc\nd\u2028e\u2029f",
    "x\x85y\x0bz\x0cw",  # not TypeScript line breaks
    "🙂\r🙂\u2028é",
    "exports.onExecutePostLogin = async (event, api) => {\r\n  event.\r\n};\r\n",
]


def typescript_line_starts(install: TypeScriptInstall, samples: list[str]) -> list[list[int]]:
    """The installed TypeScript's own computeLineStarts (in UTF-16 indices) of each sample."""
    script = ("const ts = require(process.argv[1]); let data = '';"
              "process.stdin.on('data', (c) => data += c).on('end', () => "
              "console.log(JSON.stringify(JSON.parse(data).map((t) => ts.computeLineStarts(t)))));")
    typescript = install.tsserver.parent / "typescript.js"
    done = subprocess.run(nodejs.find_node().command("-e", script, str(typescript)), input=json.dumps(samples),
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def utf16_index(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def test_line_starts_are_typescripts_own(ts_install: TypeScriptInstall) -> None:
    rng = random.Random(20261207)
    samples = TABLE + ["".join(rng.choices(ALPHABET, k=rng.randrange(60))) for _ in range(300)]
    expected = typescript_line_starts(ts_install, samples)
    for text, theirs in zip(samples, expected, strict=True):
        assert [utf16_index(text, start) for start in line_starts(text)] == theirs, repr(text)


@pytest.mark.parametrize(
    ("text", "index", "location"),
    [
        ("a\r\nb", 3, {"line": 2, "offset": 1}),
        ("a\r\nb", 2, {"line": 1, "offset": 3}),  # between \r and \n: still the first line
        ("a\rb", 2, {"line": 2, "offset": 1}),
        ("a\u2028b", 2, {"line": 2, "offset": 1}),
        ("a\u2029b", 3, {"line": 2, "offset": 2}),
        ("a\x85b", 2, {"line": 1, "offset": 3}),  # NEL is no line break to TypeScript
        ("🙂\r🙂x", 3, {"line": 2, "offset": 3}),  # the emoji before the cursor is two units
        ("ab", 99, {"line": 1, "offset": 3}),  # past the end clamps
    ],
)
def test_locations_of_indices(text: str, index: int, location: dict) -> None:
    assert location_of_index(text, line_starts(text), index) == location


@pytest.mark.parametrize(
    ("text", "location", "index"),
    [
        ("a\r\nb", {"line": 2, "offset": 1}, 3),
        ("a\rb\nc", {"line": 3, "offset": 2}, 5),
        ("a\nb", {"line": 9, "offset": 1}, 2),  # a line past the end: the last line
        ("ab\ncd", {"line": 1, "offset": 99}, 3),  # an offset past the line: the next line's start
        ("a🙂b", {"line": 1, "offset": 3}, 1),  # inside the surrogate pair: back to its character
    ],
)
def test_indices_of_locations_clamp_like_tsserver(text: str, location: dict, index: int) -> None:
    assert index_of_location(text, line_starts(text), location) == index


@given(texts, st.data())
def test_every_index_round_trips_through_a_tsserver_location(text: str, data: st.DataObject) -> None:
    starts = line_starts(text)
    index = data.draw(st.integers(0, len(text)))
    location = location_of_index(text, starts, index)
    assert index_of_location(text, starts, location) == index
    # the line is the number of TypeScript line breaks before the index, plus one
    breaks = sum(1 for start in starts[1:] if start <= index)
    assert location["line"] == breaks + 1


@given(texts, st.data())
def test_every_editor_position_round_trips_through_an_index(text: str, data: st.DataObject) -> None:
    starts = editor_line_starts(text)
    index = data.draw(st.integers(0, len(text)))
    position = position_of_index(text, starts, index)
    back = index_of_position(text, starts, position.line, position.column)
    inside_crlf = 0 < index < len(text) and text[index - 1:index + 1] == "\r\n"
    assert back == (index - 1 if inside_crlf else index)
    assert position_of_index(text, starts, back) == position


@pytest.mark.parametrize(
    ("text", "index", "position"),
    [
        ("a\r\nb", 3, Position(2, 0)),
        ("a\r\nb", 2, Position(1, 1)),  # between \r and \n: the end of the first line's text
        ("a\rb\rc", 4, Position(3, 0)),
        ("a\u2028b", 2, Position(1, 2)),  # one line to the editor, two to TypeScript
        ("a\nb", 99, Position(2, 1)),
    ],
)
def test_editor_positions_of_indices(text: str, index: int, position: Position) -> None:
    assert position_of_index(text, editor_line_starts(text), index) == position


def test_an_editor_column_past_the_line_stays_before_its_line_break() -> None:
    text = "ab\r\ncd\re"
    starts = editor_line_starts(text)
    assert index_of_position(text, starts, 1, 1000) == 2
    assert index_of_position(text, starts, 2, 1000) == 6
    assert index_of_position(text, starts, 3, 1000) == 8
    assert index_of_position(text, starts, 99, 0) == 7 and index_of_position(text, starts, 0, -5) == 0

"""The text changes sent to tsserver: applied as tsserver applies them, they give the new text,
and far-apart edits go as separate changes instead of one re-sending everything between."""

from __future__ import annotations

import random

import pytest

from actions_studio.analysis.typescript.edits import text_changes
from actions_studio.analysis.typescript.locations import index_of_location, line_starts

LINES = [f"  if (!check{n}(event, api)) return;  // é日🙂 {n}" for n in range(300)]
SOURCE = "\n".join(LINES) + "\n"


def apply_like_tsserver(text: str, changes: list[dict]) -> str:
    """session.ts's updateOpen: the changes last first, each line/offset resolved against the text
    as it is when that change is applied (offsets count UTF-16 code units)."""
    for change in reversed(changes):
        start, end = _index(text, change["start"]), _index(text, change["end"])
        text = text[:start] + change["newText"] + text[end:]
    return text


def _index(text: str, location: dict) -> int:
    # TypeScript's lines (its own computeLineStarts: tests/analysis/typescript/test_locations.py)
    return index_of_location(text, line_starts(text), location)


def _insert_line(text: str, after: int, line: str) -> str:
    lines = text.split("\n")
    return "\n".join(lines[: after + 1] + [line] + lines[after + 1:])


@pytest.mark.parametrize(
    ("old", "new", "count"),
    [
        ("", "", 0),
        ("const a = 1;\n", "const a = 1;\n", 0),
        ("", "exports.x = 1;\n", 1),
        ("event\n", "event.\n", 1),  # typing: one change
        ("a é 🙂 b\n", "a é 🙂 x b\n", 1),
        (SOURCE, SOURCE.replace("check7(", "checkSeven("), 1),
        # undo a line near the top, a `.` typed near the bottom: two changes, not one for 280 lines
        (_insert_line(SOURCE, 10, "  api."), _insert_line(SOURCE, 290, "    crypto."), 2),
        (_insert_line(SOURCE, 290, "    crypto."), _insert_line(SOURCE, 10, "  api."), 2),
        (SOURCE, SOURCE.replace("return;  // é日🙂 100", "return; // 🙂").replace("check200(", "c("), 2),
        (SOURCE, "", 1),
        ("", SOURCE, 1),
        # a change never starts just after a \r (it starts on it: test_line_breaks.py says why)
        ("a\rX\nb", "a\r\nb", 1),
        ("a\r  b", "a\r\n  b", 1),
        ("a\r\nb", "a\rc\nb", 1),
        (SOURCE.replace("\n", "\r"), _insert_line(SOURCE, 290, "    crypto.").replace("\n", "\r"), 1),
        (_insert_line(SOURCE, 10, "  api.").replace("\n", "\r"), _insert_line(SOURCE, 290, "  x").replace("\n", "\r"), 2),
    ],
)
def test_changes_give_the_new_text(old: str, new: str, count: int) -> None:
    changes = text_changes(old, new)
    assert len(changes) == count
    assert apply_like_tsserver(old, changes) == new
    for change in changes:
        start = _index(old, change["start"])
        assert start == 0 or old[start - 1] != "\r"


def test_far_apart_edits_do_not_resend_the_lines_between() -> None:
    old, new = _insert_line(SOURCE, 10, "  api."), _insert_line(SOURCE, 290, "    crypto.")
    changes = text_changes(old, new)
    assert sum(len(c["newText"]) for c in changes) < 3 * len(LINES[290])  # not the 280 lines between
    assert [c["start"]["line"] for c in changes] == sorted(c["start"]["line"] for c in changes)


def test_scattered_edits_in_repetitive_code_stay_right() -> None:
    # Many equal lines (`}`, `return false;`) and edits all over: at most two changes, around the
    # longest shared run, and the text comes out right.
    source = "".join(f"function f{n}() {{\n  return false;\n}}\n" for n in range(1000))
    new = source.replace("return false;", "return  false;", 400).replace("function f9", "function g9")
    changes = text_changes(source, new)
    assert len(changes) <= 2
    assert apply_like_tsserver(source, changes) == new


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_round_trip(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["\n", "é", "🙂", "日本", "  ", "event.", "api.user.", "};", "x"]
    old = SOURCE
    for _ in range(rng.randint(1, 6)):
        new_lines = old.split("\n")
        at = rng.randrange(len(new_lines))
        kind = rng.choice(("insert", "delete", "replace"))
        if kind == "insert":
            new_lines.insert(at, "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5))))
        elif kind == "delete" and len(new_lines) > 1:
            del new_lines[at: at + rng.randint(1, 3)]
        else:
            line = new_lines[at]
            cut = rng.randint(0, len(line))
            new_lines[at] = line[:cut] + rng.choice(pieces) + line[cut + rng.randint(0, 3):]
        new = "\n".join(new_lines)
        assert apply_like_tsserver(old, text_changes(old, new)) == new
        old = new

"""Scintilla byte offsets ↔ jedi (line, column) positions ↔ tsserver UTF-16 offsets.

Scintilla addresses text by byte offset into its UTF-8 buffer; jedi wants a 1-based line and a
0-based column counted in code points, and raises ValueError for a byte column on a line holding
`é`, CJK or an emoji (PITFALLS.md). tsserver speaks 1-based lines and 1-based offsets counted in
UTF-16 code units (JavaScript strings), where an emoji is two units. The analysis layer's own
positions are jedi's (the editor's `Position`); every conversion in the studio goes through here.

A `Position`'s line is the editor's: Scintilla ends a line at ``\r\n``, ``\r`` or ``\n`` (its
default line-end types; the studio never allows its Unicode ones), and parso splits the same way
for jedi. TypeScript counts U+2028 and U+2029 too (analysis/typescript/locations.py). So a file
with a lone ``\r`` or a line separator has fewer ``\n``-split lines than the editor shows:
positions in the whole text go through string indices (`index_of_position`,
`position_of_index`), with the line starts computed once per text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True, slots=True)
class Position:
    """A jedi position: 1-based line, 0-based code-point column."""

    line: int
    column: int



_EDITOR_LINE_BREAK = re.compile(r"\r\n?|\n")


def lf_line_starts(text: str) -> tuple[int, ...]:
    """The line starts of a text whose only line break is ``\n`` (the usual case, computed at C
    speed: a 3,000-line action takes ~0.3 ms where a regex over its breaks takes ~3 ms)."""
    return tuple(accumulate(map((1).__add__, map(len, text.split("\n")[:-1])), initial=0))


def editor_line_starts(text: str) -> tuple[int, ...]:
    """The string index where each of the editor's lines starts (always at least one line)."""
    if "\r" not in text:
        return lf_line_starts(text)
    return (0, *(match.end() for match in _EDITOR_LINE_BREAK.finditer(text)))


def line_of_index(starts: tuple[int, ...], index: int) -> int:
    """The 0-based line holding string index ``index`` of the text whose line starts these are."""
    return max(0, bisect_right(starts, index) - 1)


def line_content_end(text: str, starts: tuple[int, ...], line: int) -> int:
    """Where 0-based ``line``'s text ends: before its line break (``\r\n`` counts as one)."""
    if line + 1 >= len(starts):
        return len(text)
    end = starts[line + 1]
    if text[end - 1] == "\n" and end - 2 >= starts[line] and text[end - 2] == "\r":
        return end - 2
    return end - 1


def index_of_position(text: str, starts: tuple[int, ...], line: int, column: int) -> int:
    """The string index of an editor position; a line or column past the end clamps (a column
    past the line's end stays before its line break)."""
    line0 = max(0, min(line - 1, len(starts) - 1))
    start = starts[line0]
    return start + max(0, min(column, line_content_end(text, starts, line0) - start))


def position_of_index(text: str, starts: tuple[int, ...], index: int) -> Position:
    """The editor position of a string index; an index inside a line break (between ``\r`` and
    ``\n``) is the end of that line's text."""
    index = max(0, min(index, len(text)))
    line0 = line_of_index(starts, index)
    start = starts[line0]
    return Position(line0 + 1, min(index, line_content_end(text, starts, line0)) - start)


def byte_offset_to_position(text: str, byte_offset: int) -> Position:
    """The jedi position of a Scintilla byte offset; offsets past the end clamp to the end.

    An offset inside a multi-byte character snaps back to that character's start, as Scintilla
    itself never places the caret inside one.
    """
    encoded = text.encode("utf-8")
    byte_offset = max(0, min(byte_offset, len(encoded)))
    prefix = encoded[:byte_offset].decode("utf-8", errors="ignore")
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1)
    return Position(line, column)


def position_to_byte_offset(text: str, line: int, column: int) -> int:
    """The Scintilla byte offset of a jedi position; lines and columns past the end clamp."""
    lines = text.split("\n")
    line = max(1, min(line, len(lines)))
    before = "\n".join(lines[: line - 1])
    head = lines[line - 1][: max(0, column)]
    offset = len(before.encode("utf-8")) + len(head.encode("utf-8"))
    return offset + (1 if line > 1 else 0)


def line_byte_column_to_column(line_text: str, byte_column: int) -> int:
    """Code-point column of a byte column within one line (for per-line Scintilla APIs)."""
    return len(line_text.encode("utf-8")[: max(0, byte_column)].decode("utf-8", errors="ignore"))


def column_to_line_byte_column(line_text: str, column: int) -> int:
    return len(line_text[: max(0, column)].encode("utf-8"))


def column_to_utf16(line_text: str, column: int) -> int:
    """UTF-16 code units before code-point `column` of a line (columns past the end clamp)."""
    head = line_text[: max(0, column)]
    # Characters beyond the Basic Multilingual Plane are a surrogate pair: two units.
    return len(head) + sum(1 for char in head if ord(char) > 0xFFFF)


def utf16_to_column(line_text: str, units: int) -> int:
    """Code-point column of a UTF-16 offset within a line; an offset inside a surrogate pair
    snaps back to its character, offsets past the end clamp to the end."""
    column = counted = 0
    for char in line_text:
        width = 2 if ord(char) > 0xFFFF else 1
        if counted + width > units:
            break
        counted += width
        column += 1
    return column


__all__ = [
    "Position",
    "editor_line_starts",
    "lf_line_starts",
    "index_of_position",
    "line_content_end",
    "line_of_index",
    "position_of_index",
    "byte_offset_to_position",
    "position_to_byte_offset",
    "line_byte_column_to_column",
    "column_to_line_byte_column",
    "column_to_utf16",
    "utf16_to_column",
]

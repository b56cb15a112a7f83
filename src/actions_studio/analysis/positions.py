"""Scintilla byte offsets ↔ jedi (line, column) positions ↔ tsserver UTF-16 offsets.

Scintilla addresses text by byte offset into its UTF-8 buffer; jedi wants a 1-based line and a
0-based column counted in code points, and raises ValueError for a byte column on a line holding
`é`, CJK or an emoji (PITFALLS.md). tsserver speaks 1-based lines and 1-based offsets counted in
UTF-16 code units (JavaScript strings), where an emoji is two units. The analysis layer's own
positions are jedi's (the editor's `Position`); every conversion in the studio goes through here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Position:
    """A jedi position: 1-based line, 0-based code-point column."""

    line: int
    column: int




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
    "byte_offset_to_position",
    "position_to_byte_offset",
    "line_byte_column_to_column",
    "column_to_line_byte_column",
    "column_to_utf16",
    "utf16_to_column",
]

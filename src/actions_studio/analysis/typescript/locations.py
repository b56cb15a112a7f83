"""tsserver's locations (1-based line, 1-based UTF-16 offset) ↔ string indices, with TypeScript's
own idea of a line.

TypeScript starts a new line after ``\r\n``, ``\r``, ``\n``, U+2028 and U+2029, the ECMAScript
line terminators (scanner.ts: ``computeLineStarts`` and ``isLineBreak``; ``\r\n`` is one break).
Every location tsserver reads or writes — a request's ``line``/``offset``, a text change's
``start``/``end``, a diagnostic's span — counts lines that way, so a position computed by
counting ``\n`` alone lands lines away in a file holding any of the others. The editor's lines are
Scintilla's (analysis/positions.py); the engine meets the two in string indices.

All five terminators are in the Basic Multilingual Plane, so a code-point index and TypeScript's
UTF-16 index fall on the same line; only the offset within a line is counted in UTF-16 units.
"""

from __future__ import annotations

import re
from typing import Any

from actions_studio.analysis.positions import column_to_utf16, lf_line_starts, line_of_index, utf16_to_column

_LINE_BREAK = re.compile("\r\n?|[\n\u2028\u2029]")


def only_lf(text: str) -> bool:
    """True when ``\n`` is the text's only line break (three C scans: a regex character class
    over a 3,000-line action takes ~0.8 ms, these ~0.01 ms)."""
    return "\r" not in text and "\u2028" not in text and "\u2029" not in text


def line_starts(text: str) -> tuple[int, ...]:
    """TypeScript's ``computeLineStarts(text)``, as string (code-point) indices."""
    if only_lf(text):
        return lf_line_starts(text)
    return (0, *(match.end() for match in _LINE_BREAK.finditer(text)))


def location_of_index(text: str, starts: tuple[int, ...], index: int) -> dict[str, int]:
    """tsserver's location of string index ``index`` (clamped to the text)."""
    index = max(0, min(index, len(text)))
    line = line_of_index(starts, index)
    start = starts[line]
    return {"line": line + 1, "offset": column_to_utf16(text[start:index], index - start) + 1}


def index_of_location(text: str, starts: tuple[int, ...], location: dict[str, Any]) -> int:
    """The string index of a tsserver location. Out of range clamps as tsserver's own
    ``allowEdits`` does: the line into the file, the offset to the start of the next line."""
    line = max(0, min(int(location["line"]) - 1, len(starts) - 1))
    start = starts[line]
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    return start + utf16_to_column(text[start:end], max(0, int(location["offset"]) - 1))


"""The text changes that turn tsserver's copy of a document into the editor's new text.

An editor's question carries its whole text; tsserver gets only what changed (updateOpen's
``textChanges``), so it re-parses incrementally. A common prefix and suffix give one change
spanning from the first edit to the last. That is right for typing, but the editor's usual
sequence is also: a line typed and asked about, undone, another line typed far away and asked
about — one change then re-sent, and made tsserver re-parse, every line between the two places
(issue 16: the tail of the warm completion row). So a middle of several lines is compared line
by line and each edit goes as its own change.

tsserver applies a file's ``textChanges`` last first, each resolved against the text as it is at
that moment (session.ts: ``arrayReverseIterator(file.textChanges)``), so changes given in
ascending order, disjoint, in the coordinates of the text *before* the update land where they
should: every change still to apply lies before the ones applied. tests/analysis/typescript/
test_edits.py applies them that way and checks the result.
"""

from __future__ import annotations

import difflib
from typing import Any

from actions_studio.analysis.positions import column_to_utf16

# A middle shorter than this many lines (old and new together) is sent as one change: comparing
# lines would cost more than tsserver's re-parse of so little.
LINE_DIFF_MIN_LINES = 8
# More separate edits than this (a paste, a reformat) go as one change: each change costs
# tsserver a pass over the text, and the comparison of many small hunks buys nothing.
MAX_CHANGES = 8


def text_changes(old: str, new: str) -> list[dict[str, Any]]:
    """The changes turning ``old`` into ``new`` (tsserver positions in ``old``); [] if equal."""
    if old == new:
        return []
    prefix = common_prefix(old, new)
    suffix = common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    old_end, new_end = len(old) - suffix, len(new) - suffix
    spans = [(prefix, old_end, new[prefix:new_end])]
    if old[prefix:old_end].count("\n") + new[prefix:new_end].count("\n") >= LINE_DIFF_MIN_LINES:
        spans = _line_spans(old[prefix:old_end], new[prefix:new_end], prefix) or spans
    return [{"start": location(old, start), "end": location(old, end), "newText": text} for start, end, text in spans]


def _line_spans(old: str, new: str, base: int) -> list[tuple[int, int, str]] | None:
    """(start, end in ``old`` + ``base``, new text) for each run of differing lines, or None when
    there are more than MAX_CHANGES of them."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if len(edits) > MAX_CHANGES:
        return None
    old_offsets = _offsets(old_lines)
    new_offsets = _offsets(new_lines)
    return [(base + old_offsets[i1], base + old_offsets[i2], new[new_offsets[j1]:new_offsets[j2]])
            for _tag, i1, i2, j1, j2 in edits]


def _offsets(lines: list[str]) -> list[int]:
    """Where each line starts, and the end: ``offsets[i]`` is the index of ``lines[i]``."""
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def common_prefix(a: str, b: str) -> int:
    # Binary search over slice comparisons: C speed on a 3,000-line file, unlike a Python loop.
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def location(text: str, index: int) -> dict[str, int]:
    """tsserver's location of a string index: 1-based line, 1-based UTF-16 offset."""
    line_start = text.rfind("\n", 0, index) + 1
    line = text.count("\n", 0, index) + 1
    end = text.find("\n", line_start)
    line_text = text[line_start: end if end != -1 else len(text)]
    return {"line": line, "offset": column_to_utf16(line_text, index - line_start) + 1}

"""The text changes that turn tsserver's copy of a document into the editor's new text.

An editor's question carries its whole text; tsserver gets only what changed (updateOpen's
``textChanges``), so it re-parses incrementally. A common prefix and suffix give one change
spanning from the first edit to the last. That is right for typing, but the editor's usual
sequence is also: a line typed and asked about, undone, another line typed far away and asked
about — one change then re-sent, and made tsserver re-parse, every line between the two places
(issue 16: the tail of the warm completion row). So when that middle spans several lines, the
longest run of lines both texts share inside it is kept, and the edits on either side of it go
as two changes.

tsserver applies a file's ``textChanges`` last first, each resolved against the text as it is at
that moment (session.ts: ``arrayReverseIterator(file.textChanges)``), so changes given in
ascending order, disjoint, in the coordinates of the text *before* the update land where they
should: every change still to apply lies before the ones applied. tests/analysis/typescript/
test_edits.py applies them that way and checks the result.
"""

from __future__ import annotations

import itertools
import operator
from typing import Any

from actions_studio.analysis.typescript.locations import line_starts, location_of_index

# A middle shorter than this many lines (old and new together) is sent as one change: splitting
# it would save tsserver less than the search costs.
LINE_DIFF_MIN_LINES = 8
# How far the lines after the first edit may have moved (lines that edit added or removed): the
# editor's case is one line undone and one typed, a shift of one. Each shift tried is one pass.
MAX_SHIFT = 8
# A middle longer than this is sent as one change: the search is linear, but not free.
LINE_DIFF_MAX_LINES = 20_000


def text_changes(old: str, new: str, old_starts: tuple[int, ...] | None = None) -> list[dict[str, Any]]:
    """The changes turning ``old`` into ``new`` (tsserver positions in ``old``, whose TypeScript
    line starts ``old_starts`` are when the caller has them); [] if equal."""
    if old == new:
        return []
    prefix = common_prefix(old, new)
    suffix = common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    old_end, new_end = len(old) - suffix, len(new) - suffix
    spans = [(prefix, old_end, new[prefix:new_end])]
    lines = len(line_starts(old[prefix:old_end])) + len(line_starts(new[prefix:new_end])) - 2
    if LINE_DIFF_MIN_LINES <= lines <= LINE_DIFF_MAX_LINES:
        spans = _split_at_common_run(old[prefix:old_end], new[prefix:new_end], prefix) or spans
    starts = line_starts(old) if old_starts is None else old_starts
    return [{"start": location_of_index(old, starts, start), "end": location_of_index(old, starts, end), "newText": text}
            for start, end, text in (_whole_line_breaks(old, span) for span in spans)]


def _whole_line_breaks(old: str, span: tuple[int, int, str]) -> tuple[int, int, str]:
    """A change that starts just after a ``\r`` starts just before it instead (and puts it back).

    tsserver keeps an edited file as a tree of lines (scriptVersionCache.ts) and re-splits only
    the lines a change touches: a change at the start of a line that a lone ``\r`` ended leaves
    that ``\r`` in the line before, so a ``\n`` the change brings next to it (typed, or left by a
    deletion) becomes a line of its own — one line more than ``computeLineStarts`` of the same
    text counts, and every later location off by one. Starting on the ``\r``'s line, the change
    re-splits the pair as the ``\r\n`` it is.
    """
    start, end, text = span
    if start > 0 and old[start - 1] == "\r":
        return start - 1, end, "\r" + text
    return span


def _split_at_common_run(old: str, new: str, base: int) -> list[tuple[int, int, str]] | None:
    """Two changes around the longest run of lines the middles share, as (start, end in ``old`` +
    ``base``, new text); None when no run of LINE_DIFF_MIN_LINES lines is found.

    The middle starts at the first difference and ends at the last, so with two edits it is
    ``edit₁ + run + edit₂`` in both texts, the run moved by the lines edit₁ added or removed.
    Trying each such shift up to MAX_SHIFT is linear in the lines (difflib's matcher is not: on
    an action's many repeated lines — ``}``, ``return false;`` — it took seconds).
    """
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    best = (0, 0, 0)  # (length, start in old_lines, start in new_lines)
    good_enough = min(len(old_lines), len(new_lines)) - 2 * MAX_SHIFT
    for shift in sorted(range(-MAX_SHIFT, MAX_SHIFT + 1), key=abs):  # small moves first
        if best[0] >= good_enough:
            break  # a run this long leaves no room for a longer one at another shift
        first_old = max(0, -shift)
        index = first_old
        for equal, run in itertools.groupby(map(operator.eq, old_lines[first_old:], new_lines[first_old + shift:])):
            length = sum(1 for _ in run)
            if equal and length > best[0]:
                best = (length, index, index + shift)
            index += length
    length, at_old, at_new = best
    if length < LINE_DIFF_MIN_LINES:
        return None
    old_offsets, new_offsets = _offsets(old_lines), _offsets(new_lines)
    run_old = (old_offsets[at_old], old_offsets[at_old + length])
    run_new = (new_offsets[at_new], new_offsets[at_new + length])
    spans = [(base, base + run_old[0], new[:run_new[0]]), (base + run_old[1], base + len(old), new[run_new[1]:])]
    return [span for span in spans if span[0] != span[1] or span[2]]


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
    return location_of_index(text, line_starts(text), index)

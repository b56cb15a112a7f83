"""Narrow a completion answer as the user keeps typing, without asking jedi again.

Scintilla's list only moves its selection to a prefix match; IDE users expect the list itself to
shrink, and to find `set_custom_claim` from `claim`. Ranking: exact-case prefix, then any-case
prefix, then substring; public names before `_private` before `__dunder__`; jedi's order within.
"""

from __future__ import annotations

from collections.abc import Sequence

from actions_studio.analysis.model import Completion


def _privacy(name: str) -> int:
    if name.startswith("__"):
        return 2
    return 1 if name.startswith("_") else 0


def rank(items: Sequence[Completion], typed: str) -> list[Completion]:
    lowered = typed.lower()
    scored = []
    for order, item in enumerate(items):
        name = item.name
        if not typed:
            match = 0
        elif name.startswith(typed):
            match = 0
        elif name.lower().startswith(lowered):
            match = 1
        elif lowered in name.lower():
            match = 2
        else:
            continue
        scored.append((match, _privacy(name), order, item))
    scored.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in scored]


def is_identifier_text(text: str) -> bool:
    """True for '' and for what may be the start of a Python name (letters, digits, _)."""
    return all(char == "_" or char.isalnum() for char in text)

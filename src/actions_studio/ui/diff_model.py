"""Side-by-side rows of two texts (Qt-free, unit-tested): what the History diff view paints."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class DiffRow:
    left_number: Optional[int]  # 1-based; None for a filler line
    left: str
    right_number: Optional[int]
    right: str
    kind: str  # "equal" | "changed" | "removed" | "added"


def side_by_side(left: str, right: str) -> list[DiffRow]:
    a, b = left.splitlines(), right.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [DiffRow(i1 + k + 1, a[i1 + k], j1 + k + 1, b[j1 + k], "equal") for k in range(i2 - i1)]
            continue
        span = max(i2 - i1, j2 - j1)
        for k in range(span):
            li, rj = i1 + k, j1 + k
            has_left, has_right = li < i2, rj < j2
            kind = "changed" if has_left and has_right else ("removed" if has_left else "added")
            rows.append(DiffRow(li + 1 if has_left else None, a[li] if has_left else "",
                                rj + 1 if has_right else None, b[rj] if has_right else "", kind))
    return rows


def summary(rows: list[DiffRow]) -> str:
    added = sum(r.kind == "added" for r in rows) + sum(r.kind == "changed" for r in rows)
    removed = sum(r.kind == "removed" for r in rows) + sum(r.kind == "changed" for r in rows)
    if not added and not removed:
        return "identical"
    # Only the parts there are: a create is "+18 lines", never "+18 −0".
    return " ".join(part for part in (f"+{added}" if added else "", f"−{removed}" if removed else "") if part) + " lines"

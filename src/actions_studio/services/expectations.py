"""Matching an ExecutionResult against a fixture's `expect` (issue 3).

`status` must be equal; `outcome` is a subset: nested objects are compared key by key (keys the
expectation leaves out are ignored), anything else (lists, scalars, null) must be equal. The first
mismatch in the expectation's own key order is reported with its path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

_MISSING = object()


@dataclass(frozen=True)
class Mismatch:
    path: str
    expected: Any
    actual: Any  # `None` with missing=True when the key is absent
    missing: bool = False

    def __str__(self) -> str:
        got = "nothing (the key is missing)" if self.missing else _show(self.actual)
        return f"{self.path}: expected {_show(self.expected)}, got {got}"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."


def first_mismatch(expect: dict[str, Any], result: dict[str, Any]) -> Optional[Mismatch]:
    if "status" in expect and result.get("status") != expect["status"]:
        return Mismatch("status", expect["status"], result.get("status"))
    if "outcome" in expect:
        return _subset(expect["outcome"], result.get("outcome", _MISSING), "outcome")
    return None


def _subset(expected: Any, actual: Any, path: str) -> Optional[Mismatch]:
    if actual is _MISSING:
        return Mismatch(path, expected, None, missing=True)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return Mismatch(path, expected, actual)
        for key, value in expected.items():
            found = _subset(value, actual.get(key, _MISSING), f"{path}.{key}")
            if found is not None:
                return found
        return None
    if expected != actual or type(expected) is bool and type(actual) is not bool:
        return Mismatch(path, expected, actual)
    return None


# -- making an expectation from a run (issue 12 item 7) --------------------------------------------


@dataclass(frozen=True)
class PinnedLine:
    """One thing an expectation pins: `status`, or a value at a path of the outcome."""

    path: tuple[str, ...]  # ("status",) or ("outcome", "access_token", "claims", "https://x/roles")
    value: Any

    def __str__(self) -> str:
        return f"{_path_text(self.path)} = {_show(self.value)}"


def _path_text(path: tuple[str, ...]) -> str:
    # Claim names are URLs: a dotted path would not say where a key ends.
    text = path[0]
    for key in path[1:]:
        text += f".{key}" if key.isidentifier() else f"[{json.dumps(key, ensure_ascii=False)}]"
    return text


def changed_lines(trigger_id: str, result: dict[str, Any]) -> list[PinnedLine]:
    """What a run changed, as the lines an expectation pins: its status, and each part of the
    outcome that differs from the trigger's empty outcome (what a flow of actions that call
    nothing gives). Pinning only those keeps the test about this action: an unrelated later
    change (another action adding a scope) does not fail it — as the bundled examples do."""
    from actions_studio.triggers.outcome import aggregate_outcome

    empty = {k: v for k, v in aggregate_outcome(trigger_id, []).items() if k != "set_by"}
    outcome = {k: v for k, v in (result.get("outcome") or {}).items() if k != "set_by"}
    lines = [PinnedLine(("status",), result.get("status"))]
    _changes(empty, outcome, ("outcome",), lines)
    return lines


def _changes(empty: Any, actual: Any, path: tuple[str, ...], out: list[PinnedLine]) -> None:
    for key, value in actual.items():
        if key in empty and empty[key] == value:
            continue
        if key in empty and isinstance(value, dict) and isinstance(empty[key], dict) and value:
            _changes(empty[key], value, (*path, key), out)
        else:
            out.append(PinnedLine((*path, key), value))


def expectation_from(lines: list[PinnedLine]) -> dict[str, Any]:
    """The fixture's `expect` holding exactly these lines (matched as a subset, see above)."""
    expect: dict[str, Any] = {}
    for line in lines:
        node = expect
        for key in line.path[:-1]:
            node = node.setdefault(key, {})
        node[line.path[-1]] = line.value
    return expect

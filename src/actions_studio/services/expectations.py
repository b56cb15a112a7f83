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

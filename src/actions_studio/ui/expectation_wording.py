"""Expectations as the Test panel shows them (Qt-free): as one line. What a run pins is
services/expectations.changed_lines."""

from __future__ import annotations

import json
from typing import Any


def describe_expectation(expect: dict[str, Any], limit: int = 3) -> str:
    """One line a person reads: `status denied · outcome.denied.reason = "blocked"`."""
    parts = [f"status {expect['status']}"] if "status" in expect else []
    leaves: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(inner, f"{path}.{key}")
        else:
            leaves.append(f"{path} = {json.dumps(value, ensure_ascii=False)}")

    if "outcome" in expect:
        walk(expect["outcome"], "outcome")
    shown = leaves[:limit] + ([f"… {len(leaves) - limit} more"] if len(leaves) > limit else [])
    return " · ".join(parts + shown)

"""Expectations as the Test panel makes and shows them (Qt-free): from a result, and as one line."""

from __future__ import annotations

import json
from typing import Any

from actions_studio.runtime import ExecutionResult


def expectation_of(result: ExecutionResult) -> dict[str, Any]:
    expect: dict[str, Any] = {"status": result.status}
    outcome = {k: v for k, v in result.outcome.items() if k != "set_by"}
    if outcome:
        expect["outcome"] = outcome
    return expect


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

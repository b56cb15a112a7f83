"""Helpers for the node22 runtime tests: JavaScript sources and result comparison."""

from __future__ import annotations

from typing import Any

from actions_studio.runtime import ActionSource, ExecutionResult


def js(name: str, code: str, **kwargs: Any) -> ActionSource:
    return ActionSource(name=name, code=code, runtime="node22", **kwargs)


def py(name: str, code: str, **kwargs: Any) -> ActionSource:
    return ActionSource(name=name, code=code, **kwargs)


def comparable(result: ExecutionResult, *, error_words: bool = False) -> dict[str, Any]:
    """The result's JSON without what differs by nature: times, memory, the suspended state's id
    and (unless ``error_words``) the language's own words of an error (message and traceback)."""
    data = result.model_dump(mode="json")
    data.pop("stats")
    data.pop("state")
    for action in data["actions"]:
        action.pop("duration_ms")
        if action["error"] and not error_words:
            action["error"].pop("message")
            action["error"].pop("traceback")
    return data

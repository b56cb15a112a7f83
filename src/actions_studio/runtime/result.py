"""ExecutionResult: the one result shape of DESIGN.md (CLI --json, test panel, tenant logs, API).

``model_dump(mode="json")`` is the wire JSON. A suspended result also carries ``continuation``, the
Python object `Sandbox.resume` needs; it holds code and secrets, so it is excluded from the JSON and
from repr — the JSON only names it by ``state``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

# "stopped" (not in DESIGN.md's list): the caller stopped the run (Sandbox's ``cancel``) before it
# finished — distinct from "timeout" (the budget ran out) and "error" (the action failed).
FlowStatus = Literal["success", "denied", "error", "timeout", "suspended", "stopped"]
ActionStatus = Literal["success", "denied", "error", "timeout", "skipped", "suspended", "stopped"]


class ActionError(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: str
    message: str
    traceback: Optional[str] = None
    # Innermost line of the action's own source (1-based), None when the error is not in its code.
    line: Optional[int] = None


class ActionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    version: Optional[int] = None
    status: ActionStatus
    duration_ms: float = 0.0
    logs: str = ""
    error: Optional[ActionError] = None
    calls: list[dict[str, Any]] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class Stats(BaseModel):
    model_config = ConfigDict(frozen=True)

    duration_ms: float = 0.0
    max_rss_kb: int = 0


@dataclass(frozen=True)
class ActionSource:
    """One action to execute: its code, its version (None for a draft) and only its own secrets."""

    name: str
    code: str
    version: Optional[int] = None
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    # Directories put first on the child's import path: the action's installed dependencies
    # (issue 8; built by the caller before the run, never in the child).
    sys_path: tuple[str, ...] = ()
    # "python3", or a Node runtime ("node22"; runtime/node/), whose sys_path entries are the
    # directories holding the action's node_modules.
    runtime: str = "python3"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("ActionSource.name must be a non-empty string")
        if not isinstance(self.code, str):
            raise TypeError("ActionSource.code must be a string")
        bad = [k for k, v in self.secrets.items() if not isinstance(k, str) or not isinstance(v, str)]
        if bad:
            raise TypeError(f"secret values must be strings (offending names: {bad!r})")


@dataclass(frozen=True)
class Continuation:
    """Everything needed to resume a suspended flow. Kept in memory by whoever holds the state id.

    ``index`` is the action that redirected; it resumes in its continue handler, then the actions
    after it run their execute handlers. ``records`` are the (action, calls) of the actions that
    completed before the redirect, so the final outcome covers the whole flow.
    """

    state: str
    trigger_id: str
    actions: tuple[ActionSource, ...] = field(repr=False)
    index: int
    payload: dict[str, Any] = field(repr=False)
    cache: dict[str, Any] = field(repr=False)
    records: tuple[tuple[str, list[dict[str, Any]]], ...] = field(repr=False)
    timeout_s: Optional[float] = None


class ExecutionResult(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    trigger: str
    status: FlowStatus
    actions: list[ActionResult]
    outcome: dict[str, Any] = Field(default_factory=dict)
    stats: Stats = Field(default_factory=Stats)
    # The id of the suspended state (what `/continue?state=` refers to); None unless suspended.
    state: Optional[str] = None
    continuation: Optional[Continuation] = Field(default=None, exclude=True, repr=False)

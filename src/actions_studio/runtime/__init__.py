"""runtime layer: runs action code in a sandbox (docs/architecture.md, "runtime/").

A warm zygote process forks one confined child per execution (one action, or every action of one
flow execution, in turn); the flow executor on top gives TRIGGERS.md's semantics. No Qt, no
database.

The public names are loaded on first use, so a process that only needs a small part of the
runtime (the CLI's entry point hardening itself with `confine.make_undumpable`) does not import
the catalog and pydantic for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Sandbox
    from .limits import SandboxLimits
    from .protocol import EventTooLargeError, SandboxError
    from .result import ActionError, ActionResult, ActionSource, Continuation, ExecutionResult, Stats

_HOMES = {
    "ActionError": "result", "ActionResult": "result", "ActionSource": "result", "Continuation": "result",
    "ExecutionResult": "result", "Stats": "result", "EventTooLargeError": "protocol",
    "SandboxError": "protocol", "Sandbox": "client", "SandboxLimits": "limits",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value

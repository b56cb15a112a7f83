"""runtime layer: runs action code in a sandbox (docs/architecture.md, "runtime/").

A warm zygote process forks one confined child per execution (one action, or every action of one
flow execution, in turn); the flow executor on top gives TRIGGERS.md's semantics. No Qt, no
database.
"""

from .client import Sandbox
from .limits import SandboxLimits
from .protocol import EventTooLargeError, SandboxError
from .result import ActionError, ActionResult, ActionSource, Continuation, ExecutionResult, Stats

__all__ = [
    "ActionError",
    "ActionResult",
    "ActionSource",
    "Continuation",
    "EventTooLargeError",
    "ExecutionResult",
    "Sandbox",
    "SandboxError",
    "SandboxLimits",
    "Stats",
]

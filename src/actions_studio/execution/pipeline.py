"""`execute`: environments first, then the sandbox; one `ExecutionResult` back."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Optional

from actions_studio.runtime import ActionError, ActionResult, ExecutionResult, Sandbox

from .sources import PYTHON, RunSource

# The runtimes this build can run (the sandbox runs Python). The Node runtime adds node22.
RUNTIMES_HERE = frozenset({PYTHON})

# Where an action's dependencies are importable from: its sys_path entries, or EnvironmentRefused.
# The studio builds a missing environment (services/dependencies.py); the tenant only looks one
# up, since a login must never wait for pip (tenant/build.py).
Environments = Callable[[RunSource], tuple[str, ...]]


class EnvironmentRefused(Exception):
    """An action's dependencies cannot be installed; the message says why (one line)."""


def no_environments(source: RunSource) -> tuple[str, ...]:
    """For callers without dependency environments (`actions-studio run` reads bare files)."""
    if source.dependencies:
        raise EnvironmentRefused("dependencies cannot be installed here")
    return ()


def execute(
    trigger_id: str,
    sources: Sequence[RunSource],
    payload: dict[str, Any],
    *,
    sandbox: Callable[[], Sandbox],
    environments: Environments = no_environments,
    single: bool = False,
    timeout_s: Optional[float] = None,
    cancel: Optional[threading.Event] = None,
) -> ExecutionResult:
    """Runs `sources` as one flow execution of `trigger_id` against the event `payload`.

    Each action's environment is prepared first, in order; when one is refused nothing runs and
    the result is an `error` naming that action (the others `skipped`) — the sandbox is not even
    started (`sandbox` is called only when something will run). `single=True` runs the one
    source as `Sandbox.run_action` (the tenant's `/test`), otherwise `Sandbox.run_flow`.

    Raised as the sandbox raises them, for each caller to word for its user: `SandboxError`,
    `EventTooLargeError`, `EventValidationError`, `UnknownTriggerError`, `ValueError` (more than
    20 actions). `cancel` is Stop: setting it kills the running child at once and the result's
    status is "stopped".
    """
    for index, source in enumerate(sources):
        if source.runtime not in RUNTIMES_HERE:
            return _not_here(trigger_id, sources, index)
    ready = []
    for index, source in enumerate(sources):
        try:
            sys_path = environments(source)
        except EnvironmentRefused as exc:
            return _refused(trigger_id, sources, index, str(exc))
        ready.append(source.for_sandbox(sys_path))
    if single:
        if len(ready) != 1:
            raise ValueError("a single-action run takes exactly one action")
        return sandbox().run_action(trigger_id, ready[0], payload, timeout_s=timeout_s, cancel=cancel)
    return sandbox().run_flow(trigger_id, ready, payload, timeout_s=timeout_s, cancel=cancel)


def _refused(trigger_id: str, sources: Sequence[RunSource], index: int, message: str) -> ExecutionResult:
    return _error_at(trigger_id, sources, index, "DependencyError",
                     f"the dependencies of {sources[index].name} cannot be installed: {message}")


def _not_here(trigger_id: str, sources: Sequence[RunSource], index: int) -> ExecutionResult:
    # The workspace stores, versions, exports and syncs node22 actions already; running them
    # needs the Node runtime, which replaces this check (runtime/node/).
    runtime = sources[index].runtime
    return _error_at(trigger_id, sources, index, "RuntimeUnavailable",
                     f"the {runtime} runtime is not available in this build: {sources[index].name} "
                     f"cannot run here (it can still be edited, versioned, exported and synced)")


def _error_at(trigger_id: str, sources: Sequence[RunSource], index: int, kind: str,
              message: str) -> ExecutionResult:
    """An `error` result before anything ran: the action at `index` failed, the others skipped."""
    results = [ActionResult(name=src.name, version=src.version,
                            status="error" if i == index else "skipped",
                            error=ActionError(type=kind, message=message) if i == index else None)
               for i, src in enumerate(sources)]
    return ExecutionResult(trigger=trigger_id, status="error", actions=results)

"""The runtimes this tenant runs for every trigger, as `GET /actions/triggers` lists them.

Auth0 runs JavaScript only, and an action created without a runtime is `node22` there; clients
written for Auth0 (its SDKs, the Deploy CLI) leave the runtime out, so this tenant defaults to it
too. `node18` is still accepted because Auth0 still lists it (`node18-actions`) and old Deploy CLI
projects carry it: it is stored and reported as the client sent it, and runs on Node 22, as Auth0
runs node18 actions now. `python3` is this tenant's own addition, for the studio's Python Actions.
"""

from __future__ import annotations

from typing import Any

from actions_studio.triggers.catalog import Trigger

DEFAULT_RUNTIME = "node22"
RUNTIMES = ("node18", "node22", "python3")


def execution_runtime(runtime: str) -> str:
    """The runtime an action stored as `runtime` executes on (node18 runs on Node 22)."""
    return "node22" if runtime in ("node18", "node22") else runtime


def trigger_json(trigger: Trigger) -> dict[str, Any]:
    """One trigger of `GET /api/v2/actions/triggers`, with this tenant's runtimes."""
    return {**trigger.to_management_api(), "runtimes": list(RUNTIMES), "default_runtime": DEFAULT_RUNTIME}

"""The deployed code the tenant runs, read from its store: the flow bound to a trigger, and one
deployed version as the execution pipeline takes it. The flow cache (flow_cache.py) keeps what
`load_flow` reads; flows.py and the entity-bound triggers run it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from actions_studio.execution import RunSource

from .management.runtimes import execution_runtime
from .store import actions as q


def load_flow(conn: Connection, trigger_id: str) -> list[RunSource]:
    """The deployed code of each bound action, in order, with that action's own secrets and the
    runtime it executes on (node18 runs on Node 22)."""
    bindings = q.bindings_of(conn, trigger_id)
    if not bindings:
        return []
    actions = q.actions_by_id(conn, [b["action_id"] for b in bindings])
    versions = q.versions_by_id(conn, [a["deployed_version_id"] for a in actions.values()
                                       if a["deployed_version_id"]])
    out = []
    for b in bindings:
        action = actions[b["action_id"]]
        version = versions.get(action["deployed_version_id"] or "")
        if version is not None:  # bound but never deployed: nothing of it runs
            out.append(source_of(action, version))
    return out


def source_of(action: dict[str, Any], version: dict[str, Any]) -> RunSource:
    """One deployed version as the pipeline runs it (an entity-bound trigger's action runs alone)."""
    return RunSource(name=action["name"], code=version["code"], version=version["number"],
                     secrets={s["name"]: s["value"] for s in action["secrets"]},
                     dependencies=_pins(version["dependencies"]), runtime=execution_runtime(version["runtime"]))


def _pins(dependencies: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(f"{d['name']}=={d['version']}" for d in dependencies)

"""Runtimes in a plan: an action the tenant cannot run is refused before any write, and a
tenant's action in a runtime Auth0 deprecated (node18) says what the workspace keeps instead."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from actions_studio.runtime.node import deprecation_notice
from actions_studio.sync.model import LocalAction, RemoteAction, workspace_runtime
from actions_studio.sync.plan import PlanItem

def with_runtime_note(item: PlanItem, remote: Optional[RemoteAction]) -> PlanItem:
    """A tenant's action in a deprecated runtime (node18) says so, with what the workspace does."""
    notice = deprecation_notice(remote.tenant_runtime) if remote is not None else None
    if notice is None:
        return item
    kept = workspace_runtime(remote.tenant_runtime)
    note = (f"the tenant has it as {remote.tenant_runtime}: {notice}. The workspace keeps it as {kept}; "
            f"the next push of a change makes it {kept} on the tenant")
    return replace(item, notes=item.notes + (note,))


def runs_on(runtime: str, runtimes: tuple[str, ...]) -> bool:
    """Whether a tenant that lists `runtimes` for a trigger runs an action written for `runtime`
    (node18 and node18-actions are Node 22 on Auth0: model.RUNTIME_ALIASES)."""
    return runtime in {workspace_runtime(r) for r in runtimes}


def _runtime_words(runtimes: tuple[str, ...]) -> str:
    return ", ".join(sorted({workspace_runtime(r) for r in runtimes})) or "no runtime"


def refuse_runtime(item: PlanItem, local: Optional[LocalAction],
                    runtimes: dict[tuple[str, str], tuple[str, ...]]) -> PlanItem:
    """An action this plan would push in a runtime the tenant does not run for its trigger is
    refused here, before any write, with the reason; the rest of the plan still applies.

    The tenant's `GET /actions/triggers` lists the runtimes of each trigger version: Auth0 lists
    Node runtimes only, so a python3 action is refused there, while the bundled tenant runs it."""
    if local is None or item.kind != "action" or item.change in ("nothing", "refused"):
        return item
    pushed = {st.content.runtime for st in item.steps
              if st.op in ("create", "deploy", "update_draft") and st.content is not None}
    if not pushed:
        return item
    listed = runtimes.get((local.trigger_id, local.trigger_version))
    if listed is None:
        listed = tuple(r for (t, _v), rs in runtimes.items() if t == local.trigger_id for r in rs)
        if not any(t == local.trigger_id for (t, _v) in runtimes):
            why = f"the tenant does not offer the {local.trigger_id} trigger"
            return replace(item, change="refused", summary=f"refused: {why}", steps=(), conflict=None)
    if not listed:
        return item  # the tenant lists the trigger without its runtimes: nothing to judge by
    wrong = sorted(r for r in pushed if not runs_on(r, listed))
    if not wrong:
        return item
    why = (f"the tenant runs {_runtime_words(listed)} for {local.trigger_id}, not {wrong[0]}"
           + (" (Auth0 runs JavaScript actions only; keep this one on a tenant that runs Python, "
              "or rewrite it for node22)" if wrong[0] == "python3" else ""))
    return replace(item, change="refused", summary=f"refused: {why}", steps=())

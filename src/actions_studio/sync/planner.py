"""The three-way planner: workspace, tenant now, and the base agreed at the last sync.

Per action and per trigger flow: a side "changed" when it differs from the base. Only the
workspace changed → push; only the tenant changed → bring it into the workspace; both changed to
different things → a conflict, which nothing resolves but the user's choice (`prefer`, or one
answer per item in `resolutions`). Without a base (never synced) an action that exists on both
sides with different content is a conflict too: pushing would overwrite work the studio never saw.

Pure: no SDK, no store, no clock. `tests/sync/test_planner.py` drives it with tables.

This module puts the parts together: each action (plan_actions.py), then the runtimes the tenant
runs (plan_runtimes.py), then each trigger's flow (plan_flows.py), then the secrets each push
needs. `PlanOptions` and the shared names are in plan_options.py.
"""

from __future__ import annotations

from typing import Optional

from actions_studio.sync.model import BaseSnapshot, LocalSnapshot, RemoteAction, RemoteSnapshot
from actions_studio.sync.plan import Plan, PlanItem

# The planner's parts, one per seam (one action, one flow, the runtimes, the options); the names
# other modules and tests import from here stay importable here.
from actions_studio.sync.plan_actions import TENANT_VERSION_CAP, plan_action, reconcile_pending
from actions_studio.sync.plan_flows import hold_bound_deletes, plan_flow
from actions_studio.sync.plan_options import UNKNOWN, Mode, PlanOptions, flow_key
from actions_studio.sync.plan_runtimes import refuse_runtime, runs_on, with_runtime_note

__all__ = ["Mode", "PlanOptions", "TENANT_VERSION_CAP", "UNKNOWN", "flow_key", "plan",
           "reconcile_pending", "runs_on"]


def plan(local: LocalSnapshot, remote: RemoteSnapshot, base: BaseSnapshot,
         opts: PlanOptions = PlanOptions()) -> Plan:
    remote_by_id = remote.by_id()
    remote_by_name = {a.name: a for a in remote.actions}
    local_by_id = local.by_id()
    items: list[PlanItem] = []
    claimed: set[str] = set()
    remote_to_local: dict[str, str] = {}
    bases = dict(base.actions)

    # Actions of the workspace (and the ones it deleted since the last sync).
    for action_id in list(local_by_id) + [k for k in bases if k not in local_by_id]:
        la = local_by_id.get(action_id)
        b = bases.get(action_id)
        ra: Optional[RemoteAction] = None
        if b is not None and b.remote_id is not None:
            ra = remote_by_id.get(b.remote_id)
        elif la is not None:
            candidate = remote_by_name.get(la.name)
            if candidate is not None and candidate.trigger_id == la.trigger_id:
                ra = candidate
        if b is not None:
            b = reconcile_pending(b, ra)
            bases[action_id] = b
            if b.remote_id is None:
                b = None  # a create that never reached the tenant: not a base at all
        if ra is not None:
            if ra.id in claimed:
                ra = None
            else:
                claimed.add(ra.id)
                if la is not None:
                    remote_to_local[ra.id] = la.id
        items.append(with_runtime_note(plan_action(action_id, la, ra, b, opts), ra))
        if la is None and ra is not None and b is not None:
            remote_to_local[ra.id] = action_id

    for ra in remote.actions:
        if ra.id not in claimed:
            items.append(with_runtime_note(plan_action(f"remote:{ra.id}", None, ra, None, opts), ra))
    if remote.runtimes is not None:
        items = [refuse_runtime(it, local_by_id.get(it.key), remote.runtimes) for it in items]

    # Flows, per trigger: workspace ids on both sides (tenant ids mapped through the links).
    # Two kinds of tenant binding never reach a workspace flow (issue 13, item 14): one of an
    # action the workspace deleted since the last sync (`gone`: binding it there would violate
    # the workspace's own foreign key, and every later sync would stop on it), and one of an
    # action this plan deletes on the tenant (`doomed`), which is unbound there first because
    # Auth0 refuses to delete a bound action (409).
    doomed = {st.remote_id for it in items if it.change != "conflict" for st in it.steps
              if st.op == "delete" and st.remote_id}
    gone = {k for k in bases if k not in local_by_id}
    for it in items:
        if it.key in gone and it.change != "conflict" and any(st.op == "import_action" for st in it.steps):
            # "Import it back": the binding follows the action's new workspace id, which the
            # applier learns from the import (an unknown entry it resolves then).
            gone.discard(it.key)
            for rid in [r for r, k in remote_to_local.items() if k == it.key]:
                del remote_to_local[rid]
    by_key = {i.key: i for i in items}
    names = {a.id: a.name for a in local.actions} | {b_id: b.name for b_id, b in bases.items()}
    remote_names = {a.id: a.name for a in remote.actions}
    triggers = sorted(set(local.flows) | set(remote.flows) | set(base.flows))
    for trigger_id in triggers:
        items.append(plan_flow(trigger_id, local, remote, base, opts, by_key, names, remote_names,
                                remote_to_local, gone, doomed))
    items = hold_bound_deletes(items, remote, remote_to_local)

    needs: dict[str, tuple[str, ...]] = {}
    for it in items:
        if it.change == "conflict":
            continue
        for step in it.steps:
            if step.op in ("create", "deploy", "update_draft") and step.content and step.local_id:
                have = set(needs.get(step.local_id, ()))
                needs[step.local_id] = tuple(sorted(have | set(step.content.secret_names)))
    return Plan(tuple(items), {k: v for k, v in needs.items() if v},
                {k: b for k, b in bases.items() if b.remote_id is not None})

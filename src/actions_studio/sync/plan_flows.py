"""The planner's part for one trigger's flow: the three-way order, and the tenant deletes that
must wait while their action stays bound (sync/planner.py)."""

from __future__ import annotations

from dataclasses import replace

from actions_studio.sync.model import BaseSnapshot, LocalSnapshot, RemoteSnapshot
from actions_studio.sync.plan import PHASE_FLOWS, PHASE_UNBIND, PlanItem, Step
from actions_studio.sync.plan_options import UNKNOWN, PlanOptions, flow_key

def _flow_change(local: tuple[str, ...], remote: tuple[str, ...]) -> tuple[str, int]:
    added, removed = set(local) - set(remote), set(remote) - set(local)
    if added:
        return "bind", PHASE_FLOWS
    if removed:
        return "unbind", PHASE_UNBIND
    return "reorder", PHASE_FLOWS


def plan_flow(trigger_id: str, local: LocalSnapshot, remote: RemoteSnapshot, base: BaseSnapshot,
               opts: PlanOptions, by_key: dict[str, PlanItem], names: dict[str, str],
               remote_names: dict[str, str], remote_to_local: dict[str, str],
               gone: set[str], doomed: set[str]) -> PlanItem:
    """One trigger's flow: the three-way result F, then what each side must become.

    The workspace gets F without `gone` and `doomed` entries; the tenant gets F without `doomed`
    ones. A side whose target equals what it has gets no step.
    """
    l_flow = tuple(local.flows.get(trigger_id, ()))
    r_ids = tuple(remote.flows.get(trigger_id, ()))
    r_flow = tuple(remote_to_local.get(rid, UNKNOWN + rid) for rid in r_ids)
    fb = base.flows.get(trigger_id)
    b_flow = fb.action_ids if fb is not None else ()
    key = flow_key(trigger_id)

    def label(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(names.get(i) or remote_names.get(i[len(UNKNOWN):], i) for i in ids)

    sides = dict(local_flow=label(l_flow), remote_flow=label(r_flow), base_flow=label(b_flow))

    def flow_item(change, summary, steps=(), conflict=None, resolution=None, notes=()) -> PlanItem:
        return PlanItem("flow", key, f"{trigger_id} flow", change, summary, tuple(steps),
                        conflict=conflict, resolution=resolution, notes=tuple(notes), **sides)

    rid_of = dict(zip(r_flow, r_ids))
    is_doomed = lambda e: rid_of.get(e, e[len(UNKNOWN):] if e.startswith(UNKNOWN) else None) in doomed  # noqa: E731
    left_bound = [e for e in r_flow if e in gone and not is_doomed(e)]
    notes = [f"the tenant's flow binds {', '.join(label(tuple(left_bound)))}, deleted in the "
             "workspace: left bound there (sync --delete unbinds and deletes it)"] if left_bound else []

    def push_flow() -> PlanItem:
        blocked = [names.get(i, i) for i in l_flow
                   if by_key.get(i) is not None and by_key[i].change == "conflict"]
        if blocked:
            return flow_item("nothing", f"waits for the conflict on {', '.join(blocked)}", notes=notes)
        refused = [names.get(i, i) for i in l_flow
                   if by_key.get(i) is not None and by_key[i].change == "refused"]
        if refused:
            return flow_item("nothing", f"waits: {', '.join(refused)} cannot go to this tenant "
                             "(its runtime)", notes=notes)
        change, phase = _flow_change(l_flow, r_flow)
        words = _flow_words(label(l_flow), label(r_flow))
        return flow_item(change, words, [Step("set_flow", key, f"{words} ({trigger_id})",
                                              phase=phase, trigger_id=trigger_id, flow=l_flow)])

    def pull_flow() -> PlanItem:
        """The tenant's order into the workspace, without what the workspace cannot hold."""
        workspace = tuple(e for e in r_flow if e not in gone and not is_doomed(e))
        tenant = tuple(e for e in r_flow if not is_doomed(e))
        unknown = [e for e in workspace if e.startswith(UNKNOWN)]
        steps: list[Step] = []
        words: list[str] = []
        if workspace != l_flow:
            if unknown and opts.mode == "sync" and not opts.import_remote:
                return flow_item("nothing", "the tenant's flow has actions only on the tenant "
                                 "(pull imports them)", notes=notes)
            steps.append(Step("pull_flow", key, f"take the tenant's {trigger_id} flow",
                              phase=PHASE_FLOWS, trigger_id=trigger_id, flow=workspace))
            words.append("take the tenant's order")
        if tenant != r_flow:
            removed = [n for e, n in zip(r_flow, label(r_flow)) if e not in tenant]
            unbind = f"unbind {', '.join(removed)} on the tenant before deleting it"
            steps.append(Step("set_flow", key, f"{unbind} ({trigger_id})", phase=PHASE_UNBIND,
                              trigger_id=trigger_id, flow=tenant, base_flow=workspace))
            words.append(unbind)
        elif not steps and workspace != b_flow:
            steps.append(Step("record_flow", key, f"record the {trigger_id} flow",
                              phase=PHASE_FLOWS, trigger_id=trigger_id, flow=workspace))
        if not words:
            return flow_item("nothing", "in sync" if not notes else "nothing to do without --delete",
                             steps, notes=notes)
        change = "pull" if workspace != l_flow else "unbind"
        return flow_item(change, "; ".join(words), steps, notes=notes)

    l_changed, r_changed = l_flow != b_flow, r_flow != b_flow
    if not l_changed and not r_changed:
        return flow_item("nothing", "in sync")
    if l_flow == r_flow:
        return flow_item("nothing", "both sides made the same change", [
            Step("record_flow", key, f"record the {trigger_id} flow", phase=PHASE_FLOWS,
                 trigger_id=trigger_id, flow=l_flow)])
    if l_changed and not r_changed:
        return (flow_item("nothing", "workspace changed (sync pushes it)", notes=notes)
                if opts.mode == "pull" else push_flow())
    if r_changed and not l_changed:
        return pull_flow()
    choice = opts.choice(key)
    why = "the flow changed in the workspace and on the tenant since the last sync"
    if choice == "local" and opts.mode == "sync":
        pushed = push_flow()
        return replace(pushed, conflict=why, resolution="local", summary=f"keep mine: {pushed.summary}")
    if choice == "remote":
        pulled = pull_flow()
        return replace(pulled, conflict=why, resolution="remote", summary=f"take theirs: {pulled.summary}")
    return flow_item("conflict", why, conflict=why, notes=notes)


def hold_bound_deletes(items: list[PlanItem], remote: RemoteSnapshot,
                        remote_to_local: dict[str, str]) -> list[PlanItem]:
    """A tenant delete whose action stays bound after this plan's flow steps waits (a 409 would
    stop every sync at the same step): the flow is in a conflict the user has to settle first."""
    unbound: dict[str, tuple[str, ...]] = {}
    for it in items:
        if it.kind == "flow" and it.change != "conflict":
            for st in it.steps:
                if st.op == "set_flow" and st.trigger_id:
                    unbound[st.trigger_id] = st.flow
    still_bound: dict[str, str] = {}
    for trigger_id, rids in remote.flows.items():
        if trigger_id in unbound:
            continue  # its set_flow sends the whole list: whatever it leaves out is unbound
        for rid in rids:
            still_bound[rid] = trigger_id
    out = []
    for it in items:
        deletes = [st for st in it.steps if st.op == "delete" and st.remote_id in still_bound]
        if it.change != "conflict" and deletes:
            trigger_id = still_bound[deletes[0].remote_id or ""]
            it = replace(it, change="nothing", steps=(), summary=(
                f"waits: still bound in the tenant's {trigger_id} flow, which has a conflict to "
                f"resolve first ({it.summary})"))
        out.append(it)
    return out


def _flow_words(local: tuple[str, ...], remote: tuple[str, ...]) -> str:
    added = [n for n in local if n not in remote]
    removed = [n for n in remote if n not in local]
    words = []
    if added:
        words.append("bind " + ", ".join(added))
    if removed:
        words.append("unbind " + ", ".join(removed))
    if not words:
        words.append("reorder: " + " → ".join(local))
    return "; ".join(words)

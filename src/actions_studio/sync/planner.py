"""The three-way planner: workspace, tenant now, and the base agreed at the last sync.

Per action and per trigger flow: a side "changed" when it differs from the base. Only the
workspace changed → push; only the tenant changed → bring it into the workspace; both changed to
different things → a conflict, which nothing resolves but the user's choice (`prefer`, or one
answer per item in `resolutions`). Without a base (never synced) an action that exists on both
sides with different content is a conflict too: pushing would overwrite work the studio never saw.

Pure: no SDK, no store, no clock. `tests/sync/test_planner.py` drives it with tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, Optional

from actions_studio.sync.model import (
    ActionBase,
    BaseSnapshot,
    Content,
    LocalAction,
    LocalSnapshot,
    RemoteAction,
    RemoteSnapshot,
)
from actions_studio.sync.plan import (
    PHASE_DELETE,
    PHASE_FLOWS,
    PHASE_UNBIND,
    Plan,
    PlanItem,
    Side,
    Step,
)

Mode = Literal["sync", "pull"]
UNKNOWN = "remote:"  # prefix of a flow entry whose tenant action the workspace does not know


@dataclass(frozen=True)
class PlanOptions:
    mode: Mode = "sync"
    delete: bool = False              # delete on the tenant what the workspace deleted / lacks
    import_remote: bool = False       # sync: also import actions found only on the tenant
    prefer: Optional[Side] = None     # resolves every conflict one way
    resolutions: dict[str, Side] = field(default_factory=dict)  # item key -> choice

    def choice(self, key: str) -> Optional[Side]:
        return self.resolutions.get(key, self.prefer)


def flow_key(trigger_id: str) -> str:
    return f"flow:{trigger_id}"


def reconcile_pending(base: ActionBase, remote: Optional[RemoteAction]) -> ActionBase:
    """Folds a write that reached the tenant but not our bookkeeping into the base.

    The applier records what it is about to write (`pending`) before each request; if the
    connection dropped after the tenant acted, the tenant now shows exactly that content, which
    is ours, not someone else's change (idempotent resume, issue 7 section 3).
    """
    pending = base.pending
    if not pending or remote is None:
        return replace(base, pending=None) if pending and remote is None and base.remote_id else base
    content = Content.from_doc(pending["content"])
    out = replace(base, pending=None, remote_id=base.remote_id or remote.id)
    if pending.get("op") == "deploy":
        expected = int(pending["remote_number"])
        if remote.deployed_number == expected and content.same_as(remote.deployed):
            versions = dict(out.versions)
            versions[int(pending["local_number"])] = expected
            return replace(out, versions=versions, remote_number=expected, draft=content)
    if content.same_as(remote.draft):
        return replace(out, draft=content, name=pending.get("name", out.name))
    return out


def _remote_changed(base: ActionBase, remote: RemoteAction) -> bool:
    return (remote.name != base.name or not base.draft.same_as(remote.draft)
            or (remote.deployed_number or 0) != base.remote_number)


def _local_changed(base: ActionBase, local: LocalAction) -> bool:
    return (local.name != base.name or local.draft.normalised() != base.draft.normalised()
            or any(v.number not in base.versions for v in local.versions))


def _push_steps(local: LocalAction, remote: Optional[RemoteAction],
                base: Optional[ActionBase]) -> tuple[list[Step], str, str]:
    """Steps that make the tenant match the workspace; (steps, change, summary)."""
    key = local.id
    steps: list[Step] = []
    known = base.versions if base is not None else {}
    new_versions = [v for v in local.versions if v.number not in known]
    if remote is None:
        first = new_versions[0].content if new_versions else local.draft
        steps.append(Step("create", key, f"create {local.name}", local_id=key, name=local.name,
                          trigger_id=local.trigger_id, trigger_version=local.trigger_version,
                          content=first))
        current, number = first, 0
        remote_id = None
    else:
        current, number, remote_id = remote.draft, remote.deployed_number or 0, remote.id
    for i, version in enumerate(new_versions):
        number += 1
        steps.append(Step("deploy", key, f"deploy {local.name} v{version.number}",
                          local_id=key, remote_id=remote_id, name=local.name,
                          content=version.content, local_number=version.number,
                          remote_number=number))
        current = version.content
    renamed = remote is not None and remote.name != local.name
    if renamed or not local.draft.same_as(current):
        steps.append(Step("update_draft", key, f"update the draft of {local.name}",
                          local_id=key, remote_id=remote_id, name=local.name, content=local.draft))
    elif local.draft.normalised() != current.normalised():
        # The tenant already has it (it keeps secret names the workspace dropped: they are
        # reported, never deleted); only the base must learn the workspace's draft, or the
        # next plan would see a change that was never there.
        steps.append(Step("record_draft", key, f"record the draft of {local.name}",
                          local_id=key, remote_id=remote_id, name=local.name, content=local.draft))
    words = []
    if remote is None:
        words.append("create")
    elif renamed:
        words.append(f"rename {remote.name} → {local.name}")
    if new_versions:
        numbers = [v.number for v in new_versions]
        words.append(f"deploy v{numbers[0]}" if len(numbers) == 1
                     else f"deploy v{numbers[0]}–v{numbers[-1]} ({len(numbers)} versions)")
    if steps and steps[-1].op == "update_draft":
        words.append("update draft")
    change = "create" if remote is None else ("deploy" if new_versions else "update")
    return steps, change, ", ".join(words) or "record the workspace's draft (the tenant has it)"


def _pull_step(local: Optional[LocalAction], remote: RemoteAction,
               base: Optional[ActionBase], key: Optional[str] = None) -> Step:
    key = key or (local.id if local is not None else f"remote:{remote.id}")
    if local is None:
        return Step("import_action", key, f"import {remote.name} from the tenant",
                    remote_id=remote.id, name=remote.name, trigger_id=remote.trigger_id,
                    trigger_version=remote.trigger_version, content=remote.draft)
    known = base.versions if base is not None else {}
    dropped = tuple(v.number for v in local.versions if v.number not in known)
    return Step("pull_action", key, f"take the tenant's {remote.name}", local_id=local.id,
                remote_id=remote.id, name=remote.name, content=remote.draft,
                after_remote_number=base.remote_number if base is not None else 0,
                drop_local_numbers=dropped)


def _remote_only_notes(local: LocalAction, remote: RemoteAction) -> tuple[str, ...]:
    extra = sorted(set(remote.draft.secret_names) - set(local.draft.secret_names))
    if not extra:
        return ()
    return (f"secret(s) only on the tenant, left there: {', '.join(extra)}",)


def _pull_summary(remote: RemoteAction, base: Optional[ActionBase]) -> str:
    new = (remote.deployed_number or 0) - (base.remote_number if base is not None else 0)
    parts = ["take the tenant's draft"]
    if new > 0:
        parts.append(f"{new} new version(s) from the tenant")
    return ", ".join(parts)


def _plan_action(key: str, local: Optional[LocalAction], remote: Optional[RemoteAction],
                 base: Optional[ActionBase], opts: PlanOptions) -> PlanItem:
    name = (local or remote or base).name  # type: ignore[union-attr]
    sides = dict(local=local.draft if local else None, remote=remote.draft if remote else None,
                 base=base.draft if base else None)
    choice = opts.choice(key)

    def item(change, summary, steps=(), conflict=None, notes=(), resolution=None) -> PlanItem:
        return PlanItem("action", key, name, change, summary, tuple(steps), conflict=conflict,
                        notes=tuple(notes), resolution=resolution, **sides)

    def conflict(why: str, push: list[Step], push_summary: str, push_change: str,
                 pull: list[Step], pull_summary: str, pull_change: str = "pull") -> PlanItem:
        if choice == "local" and (opts.mode == "sync" or not push):
            return item(push_change, f"keep mine: {push_summary}", push, conflict=why,
                        resolution="local")
        if choice == "remote":
            return item(pull_change, f"take theirs: {pull_summary}", pull, conflict=why,
                        resolution="remote")
        return item("conflict", why, conflict=why)

    # -- one side missing ---------------------------------------------------------------------
    if local is None and remote is None:
        return item("nothing", "gone on both sides", [Step("forget", key, f"forget {name}",
                                                           local_id=key)])
    if local is None:
        assert remote is not None
        if base is None:  # never synced: only on the tenant
            if opts.mode == "pull" or opts.import_remote:
                return item("import", "import from the tenant", [_pull_step(None, remote, None)])
            if opts.delete:
                return item("delete", "delete on the tenant (not in the workspace)", [
                    Step("delete", key, f"delete {remote.name} on the tenant", phase=PHASE_DELETE,
                         remote_id=remote.id, name=remote.name)])
            return item("nothing", "only on the tenant (pull imports it; --delete deletes it)")
        # Deleted in the workspace since the last sync.
        delete = [Step("delete", key, f"delete {remote.name} on the tenant", phase=PHASE_DELETE,
                       local_id=key, remote_id=remote.id, name=remote.name)]
        if opts.mode == "pull":
            return item("nothing", "deleted in the workspace (sync --delete deletes it on the tenant)")
        if _remote_changed(base, remote):
            if not opts.delete:
                return item("nothing", "deleted in the workspace, changed on the tenant")
            return conflict("deleted in the workspace, changed on the tenant since the last sync",
                            delete, "delete on the tenant", "delete",
                            [_pull_step(None, remote, None, key)], "import it back", "import")
        if opts.delete:
            return item("delete", "delete on the tenant (deleted in the workspace)", delete)
        return item("nothing", "deleted in the workspace (--delete deletes it on the tenant)")

    if remote is None:
        push, push_change, push_summary = _push_steps(local, None, None)
        if base is None or base.remote_id is None:
            if opts.mode == "pull":
                return item("nothing", "only in the workspace (sync pushes it)")
            return item(push_change, push_summary, push)
        # It was on the tenant at the last sync and is gone now.
        return conflict("deleted on the tenant since the last sync", push,
                        f"create it again: {push_summary}", "create",
                        [Step("delete_local", key, f"delete {local.name} in the workspace",
                              local_id=local.id, name=local.name)],
                        "delete it in the workspace too", "delete")

    # -- both sides exist ---------------------------------------------------------------------
    notes = _remote_only_notes(local, remote)
    if base is None:
        # Never synced, same name on both sides.
        deployed_local = local.version(local.deployed_number) if local.deployed_number else None
        same = (local.name == remote.name and local.draft.same_as(remote.draft)
                and ((deployed_local is None and remote.deployed is None)
                     or (deployed_local is not None and deployed_local.content.same_as(remote.deployed))))
        if same:
            versions = {v.number: None for v in local.versions}
            if deployed_local is not None and remote.deployed_number:
                versions[deployed_local.number] = remote.deployed_number
            linked = ActionBase(remote.id, local.name, local.draft, versions,
                                remote.deployed_number or 0)
            return item("nothing", "same on both sides (linked)",
                        [Step("record_action", key, f"link {local.name}", local_id=key,
                              remote_id=remote.id, base=linked)], notes=notes)
        linked = ActionBase(remote.id, remote.name, remote.draft, {}, remote.deployed_number or 0)
        push, push_change, push_summary = _push_steps(local, remote, linked)
        return conflict("exists on both sides with different content and was never synced",
                        push, push_summary, push_change,
                        [_pull_step(local, remote, None)], _pull_summary(remote, None))

    l_changed, r_changed = _local_changed(base, local), _remote_changed(base, remote)
    if not l_changed and not r_changed:
        return item("nothing", "in sync", notes=notes)
    push, push_change, push_summary = _push_steps(local, remote, base)
    pull = [_pull_step(local, remote, base)]
    if l_changed and not r_changed:
        if opts.mode == "pull":
            return item("nothing", f"workspace changed (sync pushes: {push_summary})", notes=notes)
        return item(push_change, push_summary, push, notes=notes)
    if r_changed and not l_changed:
        return item("pull", _pull_summary(remote, base), pull, notes=notes)
    # Both changed: converged when they changed to the same thing with no history to move.
    new_local = [v for v in local.versions if v.number not in base.versions]
    if (not new_local and (remote.deployed_number or 0) == base.remote_number
            and local.name == remote.name and local.draft.same_as(remote.draft)):
        again = replace(base, draft=local.draft, name=local.name)
        return item("nothing", "both sides made the same change",
                    [Step("record_action", key, f"record {local.name}", local_id=key,
                          remote_id=remote.id, base=again)], notes=notes)
    return conflict("changed in the workspace and on the tenant since the last sync",
                    push, push_summary, push_change, pull, _pull_summary(remote, base))


def _flow_change(local: tuple[str, ...], remote: tuple[str, ...]) -> tuple[str, int]:
    added, removed = set(local) - set(remote), set(remote) - set(local)
    if added:
        return "bind", PHASE_FLOWS
    if removed:
        return "unbind", PHASE_UNBIND
    return "reorder", PHASE_FLOWS


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
        items.append(_plan_action(action_id, la, ra, b, opts))
        if la is None and ra is not None and b is not None:
            remote_to_local[ra.id] = action_id

    for ra in remote.actions:
        if ra.id not in claimed:
            items.append(_plan_action(f"remote:{ra.id}", None, ra, None, opts))

    # Flows, per trigger: workspace ids on both sides (tenant ids mapped through the links).
    by_key = {i.key: i for i in items}
    names = {a.id: a.name for a in local.actions} | {b_id: b.name for b_id, b in bases.items()}
    remote_names = {a.id: a.name for a in remote.actions}
    triggers = sorted(set(local.flows) | set(remote.flows) | set(base.flows))
    for trigger_id in triggers:
        l_flow = tuple(local.flows.get(trigger_id, ()))
        r_flow = tuple(remote_to_local.get(rid, UNKNOWN + rid) for rid in remote.flows.get(trigger_id, ()))
        fb = base.flows.get(trigger_id)
        b_flow = fb.action_ids if fb is not None else ()
        label = lambda ids: tuple(names.get(i) or remote_names.get(i[len(UNKNOWN):], i) for i in ids)  # noqa: E731
        key = flow_key(trigger_id)
        sides = dict(local_flow=label(l_flow), remote_flow=label(r_flow), base_flow=label(b_flow))

        def flow_item(change, summary, steps=(), conflict=None, resolution=None, notes=()) -> PlanItem:
            return PlanItem("flow", key, f"{trigger_id} flow", change, summary, tuple(steps),
                            conflict=conflict, resolution=resolution, notes=tuple(notes), **sides)

        l_changed, r_changed = l_flow != b_flow, r_flow != b_flow
        blocked = [names.get(i, i) for i in l_flow if by_key.get(i) is not None
                   and by_key[i].change == "conflict"]

        def push_flow() -> PlanItem:
            change, phase = _flow_change(l_flow, r_flow)
            words = _flow_words(label(l_flow), label(r_flow))
            if blocked:
                return flow_item("nothing", f"waits for the conflict on {', '.join(blocked)}")
            return flow_item(change, words, [Step("set_flow", key, f"{words} ({trigger_id})",
                                                  phase=phase, trigger_id=trigger_id, flow=l_flow)])

        def pull_flow() -> PlanItem:
            unknown = [i for i in r_flow if i.startswith(UNKNOWN)]
            if unknown and opts.mode == "sync" and not opts.import_remote:
                return flow_item("nothing", "the tenant's flow has actions only on the tenant "
                                 "(pull imports them)")
            return flow_item("pull", "take the tenant's order", [
                Step("pull_flow", key, f"take the tenant's {trigger_id} flow", phase=PHASE_FLOWS,
                     trigger_id=trigger_id, flow=r_flow)])

        if not l_changed and not r_changed:
            items.append(flow_item("nothing", "in sync"))
        elif l_flow == r_flow:
            items.append(flow_item("nothing", "both sides made the same change", [
                Step("record_flow", key, f"record the {trigger_id} flow", phase=PHASE_FLOWS,
                     trigger_id=trigger_id, flow=l_flow)]))
        elif l_changed and not r_changed:
            items.append(flow_item("nothing", "workspace changed (sync pushes it)")
                         if opts.mode == "pull" else push_flow())
        elif r_changed and not l_changed:
            items.append(pull_flow())
        else:
            choice = opts.choice(key)
            why = "the flow changed in the workspace and on the tenant since the last sync"
            if choice == "local" and opts.mode == "sync":
                pushed = push_flow()
                items.append(replace(pushed, conflict=why, resolution="local",
                                     summary=f"keep mine: {pushed.summary}"))
            elif choice == "remote":
                pulled = pull_flow()
                items.append(replace(pulled, conflict=why, resolution="remote",
                                     summary=f"take theirs: {pulled.summary}"))
            else:
                items.append(flow_item("conflict", why, conflict=why))

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

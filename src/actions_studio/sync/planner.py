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

from actions_studio.runtime.node import deprecation_notice
from actions_studio.sync.model import (
    ActionBase,
    BaseSnapshot,
    Content,
    LocalAction,
    LocalSnapshot,
    RemoteAction,
    RemoteSnapshot,
    workspace_runtime,
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
# Auth0: "Each Action may have a maximum of 50 associated versions ... Once the limit is reached,
# every additional version that is added will result in the oldest version being deleted"
# (auth0.com/docs/customize/actions/limitations). A push never deploys more than that many of an
# action's new versions: older ones would be deleted at once. They stay in the workspace, mapped
# to no tenant number, so no later plan tries them again; the workspace's history has no cap.
TENANT_VERSION_CAP = 50


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
    kept_back = tuple(v.number for v in new_versions[:-TENANT_VERSION_CAP])
    new_versions = new_versions[len(kept_back):]
    if remote is None:
        first = new_versions[0].content if new_versions else local.draft
        steps.append(Step("create", key, f"create {local.name}", local_id=key, name=local.name,
                          trigger_id=local.trigger_id, trigger_version=local.trigger_version,
                          content=first, drop_local_numbers=kept_back))
        current, number = first, 0
        remote_id = None
    else:
        current, number, remote_id = remote.draft, remote.deployed_number or 0, remote.id
    for i, version in enumerate(new_versions):
        number += 1
        steps.append(Step("deploy", key, f"deploy {local.name} v{version.number}",
                          local_id=key, remote_id=remote_id, name=local.name,
                          content=version.content, local_number=version.number,
                          remote_number=number,
                          drop_local_numbers=kept_back if i == 0 and remote is not None else ()))
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
    if kept_back:
        words.append(f"v{kept_back[0]}–v{kept_back[-1]} stay in the workspace only (a tenant keeps "
                     f"an action's newest {TENANT_VERSION_CAP} versions)")
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


def _with_runtime_note(item: PlanItem, remote: Optional[RemoteAction]) -> PlanItem:
    """A tenant's action in a deprecated runtime (node18) says so, with what the workspace does."""
    notice = deprecation_notice(remote.tenant_runtime) if remote is not None else None
    if notice is None:
        return item
    kept = workspace_runtime(remote.tenant_runtime)
    note = (f"the tenant has it as {remote.tenant_runtime}: {notice}. The workspace keeps it as {kept}; "
            f"the next push of a change makes it {kept} on the tenant")
    return replace(item, notes=item.notes + (note,))


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


def runs_on(runtime: str, runtimes: tuple[str, ...]) -> bool:
    """Whether a tenant that lists `runtimes` for a trigger runs an action written for `runtime`
    (node18 and node18-actions are Node 22 on Auth0: model.RUNTIME_ALIASES)."""
    return runtime in {workspace_runtime(r) for r in runtimes}


def _runtime_words(runtimes: tuple[str, ...]) -> str:
    return ", ".join(sorted({workspace_runtime(r) for r in runtimes})) or "no runtime"


def _refuse_runtime(item: PlanItem, local: Optional[LocalAction],
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
        items.append(_with_runtime_note(_plan_action(action_id, la, ra, b, opts), ra))
        if la is None and ra is not None and b is not None:
            remote_to_local[ra.id] = action_id

    for ra in remote.actions:
        if ra.id not in claimed:
            items.append(_with_runtime_note(_plan_action(f"remote:{ra.id}", None, ra, None, opts), ra))
    if remote.runtimes is not None:
        items = [_refuse_runtime(it, local_by_id.get(it.key), remote.runtimes) for it in items]

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
        items.append(_plan_flow(trigger_id, local, remote, base, opts, by_key, names, remote_names,
                                remote_to_local, gone, doomed))
    items = _hold_bound_deletes(items, remote, remote_to_local)

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


def _remote_of(entry: str, bases: dict[str, ActionBase]) -> Optional[str]:
    if entry.startswith(UNKNOWN):
        return entry[len(UNKNOWN):]
    b = bases.get(entry)
    return b.remote_id if b is not None else None


def _plan_flow(trigger_id: str, local: LocalSnapshot, remote: RemoteSnapshot, base: BaseSnapshot,
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


def _hold_bound_deletes(items: list[PlanItem], remote: RemoteSnapshot,
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

"""The planner's part for one action: a three-way result per action (sync/planner.py).

Each side "changed" when it differs from the base; the steps that make the tenant match the
workspace (push: create, deploy each new version, update the draft) or the workspace match the
tenant (pull, import). `reconcile_pending` folds a write the tenant took, but our bookkeeping
missed, back into the base first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from actions_studio.sync.model import ActionBase, Content, LocalAction, RemoteAction
from actions_studio.sync.plan import PHASE_DELETE, PlanItem, Step
from actions_studio.sync.plan_options import PlanOptions

# Auth0: "Each Action may have a maximum of 50 associated versions ... Once the limit is reached,
# every additional version that is added will result in the oldest version being deleted"
# (auth0.com/docs/customize/actions/limitations). A push never deploys more than that many of an
# action's new versions: older ones would be deleted at once. They stay in the workspace, mapped
# to no tenant number, so no later plan tries them again; the workspace's history has no cap.
TENANT_VERSION_CAP = 50


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


def _pull_summary(remote: RemoteAction, base: Optional[ActionBase]) -> str:
    new = (remote.deployed_number or 0) - (base.remote_number if base is not None else 0)
    parts = ["take the tenant's draft"]
    if new > 0:
        parts.append(f"{new} new version(s) from the tenant")
    return ", ".join(parts)


def plan_action(key: str, local: Optional[LocalAction], remote: Optional[RemoteAction],
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

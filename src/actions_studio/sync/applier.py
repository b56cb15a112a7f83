"""The applier: runs a plan's steps in order against a tenant and the workspace.

Resumable by bookkeeping, not by luck: before each remote write the base records what is about to
be written (`pending`), after it the confirmed result. A failure stops the run at once; the report
names the steps applied and the ones not applied; a rerun plans again from the recorded bases, so
finished work is not repeated and a write that landed without its confirmation is adopted
(planner.reconcile_pending). The workspace side is written only by pull steps, each one
transaction, so a stop never leaves it half-changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal, Optional, Protocol

from actions_studio.sync.client import TenantClient
from actions_studio.sync.errors import SyncError, TenantAuthError, TenantUnreachableError
from actions_studio.sync.model import ActionBase, Content, RemoteAction, RemoteVersion
from actions_studio.sync.plan import Plan, Step
from actions_studio.sync.planner import UNKNOWN


class WorkspaceSide(Protocol):
    """What the applier needs from the workspace (services/sync.py implements it)."""

    def secret_values(self, local_id: str, names: tuple[str, ...]) -> dict[str, str]: ...
    def save_base(self, local_id: str, base: Optional[ActionBase]) -> None: ...
    def save_flow_base(self, trigger_id: str, local_ids: tuple[str, ...]) -> None: ...
    # import_action and pull_action write the returned base in the same transaction as the
    # workspace change (a base lost between the two would make the next plan a conflict).
    def import_action(self, remote: RemoteAction, versions: list[RemoteVersion]
                      ) -> tuple[str, ActionBase]: ...
    def pull_action(self, local_id: str, remote: RemoteAction, versions: list[RemoteVersion],
                    base: Optional[ActionBase], drop_local_numbers: tuple[int, ...]) -> ActionBase: ...
    def set_flow(self, trigger_id: str, local_ids: tuple[str, ...], *,
                 record_base: bool = False) -> None: ...
    def delete_action(self, local_id: str) -> None: ...


@dataclass(frozen=True)
class Progress:
    index: int          # 1-based
    total: int
    step: Step
    # "waiting": the step waits for the tenant (a rate limit's reset, a build); `message` says
    # why and until when, and the step goes on by itself.
    state: Literal["started", "waiting", "done", "failed"]
    message: str = ""


@dataclass
class ApplyReport:
    applied: list[Step] = field(default_factory=list)
    not_applied: list[Step] = field(default_factory=list)
    failed: Optional[Step] = None
    error: Optional[str] = None
    # Why it stopped, for exit codes: "unreachable" (tenant down: rerun later), "credentials"
    # (refused: fix the profile), "other" (the message says).
    cause: Optional[Literal["unreachable", "credentials", "other"]] = None

    @property
    def ok(self) -> bool:
        return self.failed is None

    def describe(self) -> str:
        if self.ok:
            return f"applied {len(self.applied)} step(s)"
        lines = [f"stopped at: {self.failed.label if self.failed else '?'} — {self.error}",
                 f"applied ({len(self.applied)}): " + ("; ".join(s.label for s in self.applied) or "none"),
                 f"not applied ({len(self.not_applied)}): "
                 + ("; ".join(s.label for s in self.not_applied) or "none"),
                 "the workspace is unchanged by the failed step; run sync again to finish"]
        return "\n".join(lines)


class Applier:
    def __init__(self, client: TenantClient, workspace: WorkspaceSide, plan: Plan,
                 progress: Optional[Callable[[Progress], None]] = None) -> None:
        self.client = client
        self.ws = workspace
        self.plan = plan
        self.progress = progress or (lambda _p: None)
        self.bases: dict[str, ActionBase] = dict(plan.bases)
        # What each tenant draft holds now, so a deploy skips a PATCH that changes nothing.
        self.remote_drafts: dict[str, Content] = {
            i.key: i.remote for i in plan.items if i.kind == "action" and i.remote is not None}
        self.remote_to_local: dict[str, str] = {
            b.remote_id: k for k, b in self.bases.items() if b.remote_id}

    def run(self) -> ApplyReport:
        steps = self.plan.steps()
        report = ApplyReport()
        before = getattr(self.client, "on_wait", None)
        try:
            return self._run(steps, report)
        finally:
            if hasattr(self.client, "on_wait"):
                self.client.on_wait = before

    def _run(self, steps: list[Step], report: ApplyReport) -> ApplyReport:
        for n, step in enumerate(steps, 1):
            self.progress(Progress(n, len(steps), step, "started"))
            if hasattr(self.client, "on_wait"):
                self.client.on_wait = self._waiting(n, len(steps), step)
            try:
                getattr(self, f"_{step.op}")(step)
            except SyncError as exc:
                report.cause = ("unreachable" if isinstance(exc, TenantUnreachableError) else
                                "credentials" if isinstance(exc, TenantAuthError) else "other")
                return self._stop(report, steps, n, step, str(exc))
            except Exception as exc:  # a bug or a store error: still a report, never a half-told story
                report.cause = "other"
                return self._stop(report, steps, n, step, f"{type(exc).__name__}: {exc}")
            report.applied.append(step)
            self.progress(Progress(n, len(steps), step, "done"))
        return report

    def _waiting(self, n: int, total: int, step: Step) -> Callable[[float, float, str], None]:
        def notice(seconds: float, until: float, why: str) -> None:
            if seconds >= 0.5:  # the short polls of a build are not news
                at = time.strftime("%H:%M:%S", time.localtime(until))
                self.progress(Progress(n, total, step, "waiting",
                                       f"{why}: waiting {seconds:.0f} s, until {at}"))
        return notice

    def _stop(self, report: ApplyReport, steps: list[Step], n: int, step: Step, error: str) -> ApplyReport:
        report.failed, report.error = step, error
        report.not_applied = steps[n - 1:]
        self.progress(Progress(n, len(steps), step, "failed", error))
        return report

    # -- helpers -----------------------------------------------------------------------------------

    def _remote_id(self, step: Step) -> str:
        rid = step.remote_id or (self.bases[step.local_id].remote_id
                                 if step.local_id in self.bases else None)
        if rid is None:
            raise SyncError(f"{step.name} is not on the tenant yet; run sync again")
        return rid

    def _save(self, local_id: str, base: Optional[ActionBase]) -> None:
        self.ws.save_base(local_id, base)
        self._remember(local_id, base)

    def _remember(self, local_id: str, base: Optional[ActionBase]) -> None:
        """The in-memory bases only: for the steps that wrote theirs with the workspace change."""
        if base is None:
            self.bases.pop(local_id, None)
        else:
            self.bases[local_id] = base
            if base.remote_id:
                self.remote_to_local[base.remote_id] = local_id

    def _push_draft(self, step: Step, rid: str, content: Content) -> None:
        values = self.ws.secret_values(step.local_id or "", content.secret_names)
        known = self.remote_drafts.get(step.key)
        keep = [n for n in (known.secret_names if known else ()) if n not in content.secret_names]
        self.client.update(rid, step.name or "", content, values, keep)
        self.remote_drafts[step.key] = replace(content, secret_names=tuple(
            sorted(set(content.secret_names) | set(keep))))

    # -- pushing -----------------------------------------------------------------------------------

    def _create(self, step: Step) -> None:
        assert step.local_id and step.content and step.name and step.trigger_id
        pending = {"op": "create", "content": step.content.to_doc(), "name": step.name}
        self._save(step.local_id, ActionBase(None, step.name, step.content, pending=pending))
        values = self.ws.secret_values(step.local_id, step.content.secret_names)
        remote = self.client.create(step.name, step.trigger_id, step.trigger_version or "",
                                    step.content, values)
        # Versions too many for the tenant's cap are known as workspace-only (plan_actions.py).
        self._save(step.local_id, ActionBase(remote.id, step.name, step.content,
                                             {n: None for n in step.drop_local_numbers}))
        self.remote_drafts[step.key] = step.content

    def _deploy(self, step: Step) -> None:
        assert step.local_id and step.content and step.local_number is not None
        rid = self._remote_id(step)
        base = self.bases[step.local_id]
        expected = base.remote_number + 1
        self._save(step.local_id, replace(base, pending={
            "op": "deploy", "content": step.content.to_doc(), "name": step.name,
            "local_number": step.local_number, "remote_number": expected}))
        known = self.remote_drafts.get(step.key)
        if known is None or not step.content.same_as(known):
            self._push_draft(step, rid, step.content)
        self.client.wait_built(rid, step.name or "")
        version = self.client.deploy(rid, step.name or "")
        versions = dict(base.versions)
        versions.update({n: None for n in step.drop_local_numbers})  # the tenant's cap: plan_actions.py
        versions[step.local_number] = version.number
        self._save(step.local_id, replace(base, draft=step.content, versions=versions,
                                          remote_number=version.number, pending=None))

    def _update_draft(self, step: Step) -> None:
        assert step.local_id and step.content
        rid = self._remote_id(step)
        base = self.bases[step.local_id]
        self._save(step.local_id, replace(base, pending={
            "op": "update_draft", "content": step.content.to_doc(), "name": step.name}))
        self._push_draft(step, rid, step.content)
        self._save(step.local_id, replace(base, draft=step.content, name=step.name or base.name,
                                          pending=None))

    def _set_flow(self, step: Step) -> None:
        assert step.trigger_id is not None
        remote_ids = []
        for entry in step.flow:
            if entry.startswith(UNKNOWN):  # a binding the tenant keeps (an action only it has)
                remote_ids.append(entry[len(UNKNOWN):])
                continue
            base = self.bases.get(entry)
            if base is None or base.remote_id is None:
                raise SyncError(f"the {step.trigger_id} flow needs an action that is not on the "
                                "tenant yet; run sync again")
            remote_ids.append(base.remote_id)
        self.client.set_flow(step.trigger_id, remote_ids)
        if step.base_flow is not None:
            self.ws.save_flow_base(step.trigger_id, self._workspace_ids(step.trigger_id, step.base_flow))
        else:
            self.ws.save_flow_base(step.trigger_id, step.flow)

    def _delete(self, step: Step) -> None:
        assert step.remote_id is not None
        self.client.delete(step.remote_id, step.name or "")
        if step.local_id and not step.local_id.startswith("remote:"):
            self._save(step.local_id, None)

    # -- pulling -----------------------------------------------------------------------------------

    def _pull_action(self, step: Step) -> None:
        assert step.local_id
        rid = self._remote_id(step)
        remote = self.client.get_action(rid)
        versions = [v for v in self.client.versions(rid) if v.number > step.after_remote_number]
        base = self.ws.pull_action(step.local_id, remote, versions, self.bases.get(step.local_id),
                                   step.drop_local_numbers)
        self._remember(step.local_id, base)  # written in the pull's own transaction

    def _import_action(self, step: Step) -> None:
        rid = self._remote_id(step)
        remote = self.client.get_action(rid)
        local_id, base = self.ws.import_action(remote, self.client.versions(rid))
        self._remember(local_id, base)  # written in the import's own transaction
        if step.local_id and step.local_id != local_id and not step.local_id.startswith("remote:"):
            self.ws.save_base(step.local_id, None)  # "import it back": the old id's base is moot

    def _pull_flow(self, step: Step) -> None:
        assert step.trigger_id is not None
        ids = self._workspace_ids(step.trigger_id, step.flow)
        # One transaction for the flow and its base: a stop between them would make the next
        # plan see a change nobody made.
        self.ws.set_flow(step.trigger_id, ids, record_base=True)

    def _workspace_ids(self, trigger_id: str, entries: tuple[str, ...]) -> tuple[str, ...]:
        """Workspace ids for a planned flow: tenant-only entries resolved through this run's
        imports (the planner cannot know the ids an import will give)."""
        ids = []
        for entry in entries:
            if entry.startswith(UNKNOWN):
                local_id = self.remote_to_local.get(entry[len(UNKNOWN):])
                if local_id is None:
                    raise SyncError(f"the tenant's {trigger_id} flow has an action the "
                                    "workspace does not have; pull it first")
                ids.append(local_id)
            else:
                ids.append(entry)
        return tuple(ids)

    # -- bookkeeping only --------------------------------------------------------------------------

    def _record_action(self, step: Step) -> None:
        assert step.local_id and step.base is not None
        self._save(step.local_id, step.base)

    def _record_draft(self, step: Step) -> None:
        assert step.local_id and step.content
        base = self.bases[step.local_id]
        self._save(step.local_id, replace(base, draft=step.content, name=step.name or base.name))

    def _record_flow(self, step: Step) -> None:
        assert step.trigger_id is not None
        self.ws.save_flow_base(step.trigger_id, step.flow)

    def _forget(self, step: Step) -> None:
        assert step.local_id
        self._save(step.local_id, None)

    def _delete_local(self, step: Step) -> None:
        assert step.local_id
        self.ws.delete_action(step.local_id)
        self._save(step.local_id, None)

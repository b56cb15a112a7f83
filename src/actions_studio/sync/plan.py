"""A sync plan: what will happen per action and per flow (the table a user reviews) and the
ordered steps the applier runs.

One `PlanItem` per action or flow says what changes in words (`change`, `summary`) and keeps the
three sides for the diff view; its `steps` are the applier's units of work. Steps run by phase
(issue 7, section 3): drafts and deploys first, then flows that bind or reorder, then flows that
only unbind, then deletes — so nothing is bound before it is deployed and nothing is deleted while
bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from actions_studio.sync.model import ActionBase, Content

Change = Literal["create", "update", "deploy", "bind", "reorder", "unbind", "delete", "pull",
                 "import", "conflict", "refused", "nothing"]
Op = Literal["create", "deploy", "update_draft", "set_flow", "delete", "pull_action",
             "import_action", "pull_flow", "delete_local", "record_draft", "record_action", "record_flow", "forget"]
Side = Literal["local", "remote"]

PHASE_ACTIONS, PHASE_FLOWS, PHASE_UNBIND, PHASE_DELETE = 0, 1, 2, 3


@dataclass(frozen=True)
class Step:
    op: Op
    key: str                      # the plan item's key (workspace action id or "flow:<trigger>")
    label: str                    # one line for progress and reports
    phase: int = PHASE_ACTIONS
    local_id: Optional[str] = None
    remote_id: Optional[str] = None
    name: Optional[str] = None
    trigger_id: Optional[str] = None
    trigger_version: Optional[str] = None
    content: Optional[Content] = None
    local_number: Optional[int] = None
    remote_number: Optional[int] = None       # the tenant number a deploy is expected to get
    after_remote_number: int = 0              # pull: tenant versions above this are new
    drop_local_numbers: tuple[int, ...] = ()  # take theirs: local versions never to push
    flow: tuple[str, ...] = ()                # set_flow / pull_flow: ids in order
    # set_flow: the flow base to record once the tenant took `flow` (None: `flow` itself). They
    # differ when the tenant keeps a binding the workspace cannot hold (plan_flows.plan_flow).
    base_flow: Optional[tuple[str, ...]] = None
    base: Optional[ActionBase] = None         # record_action: the base to write


@dataclass(frozen=True)
class PlanItem:
    kind: Literal["action", "flow"]
    key: str
    name: str
    change: Change
    summary: str
    steps: tuple[Step, ...] = ()
    # The three sides, for the diff view (None where that side has nothing).
    local: Optional[Content] = None
    remote: Optional[Content] = None
    base: Optional[Content] = None
    local_flow: tuple[str, ...] = ()   # names, for flows
    remote_flow: tuple[str, ...] = ()
    base_flow: tuple[str, ...] = ()
    conflict: Optional[str] = None     # why both sides changed (unresolved when change == conflict)
    resolution: Optional[Side] = None  # set when a conflict was resolved by a choice
    notes: tuple[str, ...] = ()

    @property
    def pending(self) -> bool:
        return self.change not in ("nothing",)


@dataclass(frozen=True)
class Plan:
    items: tuple[PlanItem, ...]
    # Secret names each pushed action needs a vault value for: workspace action id -> names.
    secret_needs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The bases the plan was made from, with interrupted writes already folded in: the applier
    # continues from these.
    bases: dict[str, ActionBase] = field(default_factory=dict)

    @property
    def conflicts(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.change == "conflict")

    @property
    def changes(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.change not in ("nothing", "conflict", "refused"))

    @property
    def refused(self) -> tuple[PlanItem, ...]:
        """Items this tenant cannot take (an action in a runtime it does not run), with why."""
        return tuple(i for i in self.items if i.change == "refused")

    @property
    def in_sync(self) -> bool:
        return not self.conflicts and not self.changes and not self.refused

    def steps(self) -> list[Step]:
        """Every step in the order the applier runs them (stable within a phase)."""
        ordered = [s for item in self.items if item.change != "conflict" for s in item.steps]
        return sorted(ordered, key=lambda s: s.phase)

    def item(self, key: str) -> PlanItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_doc(self) -> list[dict[str, Any]]:
        return [{"kind": i.kind, "name": i.name, "change": i.change, "summary": i.summary,
                 "conflict": i.conflict, "notes": list(i.notes)} for i in self.items]

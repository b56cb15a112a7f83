"""What the planner compares: plain frozen snapshots of one side (workspace or tenant) and the base.

Both sides are normalised to the same shape before anything is compared, so "equal" means equal
to a user: dependencies as `name==version` strings, secret names sorted, code byte for byte.
No SDK and no store types cross this line (the planner is pure and tested with tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional

from actions_studio.runtime.node import DEPRECATED_RUNTIMES

# Runtime names a tenant may report that the workspace keeps under another name: Auth0 runs the
# actions it lists as node18 (`node18-actions` in its triggers list) on Node 22, so the workspace
# stores them as node22 and pushes node22 back (with the next change it pushes).
RUNTIME_ALIASES = DEPRECATED_RUNTIMES


def workspace_runtime(runtime: str) -> str:
    return RUNTIME_ALIASES.get(runtime, runtime)


@dataclass(frozen=True)
class Content:
    """The part of an action a draft or a version holds."""

    code: str
    runtime: str
    dependencies: tuple[str, ...] = ()
    secret_names: tuple[str, ...] = ()

    def normalised(self) -> "Content":
        return replace(self, dependencies=tuple(sorted(self.dependencies)),
                       secret_names=tuple(sorted(set(self.secret_names))))

    def same_as(self, other: Optional["Content"]) -> bool:
        """Equal for sync purposes: secret names present on `other` but absent here are ignored.

        `self` is the side whose secret names count (the workspace or the base): names another
        tool added on the tenant are reported, never pushed over nor counted as a change
        (issue 7, section 3).
        """
        if other is None:
            return False
        return (self.code == other.code and self.runtime == other.runtime
                and tuple(sorted(self.dependencies)) == tuple(sorted(other.dependencies))
                and set(self.secret_names) <= set(other.secret_names))

    def to_doc(self) -> dict[str, Any]:
        return {"code": self.code, "runtime": self.runtime,
                "dependencies": list(self.dependencies), "secret_names": list(self.secret_names)}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "Content":
        return cls(code=doc["code"], runtime=doc["runtime"],
                   dependencies=tuple(doc.get("dependencies", ())),
                   secret_names=tuple(doc.get("secret_names", ())))


@dataclass(frozen=True)
class LocalVersion:
    number: int
    content: Content


@dataclass(frozen=True)
class LocalAction:
    id: str
    name: str
    trigger_id: str
    trigger_version: str
    draft: Content
    versions: tuple[LocalVersion, ...] = ()  # oldest first
    deployed_number: Optional[int] = None

    def version(self, number: int) -> Optional[LocalVersion]:
        for v in self.versions:
            if v.number == number:
                return v
        return None


@dataclass(frozen=True)
class RemoteAction:
    """An action as the tenant lists it. `deployed_number`: the tenant's newest version (every
    tenant version is created deployed, so the newest number is the history's length marker)."""

    id: str
    name: str
    trigger_id: str
    trigger_version: str
    draft: Content
    deployed: Optional[Content] = None
    deployed_number: Optional[int] = None
    status: str = "built"
    errors: tuple[str, ...] = ()  # build errors of the draft (status "failed")
    # The draft's runtime as the tenant reported it (`draft.runtime` is the workspace's name for
    # it): a deprecated one (node18) is said in the plan's notes.
    tenant_runtime: str = ""


@dataclass(frozen=True)
class RemoteVersion:
    id: str
    number: int
    content: Content
    deployed: bool


@dataclass(frozen=True)
class ActionBase:
    """What both sides agreed on at the last sync of one action with one tenant.

    `versions` maps a workspace version number to the tenant's number (None: that local version
    was left behind when the user took the tenant's side, so it is never pushed).
    `pending` names a remote write that was started but not confirmed (a crash or a lost
    connection between the request and the bookkeeping): on the next plan, a tenant state equal
    to the pending one is adopted instead of being mistaken for someone else's change.
    """

    remote_id: Optional[str]
    name: str
    draft: Content
    versions: dict[int, Optional[int]] = field(default_factory=dict)
    remote_number: int = 0  # the tenant's newest version number at the last sync
    pending: Optional[dict[str, Any]] = None

    def to_doc(self) -> dict[str, Any]:
        return {"name": self.name, "draft": self.draft.to_doc(),
                "versions": {str(k): v for k, v in self.versions.items()},
                "remote_number": self.remote_number, "pending": self.pending}

    @classmethod
    def from_doc(cls, remote_id: Optional[str], doc: dict[str, Any]) -> "ActionBase":
        return cls(remote_id=remote_id, name=doc["name"], draft=Content.from_doc(doc["draft"]),
                   versions={int(k): v for k, v in doc.get("versions", {}).items()},
                   remote_number=int(doc.get("remote_number", 0)), pending=doc.get("pending"))


@dataclass(frozen=True)
class FlowBase:
    trigger_id: str
    action_ids: tuple[str, ...]  # workspace action ids, in execution order


@dataclass(frozen=True)
class LocalSnapshot:
    actions: tuple[LocalAction, ...]
    flows: dict[str, tuple[str, ...]]  # trigger id -> workspace action ids in order

    def by_id(self) -> dict[str, LocalAction]:
        return {a.id: a for a in self.actions}


@dataclass(frozen=True)
class RemoteSnapshot:
    actions: tuple[RemoteAction, ...]
    flows: dict[str, tuple[str, ...]]  # trigger id -> tenant action ids in order
    # (trigger id, trigger version) -> the runtimes the tenant runs for it, from
    # `GET /actions/triggers`; None when not read (then no action is refused for its runtime).
    runtimes: Optional[dict[tuple[str, str], tuple[str, ...]]] = None

    def by_id(self) -> dict[str, RemoteAction]:
        return {a.id: a for a in self.actions}


@dataclass(frozen=True)
class BaseSnapshot:
    actions: dict[str, ActionBase]  # workspace action id -> base
    flows: dict[str, FlowBase]      # trigger id -> base

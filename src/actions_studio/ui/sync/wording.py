"""What the Sync dialog shows, as plain data (Qt-free, unit-tested): table rows, the texts of a
diff, the status-bar line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from actions_studio.sync.model import Content
from actions_studio.sync.plan import Plan, PlanItem

Pair = Literal["mine-theirs", "base-mine", "base-theirs"]
PAIRS: dict[Pair, str] = {"mine-theirs": "workspace ↔ tenant", "base-mine": "last sync ↔ workspace",
                          "base-theirs": "last sync ↔ tenant"}
CHANGE_WORDS = {"create": "Create", "update": "Update draft", "deploy": "Deploy", "bind": "Bind",
                "reorder": "Reorder", "unbind": "Unbind", "delete": "Delete", "pull": "Take tenant's",
                "import": "Import", "conflict": "Conflict", "refused": "Refused", "nothing": "—"}


@dataclass(frozen=True)
class Row:
    key: str
    kind: str
    name: str
    change: str
    what: str
    conflict: bool
    choice: Optional[str]  # "keep mine" / "take theirs" for a resolved conflict


def rows(plan: Plan, *, show_unchanged: bool = False) -> list[Row]:
    out = []
    for item in plan.items:
        # Unchanged items stay out of the way; a "nothing" that explains itself (waits for a
        # conflict, only on the tenant, deleted locally without --delete) is worth a row.
        if item.change == "nothing" and item.summary == "in sync" and not item.notes and not show_unchanged:
            continue
        what = item.summary + "".join(f" — {n}" for n in item.notes)
        choice = {"local": "keep mine", "remote": "take theirs"}.get(item.resolution or "")
        out.append(Row(item.key, "Flow" if item.kind == "flow" else "Action", item.name,
                       CHANGE_WORDS.get(item.change, item.change), what,
                       item.conflict is not None, choice))
    return out


def content_text(content: Optional[Content]) -> str:
    """Code, then the settings the diff must show too (runtime, dependencies, secret names)."""
    if content is None:
        return "(absent)\n"
    settings = [f"# runtime: {content.runtime}",
                f"# dependencies: {', '.join(content.dependencies) or '(none)'}",
                f"# secrets: {', '.join(content.secret_names) or '(none)'}"]
    return "\n".join(settings) + "\n\n" + content.code


def flow_text(names: tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {n}" for i, n in enumerate(names, 1)) or "(empty flow)"


# Changes that write the workspace's side onto the tenant: their diff reads tenant (what is
# replaced) → workspace (what replaces it), so what the sync adds is green and what it removes
# red. A create once showed the workspace's code in red, "(+1 −18 lines)" (issue 12 item 9).
PUSHED = frozenset({"create", "update", "deploy", "bind", "reorder", "unbind", "delete"})


def diff_texts(item: PlanItem, pair: Pair = "mine-theirs") -> tuple[str, str, str, str]:
    """(left title, left text, right title, right text) for one plan item and one pair of sides:
    the side the sync replaces on the left. A side that has nothing is empty text, so it counts
    no lines, and its title says so."""
    if item.kind == "flow":
        sides = {"mine": flow_text(item.local_flow), "theirs": flow_text(item.remote_flow),
                 "base": flow_text(item.base_flow)}
        absent = set()
    else:
        present = {"mine": item.local, "theirs": item.remote, "base": item.base}
        sides = {side: content_text(content) if content is not None else "" for side, content in present.items()}
        absent = {side for side, content in present.items() if content is None}
    titles = {"mine": "Workspace (mine)", "theirs": "Tenant (theirs)", "base": "Last sync (base)"}
    nothing = {"mine": "not in the workspace", "theirs": "not on the tenant", "base": "never synced"}
    for side in absent:
        titles[side] += f" — {nothing[side]}"
    left, right = pair.split("-")
    if pair == "mine-theirs" and item.change in PUSHED:
        left, right = right, left
    return titles[left], sides[left], titles[right], sides[right]


def status_line(tenant: str, plan: Optional[Plan], *, stale: bool = False,
                error: Optional[str] = None) -> tuple[str, str]:
    """(text, state) for the status bar; state is one of unknown, in-sync, pending, conflict, error."""
    if error:
        return f"⇅ {tenant}: unreachable", "error"
    if plan is None:
        return f"⇅ {tenant}: not checked", "unknown"
    if stale:
        return f"⇅ {tenant}: local changes not synced", "pending"
    if plan.conflicts:
        return f"⇅ {tenant}: {len(plan.conflicts)} conflict(s)", "conflict"
    if plan.in_sync:
        return f"⇅ {tenant}: in sync", "in-sync"
    if not plan.changes and plan.refused:
        return f"⇅ {tenant}: {len(plan.refused)} refused (runtime)", "pending"
    return f"⇅ {tenant}: {len(plan.changes)} change(s) to sync", "pending"

"""The Sync dialog's wording, Qt-free: rows, diff texts, the status-bar line."""

from __future__ import annotations

from actions_studio.sync.model import Content
from actions_studio.sync.plan import Plan, PlanItem
from actions_studio.ui.sync.wording import content_text, diff_texts, rows, status_line

MINE = Content("print('mine')\n", "python3", ("requests==2.32.3",), ("API_KEY",))
THEIRS = Content("print('theirs')\n", "python3")


def test_rows_hide_in_sync_items_but_keep_explanations() -> None:
    plan = Plan((PlanItem("action", "a", "a", "nothing", "in sync"),
                 PlanItem("flow", "flow:post-login", "post-login flow", "nothing", "waits for the conflict on b"),
                 PlanItem("action", "b", "b", "conflict", "both changed", conflict="both changed"),
                 PlanItem("action", "c", "c", "update", "keep mine: update draft", conflict="x",
                          resolution="local")))
    shown = rows(plan)
    assert [(r.name, r.change, r.choice) for r in shown] == [
        ("post-login flow", "—", None), ("b", "Conflict", None), ("c", "Update draft", "keep mine")]
    assert shown[1].conflict


def test_diff_shows_settings_and_the_base_for_conflicts() -> None:
    item = PlanItem("action", "a", "a", "conflict", "x", local=MINE, remote=THEIRS, base=None,
                    conflict="x")
    _, left, _, right = diff_texts(item)
    assert "# dependencies: requests==2.32.3" in left and "# secrets: API_KEY" in left
    assert "print('theirs')" in right
    title, base, _, _ = diff_texts(item, "base-theirs")
    assert title == "Last sync (base) — never synced" and base == ""
    assert content_text(None) == "(absent)\n"


def test_a_create_reads_as_an_addition_from_the_tenant_to_the_workspace() -> None:
    # Issue 12 item 9: the workspace's code in red, "(+1 −18 lines)".
    from actions_studio.ui.diff_model import side_by_side, summary

    item = PlanItem("action", "a", "a", "create", "create a", local=MINE, remote=None)
    left_title, left, right_title, right = diff_texts(item)
    assert (left_title, left) == ("Tenant (theirs) — not on the tenant", "")
    assert right_title == "Workspace (mine)" and "print('mine')" in right
    rows_ = side_by_side(left, right)
    assert {r.kind for r in rows_} == {"added"} and summary(rows_) == f"+{len(right.splitlines())} lines"


def test_a_pull_reads_from_the_workspace_to_the_tenant() -> None:
    item = PlanItem("action", "a", "a", "pull", "take tenant's", local=MINE, remote=THEIRS)
    left_title, _, right_title, right = diff_texts(item)
    assert (left_title, right_title) == ("Workspace (mine)", "Tenant (theirs)") and "theirs" in right


def test_status_line_states() -> None:
    empty = Plan(())
    conflict = Plan((PlanItem("action", "a", "a", "conflict", "x", conflict="x"),))
    assert status_line("Local tenant", None) == ("⇅ Local tenant: not checked", "unknown")
    assert status_line("Local tenant", empty) == ("⇅ Local tenant: in sync", "in-sync")
    assert status_line("prod", empty, stale=True)[1] == "pending"
    assert status_line("prod", conflict) == ("⇅ prod: 1 conflict(s)", "conflict")
    assert status_line("prod", None, error="down")[1] == "error"

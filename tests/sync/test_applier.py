"""Applier and workspace side against an in-memory tenant: order, resume, secrets, pull."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.services import actions, flows, secrets
from actions_studio.services.sync import MissingSecretsError, SyncSession, ensure_local_profile, local_snapshot
from actions_studio.sync.client import Connection
from actions_studio.sync.errors import TenantAuthError, TenantRefusedError, TenantUnreachableError
from actions_studio.sync.planner import PlanOptions
from .conftest import open_workspace
from .fake_tenant import FakeTenant

CODE = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('n', {n})\n"


def session(ws, fake: FakeTenant) -> SyncSession:
    s = SyncSession(ws, ensure_local_profile(ws), connection=Connection("http://fake", "id", "secret"))
    s._client = fake  # type: ignore[assignment]  # same interface as TenantClient
    return s


def seed(ws, count: int = 3, versions: int = 2) -> None:
    for i in range(count):
        name = f"act{i}"
        actions.create_action(ws, name, "post-login", code=CODE.format(n=0))
        for v in range(1, versions + 1):
            actions.save_draft(ws, name, code=CODE.format(n=v))
            actions.deploy(ws, name)
    flows.set_flow(ws, "post-login", [f"act{i}" for i in range(count)])


def test_push_then_nothing_to_do(ws) -> None:
    fake = FakeTenant()
    seed(ws)
    s = session(ws, fake)
    plan = s.plan()
    assert [i.change for i in plan.items] == ["create"] * 3 + ["bind"]
    report = s.apply(plan)
    assert report.ok, report.describe()
    assert [len(fake.history[r]) for r in fake.actions] == [2, 2, 2]
    assert len(fake.flows["post-login"]) == 3
    assert s.plan().in_sync


def test_stop_midway_reports_and_a_rerun_finishes(ws) -> None:
    fake = FakeTenant()
    seed(ws)
    s = session(ws, fake)
    fake.fail_after = 3
    report = s.apply(s.plan())
    assert not report.ok and report.failed is not None
    # create, deploy v1, then v2's PATCH lands and its deploy does not (3 writes).
    assert [st.op for st in report.applied] == ["create", "deploy"]
    assert report.not_applied[0] is report.failed and report.failed.op == "deploy"
    assert "run sync again" in report.describe()
    fake.fail_after = None
    again = s.plan()
    assert not again.conflicts
    assert s.apply(again).ok
    assert s.plan().in_sync
    assert sorted(len(h) for h in fake.history.values()) == [2, 2, 2]  # nothing deployed twice


def test_missing_secret_is_reported_before_any_step(ws) -> None:
    fake = FakeTenant()
    seed(ws, count=1)
    secrets.set_secret(ws, "act0", "API_KEY", "k-123456")
    ws.vault.delete(ws.id, secrets.action_key(actions.open_action(ws, "act0").action.id, "API_KEY"))
    s = session(ws, fake)
    with pytest.raises(MissingSecretsError, match="act0: API_KEY"):
        s.apply(s.plan())
    assert fake.writes == 0


def test_pull_into_an_empty_workspace_and_again_changes_nothing(ws, tmp_path: Path) -> None:
    fake = FakeTenant()
    seed(ws)
    assert session(ws, fake).apply(session(ws, fake).plan()).ok
    with open_workspace(tmp_path, "other") as other:
        s = session(other, fake)
        plan, report = s.pull()
        assert report.ok and [i.change for i in plan.items].count("import") == 3
        mine, theirs = local_snapshot(ws), local_snapshot(other)
        strip = lambda snap: sorted((a.name, a.draft, a.versions, a.deployed_number) for a in snap.actions)  # noqa: E731
        assert strip(mine) == strip(theirs)
        assert [n for n in flows.get_flow(other, "post-login")] and \
            [a.name for a in flows.get_flow(other, "post-login")] == ["act0", "act1", "act2"]
        second, _ = s.pull()
        assert second.in_sync
        assert s.plan().in_sync  # push after pull: nothing to do


def test_remote_edit_is_pulled_and_both_edits_conflict(ws) -> None:
    fake = FakeTenant()
    seed(ws, count=1)
    s = session(ws, fake)
    s.apply(s.plan())
    rid = next(iter(fake.actions))
    edited = fake.actions[rid].draft.__class__(code="# theirs\n", runtime="python3")
    fake.update(rid, "act0", edited, {})
    plan = s.plan()
    assert plan.item(actions.open_action(ws, "act0").action.id).change == "pull"
    actions.save_draft(ws, "act0", code="# mine\n")
    plan = s.plan()
    key = actions.open_action(ws, "act0").action.id
    assert plan.item(key).change == "conflict"
    keep = s.plan(PlanOptions(prefer="local"))
    assert s.apply(keep).ok
    assert fake.actions[rid].draft.code == "# mine\n"
    assert s.plan().in_sync


def test_a_secret_dropped_in_the_workspace_is_left_on_the_tenant_and_reported(ws) -> None:
    fake = FakeTenant()
    seed(ws, count=1, versions=1)
    secrets.set_secret(ws, "act0", "OLD_KEY", "old-value-1")
    actions.deploy(ws, "act0")
    s = session(ws, fake)
    assert s.apply(s.plan()).ok
    secrets.delete_secret(ws, "act0", "OLD_KEY")
    actions.deploy(ws, "act0")
    plan = s.plan()
    item = plan.items[0]
    assert any("OLD_KEY" in note for note in item.notes)
    assert s.apply(plan).ok
    rid = next(iter(fake.actions))
    assert "OLD_KEY" in fake.actions[rid].draft.secret_names  # not deleted
    assert s.plan().in_sync


@pytest.mark.parametrize("failure, cause", [
    (TenantUnreachableError("cannot reach http://fake (ConnectError)"), "unreachable"),
    (TenantAuthError("the tenant refused the client credentials (401: revoked)", 401), "credentials"),
    (TenantRefusedError("the tenant answered 500: oops", 500), "other"),
])
def test_a_stopped_apply_says_why_for_the_exit_code(ws, failure, cause) -> None:
    from actions_studio.cli.sync import _stopped_exit_code

    fake = FakeTenant()
    seed(ws, count=1)
    fake.fail_after, fake.failure = 1, failure
    s = session(ws, fake)
    report = s.apply(s.plan())
    assert not report.ok and report.cause == cause
    assert _stopped_exit_code(report) == {"unreachable": 5, "credentials": 6, "other": 2}[cause]


def test_taking_the_tenants_order_while_unbinding_a_deleted_action_records_workspace_ids(ws) -> None:
    from actions_studio.services.sync import base_snapshot
    from actions_studio.sync.model import Content

    fake = FakeTenant()
    seed(ws, count=2, versions=1)
    s = session(ws, fake)
    assert s.apply(s.plan()).ok
    flows.set_flow(ws, "post-login", ["act0"])
    assert s.apply(s.plan()).ok
    actions.delete(ws, "act1")
    rid = {a.name: a.id for a in fake.actions.values()}
    theirs = fake.create("theirs", "post-login", "v3", Content(CODE.format(n=7), "python3"), {})
    fake.deploy(theirs.id, theirs.name)
    fake.set_flow("post-login", (rid["act0"], theirs.id, rid["act1"]))  # another tool bound both

    options = PlanOptions(delete=True, import_remote=True)
    plan = s.plan(options)
    assert [st.op for st in plan.steps()] == ["import_action", "pull_flow", "set_flow", "delete"]
    report = s.apply(plan)
    assert report.ok, report.describe()
    assert fake.flows["post-login"] == (rid["act0"], theirs.id) and rid["act1"] not in fake.actions
    mine = [a.id for a in flows.get_flow(ws, "post-login")]
    assert [a.name for a in flows.get_flow(ws, "post-login")] == ["act0", "theirs"]
    recorded = base_snapshot(ws, ensure_local_profile(ws).id).flows["post-login"].action_ids
    assert recorded == tuple(mine)  # workspace ids, not the tenant's
    again = s.plan(options)
    assert again.in_sync and not again.steps()

"""Sync against the real bundled tenant on loopback (issue 7, section 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.services import actions, flows, secrets
from actions_studio.services.sync import MissingSecretsError, local_snapshot
from actions_studio.sync.planner import PlanOptions
from .conftest import open_workspace

pytestmark = pytest.mark.slow

CODE = ("def on_execute_post_login(event, api):\n"
        "    api.access_token.set_custom_claim('https://example.com/n', {n})\n")


def seed(ws, count: int = 3, versions: int = 2, secret: bool = True) -> None:
    for i in range(count):
        name = f"claims {i}"
        actions.create_action(ws, name, "post-login", code=CODE.format(n=0))
        if secret and i == 0:
            secrets.set_secret(ws, name, "API_KEY", "key-value-0001")
        for v in range(1, versions + 1):
            actions.save_draft(ws, name, code=CODE.format(n=v))
            actions.deploy(ws, name)
    flows.set_flow(ws, "post-login", [f"claims {i}" for i in reversed(range(count))])


def same_content(a, b) -> None:
    key = lambda snap: sorted((x.name, x.trigger_id, x.draft, x.versions, x.deployed_number)  # noqa: E731
                              for x in snap.actions)
    names = lambda ws, snap: {t: [n.name for n in flows.get_flow(ws, t)] for t in snap.flows}  # noqa: E731
    sa, sb = local_snapshot(a), local_snapshot(b)
    assert key(sa) == key(sb)
    assert names(a, sa) == names(b, sb)


def test_push_a_fresh_workspace_then_edit_deploy_and_push_again(ws, tenant_host, session_for, sdk) -> None:
    seed(ws)
    s = session_for(ws, tenant_host)
    plan = s.plan()
    assert [i.change for i in plan.items] == ["create", "create", "create", "bind"]
    seen = []
    report = s.apply(plan, seen.append)
    assert report.ok, report.describe()
    assert [p.state for p in seen][:2] == ["started", "done"] and seen[-1].index == seen[-1].total

    api = sdk(s.connection())
    remote = {a.name: a for a in api.actions.list()}
    assert sorted(remote) == ["claims 0", "claims 1", "claims 2"]
    assert all(int(a.deployed_version.number) == 2 for a in remote.values())
    assert [s_.name for s_ in remote["claims 0"].secrets] == ["API_KEY"]
    bound = [b.action.name for b in api.actions.triggers.bindings.list("post-login")]
    assert bound == ["claims 2", "claims 1", "claims 0"]
    assert s.plan().in_sync

    actions.save_draft(ws, "claims 1", code=CODE.format(n=3))
    actions.deploy(ws, "claims 1")
    actions.save_draft(ws, "claims 1", code=CODE.format(n=4))
    flows.set_flow(ws, "post-login", ["claims 0", "claims 1"])
    plan = s.plan()
    assert {i.name: i.change for i in plan.items if i.change != "nothing"} == {
        "claims 1": "deploy", "post-login flow": "unbind"}
    assert s.apply(plan).ok
    again = api.actions.get(remote["claims 1"].id)
    assert int(again.deployed_version.number) == 3 and again.code == CODE.format(n=4)
    assert [b.action.name for b in api.actions.triggers.bindings.list("post-login")] == [
        "claims 0", "claims 1"]
    assert s.plan().in_sync


def test_a_remote_edit_through_the_sdk_is_a_conflict_until_chosen(ws, tenant_host, session_for, sdk) -> None:
    seed(ws, count=1, secret=False)
    s = session_for(ws, tenant_host)
    assert s.apply(s.plan()).ok
    api = sdk(s.connection())
    rid = next(iter(api.actions.list())).id
    api.actions.update(rid, code=CODE.format(n=99))
    assert s.plan().items[0].change == "pull"  # only the tenant changed: safe to take

    actions.save_draft(ws, "claims 0", code=CODE.format(n=7))
    plan = s.plan()
    item = plan.items[0]
    assert item.change == "conflict" and not plan.steps()
    assert (item.local.code, item.remote.code, item.base.code) == (
        CODE.format(n=7), CODE.format(n=99), CODE.format(n=2))
    assert api.actions.get(rid).code == CODE.format(n=99)  # nothing overwritten unasked

    theirs = s.plan(PlanOptions(resolutions={item.key: "remote"}))
    assert s.apply(theirs).ok
    assert actions.open_action(ws, "claims 0").draft.code == CODE.format(n=99)
    assert s.plan().in_sync


def test_tenant_stopped_mid_apply_reports_then_resume_completes(ws, tenant_host, session_for, sdk) -> None:
    seed(ws, count=3, versions=2, secret=False)
    s = session_for(ws, tenant_host)
    plan = s.plan()

    def stop_after_four(p) -> None:
        if p.state == "done" and p.index == 4:
            tenant_host.stop()

    report = s.apply(plan, stop_after_four)
    assert not report.ok
    assert len(report.applied) == 4 and report.failed is report.not_applied[0]
    assert "cannot reach" in (report.error or "")
    text = report.describe()
    assert "applied (4)" in text and f"not applied ({len(plan.steps()) - 4})" in text
    assert len(local_snapshot(ws).actions) == 3  # the workspace is intact

    tenant_host.connection()  # restart on the same data dir
    s.reconnect()
    resumed = s.plan()
    assert not resumed.conflicts
    assert s.apply(resumed).ok
    assert s.plan().in_sync
    numbers = sorted(int(a.deployed_version.number) for a in sdk(s.connection()).actions.list())
    assert numbers == [2, 2, 2]  # nothing was deployed twice


def test_pull_into_an_empty_workspace_gives_identical_content(ws, tenant_host, session_for, sdk, tmp_path: Path) -> None:
    seed(ws)
    s = session_for(ws, tenant_host)
    assert s.apply(s.plan()).ok
    with open_workspace(tmp_path, "empty") as other:
        o = session_for(other, tenant_host)
        plan, report = o.pull()
        assert report.ok, report.describe()
        same_content(ws, other)
        assert secrets.list_secret_names(other, "claims 0") == ["API_KEY"]
        second, _ = o.pull()
        assert second.in_sync and not second.steps()
        # push → pull → push: nothing left to do, on either workspace.
        assert o.plan().in_sync and s.plan().in_sync


def test_missing_vault_secret_is_reported_before_any_step(ws, tenant_host, session_for, sdk) -> None:
    seed(ws, count=2)
    action_id = actions.open_action(ws, "claims 0").action.id
    ws.vault.delete(ws.id, secrets.action_key(action_id, "API_KEY"))
    s = session_for(ws, tenant_host)
    with pytest.raises(MissingSecretsError, match="claims 0: API_KEY"):
        s.apply(s.plan())
    assert list(sdk(s.connection()).actions.list()) == []


def test_a_build_the_tenant_refuses_stops_with_its_reason(ws, tenant_host, session_for) -> None:
    actions.create_action(ws, "needs a package", "post-login", code=CODE.format(n=1),
                          dependencies=["surely-not-installed-pkg==1.0"])
    actions.deploy(ws, "needs a package")
    s = session_for(ws, tenant_host)
    report = s.apply(s.plan())
    assert not report.ok and report.failed is not None and report.failed.op == "deploy"
    assert "surely-not-installed-pkg==1.0 is not installed" in (report.error or "")
    assert [st.op for st in report.applied] == ["create"]


def test_a_tenant_already_serving_the_data_dir_is_reused_not_doubled(tenant_host) -> None:
    from actions_studio.sync.local_tenant import LocalTenant

    running = tenant_host.connection()
    second = LocalTenant(tenant_host.data_dir)
    assert second.start() == running
    assert not second.running  # borrowed: stopping it leaves the owner's server alone
    second.stop()
    assert tenant_host.runner is not None and tenant_host.runner.running

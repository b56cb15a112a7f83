"""Each action's runtime through sync and pull against the real bundled tenant, which runs node22
and node18 as well as python3 (issue 15): pushed as it is, pulled as it is (node18 as node22), a
runtime change is a change, and a mixed workspace round-trips without a diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.services import actions, flows
from actions_studio.store import repository as repo

from .conftest import open_workspace

pytestmark = pytest.mark.slow

PY = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://example.com/n', {n})\n"
JS = "exports.onExecutePostLogin = async (event, api) => {{\n  api.accessToken.setCustomClaim('https://example.com/n', {n});\n}};\n"


def _runtimes(ws) -> dict[str, tuple[str, str, list[str]]]:
    """name -> (the action's runtime, its draft's, each version's)."""
    out = {}
    with ws.db.read() as s:
        for action in repo.list_actions(s):
            versions = [repo.get_version(s, action.id, n).runtime for n in range(1, (action.last_number or 0) + 1)]
            out[action.name] = (action.runtime, repo.get_draft(s, action.id).runtime, versions)
    return out


def test_a_mixed_workspace_pushes_each_runtime_and_pulls_it_back(ws, tenant_host, session_for, sdk,
                                                                  tmp_path: Path) -> None:
    actions.create_action(ws, "py claims", "post-login", code=PY.format(n=1))
    actions.deploy(ws, "py claims")
    actions.create_action(ws, "js claims", "post-login", code=JS.format(n=1), runtime="node22")
    actions.deploy(ws, "js claims")
    actions.save_draft(ws, "js claims", code=JS.format(n=2))
    actions.deploy(ws, "js claims")
    flows.set_flow(ws, "post-login", ["py claims", "js claims"])
    s = session_for(ws, tenant_host)
    report = s.apply(s.plan())
    assert report.ok, report.describe()

    api = sdk(s.connection())
    remote = {a.name: a for a in api.actions.list()}
    assert {n: (a.runtime, a.status, a.deployed_version.runtime) for n, a in remote.items()} == {
        "py claims": ("python3", "built", "python3"), "js claims": ("node22", "built", "node22")}
    assert [v.runtime for v in api.actions.versions.list(remote["js claims"].id)] == ["node22", "node22"]
    assert s.plan().in_sync

    with open_workspace(tmp_path, "pulled") as other:
        o = session_for(other, tenant_host)
        _, pulled = o.pull()
        assert pulled.ok, pulled.describe()
        assert _runtimes(other) == {"py claims": ("python3", "python3", ["python3"]),
                                    "js claims": ("node22", "node22", ["node22", "node22"])}
        assert actions.open_action(other, "js claims").draft.code == JS.format(n=2)
        assert [a.name for a in flows.get_flow(other, "post-login")] == ["py claims", "js claims"]
        assert o.plan().in_sync and s.plan().in_sync


def test_an_action_made_on_the_tenant_without_a_runtime_is_pulled_as_node22(ws, tenant_host, session_for,
                                                                             sdk) -> None:
    s = session_for(ws, tenant_host)
    api = sdk(s.connection())
    made = api.actions.create(name="from the sdk", supported_triggers=[{"id": "post-login", "version": "v3"}],
                              code=JS.format(n=5))
    api.actions.deploy(made.id)
    old = api.actions.create(name="from node18", supported_triggers=[{"id": "post-login", "version": "v3"}],
                             code=JS.format(n=6), runtime="node18")
    api.actions.deploy(old.id)
    pulled, report = s.pull()
    assert report.ok, report.describe()
    assert _runtimes(ws) == {"from the sdk": ("node22", "node22", ["node22"]),
                             "from node18": ("node22", "node22", ["node22"])}
    # The pull says once, on that action, that Auth0 deprecated node18 and what is kept here.
    notes = {i.name: i.notes for i in pulled.items if i.kind == "action"}
    assert notes["from the sdk"] == ()
    [note] = notes["from node18"]
    assert note.startswith("the tenant has it as node18: Auth0 deprecated node18")
    # node18 there, node22 here: the same runtime, nothing to push back.
    assert s.plan().in_sync
    assert api.actions.get(old.id).runtime == "node18"
    # A change pushed from here makes it node22 on the tenant, as the note said; the note goes.
    actions.save_draft(ws, "from node18", code=JS.format(n=7))
    assert s.apply(s.plan()).ok
    assert api.actions.get(old.id).runtime == "node22"
    assert all(not i.notes for i in s.plan().items if i.name == "from node18")


def test_a_runtime_change_in_the_workspace_is_pushed_as_a_change(ws, tenant_host, session_for, sdk) -> None:
    actions.create_action(ws, "moving", "post-login", code=PY.format(n=1))
    actions.deploy(ws, "moving")
    s = session_for(ws, tenant_host)
    assert s.apply(s.plan()).ok
    actions.save_draft(ws, "moving", code=JS.format(n=2), runtime="node22")
    actions.deploy(ws, "moving")
    plan = s.plan()
    assert [i.change for i in plan.items if i.change != "nothing"] == ["deploy"]
    assert s.apply(plan).ok
    api = sdk(s.connection())
    remote = next(a for a in api.actions.list() if a.name == "moving")
    assert (remote.runtime, remote.status, remote.deployed_version.runtime) == ("node22", "built", "node22")
    assert sorted(v.runtime for v in api.actions.versions.list(remote.id)) == ["node22", "python3"]
    assert s.plan().in_sync

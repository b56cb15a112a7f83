"""No failed step leaves sync stuck (issue 13, item 14), against the real bundled tenant.

One plan holds every kind of step (create, deploy, update_draft, set_flow, unbind-then-delete,
pull_action, import_action, pull_flow, delete_local). Each test fails one request of one step at
the network edge (refused, lost after the tenant acted, answered 503) or holds the workspace's
write lock during a step that writes the workspace; the next sync must then complete and leave
both sides in sync, with nothing deployed twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.services import actions, flows
from actions_studio.services.sync import LocalTenantHost, SyncSession, ensure_local_profile
from actions_studio.services.templates import template_for
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.store import Database
from actions_studio.sync.client import TenantClient
from actions_studio.sync.model import Content
from actions_studio.sync.planner import PlanOptions
from actions_studio.triggers import get_trigger
from .tenant_edge import TenantEdge

pytestmark = pytest.mark.slow

EVERY_KIND = {"create", "deploy", "update_draft", "set_flow", "delete", "pull_action",
              "import_action", "pull_flow", "delete_local"}
ACTION = r"/api/v2/actions/actions/[^/]+$"
REMOTE_CASES = [
    *[("create", "POST", r"/api/v2/actions/actions$", how) for how in ("down", "lost", "503")],
    *[("deploy", "PATCH", ACTION, how) for how in ("down", "lost", "503")],
    ("deploy", "GET", ACTION, "down"),  # waiting for `built`
    *[("deploy", "POST", r"/deploy$", how) for how in ("down", "lost", "503")],
    *[("update_draft", "PATCH", ACTION, how) for how in ("down", "lost", "503")],
    *[("set_flow", "PATCH", r"/bindings$", how) for how in ("down", "lost", "503")],
    *[("delete", "DELETE", ACTION, how) for how in ("down", "lost", "503")],
    ("pull_action", "GET", ACTION, "down"),
    ("pull_action", "GET", r"/versions$", "503"),
    ("import_action", "GET", r"/versions$", "down"),
]
WORKSPACE_CASES = ["pull_action", "import_action", "pull_flow", "delete_local"]


def code(trigger_id: str, revision: int) -> str:
    return f"{template_for(trigger_id)}\n# revision {revision}\n"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTenantHost]:
    """One tenant for the module (starting one costs ~2 s); each test empties it first."""
    running = LocalTenantHost(tmp_path_factory.mktemp("recovery-tenant"))
    running.connection()
    yield running
    running.stop()


@pytest.fixture
def tenant(host: LocalTenantHost) -> Iterator[TenantClient]:
    """A client of the emptied tenant, for the changes "another tool" makes."""
    with TenantClient(host.connection()) as client:
        for trigger_id in client.trigger_ids():
            # Entity-bound triggers have no flow: the tenant refuses to list their bindings, as Auth0 does.
            if get_trigger(trigger_id).has_flow and client.flow(trigger_id):
                client.set_flow(trigger_id, [])
        for action in client.list_actions():
            client.delete(action.id, action.name)
        yield client


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    # A short busy timeout: the workspace cases hold its write lock from another connection.
    db = Database.open(tmp_path / "w.sqlite", busy_timeout_ms=300)
    with Workspace(db, FileVault(tmp_path / "config")) as ws:
        yield ws


def build(ws: Workspace, session: SyncSession, tenant: TenantClient) -> PlanOptions:
    """A synced workspace, then changes on both sides whose plan holds every kind of step."""
    def new(name: str, trigger_id: str) -> None:
        actions.create_action(ws, name, trigger_id, code=code(trigger_id, 1))
        actions.deploy(ws, name)

    for name in ("edit-deploy", "edit-draft", "edited-there", "deleted-there"):
        new(name, "post-login")
    new("deleted-here", "credentials-exchange")
    flows.set_flow(ws, "post-login", ["edit-deploy"])
    first = session.apply(session.plan())
    assert first.ok, first.describe()

    actions.save_draft(ws, "edit-deploy", code=code("post-login", 2))
    actions.deploy(ws, "edit-deploy")
    actions.save_draft(ws, "edit-draft", code=code("post-login", 3))
    new("new-here", "post-login")
    flows.set_flow(ws, "post-login", ["edit-deploy", "new-here"])
    actions.delete(ws, "deleted-here")

    remote = {a.name: a for a in tenant.list_actions()}
    tenant.set_flow("credentials-exchange", [remote["deleted-here"].id])  # bound there, deleted here
    tenant.update(remote["edited-there"].id, "edited-there", Content(code("post-login", 9), "python3"), {})
    tenant.delete(remote["deleted-there"].id, "deleted-there")
    trigger = get_trigger("post-change-password")
    only = tenant.create("only-there", trigger.id, trigger.version,
                         Content(code(trigger.id, 1), "python3"), {})
    tenant.wait_built(only.id, only.name)
    tenant.deploy(only.id, only.name)
    tenant.set_flow(trigger.id, [only.id])
    taken = actions.open_action(ws, "deleted-there").action.id
    return PlanOptions(delete=True, import_remote=True, resolutions={taken: "remote"})


def check_both_sides(ws: Workspace, tenant: TenantClient) -> None:
    remote = {a.name: a for a in tenant.list_actions()}
    assert sorted(remote) == ["edit-deploy", "edit-draft", "edited-there", "new-here", "only-there"]
    assert remote["edit-deploy"].deployed_number == 2 and remote["new-here"].deployed_number == 1
    assert remote["edit-draft"].draft.code == code("post-login", 3)
    assert [remote_id for remote_id in tenant.flow("post-login")] == [
        remote["edit-deploy"].id, remote["new-here"].id]
    assert tenant.flow("credentials-exchange") == ()
    mine = {a.name for a in actions.list_actions(ws)}
    assert mine == set(remote)
    assert actions.open_action(ws, "edited-there").draft.code == code("post-login", 9)
    assert [a.name for a in flows.get_flow(ws, "post-change-password")] == ["only-there"]
    assert [v.number for v in actions.list_versions(ws, "edit-deploy")] == [2, 1]


def finish(session: SyncSession, options: PlanOptions, ws: Workspace, tenant: TenantClient) -> None:
    again = session.plan(options)
    assert not again.conflicts, [(i.name, i.conflict) for i in again.conflicts]
    report = session.apply(again)
    assert report.ok, report.describe()
    assert session.plan(options).in_sync
    check_both_sides(ws, tenant)


@pytest.mark.parametrize("op, method, path, how", REMOTE_CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}" for c in REMOTE_CASES])
def test_the_next_sync_completes_after_a_failure_at_the_tenant_edge(
        op, method, path, how, host, tenant, workspace) -> None:
    edge = TenantEdge()
    session = SyncSession(workspace, ensure_local_profile(workspace), local_host=host, transport=edge)
    try:
        options = build(workspace, session, tenant)
        plan = session.plan(options)
        assert not plan.conflicts and EVERY_KIND <= {st.op for st in plan.steps()}

        def inject(progress) -> None:
            if progress.state == "started" and progress.step.op == op and not edge.fired:
                edge.arm(method, path, how)
            elif progress.state != "started":
                edge.disarm()

        report = session.apply(plan, inject)
        assert len(edge.fired) == 1, f"no {method} {path} during a {op} step"
        assert not report.ok and report.failed is not None and report.failed.op == op
        assert "run sync again" in report.describe()
        finish(session, options, workspace, tenant)
    finally:
        session.close()


@pytest.mark.parametrize("op", WORKSPACE_CASES)
def test_the_next_sync_completes_after_a_workspace_write_failed(op, host, tenant, workspace) -> None:
    session = SyncSession(workspace, ensure_local_profile(workspace), local_host=host)
    blocker: list[sqlite3.Connection] = []
    try:
        options = build(workspace, session, tenant)
        plan = session.plan(options)

        def hold_the_lock(progress) -> None:
            if progress.state == "started" and progress.step.op == op and not blocker:
                conn = sqlite3.connect(workspace.path, isolation_level=None)
                conn.execute("BEGIN IMMEDIATE")  # another process writing the workspace
                blocker.append(conn)
            elif progress.state == "failed" and blocker:
                blocker[0].execute("ROLLBACK")

        report = session.apply(plan, hold_the_lock)
        assert not report.ok and report.failed is not None and report.failed.op == op
        assert "busy" in (report.error or "")
        finish(session, options, workspace, tenant)
    finally:
        for conn in blocker:
            conn.close()
        session.close()

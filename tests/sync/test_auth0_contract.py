"""Sync against a tenant that behaves as Auth0 does (tests/sync/auth0_contract.py): a profile made
from a domain, https with a test CA, rate limits with X-RateLimit headers, pending builds, the
deploy/bind race, the 50-version cap, Node-only runtimes, write-only secrets, paged lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.services import tenants
from actions_studio.services.sync import SyncSession, TenantDownError
from actions_studio.store import repository as repo
from actions_studio.sync.applier import Progress
from actions_studio.sync.client import Connection, TenantClient
from actions_studio.sync.errors import TenantRefusedError, TenantUnreachableError

from .auth0_contract import (
    CLIENT_ID,
    CLIENT_SECRET,
    DOMAIN,
    Behaviour,
    ContractServer,
    ContractTenant,
    make_test_ca,
)
from .conftest import open_workspace

JS = "exports.onExecutePostLogin = async (event, api) => {{ api.idToken.setCustomClaim('v', {n}); }};\n"
PY = "def on_execute_post_login(event, api):\n    api.id_token.set_custom_claim('v', {n})\n"


@pytest.fixture
def ca(tmp_path: Path):
    return make_test_ca(tmp_path / "ca")


@pytest.fixture
def tenant() -> ContractTenant:
    return ContractTenant()


@pytest.fixture
def server(ca, tenant) -> Iterator[ContractServer]:
    with ContractServer(ca, tenant) as srv:
        yield srv


@pytest.fixture
def session(ws, server) -> Iterator[SyncSession]:
    profile = tenants.add_profile(ws, "Auth0", tenants.domain_url(DOMAIN), CLIENT_ID, CLIENT_SECRET)
    with SyncSession(ws, profile, transport=server.transport()) as s:
        yield s


def add_action(ws, name: str, runtime: str, versions: int, *, trigger: str = "post-login",
               secrets: tuple[str, ...] = ()) -> str:
    code = JS if runtime == "node22" else PY
    with ws.db.write() as s:
        action = repo.insert_action(s, name=name, trigger_id=trigger, trigger_version="v3",
                                    runtime=runtime, code=code.format(n=0), secret_names=secrets)
        for n in range(1, versions + 1):
            repo.insert_version(s, action.id, code=code.format(n=n), dependencies=(),
                                secret_names=secrets, runtime=runtime, note=None)
        repo.update_draft(s, action.id, code=code.format(n=versions))
    return action.id


def pushes(tenant: ContractTenant, path_part: str = "") -> list[str]:
    return [e for e in tenant.log if not e.startswith("GET") and path_part in e]


def test_a_domain_profile_is_https_with_the_management_audience(ws, server, tenant, session) -> None:
    profile = session.tenant
    assert profile.base_url == f"https://{DOMAIN}" and profile.audience is None
    assert session.plan().in_sync
    # The contract tenant gives a token only for https://DOMAIN/api/v2/ (Auth0's audience).
    assert tenant.log[0] == "POST /oauth/token 200" and tenant.tokens
    with pytest.raises(Exception, match="not a tenant domain"):
        tenants.domain_url("https://acme.eu.auth0.com")
    assert tenants.domain_url("Login.Acme.com") == "https://login.acme.com"


def test_tls_is_verified_against_the_trust_it_was_given(ws, server, tmp_path) -> None:
    """A certificate from a CA the client does not trust is a failed connection, not a warning."""
    from .auth0_contract import ResolvingTransport

    other = make_test_ca(tmp_path / "other-ca")
    client = TenantClient(Connection(f"https://{DOMAIN}", CLIENT_ID, CLIENT_SECRET),
                          transport=ResolvingTransport(other, server.port))
    with client, pytest.raises(TenantUnreachableError, match="for a token"):
        client.list_actions()


def test_python_is_refused_before_any_write_node22_goes_and_the_rest_applies(ws, tenant, session) -> None:
    py = add_action(ws, "py claims", "python3", 1)
    js = add_action(ws, "js claims", "node22", 2)
    with ws.db.write() as s:
        repo.set_flow(s, "post-login", [js])
    plan = session.plan()
    refused = plan.item(py)
    assert refused.change == "refused" and not refused.steps
    assert "runs node22 for post-login, not python3" in refused.summary
    assert plan.item(js).change == "create" and plan.item("flow:post-login").change == "bind"
    assert not plan.in_sync and len(plan.refused) == 1
    report = session.apply(plan)
    assert report.ok, report.describe()
    names = {a["name"]: a for a in tenant.actions.values()}
    assert set(names) == {"js claims"}  # nothing of the python action reached the tenant
    assert not any("py claims" in str(a) for a in tenant.actions.values())
    assert names["js claims"]["runtime"] == "node22" and len(tenant.versions[names["js claims"]["id"]]) == 2
    assert tenant.bindings["post-login"] == [names["js claims"]["id"]]
    again = session.plan()
    assert again.item(py).change == "refused" and not again.changes


def test_a_flow_with_a_refused_action_waits_with_the_reason(ws, session) -> None:
    py = add_action(ws, "py", "python3", 1)
    js = add_action(ws, "js", "node22", 1)
    with ws.db.write() as s:
        repo.set_flow(s, "post-login", [js, py])
    plan = session.plan()
    flow = plan.item("flow:post-login")
    assert flow.change == "nothing" and "py cannot go to this tenant" in flow.summary
    assert session.apply(plan).ok


def test_rate_limits_are_waited_out_and_progress_says_until_when(ws, tenant, session) -> None:
    for n in range(2):
        add_action(ws, f"a{n}", "node22", 2)
    tenant.behaviour.rate_limit = 6  # requests per second, Auth0's headers on every answer
    heard: list[Progress] = []
    report = session.apply(session.plan(), heard.append)
    assert report.ok, report.describe()
    assert any(e.endswith(" 429") for e in tenant.log)
    waiting = [p for p in heard if p.state == "waiting"]
    assert waiting and all(re.search(r"rate limited by the tenant \(6 requests\): waiting \d+ s, "
                                     r"until \d\d:\d\d:\d\d", p.message) for p in waiting)
    assert session.plan().in_sync
    assert sum(len(v) for v in tenant.versions.values()) == 4  # nothing deployed twice


def test_a_plan_that_hits_the_rate_limit_says_it_waits(ws, tenant, session) -> None:
    for n in range(3):
        add_action(ws, f"a{n}", "node22", 1)
    assert session.apply(session.plan()).ok
    tenant.behaviour.rate_limit = 4
    heard: list[str] = []
    session.on_wait = lambda seconds, until, why: heard.append(why)
    assert session.plan().in_sync
    assert heard and heard[0] == "rate limited by the tenant (4 requests)"


def test_pending_builds_and_the_bind_race_are_waited_for(ws, tenant, session) -> None:
    js = add_action(ws, "js", "node22", 1)
    with ws.db.write() as s:
        repo.set_flow(s, "post-login", [js])
    tenant.behaviour.build_s, tenant.behaviour.bind_s = 0.5, 1.5
    report = session.apply(session.plan())
    assert report.ok, report.describe()
    # The draft was polled while pending (never deployed early), and the binding right after the
    # deploy was refused as Auth0 refuses it, then retried until the tenant took it.
    assert not any("/deploy 400" in e for e in tenant.log)
    assert "PATCH /api/v2/actions/triggers/post-login/bindings 400" in tenant.log
    assert tenant.log[-1] == "PATCH /api/v2/actions/triggers/post-login/bindings 200"
    assert session.plan().in_sync


def test_a_build_that_never_ends_is_reported_with_its_time_limit(ws, server, tenant) -> None:
    tenant.behaviour.build_s = 3600
    client = TenantClient(Connection(f"https://{DOMAIN}", CLIENT_ID, CLIENT_SECRET),
                          transport=server.transport(), sleep=lambda _s: None)
    with client:
        from actions_studio.sync.model import Content

        action = client.create("slow", "post-login", "v3", Content(JS.format(n=1), "node22"), {})
        with pytest.raises(TenantRefusedError, match=r"slow was still pending on the tenant after 5 s.*"
                                                     "run sync again once it is built"):
            client.wait_built(action.id, "slow", limit_s=5)
        # And a deploy the tenant refuses as not built is retried, within its own limit.
        with pytest.raises(TenantRefusedError, match="must be in the 'built' state"):
            client.deploy(action.id, "slow", limit_s=5)
    assert sum("/deploy 400" in e for e in tenant.log) > 1


@pytest.mark.slow
def test_the_version_cap_keeps_the_history_in_the_workspace(ws, tmp_path, server, tenant, session) -> None:
    js = add_action(ws, "long history", "node22", 55)
    plan = session.plan()
    assert "v1–v5 stay in the workspace only" in plan.item(js).summary
    assert session.apply(plan).ok
    rid = next(iter(tenant.actions))
    assert [v["number"] for v in tenant.versions[rid]] == list(range(1, 51))
    assert session.plan().in_sync
    with ws.db.write() as s:  # three more: the tenant drops its oldest three, sync does not care
        for n in (56, 57, 58):
            repo.insert_version(s, js, code=JS.format(n=n), dependencies=(), secret_names=(),
                                runtime="node22", note=None)
    assert session.apply(session.plan()).ok
    assert [v["number"] for v in tenant.versions[rid]] == list(range(4, 54))
    assert session.plan().in_sync
    with ws.db.read() as s:
        assert repo.count_versions(s) == 58  # every version stays in the workspace
    with open_workspace(tmp_path, "other") as other:
        profile = tenants.add_profile(other, "Auth0", tenants.domain_url(DOMAIN), CLIENT_ID, CLIENT_SECRET)
        with SyncSession(other, profile, transport=server.transport()) as pulling:
            _plan, report = pulling.pull()
            assert report.ok, report.describe()
            assert pulling.plan().in_sync
        with other.db.read() as s:
            pulled = repo.list_actions(s)[0]
            assert [v.number for v in repo.list_versions(s, pulled.id)][-1] == 4
            assert pulled.deployed_number == 53 and pulled.runtime == "node22"


def test_secrets_are_written_never_read_and_the_tenants_own_values_survive(ws, tenant, session) -> None:
    from actions_studio.services import secrets

    js = add_action(ws, "with secrets", "node22", 1, secrets=("API_KEY",))
    secrets.set_secret(ws, "with secrets", "API_KEY", "k-123456")
    assert session.apply(session.plan()).ok
    rid = next(iter(tenant.actions))
    assert tenant.secret_values[(rid, "API_KEY")] == "k-123456"
    assert "k-123456" not in str(tenant.action_json(tenant.actions[rid]))
    # Another tool adds a secret on the tenant; the workspace edits its draft and syncs again.
    tenant.actions[rid]["secrets"].append({"name": "THEIRS", "updated_at": "2026-01-01T00:00:00Z"})
    tenant.secret_values[(rid, "THEIRS")] = "their-value"
    with ws.db.write() as s:
        repo.update_draft(s, js, code=JS.format(n=9))
    plan = session.plan()
    assert any("THEIRS" in n for n in plan.item(js).notes)
    assert session.apply(plan).ok
    assert tenant.secret_values[(rid, "THEIRS")] == "their-value"
    assert tenant.secret_values[(rid, "API_KEY")] == "k-123456"


def test_lists_are_read_page_by_page_until_their_total(ws, tenant, session) -> None:
    for n in range(16):
        add_action(ws, f"a{n:02d}", "node22", 0)
    assert session.apply(session.plan()).ok
    tenant.behaviour.max_per_page = 7  # fewer than asked for: the total says when to stop
    tenant.log.clear()
    assert session.plan().in_sync
    lists = [e for e in tenant.log if e.startswith("GET /api/v2/actions/actions ")]
    assert len(lists) == 3  # 7 + 7 + 2, and no empty page asked for


def test_entity_bound_triggers_bindings_are_not_read(ws, tenant, session) -> None:
    assert session.plan().in_sync
    assert not any("custom-token-exchange/bindings" in e or "event-stream/bindings" in e
                   for e in tenant.log)
    assert any("post-login/bindings 200" in e for e in tenant.log)


def test_an_unknown_domain_is_a_tenant_that_does_not_answer(ws, server) -> None:
    profile = tenants.add_profile(ws, "Elsewhere", tenants.domain_url("elsewhere.eu.auth0.com"),
                                  CLIENT_ID, CLIENT_SECRET)
    with SyncSession(ws, profile, transport=server.transport()) as s:
        with pytest.raises(TenantDownError, match="elsewhere.eu.auth0.com"):
            s.plan()


def test_a_node18_action_of_the_tenant_is_pulled_as_node22(ws, tenant, session) -> None:
    doc = tenant.create({"name": "legacy", "supported_triggers": [{"id": "post-login", "version": "v3"}],
                         "code": JS.format(n=1), "runtime": "node18"})
    tenant.deploy(doc["id"])
    _plan, report = session.pull()
    assert report.ok, report.describe()
    with ws.db.read() as s:
        pulled = repo.find_action(s, "legacy")
        assert pulled.runtime == "node22" and repo.get_draft(s, pulled.id).runtime == "node22"
        assert repo.get_version(s, pulled.id, 1).runtime == "node22"
    assert session.plan().in_sync  # node18 there and node22 here are the same runtime

"""Sync against the bundled tenant served as a named https domain (issue 17 part 3): the profile
`tenants add --domain` makes reaches it as it reaches an Auth0 tenant (https verified against the
tenant's certificate, the audience https://DOMAIN/api/v2/), and a push of a node22 and a python3
action with their flow lands — both runtimes run there, unlike on Auth0."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.runtime import Sandbox, SandboxLimits
from actions_studio.services import tenants
from actions_studio.services.sync import SyncSession
from actions_studio.store import repository as repo

from .auth0_contract import ResolvingTransport

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
JS = "exports.onExecutePostLogin = async (event, api) => {{ api.idToken.setCustomClaim('v', {n}); }};\n"
PY = "def on_execute_post_login(event, api):\n    api.id_token.set_custom_claim('v', {n})\n"


def _https_tenant_module():
    # tests/tenant/https_tenant.py: the tenant on its domain with a test CA (one helper for both
    # folders), loaded as a package rooted in its folder so its `from .conftest import …` resolves.
    name = "https_tenant_for_sync"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "tenant" / "https_tenant.py",
                                                      submodule_search_locations=[])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def https_tenant(tmp_path: Path) -> Iterator[object]:
    helper = _https_tenant_module()
    with Sandbox(SandboxLimits(wall_time_s=5)) as sandbox:
        tenant = helper.start_https_tenant(tmp_path / "https", sandbox)
        yield tenant
        tenant.stop()


def _action(ws, name: str, runtime: str, versions: int) -> str:
    code = JS if runtime == "node22" else PY
    with ws.db.write() as s:
        action = repo.insert_action(s, name=name, trigger_id="post-login", trigger_version="v3",
                                    runtime=runtime, code=code.format(n=0), secret_names=())
        for n in range(1, versions + 1):
            repo.insert_version(s, action.id, code=code.format(n=n), dependencies=(), secret_names=(),
                                runtime=runtime, note=None)
        repo.update_draft(s, action.id, code=code.format(n=versions))
    return action.id


def test_a_domain_profile_pushes_to_the_bundled_tenant_over_https(ws, https_tenant) -> None:
    helper = _https_tenant_module()
    m = https_tenant.creds["management"]
    profile = tenants.add_profile(ws, "Local on a domain", tenants.domain_url(helper.DOMAIN), m["client_id"],
                                  m["client_secret"])
    js, py = _action(ws, "js claims", "node22", 2), _action(ws, "py claims", "python3", 1)
    with ws.db.write() as s:
        repo.set_flow(s, "post-login", [js, py])
    transport = ResolvingTransport(https_tenant.ca, https_tenant.port, helper.DOMAIN)
    with SyncSession(ws, profile, transport=transport) as session:
        plan = session.plan()
        assert not plan.refused and plan.item(js).change == "create" and plan.item(py).change == "create"
        report = session.apply(plan)
        assert report.ok, report.describe()
        assert session.plan().in_sync
    with https_tenant.http(https_tenant.management_token()) as http:
        actions = {a["name"]: a for a in http.get("/api/v2/actions/actions").json()["actions"]}
        bindings = http.get("/api/v2/actions/triggers/post-login/bindings").json()["bindings"]
    assert actions["js claims"]["runtime"] == "node22" and actions["py claims"]["runtime"] == "python3"
    assert actions["js claims"]["deployed_version"]["number"] == 2
    assert [b["action"]["name"] for b in bindings] == ["js claims", "py claims"]
    assert transport.resolver.connections >= 1   # every request went over the test's https

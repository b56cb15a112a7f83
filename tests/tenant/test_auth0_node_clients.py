"""Auth0's own Node clients against the bundled tenant over https (issue 17 part 3): the Node SDK
`auth0` 7.1 through actions, versions, rollback, bindings, test, executions, logs and tokens, and the
Deploy CLI `auth0-deploy-cli` 8.44 exporting, importing and exporting again. Both from npm, pinned
(tools/auth0_clients.py, installed by ./dev), run with the project's Node. docs/tenant.md lists what
works through them; these tests are that list."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from .https_tenant import DOMAIN, NODE_DIR, HttpsTenant, node_clients, run_node, start_https_tenant

pytestmark = pytest.mark.slow

CODE = ("def on_execute_post_login(event, api):\n"
        "    api.id_token.set_custom_claim('https://acme.example/plan', 'gold')\n")
CODE_V2 = CODE.replace("gold", "platinum")


@pytest.fixture(scope="module")
def clients():
    found, why = node_clients()
    if found is None:
        pytest.skip(f"Auth0's Node clients are not installed and could not be: {why}")
    return found


@pytest.fixture(scope="module")
def https_tenant(tmp_path_factory: pytest.TempPathFactory, sandbox, clients) -> Iterator[HttpsTenant]:
    tenant = start_https_tenant(tmp_path_factory.mktemp("https-tenant"), sandbox,
                                rate_limit_per_s=10_000, rate_limit_burst=100_000)
    yield tenant
    tenant.stop()


def _sdk_env(tenant: HttpsTenant, name: str) -> dict[str, str]:
    c = tenant.creds
    from actions_studio.triggers import get_trigger

    return {"TENANT_DOMAIN": DOMAIN, "MGMT_CLIENT_ID": c["management"]["client_id"],
            "MGMT_CLIENT_SECRET": c["management"]["client_secret"],
            "APP_CLIENT_ID": c["application"]["client_id"], "APP_CLIENT_SECRET": c["application"]["client_secret"],
            "DEMO_EMAIL": c["demo_user"]["email"], "DEMO_PASSWORD": c["demo_user"]["password"],
            "API_AUDIENCE": c["api"]["identifier"], "ACTION_NAME": name, "ACTION_CODE": CODE,
            "ACTION_CODE_V2": CODE_V2, "TEST_EVENT": json.dumps(get_trigger("post-login").sample_event())}


def test_the_node_sdk_drives_actions_bindings_and_logins_over_https(https_tenant, clients) -> None:
    done = run_node(https_tenant, clients, NODE_DIR / "sdk_actions.cjs", env=_sdk_env(https_tenant, "sdk-plan"))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    id_token = report.pop("id_token", None)
    failed = {op: why for op, why in report.items() if why != "ok"}
    assert failed == {}, json.dumps(failed, indent=1)
    assert len(report) >= 20
    # The token the SDK validated: issued by https://DOMAIN/, with the claim of the bound version
    # (version 1's code again, rolled back as version 3).
    claims = jwt.decode(id_token, options={"verify_signature": False})
    assert claims["iss"] == f"https://{DOMAIN}/" and claims["https://acme.example/plan"] == "gold"

"""Issue 18: the tenant runs its Python flows in warm sandbox children (`TenantConfig.warm_sandbox`).

A tenant that starts its own sandbox (as `actions-studio tenant serve` does): two logins through
the same flow share one child and its module state; a deploy — even of the same code — is a new
version, so the next login gets a new process that saw nothing of the old one.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import jwt
from auth0.authentication import GetToken
from auth0.management.client import Auth0

from .conftest import TenantStore, deploy_flow, free_port, start_tenant
from .test_cli_tenant import _serve, _stop, _wait_until_serving

CODE = '''
import os
LOGINS = [0]

def on_execute_post_login(event, api):
    LOGINS[0] += 1
    api.access_token.set_custom_claim("https://w/pid", os.getpid())
    api.access_token.set_custom_claim("https://w/logins", LOGINS[0])
'''


def test_logins_through_one_flow_share_a_warm_child_and_a_deploy_gets_a_new_one(tmp_path: Path,
                                                                                   store: TenantStore) -> None:
    running = start_tenant(tmp_path / "data", None, database_url=store.url())  # its own sandbox
    try:
        mgmt = running.sdk()
        [action_id] = deploy_flow(mgmt, "post-login", [("warm-logins", CODE)])
        creds = running.creds

        def login() -> tuple[int, int]:
            token = running.app_tokens().login(creds["demo_user"]["email"], creds["demo_user"]["password"],
                                               realm=creds["connection"])["access_token"]
            claims = jwt.decode(token, options={"verify_signature": False})
            return claims["https://w/pid"], claims["https://w/logins"]

        (pid1, n1), (pid2, n2) = login(), login()
        assert pid1 == pid2 and (n1, n2) == (1, 2)
        mgmt.actions.deploy(action_id)  # version 2, the same code
        (pid3, n3), (pid4, n4) = login(), login()
        assert pid3 != pid1 and n3 == 1
        assert pid4 == pid3 and n4 == 2
    finally:
        running.stop()


def test_serve_with_no_warm_sandbox_runs_every_login_in_a_fresh_child(tmp_path: Path, store: TenantStore) -> None:
    port, data = free_port(), tmp_path / "data"
    proc = _serve(port, data, store.url(), "--no-warm-sandbox")
    try:
        _wait_until_serving(proc, port)
        creds = json.loads((data / "credentials.json").read_text())
        domain, m, a = f"127.0.0.1:{port}", creds["management"], creds["application"]
        token = GetToken(domain, m["client_id"], client_secret=m["client_secret"],
                         protocol="http").client_credentials(m["audience"])["access_token"]
        with httpx.Client(timeout=60) as http:
            deploy_flow(Auth0(base_url=f"http://{domain}/api/v2", token=token, httpx_client=http),
                        "post-login", [("cold-logins", CODE)])
        app = GetToken(domain, a["client_id"], client_secret=a["client_secret"], protocol="http")
        seen = []
        for _ in range(3):
            access = app.login(creds["demo_user"]["email"], creds["demo_user"]["password"],
                               realm=creds["connection"])["access_token"]
            claims = jwt.decode(access, options={"verify_signature": False})
            seen.append((claims["https://w/pid"], claims["https://w/logins"]))
    finally:
        _stop(proc)
    assert len({pid for pid, _ in seen}) == 3           # a process per login ...
    assert [logins for _, logins in seen] == [1, 1, 1]  # ... which saw nothing of the one before

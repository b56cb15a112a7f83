"""Issue 18: the tenant runs its Python flows in warm sandbox children (`TenantConfig.warm_sandbox`).

A tenant that starts its own sandbox (as `actions-studio tenant serve` does): two logins through
the same flow share one child and its module state; a deploy — even of the same code — is a new
version, so the next login gets a new process that saw nothing of the old one.
"""

from __future__ import annotations

from pathlib import Path

import jwt

from .conftest import TenantStore, deploy_flow, start_tenant

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

"""Issue 6, section 5: flows never block the event loop; 50 concurrent logins through a 3-action
flow all succeed with the right claims."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import jwt

from .conftest import clear_flow, deploy_flow

STEP = '''
def on_execute_post_login(event, api):
    previous = event.user.app_metadata.get("steps", "")
    api.access_token.set_custom_claim("https://c/{n}", event.user.email)
    api.user.set_app_metadata("steps", "{n}")
'''


def test_fifty_concurrent_logins_through_a_three_action_flow(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "post-login", [(unique(f"step{n}"), STEP.replace("{n}", str(n))) for n in (1, 2, 3)])
    c = tenant.creds
    users = []
    for i in range(5):
        email = f"{unique('crowd')}@example.com"
        mgmt.users.create(connection=c["connection"], email=email, password=f"password number {i}")
        users.append((email, f"password number {i}"))
    form = {"grant_type": "http://auth0.com/oauth/grant-type/password-realm",
            "client_id": c["application"]["client_id"], "client_secret": c["application"]["client_secret"],
            "realm": c["connection"], "scope": "openid"}

    def login(i: int) -> tuple[str, dict]:
        email, password = users[i % len(users)]
        with httpx.Client(base_url=tenant.base_url, timeout=60) as http:
            resp = http.post("/oauth/token", data={**form, "username": email, "password": password})
        assert resp.status_code == 200, resp.text
        return email, jwt.decode(resp.json()["access_token"], options={"verify_signature": False})

    # The event loop must keep answering while 50 flows run (they wait in worker threads).
    with ThreadPoolExecutor(max_workers=50) as pool, httpx.Client(base_url=tenant.base_url) as probe:
        futures = [pool.submit(login, i) for i in range(50)]
        started = time.monotonic()
        discovery = probe.get("/.well-known/openid-configuration")
        probe_ms = (time.monotonic() - started) * 1000
        results = [f.result(timeout=120) for f in futures]
    assert discovery.status_code == 200 and probe_ms < 2000
    for email, claims in results:
        assert [claims[f"https://c/{n}"] for n in (1, 2, 3)] == [email] * 3
    for email, _ in users:
        [user] = mgmt.users.list_users_by_email(email=email)
        assert user.app_metadata == {"steps": "3"} and user.logins_count == 10
    clear_flow(mgmt, "post-login")

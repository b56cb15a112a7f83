"""The tenant's build lifecycle with dependencies: `building` → `built`, or `failed` with errors[]
naming the package; a deployed version imports its dependency when its flow runs."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from actions_studio.runtime import Sandbox, SandboxLimits
from actions_studio.tenant.app import create_app
from actions_studio.tenant.config import TenantConfig

GREETS = """import tiny_greeter


def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://acme/greeting", tiny_greeter.greet("tenant"))
"""


@pytest.fixture
def api(tmp_path: Path, deps_env: Path) -> Iterator[httpx.Client]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    config = TenantConfig(data_dir=tmp_path / "tenant", base_url=base_url)
    with Sandbox(SandboxLimits(wall_time_s=10)) as sandbox:
        server = uvicorn.Server(uvicorn.Config(create_app(config, sandbox=sandbox), host="127.0.0.1", port=port,
                                               log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, name="deps-tenant", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the tenant did not start"
            time.sleep(0.02)
        try:
            with httpx.Client(base_url=base_url, timeout=30) as client:
                m = json.loads((config.data_dir / "credentials.json").read_text())["management"]
                token = client.post("/oauth/token", json={
                    "grant_type": "client_credentials", "client_id": m["client_id"],
                    "client_secret": m["client_secret"], "audience": m["audience"]}).json()["access_token"]
                client.headers["Authorization"] = f"Bearer {token}"
                yield client
        finally:
            server.should_exit = True
            thread.join(15)


def _settled(client: httpx.Client, action_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        action = client.get(f"/api/v2/actions/actions/{action_id}").json()
        if action["status"] != "building" or time.monotonic() > deadline:
            return action
        time.sleep(0.05)


def _create(client: httpx.Client, name: str, dependencies: list[dict[str, str]]) -> dict[str, Any]:
    response = client.post("/api/v2/actions/actions", json={
        "name": name, "supported_triggers": [{"id": "post-login", "version": "v3"}], "code": GREETS,
        "runtime": "python3", "dependencies": dependencies})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_compiled_dependency_fails_the_build_naming_it(api: httpx.Client) -> None:
    created = _create(api, "native", [{"name": "needs-native", "version": "1.0"}])
    assert created["status"] == "building"
    refused = api.post(f"/api/v2/actions/actions/{created['id']}/deploy")
    assert refused.status_code == 400 and "still being installed" in refused.json()["message"]
    assert "must be in the 'built' state" in refused.json()["message"]   # Auth0's sentence
    action = _settled(api, created["id"])
    assert action["status"] == "failed"
    [error] = action["errors"]
    assert error["id"] == "dependency_refused"
    assert error["msg"].startswith("dependencies needs-native==1.0 is not installed: fast-native==1.0 "
                                   "(needed by needs-native) is refused")
    deploy = api.post(f"/api/v2/actions/actions/{created['id']}/deploy")
    assert deploy.status_code == 400 and "fast-native==1.0" in deploy.json()["message"]


def test_a_pure_dependency_builds_deploys_and_runs_in_the_flow(api: httpx.Client) -> None:
    created = _create(api, "greets", [{"name": "tiny-greeter", "version": "1.0"}])
    assert _settled(api, created["id"])["status"] == "built"
    version = api.post(f"/api/v2/actions/actions/{created['id']}/deploy").json()
    assert version["status"] == "built" and version["dependencies"] == [{"name": "tiny-greeter", "version": "1.0"}]
    # The same set again: the environment exists, so the draft is built at once.
    again = _create(api, "greets too", [{"name": "tiny-greeter", "version": "1.0"}])
    assert again["status"] == "built"
    from actions_studio.triggers import get_trigger

    tested = api.post(f"/api/v2/actions/actions/{created['id']}/test",
                      json={"payload": get_trigger("post-login").sample_event()}).json()["payload"]
    assert tested["status"] == "success", tested["actions"][0]["error"]
    assert tested["outcome"]["access_token"]["claims"]["https://acme/greeting"] == "hello tenant"
    # A PATCH to a set that cannot be resolved fails with the package named.
    patched = api.patch(f"/api/v2/actions/actions/{created['id']}",
                        json={"dependencies": [{"name": "tiny-greeter", "version": "7.0"}]}).json()
    assert patched["status"] == "building"
    failed = _settled(api, created["id"])
    assert failed["status"] == "failed"
    assert failed["errors"][0]["msg"].startswith("dependency tiny-greeter==7.0 is not installed: ")


def test_a_build_left_unfinished_by_a_stopped_tenant_restarts_on_the_next_read(api: httpx.Client,
                                                                                tmp_path: Path) -> None:
    import sqlite3

    created = _create(api, "greets", [{"name": "tiny-greeter", "version": "1.0"}])
    assert _settled(api, created["id"])["status"] == "built"
    # What a tenant killed mid-build leaves behind: a draft `building` with no build running.
    with sqlite3.connect(tmp_path / "tenant" / "tenant.sqlite") as db:
        db.execute("UPDATE action SET status = 'building', built_at = NULL WHERE id = ?", (created["id"],))
    assert _settled(api, created["id"])["status"] == "built"

"""The tenant builds a node22 (or node18) draft's npm dependencies in the background exactly as a
Python draft's: `building` → `built`, or `failed` with errors[] naming the package."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from actions_studio.execution.pipeline import RUNTIMES_HERE

from .test_deps_tenant import api  # noqa: F401 - the tenant on a loopback port, as a fixture

JS = "const { hello } = require('tiny-app');\nexports.onExecutePostLogin = async (event, api) => {\n" \
     "  api.accessToken.setCustomClaim('https://acme/greeting', hello());\n};\n"


@pytest.fixture(autouse=True)
def _registry(npm_env: Path) -> None:
    """The tenant reads the local registry from the environment, as the studio does."""


def _settled(client: httpx.Client, action_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        action = client.get(f"/api/v2/actions/actions/{action_id}").json()
        if action["status"] != "building" or time.monotonic() > deadline:
            return action
        time.sleep(0.05)


def _create(client: httpx.Client, name: str, dependencies: list[dict[str, str]],
            runtime: str = "node22") -> dict[str, Any]:
    response = client.post("/api/v2/actions/actions", json={
        "name": name, "supported_triggers": [{"id": "post-login", "version": "v3"}], "code": JS,
        "runtime": runtime, "dependencies": dependencies})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("runtime", ["node22", "node18"])
def test_npm_dependencies_build_in_the_background_and_deploy(api: httpx.Client, runtime: str) -> None:  # noqa: F811
    created = _create(api, "greets", [{"name": "tiny-app", "version": "2.0.0"},
                                      {"name": "@acme/util", "version": "0.1.0"}], runtime)
    assert created["status"] == "building"
    assert _settled(api, created["id"])["status"] == "built"
    version = api.post(f"/api/v2/actions/actions/{created['id']}/deploy").json()
    assert version["status"] == "built" and version["runtime"] == runtime
    again = _create(api, "greets too", [{"name": "@acme/util", "version": "0.1.0"},
                                        {"name": "tiny-app", "version": "2.0.0"}], runtime)
    assert again["status"] == "built"  # the same set: found in the cache at once


def test_native_code_fails_the_build_naming_the_package(api: httpx.Client) -> None:  # noqa: F811
    created = _create(api, "native", [{"name": "uses-addon", "version": "1.0.0"}])
    refused = api.post(f"/api/v2/actions/actions/{created['id']}/deploy")
    assert refused.status_code == 400 and "built" in refused.json()["message"]  # Auth0's answer
    action = _settled(api, created["id"])
    assert action["status"] == "failed"
    [error] = action["errors"]
    assert error["id"] == "dependency_refused"
    assert error["msg"].startswith("dependencies uses-addon@1.0.0 is not installed: prebuilt-addon@1.0.0 "
                                   "(needed by uses-addon@1.0.0) is refused: it ships a native addon")
    deploy = api.post(f"/api/v2/actions/actions/{created['id']}/deploy")
    assert deploy.status_code == 400 and "prebuilt-addon@1.0.0" in deploy.json()["message"]


@pytest.mark.parametrize(("dependencies", "kind", "says"), [
    ([{"name": "ghost-package", "version": "1.0.0"}], "dependency_unresolvable",
     "dependency ghost-package@1.0.0 is not installed: ghost-package@1.0.0 cannot be installed: the npm registry "),
    ([{"name": "tampered", "version": "1.0.0"}], "dependency_unresolvable",
     "dependency tampered@1.0.0 is not installed: tampered@1.0.0 is refused: its tarball does not match"),
])
def test_a_bad_package_fails_and_a_patch_to_a_good_one_builds(api: httpx.Client, dependencies: list[dict[str, str]],  # noqa: F811
                                                               kind: str, says: str) -> None:
    created = _create(api, "bad", dependencies)
    failed = _settled(api, created["id"])
    assert failed["status"] == "failed" and failed["errors"][0]["id"] == kind
    assert failed["errors"][0]["msg"].startswith(says), failed["errors"][0]["msg"]
    patched = api.patch(f"/api/v2/actions/actions/{created['id']}",
                        json={"dependencies": [{"name": "tiny-greet", "version": "1.0.0"}]}).json()
    assert patched["status"] == "building"
    assert _settled(api, created["id"])["status"] == "built"


def test_a_range_is_refused_in_the_request(api: httpx.Client) -> None:  # noqa: F811
    created = _create(api, "ranged", [{"name": "tiny-greet", "version": "1.x"}])
    assert created["status"] == "failed"
    assert created["errors"][0]["id"] == "dependency_invalid"
    assert "pin one exact version (tiny-greet@1.2.3)" in created["errors"][0]["msg"]


@pytest.mark.skipif("node22" not in RUNTIMES_HERE, reason="needs the node22 runtime (runtime/node)")
def test_a_built_js_draft_requires_its_package_in_the_tenants_test(api: httpx.Client) -> None:  # noqa: F811
    from actions_studio.triggers import get_trigger

    created = _create(api, "greets", [{"name": "tiny-app", "version": "2.0.0"}])
    assert _settled(api, created["id"])["status"] == "built"
    tested = api.post(f"/api/v2/actions/actions/{created['id']}/test",
                      json={"payload": get_trigger("post-login").sample_event()}).json()["payload"]
    assert tested["status"] == "success", tested["actions"][0]["error"]
    assert tested["outcome"]["access_token"]["claims"]["https://acme/greeting"] == "hi app"

"""The tenant's npm toolchain (tenant/build.py) for node22 drafts: pins checked in the request,
the environment built in the background's call, looked up (never built) for a login."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.tenant import build

from .npm_registry import NpmRegistry


def _deps(*pins: str) -> list[dict[str, str]]:
    return [dict(zip(("name", "version"), p.split("==", 1))) for p in pins]


@pytest.mark.parametrize("runtime", ["node22", "node18"])
def test_a_node_drafts_packages_build_and_a_login_finds_them_without_npm(
        npm_env: Path, npm_registry: NpmRegistry, runtime: str) -> None:
    wanted = _deps("tiny-app==2.0.0", "@acme/util==0.1.0")
    assert build.pin_errors(wanted, runtime) == []
    assert not build.environment_ready(wanted, runtime)
    assert build.sys_path_for(wanted, runtime) == ()  # not built: a login gets nothing, waits for nothing
    assert build.dependency_errors(wanted, runtime) == []
    assert build.environment_ready(wanted, runtime)
    [where] = build.sys_path_for(wanted, runtime)
    assert (Path(where) / "node_modules" / "tiny-greet" / "index.js").is_file()
    npm_registry.stop()  # the registry gone: the built environment is still found
    try:
        assert build.sys_path_for(wanted, runtime) == (where,)
    finally:
        npm_registry.start()


def test_npm_pins_follow_npms_rules_not_pypis(npm_env: Path) -> None:
    assert build.pin_errors(_deps("@acme/util==0.1.0"), "node22") == []
    assert build.pin_errors(_deps("@acme/util==0.1.0"), "python3")[0]["id"] == "dependency_invalid"
    [error] = build.pin_errors(_deps("lodash==^4.17.0"), "node22")
    assert error["id"] == "dependency_invalid" and "pin one exact version (lodash@1.2.3)" in error["msg"]
    [error] = build.pin_errors([{"name": "lodash"}], "node22")
    assert error["msg"] == "npm dependency lodash has no version: pin it as lodash@version"


@pytest.mark.parametrize(("pins", "kind", "message"), [
    (["uses-addon==1.0.0"], "dependency_refused",
     "dependencies uses-addon@1.0.0 is not installed: prebuilt-addon@1.0.0 (needed by uses-addon@1.0.0) is "
     "refused: it ships a native addon"),
    (["has-postinstall==1.0.0", "tiny-greet==1.0.0"], "dependency_refused",
     "dependency has-postinstall@1.0.0 is not installed: has-postinstall@1.0.0 is refused: it has an install "
     "script (postinstall)"),
    (["tiny-greet==4.0.0"], "dependency_unresolvable",
     "dependency tiny-greet@4.0.0 is not installed: tiny-greet@4.0.0 cannot be installed: tiny-greet has no "
     "version 4.0.0"),
    (["tampered==1.0.0"], "dependency_unresolvable",
     "dependency tampered@1.0.0 is not installed: tampered@1.0.0 is refused: its tarball does not match"),
])
def test_a_failed_build_names_the_package(npm_env: Path, pins: list[str], kind: str, message: str) -> None:
    [error] = build.dependency_errors(_deps(*pins), "node22")
    assert error["id"] == kind and error["msg"].startswith(message), error["msg"]
    assert not build.environment_ready(_deps(*pins), "node22")

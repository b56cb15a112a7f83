"""Where the TypeScript service's files come from: the setup step's shared copy (found under the
suite's isolated home), the user's data-folder copy, or $ACTIONS_STUDIO_TYPESCRIPT; installs are
real npm runs, offline from npm's own cache (a test never downloads)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from actions_studio import nodejs
from actions_studio.analysis.typescript import install as ts
from actions_studio.analysis.typescript.install import (
    ENV_INSTALL,
    MARKER,
    TYPESCRIPT_VERSION,
    VERSIONS_KEY,
    TypeScriptInstallError,
    candidate_locations,
    find_install,
    install,
)


def test_the_suites_isolated_home_still_finds_the_setup_steps_copy(ts_install) -> None:
    home = Path(os.environ["ACTIONS_STUDIO_HOME"])
    assert ts.data_location() == home / "typescript" / VERSIONS_KEY
    assert ts_install.root == ts.shared_location() and not ts_install.root.is_relative_to(home)
    assert ts_install.typescript_version == TYPESCRIPT_VERSION
    assert ts_install.tsserver.is_file() and (ts_install.types_root / "node" / "index.d.ts").is_file()


def test_lookup_order_env_then_data_folder_then_shared(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_INSTALL, str(tmp_path / "elsewhere"))
    assert candidate_locations() == [tmp_path / "elsewhere", ts.data_location(), ts.shared_location()]
    monkeypatch.delenv(ENV_INSTALL)
    assert candidate_locations() == [ts.data_location(), ts.shared_location()]


def test_an_install_named_by_the_environment_is_used_first(ts_install, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_INSTALL, str(ts_install.root))
    assert find_install().root == ts_install.root


def test_a_folder_without_the_marker_is_no_install(ts_install, tmp_path: Path) -> None:
    # What an interrupted install leaves behind must never be used.
    half = tmp_path / VERSIONS_KEY
    (half / "node_modules").mkdir(parents=True)
    for package in ("typescript", "@types"):
        (half / "node_modules" / package).symlink_to(ts_install.root / "node_modules" / package)
    assert ts._read(half) is None
    (half / MARKER).write_text("{}")
    assert ts._read(half).root == half


def _npm_registry() -> str:
    # npm's cache is keyed by the registry URL the setup step used (npm's own configuration).
    env = {k: v for k, v in os.environ.items() if not k.startswith("npm_config_")}
    done = subprocess.run(nodejs.find_node().npm_command("config", "get", "registry"), capture_output=True,
                          text=True, timeout=60, env=env)
    return done.stdout.strip() or "https://registry.npmjs.org/"


@pytest.mark.slow
def test_an_offline_install_from_npms_cache_reports_progress_and_is_found_again(ts_install, tmp_path: Path) -> None:
    target = tmp_path / "data" / VERSIONS_KEY
    lines: list[str] = []
    try:
        done = install(target, progress=lines.append, offline=True, registry=_npm_registry())
    except TypeScriptInstallError as exc:
        if "ENOTCACHED" in str(exc) or "cache" in str(exc).lower():
            pytest.skip(f"npm's cache does not hold TypeScript {TYPESCRIPT_VERSION} (the setup step fills it): {exc}")
        raise
    assert done.root == target and done.typescript_version == TYPESCRIPT_VERSION
    assert json.loads((target / MARKER).read_text())["typescript"] == TYPESCRIPT_VERSION
    assert lines[0].startswith(f"installing TypeScript {TYPESCRIPT_VERSION}")
    assert any("typescript" in line for line in lines[1:-1])  # npm's own lines, as they came
    assert lines[-1] == f"installed TypeScript {TYPESCRIPT_VERSION} in {target}"
    assert [p.name for p in target.parent.iterdir()] == [VERSIONS_KEY]  # no staging folder left
    again: list[str] = []
    assert install(target, progress=again.append).root == target and again == []  # no npm run


def test_a_failed_install_says_why_in_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "data" / VERSIONS_KEY
    with pytest.raises(TypeScriptInstallError) as caught:
        install(target, offline=True, npm_cache=tmp_path / "empty-npm-cache", registry="http://127.0.0.1:9/")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"TypeScript {TYPESCRIPT_VERSION} could not be installed (npm: ")
    assert message.endswith("the JavaScript editor works without completions until it is")
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_a_missing_node_is_an_install_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "node"
    old.write_text("#!/bin/sh\necho v18.0.0\n")
    old.chmod(0o755)
    monkeypatch.setenv(nodejs.ENV_NODE, str(old))
    with pytest.raises(TypeScriptInstallError, match="needs Node 22 or newer"):
        install(tmp_path / VERSIONS_KEY)

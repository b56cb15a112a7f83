"""`actions-studio deps` end to end: a real workspace file, the local npm registry and wheelhouse,
real npm and pip; errors are one line on stderr with exit 2, and nothing typed is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app

from .npm_registry import NpmRegistry

JS = "exports.onExecutePostLogin = async (event, api) => {};\n"


@pytest.fixture
def cli(npm_env: Path, tmp_path: Path):
    runner = CliRunner()
    workspace = str(tmp_path / "w.sqlite")

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(app, ["--workspace", workspace, *args], catch_exceptions=False)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    code = tmp_path / "greets.js"
    code.write_text(JS)
    invoke("actions", "new", "greets", "--trigger", "post-login", "--code", str(code))
    return invoke


def test_npm_packages_are_set_pinned_installed_and_shown(cli, npm_env: Path) -> None:
    done = cli("deps", "set", "greets", "tiny-app", "@acme/util@0.1.0")
    assert done.stdout == "greets: tiny-app@2.0.0, @acme/util@0.1.0 installed (3 package(s))\n"
    shown = json.loads(cli("deps", "show", "greets", "--json").stdout)
    assert shown["dependencies"] == ["tiny-app@2.0.0", "@acme/util@0.1.0"]
    assert shown["runtime"] == "node22" and shown["source"] == "npm" and shown["state"] == "installed"
    assert (Path(shown["environment"]) / "node_modules" / "tiny-app").is_dir()
    assert cli("deps", "show", "greets").stdout == "tiny-app@2.0.0\n@acme/util@0.1.0\n"
    # The cache cleared: `install` builds it again from the saved list.
    shutil.rmtree(npm_env / "environments" / "npm" / "envs")
    assert json.loads(cli("deps", "show", "greets", "--json").stdout)["state"] == "not installed"
    assert cli("deps", "install").stdout == "greets: installed tiny-app@2.0.0, @acme/util@0.1.0\n"
    assert cli("deps", "install", "greets").stdout == "greets: reused tiny-app@2.0.0, @acme/util@0.1.0\n"


def test_a_refused_package_is_one_line_and_the_list_is_kept(cli) -> None:
    failed = cli("deps", "set", "greets", "tiny-greet@1.0.0", "uses-addon@1.0.0", code=2)
    [line] = failed.stderr.strip().splitlines()[-1:]
    assert line.startswith("error: prebuilt-addon@1.0.0 (needed by uses-addon@1.0.0) is refused: it ships a "
                           "native addon (build/Release/addon.node)")
    assert cli("deps", "show", "greets").stdout == "tiny-greet@1.0.0\nuses-addon@1.0.0\n"
    assert cli("deps", "install", code=2).stderr.strip().splitlines()[-1].startswith(
        "error: greets: prebuilt-addon@1.0.0 (needed by uses-addon@1.0.0) is refused")


@pytest.mark.parametrize(("pins", "says"), [
    (["lodash@^4.17.0"], "error: invalid npm dependency 'lodash@^4.17.0': pin one exact version"),
    (["ghost-package@1.0.0"], "error: ghost-package@1.0.0 cannot be installed: the npm registry "),
    (["tiny-greet@1.0.0", "tiny-greet@1.1.0"], "error: npm dependency listed twice: tiny-greet"),
])
def test_bad_input_changes_nothing(cli, pins: list[str], says: str) -> None:
    cli("deps", "set", "greets", "tiny-greet@1.1.0")
    failed = cli("deps", "set", "greets", *pins, code=2)
    assert failed.stderr.strip().splitlines()[-1].startswith(says), failed.stderr
    if "ghost" not in says:  # refused before anything was saved
        assert cli("deps", "show", "greets").stdout == "tiny-greet@1.1.0\n"


def test_settings_show_and_store_where_packages_come_from(cli, npm_registry: NpmRegistry,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert json.loads(cli("deps", "settings", "--json").stdout)["npm_registry"] == npm_registry.url
    monkeypatch.delenv("ACTIONS_STUDIO_NPM_REGISTRY")
    stored = json.loads(cli("deps", "settings", "--npm-registry", "http://127.0.0.1:9/", "--json").stdout)
    assert stored["npm_registry"] == "http://127.0.0.1:9"
    failed = cli("deps", "set", "greets", "tiny-greet@1.0.0", code=2)
    assert "the npm registry http://127.0.0.1:9 cannot be reached" in failed.stderr
    assert cli("deps", "settings", "--timeout", "soon", code=2).stderr == \
        "error: --timeout 'soon' is not a number of seconds\n"


def test_a_python_action_takes_pypi_packages_through_the_same_commands(cli, tmp_path: Path) -> None:
    code = tmp_path / "greets.py"
    code.write_text("def on_execute_post_login(event, api):\n    pass\n")
    cli("actions", "new", "py", "--trigger", "post-login", "--code", str(code))
    assert cli("deps", "set", "py", "Tiny_Greeter").stdout == "py: tiny-greeter==1.1 installed (1 package(s))\n"
    assert json.loads(cli("deps", "show", "py", "--json").stdout)["source"] == "pypi"
    assert cli("deps", "set", "py", "tiny-greeter@1.0", code=2).stderr.startswith("error: invalid dependency")

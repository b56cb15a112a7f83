"""Through the real CLI: a truncated workspace is refused and `workspace restore` brings it back;
the vault's warnings and refusals reach the terminal (issue 13, items 12 and 13)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ACTIONS_STUDIO_HOME": str(tmp_path / "home"), "ACTIONS_STUDIO_VAULT": "file"}


def run(env: dict[str, str], *args: str, code: int = 0, input: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "actions_studio", *args], input=input,
                          capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    assert done.returncode == code, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done


def test_a_truncated_workspace_is_refused_then_restored_from_its_backup(env: dict[str, str]) -> None:
    home = Path(env["ACTIONS_STUDIO_HOME"])
    workspace = home / "workspace.sqlite"
    run(env, "actions", "new", "tag roles", "--trigger", "post-login")
    run(env, "actions", "list")  # the first open of the day after creation keeps a backup
    listed = json.loads(run(env, "workspace", "restore", "--json").stdout)
    assert [(b["index"], b["kind"]) for b in listed] == [(1, "daily")]
    assert Path(listed[0]["path"]).parent == home / "backups" and listed[0]["size"] > 0

    workspace.write_bytes(b"")
    for args in (["actions", "list"], ["actions", "new", "other", "--trigger", "post-login"]):
        refused = run(env, *args, code=2)
        line = refused.stderr.strip()
        assert len(line.splitlines()) == 1
        assert "is empty (0 bytes)" in line and listed[0]["name"] in line
        assert "`actions-studio workspace restore 1`" in line
    assert workspace.stat().st_size == 0  # never re-created as an empty workspace

    table = run(env, "workspace", "restore").stdout
    assert listed[0]["name"] in table and "daily" in table and "KiB" in table
    done = run(env, "workspace", "restore", "1")
    assert f"restored the workspace from {listed[0]['name']}" in done.stdout
    names = [a["name"] for a in json.loads(run(env, "actions", "list", "--json").stdout)]
    assert names == ["tag roles"]
    after = json.loads(run(env, "workspace", "restore", "--json").stdout)
    assert sorted(b["kind"] for b in after) == ["daily", "replaced"]  # the empty file, kept aside

    wrong = run(env, "workspace", "restore", "9", code=2)
    assert wrong.stderr.startswith("error: no backup '9'") and len(wrong.stderr.strip().splitlines()) == 1


def test_restore_with_no_backups_says_so(env: dict[str, str]) -> None:
    assert "no backups yet" in run(env, "workspace", "restore").stdout
    assert json.loads(run(env, "workspace", "restore", "--json").stdout) == []


def test_vault_warnings_and_a_missing_key_reach_the_terminal(env: dict[str, str]) -> None:
    config = Path(env["ACTIONS_STUDIO_HOME"]) / "config"
    run(env, "actions", "new", "a", "--trigger", "post-login")
    run(env, "secrets", "set", "a", "API_KEY", input="value-1234\n")
    os.chmod(config / "vault.key", 0o644)
    listed = run(env, "secrets", "list", "a")
    assert listed.stdout.strip() == "API_KEY"
    assert listed.stderr.startswith("warning: ") and "vault.key was readable by other users" in listed.stderr
    assert stat.S_IMODE((config / "vault.key").stat().st_mode) == 0o600
    assert run(env, "secrets", "list", "a").stderr == ""  # fixed: said once

    before = (config / "vault.bin").read_bytes()
    (config / "vault.key").unlink()
    refused = run(env, "secrets", "set", "a", "OTHER", input="v-5678\n", code=2)
    assert "vault.key is missing while the vault" in refused.stderr and "no new key was made" in refused.stderr
    assert not (config / "vault.key").exists() and (config / "vault.bin").read_bytes() == before


def test_secrets_list_says_which_names_have_no_value_here(env: dict[str, str], tmp_path: Path) -> None:
    run(env, "actions", "new", "a", "--trigger", "post-login")
    run(env, "secrets", "set", "a", "API_KEY", input="value-1234\n")
    run(env, "secrets", "set", "a", "TOKEN", input="value-5678\n")
    run(env, "export", str(tmp_path / "repo"))
    other = {**env, "ACTIONS_STUDIO_HOME": str(tmp_path / "elsewhere")}  # values are never exported
    run(other, "import", str(tmp_path / "repo"))
    run(other, "secrets", "set", "a", "TOKEN", input="here-9012\n")
    text = run(other, "secrets", "list", "a").stdout.splitlines()
    assert text == ["API_KEY  (no value in this workspace: `secrets set a API_KEY`)", "TOKEN"]
    assert json.loads(run(other, "secrets", "list", "a", "--json").stdout) == [
        {"name": "API_KEY", "has_value": False}, {"name": "TOKEN", "has_value": True}]

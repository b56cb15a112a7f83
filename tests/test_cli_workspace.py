"""The workspace CLI end to end: real workspace files, the real sandbox, real processes for the
exit-code and stdin contracts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app
from actions_studio.triggers import get_trigger

OK_CODE = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://acme/x', 1)\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ACTIONS_STUDIO_HOME": str(tmp_path / "home"), "ACTIONS_STUDIO_VAULT": "file"}


@pytest.fixture
def cli(env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, code: int = 0):
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    return invoke


def _real(env: dict[str, str], *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "actions_studio", *args], input=input,
                          capture_output=True, text=True, timeout=60, env={**os.environ, **env})


def _fixture_file(tmp_path: Path, name: str, action: str | None, expect: dict | None) -> Path:
    doc: dict = {"name": name, "trigger": "post-login"}
    if action:
        doc["action"] = action
    doc["event"] = get_trigger("post-login").sample_event()
    if expect:
        doc["expect"] = expect
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_action_lifecycle(cli, tmp_path: Path) -> None:
    code = tmp_path / "a.py"
    code.write_text(OK_CODE, encoding="utf-8")
    cli("actions", "new", "add-x", "--trigger", "post-login")
    assert "def on_execute_post_login" in cli("actions", "show", "add-x").stdout
    cli("actions", "update", "add-x", "--code", str(code))
    assert cli("actions", "deploy", "add-x", "--note", "first").stdout == "deployed add-x as v1\n"
    code.write_text(OK_CODE.replace("1)", "2)"), encoding="utf-8")
    cli("actions", "update", "add-x", "--code", str(code))
    assert json.loads(cli("actions", "deploy", "add-x", "--json").stdout) == {"name": "add-x", "version": 2}
    assert cli("actions", "revert", "add-x", "1").stdout == "deployed add-x as v3 (a copy of v1)\n"
    versions = json.loads(cli("actions", "versions", "add-x", "--json").stdout)
    assert [(v["number"], v["deployed"], v["note"]) for v in versions] == [
        (3, True, "revert to version 1"), (2, False, None), (1, False, "first")]
    diff = cli("actions", "diff", "add-x", "1", "draft").stdout
    assert "-    api.access_token.set_custom_claim('https://acme/x', 1)" in diff
    assert cli("actions", "show", "add-x", "--version", "1").stdout == OK_CODE
    listed = json.loads(cli("actions", "list", "--json").stdout)
    assert [(a["name"], a["deployed_version"]) for a in listed] == [("add-x", 3)]
    assert "add-x" in cli("actions", "list").stdout
    cli("flows", "set", "post-login", "add-x")
    assert json.loads(cli("flows", "show", "post-login", "--json").stdout) == [
        {"name": "add-x", "deployed_version": 3}]
    cli("actions", "delete", "add-x", code=2)
    cli("actions", "delete", "add-x", "--force")
    assert json.loads(cli("actions", "list", "--json").stdout) == []


def test_fixtures_and_test_with_junit(cli, tmp_path: Path) -> None:
    code = tmp_path / "a.py"
    code.write_text(OK_CODE, encoding="utf-8")
    cli("actions", "new", "a", "--trigger", "post-login", "--code", str(code))
    cli("fixtures", "add", str(_fixture_file(tmp_path, "passes", "a", {"status": "success"})))
    cli("fixtures", "add", str(_fixture_file(tmp_path, "fails", "a", {
        "outcome": {"access_token": {"claims": {"https://acme/x": 2}}}})))
    cli("fixtures", "add", str(_fixture_file(tmp_path, "plain", None, None)))
    listed = json.loads(cli("fixtures", "list", "--json").stdout)
    assert [(f["name"], f["has_expectation"]) for f in listed] == [
        ("fails", True), ("passes", True), ("plain", False)]
    shown = json.loads(cli("fixtures", "show", "passes").stdout)
    assert shown["action"] == "a" and shown["expect"] == {"status": "success"}
    junit = tmp_path / "out" / "junit.xml"
    result = cli("test", "--junit", str(junit), code=1)
    assert "1 passed, 1 failed" in result.stdout
    assert "outcome.access_token.claims.https://acme/x: expected 2, got 1" in result.stdout
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["fails"]
    as_json = json.loads(cli("test", "--json", code=1).stdout)
    assert [(r["fixture"], r["passed"]) for r in as_json] == [("fails", False), ("passes", True)]


def test_export_and_import_through_the_cli(cli, tmp_path: Path) -> None:
    cli("actions", "new", "a", "--trigger", "post-login")
    cli("actions", "deploy", "a")
    out = tmp_path / "repo"
    cli("export", str(out))
    assert (out / "actions" / "a.json").is_file() and (out / "flows" / "flows.json").is_file()
    other = str(tmp_path / "other.sqlite")
    first = json.loads(cli("--workspace", other, "import", str(out), "--json").stdout)
    assert first == {"created": ["action a"], "changed": [], "unchanged": []}
    again = json.loads(cli("--workspace", other, "import", str(out), "--json").stdout)
    assert again == {"created": [], "changed": [], "unchanged": ["action a"]}
    assert "unchanged (1): action a" in cli("--workspace", other, "import", str(out)).stdout


def test_secrets_come_from_stdin_and_never_show(env: dict[str, str], tmp_path: Path) -> None:
    canary = "cli-canary-value-0c4a"
    assert _real(env, "actions", "new", "a", "--trigger", "post-login").returncode == 0
    done = _real(env, "secrets", "set", "a", "API_KEY", input=canary + "\n")
    assert done.returncode == 0, done.stderr
    assert canary not in done.stdout + done.stderr
    listed = _real(env, "secrets", "list", "a", "--json")
    assert json.loads(listed.stdout) == [{"name": "API_KEY", "has_value": True}]
    assert canary not in listed.stdout
    too_long = _real(env, "secrets", "set", "a", "BIG", input="x" * 5000)
    assert too_long.returncode == 2
    assert too_long.stderr.strip() == "error: secret BIG: the value has 5000 characters; the limit is 4096"
    home = Path(env["ACTIONS_STUDIO_HOME"])
    for path in home.rglob("*"):
        if path.is_file():
            assert canary.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(("args", "message"), [
    (["actions", "show", "ghost"], "error: no action named 'ghost'"),
    (["actions", "new", "x", "--trigger", "post-logn"], "error: unknown trigger 'post-logn'; valid triggers:"),
    (["actions", "diff", "ghost", "1", "latest"], "error: 'latest' is neither a version number nor 'draft'"),
    (["fixtures", "add", "/nonexistent/f.json"], "error: cannot read fixture file /nonexistent/f.json"),
    (["flows", "set", "post-login", "ghost"], "error: no action named 'ghost'"),
    (["import", "/nonexistent/dir"], "error: /nonexistent/dir is not a folder"),
])
def test_errors_are_one_line_and_exit_2(env: dict[str, str], args: list[str], message: str) -> None:
    done = _real(env, *args)
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_syntax_error_refuses_the_deploy_with_its_line(env: dict[str, str], tmp_path: Path) -> None:
    code = tmp_path / "bad.py"
    code.write_text("def on_execute_post_login(event, api):\n    return (\n", encoding="utf-8")
    assert _real(env, "actions", "new", "bad", "--trigger", "post-login", "--code", str(code)).returncode == 0
    done = _real(env, "actions", "deploy", "bad")
    assert done.returncode == 2
    assert "deploy refused: bad.py does not compile" in done.stderr and "(line 2)" in done.stderr


def test_a_workspace_that_is_not_one_is_a_clear_error(env: dict[str, str], tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"x" * 4096)
    done = _real(env, "--workspace", str(junk), "actions", "list")
    assert done.returncode == 2 and "not a readable workspace file" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_default_workspace_lives_under_the_home_override(env: dict[str, str]) -> None:
    assert _real(env, "actions", "new", "a", "--trigger", "post-login").returncode == 0
    assert (Path(env["ACTIONS_STUDIO_HOME"]) / "workspace.sqlite").is_file()


# -- actions new --runtime node22 ----------------------------------------------------------------


def test_actions_new_runtime_node22_starts_from_the_triggers_js_template(cli) -> None:
    from actions_studio.services.templates import template_for

    created = cli("actions", "new", "gate", "--trigger", "credentials-exchange", "--runtime", "node22")
    assert created.stdout.strip() == ("created gate (credentials-exchange v2, node22); "
                                      "the draft is not deployed yet")
    shown = json.loads(cli("actions", "show", "gate", "--json").stdout)
    assert shown["runtime"] == "node22"
    assert shown["code"] == template_for("credentials-exchange", "node22")
    assert "exports.onExecuteCredentialsExchange = async (event, api) =>" in shown["code"]


def test_actions_new_runtime_follows_a_js_code_file_and_the_option_wins(cli, tmp_path: Path) -> None:
    code = tmp_path / "gate.js"
    code.write_text("exports.onExecutePostLogin = async (event, api) => {};\n", encoding="utf-8")
    cli("actions", "new", "from-js", "--trigger", "post-login", "--code", str(code))
    cli("actions", "new", "forced", "--trigger", "post-login", "--code", str(code), "--runtime", "python3")
    listed = {a["name"]: a["runtime"] for a in json.loads(cli("actions", "list", "--json").stdout)}
    assert listed == {"from-js": "node22", "forced": "python3"}


def test_actions_new_with_an_unknown_runtime_creates_nothing(cli) -> None:
    refused = cli("actions", "new", "gate", "--trigger", "post-login", "--runtime", "node12", code=2)
    assert refused.stderr.strip() == ("error: unknown runtime 'node12'; available: python3, node22 "
                                      "(node18 is taken as node22)")
    assert json.loads(cli("actions", "list", "--json").stdout) == []


NODE18_NOTICE = ("Auth0 deprecated node18 (Node 18 gets no security fixes); it runs on Node 22, as Auth0 "
                 "runs it once Node 18 is removed from a tenant")


def test_actions_new_runtime_node18_is_a_node22_action_with_a_notice(cli) -> None:
    created = cli("actions", "new", "old", "--trigger", "post-login", "--runtime", "node18")
    assert created.stderr.strip() == f"note: {NODE18_NOTICE}; old is a node22 action"
    shown = json.loads(cli("actions", "show", "old", "--json").stdout)
    assert shown["runtime"] == "node22" and "exports.onExecutePostLogin" in shown["code"]


def test_an_export_naming_node18_imports_as_node22_and_says_so(cli, tmp_path: Path) -> None:
    cli("actions", "new", "old", "--trigger", "post-login", "--runtime", "node22")
    cli("export", str(tmp_path / "out"))
    cli("actions", "delete", "old")
    spec = tmp_path / "out" / "actions" / "old.json"
    spec.write_text(spec.read_text(encoding="utf-8").replace('"node22"', '"node18"'), encoding="utf-8")
    imported = cli("import", str(tmp_path / "out"))
    assert "created (1): action old" in imported.stdout
    assert imported.stderr.strip() == f"note: action old: {NODE18_NOTICE}; stored as node22"
    assert json.loads(cli("actions", "show", "old", "--json").stdout)["runtime"] == "node22"
    again = json.loads(cli("import", str(tmp_path / "out"), "--json").stdout)
    assert again["unchanged"] == ["action old"]  # node18 in the file is node22 here: no change
    assert again["notes"] == [f"action old: {NODE18_NOTICE}; stored as node22"]


@pytest.mark.parametrize("runtime", ['"node12"', '["node18"]', "18"])
def test_an_export_naming_another_runtime_is_refused_and_imports_nothing(cli, tmp_path: Path, runtime) -> None:
    cli("actions", "new", "old", "--trigger", "post-login", "--runtime", "node22")
    cli("export", str(tmp_path / "out"))
    cli("actions", "delete", "old")
    spec = tmp_path / "out" / "actions" / "old.json"
    spec.write_text(spec.read_text(encoding="utf-8").replace('"node22"', runtime), encoding="utf-8")
    refused = cli("import", str(tmp_path / "out"), code=2)
    assert refused.stderr.startswith("error: actions/old.json: unknown runtime ")
    assert json.loads(cli("actions", "list", "--json").stdout) == []

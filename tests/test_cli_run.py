"""`actions-studio run` / `flow` end to end: the real console script, the real sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "actions_studio"]

ALLOW = """
def on_execute_post_login(event, api):
    print("hello", event.user.email)
    api.access_token.set_custom_claim("https://acme.example/plan", "gold")
"""

DENY = """
def on_execute_post_login(event, api):
    api.access.deny("no entry for " + event.user.email)
"""

BOOM = """
def helper():
    raise RuntimeError("boom")

def on_execute_post_login(event, api):
    helper()
"""

LOOP = """
def on_execute_post_login(event, api):
    while True:
        pass
"""

SECRET = """
def on_execute_post_login(event, api):
    print("key is", event.secrets["API_KEY"])
"""


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONS_STUDIO")}
    return subprocess.run(
        [*CLI, *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd, env=env
    )


@pytest.fixture
def write(tmp_path: Path):
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def test_run_prints_exactly_the_execution_result_json(write) -> None:
    proc = run_cli("run", write("allow.py", ALLOW), "--trigger", "post-login", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "success"
    assert result["outcome"]["access_token"]["claims"] == {"https://acme.example/plan": "gold"}
    assert result["actions"][0]["name"] == "allow"
    assert result["actions"][0]["version"] is None
    assert "hello" in result["actions"][0]["logs"]
    assert set(result) >= {"trigger", "status", "actions", "outcome", "stats"}


def test_run_human_summary_names_the_claim_and_console(write) -> None:
    proc = run_cli("run", write("allow.py", ALLOW), "--trigger", "post-login")
    assert proc.returncode == 0, proc.stderr
    assert "SUCCESS" in proc.stdout
    assert "https://acme.example/plan" in proc.stdout
    assert "hello" in proc.stdout


def test_denied_is_a_completed_execution(write) -> None:
    proc = run_cli("run", write("deny.py", DENY), "--trigger", "post-login", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "denied"
    assert result["outcome"]["denied"]["reason"].startswith("no entry for ")


def test_an_error_exits_1_with_the_line_of_the_action(write) -> None:
    proc = run_cli("run", write("boom.py", BOOM), "--trigger", "post-login", "--json")
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["actions"][0]["error"]
    assert error["type"] == "RuntimeError"
    assert error["message"] == "boom"
    assert error["line"] == 3


def test_a_syntax_error_is_the_actions_error_with_its_line(write) -> None:
    code = "def on_execute_post_login(event, api):\n    x = (\n"
    proc = run_cli("run", write("broken.py", code), "--trigger", "post-login", "--json")
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["actions"][0]["error"]
    assert error["type"] == "SyntaxError"
    assert error["line"] in (2, 3)


def test_timeout_exits_1(write) -> None:
    proc = run_cli("run", write("loop.py", LOOP), "--trigger", "post-login", "--timeout", "1", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["status"] == "timeout"


def test_secret_reaches_the_action_and_is_redacted_from_its_console(write) -> None:
    proc = run_cli(
        "run", write("s.py", SECRET), "-t", "post-login", "--secret", "API_KEY=sup3r-s3cret", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    assert "sup3r-s3cret" not in proc.stdout
    assert "key is" in json.loads(proc.stdout)["actions"][0]["logs"]


def test_flow_runs_in_order_and_skips_after_a_deny(write) -> None:
    files = [write("first.py", ALLOW), write("gate.py", DENY), write("never.py", ALLOW)]
    proc = run_cli("flow", "--trigger", "post-login", "--json", *files)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert [(a["name"], a["status"]) for a in result["actions"]] == [
        ("first", "success"),
        ("gate", "denied"),
        ("never", "skipped"),
    ]
    assert result["status"] == "denied"


def test_a_flow_of_exported_files_takes_the_action_folders_names() -> None:
    acme = Path(__file__).resolve().parent.parent / "examples" / "acme" / "actions"
    files = [acme / name / "code.py" for name in ("deny-unverified-email", "add-roles-claims")]
    proc = run_cli("flow", "--trigger", "post-login", "--json", *files)
    assert proc.returncode == 0, proc.stderr
    assert [a["name"] for a in json.loads(proc.stdout)["actions"]] == ["deny-unverified-email", "add-roles-claims"]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown-trigger", ["post-logon", "post-login", "credentials-exchange"]),
        ("invalid-json", ["not valid JSON", "line 2"]),
        ("invalid-event", ["stats.logins_count"]),
        ("no-handler", ["on_execute_post_login"]),
        ("missing-file", ["cannot read action file"]),
        ("bad-secret", ["NAME=VALUE"]),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(write, tmp_path: Path, case: str, expected: list[str]) -> None:
    from actions_studio.triggers import get_trigger

    action = write("ok.py", ALLOW)
    args: list[str | Path] = ["run", action, "--trigger", "post-login"]
    if case == "unknown-trigger":
        args = ["run", action, "--trigger", "post-logon"]
    elif case == "invalid-json":
        args += ["--event", write("bad.json", '{"user":\n  {,}\n}')]
    elif case == "invalid-event":
        event = get_trigger("post-login").sample_event()
        event["stats"]["logins_count"] = "many"
        args += ["--event", write("event.json", json.dumps(event))]
    elif case == "no-handler":
        args = ["run", write("nohandler.py", "def on_execute_post_logn(event, api):\n    pass\n"), "-t", "post-login"]
    elif case == "missing-file":
        args = ["run", tmp_path / "absent.py", "-t", "post-login"]
    elif case == "bad-secret":
        args += ["--secret", "JUSTANAME"]
    proc = run_cli(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    for fragment in expected:
        assert fragment in proc.stderr


def test_stubs_command_writes_the_shipped_stubs(tmp_path: Path) -> None:
    from actions_studio.resources import stubs_dir

    proc = run_cli("stubs", "--out", tmp_path / "typings")
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.relative_to(tmp_path / "typings") for p in (tmp_path / "typings").rglob("*.pyi"))
    shipped = sorted(p.relative_to(stubs_dir()) for p in stubs_dir().rglob("*.pyi"))
    assert written and written == shipped
    for rel in written:
        assert (tmp_path / "typings" / rel).read_text() == (stubs_dir() / rel).read_text()


def test_event_patch_merges_a_partial_event_over_the_sample(write) -> None:
    # Issue 12 item 6: this partial event was eight "required field is missing" lines.
    patch = write("e.json", json.dumps({"user": {"email": "x@blocked.com"}}))
    proc = run_cli("run", write("gate.py", DENY), "--trigger", "post-login", "--event-patch", patch, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "denied" and result["outcome"]["denied"]["reason"] == "no entry for x@blocked.com"


def test_a_partial_event_is_one_headline_and_the_fields(write) -> None:
    partial = write("e.json", json.dumps({"user": {"email": "x@blocked.com"}}))
    proc = run_cli("run", write("ok.py", ALLOW), "--trigger", "post-login", "--event", partial)
    assert proc.returncode == 2
    headline, *fields = proc.stderr.rstrip("\n").splitlines()
    assert headline == (f"error: event file {partial} does not match the post-login event "
                        "(8 fields; --event-patch FILE starts from the sample event):")
    assert fields[0] == "  user.user_id: required field is missing" and len(fields) == 8
    assert all(line.startswith("  ") and line.endswith(": required field is missing") for line in fields)


@pytest.mark.parametrize(("patch", "message"), [
    ('{"user": {"email": 5}}', "error: the sample event patched by"),
    ("[1]", "must hold a JSON object of the fields to change"),
    ("{", "is not valid JSON"),
])
def test_a_bad_event_patch_is_named(write, patch: str, message: str) -> None:
    proc = run_cli("run", write("ok.py", ALLOW), "-t", "post-login", "--event-patch", write("p.json", patch))
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_event_and_event_patch_together_are_refused(write) -> None:
    event = write("e.json", "{}")
    proc = run_cli("run", write("ok.py", ALLOW), "-t", "post-login", "--event", event, "--event-patch", event)
    assert proc.returncode == 2 and "not both" in proc.stderr


# -- JavaScript files (node22) ---------------------------------------------------------------------


JS_ALLOW = """\
exports.onExecutePostLogin = async (event, api) => {
  console.log('hello', event.user.email);
  api.accessToken.setCustomClaim('https://acme.example/plan', 'gold');
};
"""

JS_DENY = """\
exports.onExecutePostLogin = async (event, api) => {
  api.access.deny('no entry for ' + event.user.email);
};
"""

JS_BOOM = """\
function helper() {
  throw new Error('boom');
}
exports.onExecutePostLogin = async (event, api) => {
  helper();
};
"""


def run_js_cli(*args: str | Path, node: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONS_STUDIO")}
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120,
                          env={**env, "ACTIONS_STUDIO_NODE": node})


@pytest.mark.parametrize(("node", "why"), [
    ("/nonexistent/node", "which is not a node executable nor a folder holding one"),
    ("/usr/bin/node", "the studio needs Node 22 or newer"),   # Debian's Node 20, where present
])
def test_a_js_file_without_a_usable_node_is_one_clear_line(write, node: str, why: str) -> None:
    if node == "/usr/bin/node" and not Path(node).is_file():
        pytest.skip("no system Node on this machine")
    proc = run_js_cli("run", write("allow.js", JS_ALLOW), "-t", "post-login", node=node)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"error: {Path(proc.args[4])} is a node22 action but the node runtime is missing: ")
    assert why in line and "Traceback" not in proc.stderr and proc.stdout == ""


def test_a_python_file_does_not_need_node(write) -> None:
    proc = run_js_cli("run", write("allow.py", ALLOW), "-t", "post-login", "--json", node="/nonexistent/node")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "success"


def test_a_js_file_without_the_triggers_handler_is_bad_input(write) -> None:
    proc = run_cli("run", write("m2m.js", JS_ALLOW), "-t", "credentials-exchange")
    assert proc.returncode == 2
    assert "m2m.js has no onExecuteCredentialsExchange(event, api) handler for trigger credentials-exchange" in proc.stderr
    assert "exports.onExecuteCredentialsExchange = async (event, api)" in proc.stderr


def test_an_unknown_runtime_is_bad_input(write) -> None:
    proc = run_cli("run", write("allow.js", JS_ALLOW), "-t", "post-login", "--runtime", "node12")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: --runtime: unknown runtime 'node12'; available: python3, node22 "
                                   "(node18 is taken as node22)")


JS_VERSION = """\
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/node', process.version);
};
"""


def test_a_node18_action_runs_on_node_22_with_one_line_saying_auth0_deprecated_node18(write) -> None:
    # Auth0 runs a node18 action on Node 22 once Node 18 is removed from a tenant; so does the studio.
    proc = run_cli("run", write("old.js", JS_VERSION), "-t", "post-login", "--runtime", "node18", "--json")
    assert proc.returncode == 0, proc.stderr
    claim = json.loads(proc.stdout)["outcome"]["id_token"]["claims"]["https://x/node"]
    assert claim.startswith("v22.")
    assert proc.stderr.splitlines() == [
        "note: --runtime node18: Auth0 deprecated node18 (Node 18 gets no security fixes); it runs on "
        "Node 22, as Auth0 runs it once Node 18 is removed from a tenant"]


def test_runtime_python3_makes_a_js_file_python(write) -> None:
    # --runtime wins over the extension: JavaScript read as Python is a Python syntax error.
    proc = run_cli("run", write("allow.js", JS_ALLOW), "-t", "post-login", "--runtime", "python3", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["actions"][0]["error"]["type"] == "SyntaxError"


def test_a_js_file_runs_and_gives_the_same_result_as_python(write) -> None:
    js = run_cli("run", write("allow.js", JS_ALLOW), "--trigger", "post-login", "--json")
    py = run_cli("run", write("allow.py", ALLOW), "--trigger", "post-login", "--json")
    assert js.returncode == 0 and py.returncode == 0, js.stderr + py.stderr
    js_result, py_result = json.loads(js.stdout), json.loads(py.stdout)
    assert js_result["status"] == "success"
    assert js_result["outcome"] == py_result["outcome"]
    assert js_result["actions"][0]["calls"] == py_result["actions"][0]["calls"]
    assert js_result["actions"][0]["logs"] == py_result["actions"][0]["logs"]


def test_runtime_node22_makes_any_file_javascript(write) -> None:
    proc = run_cli("run", write("allow.txt", JS_ALLOW), "-t", "post-login", "--runtime", "node22", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["outcome"]["access_token"]["claims"] == {"https://acme.example/plan": "gold"}


def test_a_js_error_exits_1_with_the_line_of_the_action(write) -> None:
    proc = run_cli("run", write("boom.js", JS_BOOM), "-t", "post-login", "--json")
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["actions"][0]["error"]
    assert (error["type"], error["message"], error["line"]) == ("Error", "boom", 2)


def test_a_js_syntax_error_is_the_actions_error_with_its_line(write) -> None:
    code = "exports.onExecutePostLogin = async (event, api) => {\n  let x = (\n};\n"
    proc = run_cli("run", write("broken.js", code), "-t", "post-login", "--json")
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["actions"][0]["error"]
    assert error["type"] == "SyntaxError" and error["line"] == 3


def test_a_flow_mixes_python_and_javascript_files(write) -> None:
    files = [write("first.py", ALLOW), write("gate.js", JS_DENY), write("never.js", JS_ALLOW)]
    proc = run_cli("flow", "--trigger", "post-login", "--json", *files)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert [(a["name"], a["status"]) for a in result["actions"]] == [
        ("first", "success"), ("gate", "denied"), ("never", "skipped")]
    assert result["outcome"]["denied"]["reason"].startswith("no entry for ")

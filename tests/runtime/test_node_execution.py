"""node22 actions through the real sandbox: Auth0's programming model, errors, console, require,
warm workers, and failures of the worker as error results."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from actions_studio.runtime import Sandbox, SandboxLimits

from .node_cases import js

CLAIM = "exports.onExecutePostLogin = async (event, api) => {\n  api.accessToken.setCustomClaim('https://x/c', 1);\n};\n"


def test_module_exports_object_and_plain_functions(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "function go(event, api) { api.idToken.setCustomClaim('https://x/a', event.user.user_id); }\nmodule.exports = { onExecutePostLogin: go };\n"
    result = sandbox.run_action("post-login", js("plain", code), event)
    assert result.status == "success"
    assert result.outcome["id_token"]["claims"] == {"https://x/a": event["user"]["user_id"]}


def test_the_event_is_a_copy(sandbox: Sandbox, event: dict[str, Any]) -> None:
    change = "exports.onExecutePostLogin = (event, api) => {\n  event.user.email = 'evil@x';\n  event.user.app_metadata.roles = ['root'];\n};\n"
    read = "exports.onExecutePostLogin = (event, api) => {\n  api.idToken.setCustomClaim('https://x/e', event.user.email);\n};\n"
    result = sandbox.run_flow("post-login", [js("change", change), js("read", read)], event)
    assert result.outcome["id_token"]["claims"] == {"https://x/e": event["user"]["email"]}
    assert result.outcome["user"]["app_metadata"] == {}


def test_top_level_throw_fails_with_its_line_every_time(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "const a = 1;\nthrow new RangeError('bad config');\nexports.onExecutePostLogin = () => {};\n"
    for _ in range(2):
        error = sandbox.run_action("post-login", js("top", code), event).actions[0].error
        assert (error.type, error.message, error.line) == ("RangeError", "bad config", 2)


def test_a_syntax_error_names_its_line(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = (event, api) => {\n  const x = ;\n};\n"
    error = sandbox.run_action("post-login", js("syntax", code), event).actions[0].error
    assert error.type == "SyntaxError" and error.line == 2


def test_an_error_in_the_handler_has_type_message_stack_and_line(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "function helper(x) {\n  return x.missing.deeper;\n}\nexports.onExecutePostLogin = async (event, api) => {\n  await Promise.resolve();\n  helper({});\n};\n"
    error = sandbox.run_action("post-login", js("boom", code), event).actions[0].error
    assert error.type == "TypeError" and error.line == 2
    assert "Cannot read properties of undefined" in error.message
    assert "<action:boom>:2" in error.traceback and "<action:boom>:6" in error.traceback


def test_console_levels_are_captured_and_capped(event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = () => {\n  console.info('i'); console.warn('w'); console.error('e', {a: 1});\n  process.stdout.write('raw\\n');\n  for (let i = 0; i < 200000; i++) console.log('flood', i);\n};\n"
    with Sandbox(SandboxLimits(wall_time_s=10, output_bytes=4096)) as box:
        result = box.run_action("post-login", js("loud", code), event)
    logs = result.actions[0].logs
    assert result.status == "success"
    assert logs.startswith("i\nw\ne { a: 1 }\nraw\nflood 0\n")
    assert len(logs.encode()) < 4096 + 200
    assert "[output truncated at 4096 bytes:" in logs


def test_require_reaches_builtins_but_not_files(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = """
const crypto = require('crypto');
const { URL } = require('node:url');
exports.onExecutePostLogin = (event, api) => {
  api.idToken.setCustomClaim('https://x/h', crypto.createHash('sha256').update('a').digest('hex').slice(0, 8));
  api.idToken.setCustomClaim('https://x/u', new URL('https://a.example/p').host);
  let refused = [];
  for (const id of ['./local', '/etc/passwd', 'left-pad']) {
    try { require(id); } catch (e) { refused.push(e.code); }
  }
  api.idToken.setCustomClaim('https://x/r', refused);
};
"""
    result = sandbox.run_action("post-login", js("req", code), event)
    assert result.status == "success", result.actions[0].error
    assert result.outcome["id_token"]["claims"] == {
        "https://x/h": "ca978112", "https://x/u": "a.example", "https://x/r": ["MODULE_NOT_FOUND"] * 3}


def test_declared_dependencies_are_required_from_their_node_modules(sandbox: Sandbox, event: dict[str, Any],
                                                                    tmp_path) -> None:
    package = tmp_path / "env" / "node_modules" / "greeter"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "greeter", "version": "1.0.0", "main": "index.js"}')
    (package / "index.js").write_text("module.exports = (who) => 'hello ' + who + require('./suffix');\n")
    (package / "suffix.js").write_text("module.exports = '!';\n")
    code = "const greet = require('greeter');\nexports.onExecutePostLogin = (e, api) => { api.idToken.setCustomClaim('https://x/g', greet('jo')); };\n"
    result = sandbox.run_action("post-login", js("deps", code, sys_path=(str(tmp_path / "env"),)), event)
    assert result.status == "success", result.actions[0].error
    assert result.outcome["id_token"]["claims"] == {"https://x/g": "hello jo!"}


def test_top_level_state_persists_for_one_version_only(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "let runs = 0;\nexports.onExecutePostLogin = (e, api) => { runs++; api.idToken.setCustomClaim('https://x/runs', runs); };\n"
    claim = lambda r: r.outcome["id_token"]["claims"]["https://x/runs"]  # noqa: E731
    first = [claim(sandbox.run_action("post-login", js("state", code), event)) for _ in range(3)]
    assert first == [1, 2, 3]  # one warm worker, reused, as Auth0 reuses a container
    other_secret = claim(sandbox.run_action("post-login", js("state", code, secrets={"K": "v"}), event))
    changed = claim(sandbox.run_action("post-login", js("state", code + "\n// v2\n"), event))
    assert (other_secret, changed) == (1, 1)  # a new version or other secrets: another process


def test_a_crashed_worker_is_an_error_and_the_next_run_works(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = () => { console.log('about to go'); process.abort(); };\n"
    result = sandbox.run_action("post-login", js("abort", code), event)
    assert result.status == "error" and result.actions[0].error.type == "Crash"
    assert result.actions[0].logs.startswith("about to go\n")
    assert "SIGABRT" in result.actions[0].error.message
    assert sandbox.run_action("post-login", js("abort", CLAIM), event).status == "success"


def test_exit_is_a_crash(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = () => { process.exit(3); };\n"
    error = sandbox.run_action("post-login", js("exit", code), event).actions[0].error
    assert error.type == "Crash" and "code 3" in error.message


def test_an_endless_loop_times_out_and_the_worker_is_replaced(event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = () => { console.log('spinning'); while (true) {} };\n"
    with Sandbox(SandboxLimits(wall_time_s=1)) as box:
        result = box.run_action("post-login", js("spin", code), event)
        assert result.status == "timeout" and result.actions[0].error.type == "Timeout"
        assert result.actions[0].logs == "spinning\n"  # the console of a killed action is kept
        assert box.run_action("post-login", js("spin", CLAIM), event).status == "success"


def test_a_pending_promise_times_out(event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = () => new Promise(() => {});\n"
    with Sandbox(SandboxLimits(wall_time_s=1)) as box:
        assert box.run_action("post-login", js("never", code), event).status == "timeout"


def test_stop_kills_a_javascript_action(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = () => { while (true) {} };\n"
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    result = sandbox.run_flow("post-login", [js("spin", code), js("after", CLAIM)], event, cancel=cancel)
    assert time.monotonic() - started < 4
    assert result.status == "stopped"
    assert [(a.status, a.error.type if a.error else None) for a in result.actions] == [
        ("stopped", "Stopped"), ("skipped", None)]


def test_async_work_in_the_handler_is_awaited(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = async (e, api) => {\n  await new Promise((r) => setTimeout(r, 20));\n  api.idToken.setCustomClaim('https://x/late', true);\n};\n"
    result = sandbox.run_action("post-login", js("late", code), event)
    assert result.outcome["id_token"]["claims"] == {"https://x/late": True}


def test_without_node_a_javascript_action_is_an_error_result_and_python_still_runs(
        event: dict[str, Any], tmp_path, monkeypatch) -> None:
    from actions_studio.nodejs import ENV_NODE

    from .node_cases import py

    monkeypatch.setenv(ENV_NODE, str(tmp_path / "no-node-here"))
    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        result = box.run_flow("post-login", [py("p", "def on_execute_post_login(event, api):\n    pass\n"),
                                             js("j", CLAIM)], event)
        assert result.status == "error"
        error = result.actions[1].error
        assert error.type == "RuntimeUnavailable" and "no-node-here" in error.message
        assert result.actions[0].status == "success"


def test_the_callers_bad_event_is_raised_before_any_javascript_runs(sandbox: Sandbox, event: dict[str, Any]) -> None:
    import pytest

    from actions_studio.runtime import EventTooLargeError
    from actions_studio.triggers import EventValidationError

    with pytest.raises(EventValidationError, match="user"):
        sandbox.run_action("post-login", js("v", CLAIM), dict(event, user="not an object"))
    with pytest.raises(EventTooLargeError):
        sandbox.run_flow("post-login", [js("big", CLAIM)], dict(event, request={"body": {"x": "y" * (2 << 20)}}))


def test_prepare_node_starts_the_pool_ahead(event: dict[str, Any]) -> None:
    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        box.prepare_node()
        pool = box.node_pool()
        deadline = time.monotonic() + 30
        while pool.stats()["spares"] < pool.target and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.stats()["spares"] == pool.target  # ready before the first JavaScript execution
        assert box.run_action("post-login", js("first", CLAIM), event).status == "success"


def _private_dir(where: str, tmp_path):
    """A directory other uids may not enter: in the test's tmp dir, or in the same closed directory
    as the interpreter (/root here, where the studio's cache lives too: the mount namespace that
    opens the way to the dependencies must not hide the interpreter doing it)."""
    import sys
    import tempfile

    from actions_studio.runtime.mounts import blocking_dir

    if where == "tmp":
        private = tmp_path / "private"
        private.mkdir()
        private.chmod(0o700)
        return private
    closed = blocking_dir(sys.executable)
    if closed is None:
        pytest.skip("the interpreter is not under a directory closed to other uids here")
    return Path(tempfile.mkdtemp(prefix=".actions-studio-test-", dir=closed))


@pytest.mark.parametrize("where", ["tmp", "next-to-the-interpreter"])
def test_dependencies_under_a_directory_only_root_may_enter(sandbox: Sandbox, event: dict[str, Any],
                                                            tmp_path, where: str) -> None:
    # The studio's cache is under /root (0700) on these machines: the worker's uid reaches its
    # node_modules through the private mount namespace (layer node_readable).
    import os
    import shutil

    if os.geteuid() != 0:
        pytest.skip("as an ordinary user the workers run with the user's uid: nothing is in the way")
    private = _private_dir(where, tmp_path)
    try:
        package = private / "env" / "node_modules" / "hidden"
        package.mkdir(parents=True)
        (package / "index.js").write_text("module.exports = 'reached';\n")
        code = "const h = require('hidden');\nexports.onExecutePostLogin = (e, api) => { api.idToken.setCustomClaim('https://x/h', h); };\n"
        result = sandbox.run_action("post-login", js("hidden", code, sys_path=(str(private / "env"),)), event)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    assert result.status == "success", result.actions[0].error
    assert result.outcome["id_token"]["claims"] == {"https://x/h": "reached"}

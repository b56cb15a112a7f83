"""JavaScript twins of the adversarial tests: hostile or broken node22 actions through the real
sandbox. Each checks what the action gets and that the caller is unharmed. Where Node's permission
model refuses first, a second run with it turned off (`ACTIONS_STUDIO_SANDBOX_WITHOUT=node_permission`)
checks that the OS layers beneath hold on their own."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from actions_studio.runtime import Sandbox, SandboxLimits

from .node_cases import js

OK = "exports.onExecutePostLogin = () => { console.log('still fine'); };\n"


def assert_still_works(sandbox: Sandbox, event: dict[str, Any]) -> None:
    result = sandbox.run_action("post-login", js("ok", OK), event)
    assert result.status == "success" and result.actions[0].logs == "still fine\n"


def claims(result) -> dict[str, Any]:
    assert result.status == "success", result.actions[0].error
    return {k.rsplit("/", 1)[1]: v for k, v in result.outcome["id_token"]["claims"].items()}


@pytest.fixture(scope="module")
def bare_sandbox() -> Iterator[Sandbox]:
    """Node's permission model off: only the OS layers stand between an action and the machine."""
    old = os.environ.get("ACTIONS_STUDIO_SANDBOX_WITHOUT")
    os.environ["ACTIONS_STUDIO_SANDBOX_WITHOUT"] = "node_permission"
    try:
        with Sandbox(SandboxLimits(wall_time_s=10)) as box:
            assert box.node_capabilities()["layers"]["node_permission"] is False
            yield box
    finally:
        if old is None:
            del os.environ["ACTIONS_STUDIO_SANDBOX_WITHOUT"]
        else:
            os.environ["ACTIONS_STUDIO_SANDBOX_WITHOUT"] = old


def test_every_layer_is_measured_and_holds_here(sandbox: Sandbox) -> None:
    found = sandbox.node_capabilities()
    layers = found["layers"]
    assert set(layers) == {"separate_uid", "node_readable", "no_new_privs", "landlock", "seccomp",
                           "node_permission"}
    assert all(found["notes"][name] for name in layers)
    assert layers["node_permission"] and layers["no_new_privs"] and layers["seccomp"]
    if os.geteuid() == 0:
        assert layers["separate_uid"]


PROCESSES = """
const cp = require('child_process');
const outcome = (f) => { try { const r = f(); return r && r.error ? r.error.code : 'ran'; } catch (e) { return e.code; } };
exports.onExecutePostLogin = (event, api) => {
  api.idToken.setCustomClaim('https://x/spawnSync', outcome(() => cp.spawnSync('/bin/sh', ['-c', 'echo hi'])));
  api.idToken.setCustomClaim('https://x/execSync', outcome(() => cp.execSync('id')));
  api.idToken.setCustomClaim('https://x/worker', outcome(() => new (require('worker_threads').Worker)('1', { eval: true })));
  api.idToken.setCustomClaim('https://x/binding', outcome(() => process.binding('spawn_sync')));
  api.idToken.setCustomClaim('https://x/dlopen', outcome(() => process.dlopen({ exports: {} }, '/usr/lib/x.node')));
};
"""


def test_child_processes_workers_and_addons_are_refused(sandbox: Sandbox, event: dict[str, Any]) -> None:
    got = claims(sandbox.run_action("post-login", js("procs", PROCESSES), event))
    assert got == {"spawnSync": "ERR_ACCESS_DENIED", "execSync": "ERR_ACCESS_DENIED",
                   "worker": "ERR_ACCESS_DENIED", "binding": "ERR_ACCESS_DENIED", "dlopen": "ERR_DLOPEN_DISABLED"}
    assert_still_works(sandbox, event)


def test_without_nodes_permission_model_seccomp_still_refuses_processes(bare_sandbox: Sandbox,
                                                                        event: dict[str, Any]) -> None:
    code = PROCESSES.replace("process.dlopen({ exports: {} }, '/usr/lib/x.node')", "0")
    got = claims(bare_sandbox.run_action("post-login", js("procs", code), event))
    assert got["spawnSync"] == "EPERM" and got["execSync"] == "EPERM"  # fork/clone refused by the filter
    assert got["worker"] == "ran"  # a thread: allowed (Node needs threads), bounded by the process limits
    assert_still_works(bare_sandbox, event)


@pytest.mark.parametrize(("bomb", "kind"), [
    ("const a = []; while (true) a.push(new Array(1e6).fill(1.5));", "heap"),
    ("const b = Buffer.alloc(2 ** 32 - 1); b.fill(1);", "RangeError"),
    ("const s = 'x'.repeat(2 ** 30);", "RangeError"),
], ids=["growing-heap", "one-huge-buffer", "string"])
def test_memory_bombs_are_error_results(sandbox: Sandbox, event: dict[str, Any], bomb: str, kind: str) -> None:
    code = f"exports.onExecutePostLogin = () => {{\n  {bomb}\n}};\n"
    result = sandbox.run_action("post-login", js("bomb", code), event)
    action = result.actions[0]
    assert result.status == "error"
    if kind == "heap":  # V8 stops the process at its heap limit: a crash, with Node's own words
        assert action.error.type == "Crash" and "heap" in action.logs.lower(), (action.error, action.logs)
    else:
        assert (action.error.type, action.error.line) == ("RangeError", 2), action.error
    assert_still_works(sandbox, event)


def test_a_cpu_bomb_at_top_level_times_out(event: dict[str, Any]) -> None:
    with Sandbox(SandboxLimits(wall_time_s=1)) as box:
        started = time.monotonic()
        result = box.run_action("post-login", js("spin", "for (;;) {}\n"), event)
        assert result.status == "timeout" and time.monotonic() - started < 10
        assert_still_works(box, event)


def test_100_mb_of_console_is_truncated_with_a_marker(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = () => {\n  const line = 'x'.repeat(1000);\n  for (let i = 0; i < 100000; i++) console.log(line);\n};\n"
    result = sandbox.run_action("post-login", js("flood", code), event)
    logs = result.actions[0].logs
    assert result.status == "success"
    assert len(logs.encode()) <= 1024 * 1024 + 200
    assert "[output truncated at 1048576 bytes:" in logs
    assert_still_works(sandbox, event)


def test_self_kill_and_signals_to_others(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = f"exports.onExecutePostLogin = () => {{\n  try {{ process.kill({os.getpid()}, 'SIGTERM'); }} catch (e) {{ console.log(e.code); }}\n  process.kill(process.pid, 'SIGKILL');\n}};\n"
    result = sandbox.run_action("post-login", js("kill", code), event)
    assert result.status == "error" and "SIGKILL" in result.actions[0].error.message
    assert_still_works(sandbox, event)  # and this test process got no SIGTERM


SNOOP = r"""
const fs = require('fs');
const read = (p) => { try { return fs.readFileSync(p); } catch (e) { return null; } };
const attempt = (f) => { try { f(); return 'allowed'; } catch (e) { return e.code; } };
exports.onExecutePostLogin = async (event, api) => {
  const wanted = Buffer.from(__TARGET__);
  const found = [], readable = [];
  let names;
  try { names = fs.readdirSync('/proc'); } catch (e) { names = __PIDS__.map(String); }
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    for (const part of ['environ', 'cmdline']) {
      const data = read(`/proc/${name}/${part}`);
      if (data && part === 'environ') readable.push(name);
      if (data && data.includes(wanted)) found.push(`${name}/${part}`);
    }
    try { fs.closeSync(fs.openSync(`/proc/${name}/mem`, 'r')); readable.push(`${name}/mem`); } catch (e) {}
  }
  console.log('found', JSON.stringify(found));
  console.log('readable', JSON.stringify(readable));
  console.log('env', JSON.stringify(Object.keys(process.env).sort()));
  console.log('own secret ok', event.secrets.TOKEN === __OWN__);
  console.log('studio file', attempt(() => fs.readFileSync(__STUDIO_FILE__)));
  console.log('write outside', attempt(() => fs.writeFileSync(__STUDIO_DIR__ + '/planted', 'x')));
  console.log('own temp', attempt(() => { const p = require('os').tmpdir() + '/t'; fs.writeFileSync(p, 'mine'); fs.readFileSync(p); }));
};
"""
HOLDER = """
exports.onExecutePostLogin = async (event, api) => {
  const secret = event.secrets.TOKEN;
  console.log('holding', secret.length);
  await new Promise((r) => setTimeout(r, 1500));
};
"""


@pytest.fixture(params=["all layers", "without node permission"])
def snoop_sandbox(request, sandbox: Sandbox, bare_sandbox: Sandbox) -> Sandbox:
    return sandbox if request.param == "all layers" else bare_sandbox


def test_an_action_cannot_read_another_actions_secrets_or_the_studios_files(snoop_sandbox: Sandbox,
                                                                             event: dict[str, Any],
                                                                             tmp_path) -> None:
    sandbox = snoop_sandbox
    other_secret = "tok_B_" + os.urandom(8).hex()
    my_secret = "tok_A_" + os.urandom(8).hex()
    studio = tmp_path / "studio"
    studio.mkdir()
    (studio / "workspace.sqlite").write_text("workspace canary " + other_secret)
    os.environ["ACTIONS_STUDIO_TEST_PARENT_ONLY"] = other_secret  # the studio's own environment
    try:
        results: dict[str, Any] = {}
        holder = threading.Thread(target=lambda: results.update(B=sandbox.run_action(
            "post-login", js("holder", HOLDER, secrets={"TOKEN": other_secret}), event)))
        holder.start()
        time.sleep(0.5)  # B's worker is alive, its secret in its memory, while A snoops
        pids = sorted(int(n) for n in os.listdir("/proc") if n.isdigit())
        code = (SNOOP.replace("__TARGET__", json.dumps(other_secret)).replace("__OWN__", json.dumps(my_secret))
                .replace("__PIDS__", json.dumps(pids)).replace("__STUDIO_FILE__", json.dumps(str(studio / "workspace.sqlite")))
                .replace("__STUDIO_DIR__", json.dumps(str(studio))))
        snoop = sandbox.run_action("post-login", js("snoop", code, secrets={"TOKEN": my_secret}), event, timeout_s=20)
        holder.join()
    finally:
        del os.environ["ACTIONS_STUDIO_TEST_PARENT_ONLY"]
    assert results["B"].status == "success"
    assert snoop.status == "success", snoop.actions[0].error
    lines = dict(line.split(" ", 1) for line in snoop.actions[0].logs.splitlines()[:3])
    logs = snoop.actions[0].logs
    assert lines["found"] == "[]" and lines["readable"] == "[]", logs  # not B's worker, not the studio
    assert set(json.loads(lines["env"])) <= {"HOME", "TMPDIR", "LANG", "TZ", "PATH", "UV_USE_IO_URING"}
    assert "own secret ok true" in logs
    refused = "ERR_ACCESS_DENIED" if sandbox.node_capabilities()["layers"]["node_permission"] else "EACCES"
    assert f"studio file {refused}" in logs and f"write outside {refused}" in logs
    assert "own temp allowed" in logs
    assert not (studio / "planted").exists()


def test_an_api_call_flood_is_bounded(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = (e, api) => {\n  for (let i = 0; ; i++) api.accessToken.addScope('s' + i);\n};\n"
    result = sandbox.run_action("post-login", js("flood", code), event)
    error = result.actions[0].error
    assert result.status == "error" and error.type == "ApiUsageError" and error.line == 2
    assert "too many api calls" in error.message
    assert_still_works(sandbox, event)


@pytest.mark.parametrize("fd_frame", [
    ("API", "Buffer.from([0xff, 0xff, 0xff, 0xff])"),
    ("CTL", "Buffer.from([0xff, 0xff, 0xff, 0xff])"),
    ("API", "Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('nojsn')])"),
], ids=["api-length", "ctl-length", "api-garbage"])
def test_an_action_writing_over_its_channels_only_fails_itself(sandbox: Sandbox, event: dict[str, Any],
                                                               fd_frame: tuple[str, str]) -> None:
    channel, frame = fd_frame
    fd = {"CTL": 3, "API": 4}[channel]
    code = (f"const fs = require('fs');\nexports.onExecutePostLogin = (e, api) => {{\n"
            f"  fs.writeSync({fd}, {frame});\n  api.accessToken.addScope('after');\n}};\n")
    started = time.monotonic()
    result = sandbox.run_action("post-login", js("forge", code), event)
    assert time.monotonic() - started < 4
    assert result.status == "error"
    expected = "Error" if "garbage" in frame or "nojsn" in frame else "InvalidResult"
    assert result.actions[0].error.type == expected, result.actions[0].error
    assert_still_works(sandbox, event)

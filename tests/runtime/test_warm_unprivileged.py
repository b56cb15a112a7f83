"""Issue 18: warm children as an ordinary user (every desktop; the tenant run by a user).

Executions then share the user's uid, and a warm child lives long, stopped between executions: the
test drops to uid 65534 (`setpriv`, as tests/runtime/test_unprivileged.py does) and runs a warm
Sandbox there. A flow reuses its child and its module state; another key gets another process;
and from inside one key's child the other key's idle child — same uid — can be neither
signalled, nor read through /proc (Landlock and PR_SET_DUMPABLE 0 stand in for the separate uid).
The same attack runs as root in `test_a_warm_child_cannot_reach_another_keys_idle_child`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from actions_studio.runtime import ActionSource, Sandbox, SandboxLimits

from .test_unprivileged import NOBODY, nobody_setup  # noqa: F401 - the fixture, shared

# Reports its pid and a module counter; given a neighbour's pid (a secret), tries to reach it.
PROBE = r'''
import os, signal
RUNS = [0]

def attempt(fn):
    try:
        fn()
        return "allowed"
    except OSError as exc:
        return f"refused {exc.errno}"
    except Exception as exc:
        return f"refused {type(exc).__name__}"

def read(path):
    with open(path, "rb") as fh:
        fh.read(1)

def on_execute_post_login(event, api):
    RUNS[0] += 1
    api.access_token.set_custom_claim("https://w/pid", os.getpid())
    api.access_token.set_custom_claim("https://w/runs", RUNS[0])
    other = int(event.secrets.get("NEIGHBOUR") or 0)
    if other:
        api.access_token.set_custom_claim("https://w/probe", {
            "signal": attempt(lambda: os.kill(other, signal.SIGCONT)),
            "status": attempt(lambda: read(f"/proc/{other}/status")),
            "environ": attempt(lambda: read(f"/proc/{other}/environ")),
            "mem": attempt(lambda: os.close(os.open(f"/proc/{other}/mem", os.O_RDONLY))),
        })
'''

RUNNER = r'''
import json, os, sys
from actions_studio.runtime import ActionSource, Sandbox, SandboxLimits
from actions_studio.triggers import get_trigger

code = open(sys.argv[1]).read()
event = get_trigger("post-login").sample_event()

def claims(box, secrets):
    result = box.run_flow("post-login", [ActionSource("probe", code, secrets=secrets)], event)
    assert result.status == "success", [(a.status, a.error) for a in result.actions]
    return result.outcome["access_token"]["claims"]

with Sandbox(SandboxLimits(wall_time_s=10), warm=True) as box:
    a1 = claims(box, {"KEY": "a"})
    a2 = claims(box, {"KEY": "a"})
    b = claims(box, {"KEY": "b", "NEIGHBOUR": str(a1["https://w/pid"])})
    state = open(f"/proc/{a1['https://w/pid']}/stat").read().rsplit(")", 1)[1].split()[0]
    a3 = claims(box, {"KEY": "a"})
    layers = box.capabilities()["layers"]
print(json.dumps({"uid": os.getuid(), "a": [a1, a2, a3], "b": b, "a_state": state, "layers": layers}))
'''


def check(a: list[dict], b: dict, layers: dict) -> None:
    pids = [c["https://w/pid"] for c in a]
    assert len(set(pids)) == 1 and [c["https://w/runs"] for c in a] == [1, 2, 3]
    assert b["https://w/pid"] != pids[0] and b["https://w/runs"] == 1
    probe = dict(b["https://w/probe"])
    if not layers["landlock"]:
        probe.pop("status")  # world-readable; Landlock is what keeps /proc of others out of reach
    assert all(v.startswith("refused") for v in probe.values()), probe


def test_as_an_ordinary_user_warm_children_stay_apart(nobody_setup: Path) -> None:  # noqa: F811
    base = nobody_setup
    (base / "probe.py").write_text(PROBE)
    (base / "warm_runner.py").write_text(RUNNER)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(base / "home"),
           "ACTIONS_STUDIO_HOME": str(base / "home")}
    proc = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         str(base / "venv" / "bin" / "python3"), str(base / "warm_runner.py"), str(base / "probe.py")],
        capture_output=True, text=True, timeout=240, env=env, cwd=str(base))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["uid"] == NOBODY
    assert report["layers"]["landlock"] and not report["layers"]["separate_uid"], report["layers"]
    assert report["a_state"] == "T"  # idle = stopped
    check(report["a"], report["b"], report["layers"])


def test_a_warm_child_cannot_reach_another_keys_idle_child(event) -> None:
    with Sandbox(SandboxLimits(wall_time_s=10), warm=True) as box:
        def claims(secrets: dict) -> dict:
            result = box.run_flow("post-login", [ActionSource("probe", PROBE, secrets=secrets)], event)
            assert result.status == "success", [(a.status, a.error) for a in result.actions]
            return result.outcome["access_token"]["claims"]

        a1, a2 = claims({"KEY": "a"}), claims({"KEY": "a"})
        b = claims({"KEY": "b", "NEIGHBOUR": str(a1["https://w/pid"])})
        layers = box.capabilities()["layers"]
        check([a1, a2, claims({"KEY": "a"})], b, layers)
        if os.geteuid() == 0:
            assert layers["separate_uid"]

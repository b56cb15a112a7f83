"""Ctrl+C on `actions-studio test` (issue 12 item 5): the run in progress stops and no sandbox
process is left behind — the workspace's sandbox, its zygote and the running child all go.
(`run` and `flow` are covered in tests/runtime/test_stop.py.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from actions_studio.triggers import get_trigger
from runtime.processes import as_in_a_terminal, descendants  # tests/runtime/processes.py, the sandbox tests' helper

RUNAWAY = """import json, os, socket

def on_execute_post_login(event, api):
    conn = socket.create_connection(('127.0.0.1', {port}))
    conn.sendall(json.dumps({{'pid': os.getpid()}}).encode() + b'\\n')
    while True:
        pass
"""


def _gone(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{pid}"):
            return True
        time.sleep(0.01)
    return False


def test_ctrl_c_on_test_stops_the_run_and_leaves_no_process(tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(60)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ACTIONS_STUDIO")},
           "ACTIONS_STUDIO_HOME": str(tmp_path / "home"), "ACTIONS_STUDIO_VAULT": "file"}
    cli = [sys.executable, "-m", "actions_studio"]
    code = tmp_path / "runaway.py"
    code.write_text(RUNAWAY.format(port=server.getsockname()[1]), encoding="utf-8")
    fixture = tmp_path / "f.json"
    fixture.write_text(json.dumps({"name": "spins", "trigger": "post-login", "action": "runaway",
                                   "event": get_trigger("post-login").sample_event(),
                                   "expect": {"status": "success"}}), encoding="utf-8")
    for args in (["actions", "new", "runaway", "--trigger", "post-login", "--code", str(code)],
                 ["fixtures", "add", str(fixture)]):
        subprocess.run([*cli, *args], env=env, check=True, capture_output=True, timeout=60)
    proc = subprocess.Popen([*cli, "test"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=as_in_a_terminal)
    try:
        conn, _ = server.accept()
        with conn:
            pid = int(json.loads(conn.makefile().readline())["pid"])
        tree = descendants(proc.pid)
        assert pid in tree
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        server.close()
    assert proc.returncode != 0 and "Traceback" not in err, err
    assert [p for p in tree if not _gone(p)] == []

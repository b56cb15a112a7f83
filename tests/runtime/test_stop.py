"""Stop (issue 12 item 5, the runtime half): a ``cancel`` event kills the running child at once.

The action under test connects to a socket of the test as soon as it runs, so the test knows it is
running (and its pid) before it stops it; its budget is long, so a stop that did not work would
show up as a timeout, not as a slow test.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from actions_studio.runtime import ActionSource, Sandbox, SandboxLimits

from .processes import as_in_a_terminal, descendants, gone

FIRST = ActionSource("first", "def on_execute_post_login(event, api):\n    print('first ran')\n"
                              "    api.access_token.set_custom_claim('https://x/first', 1)\n")
LAST = ActionSource("last", "def on_execute_post_login(event, api):\n    print('last ran')\n")


def runaway(port: int) -> ActionSource:
    return ActionSource("runaway", f"""
import os, socket, json

def on_execute_post_login(event, api):
    print('running')
    conn = socket.create_connection(('127.0.0.1', {port}))
    conn.sendall(json.dumps({{'pid': os.getpid()}}).encode() + b'\\n')
    while True:
        pass
""")


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(60)
    yield server
    server.close()


def _running_pid(server: socket.socket) -> int:
    conn, _ = server.accept()
    with conn:
        return int(json.loads(conn.makefile().readline())["pid"])


def _in_thread(fn) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    return thread, box


@pytest.fixture(scope="module")
def long_budget() -> Iterator[Sandbox]:
    with Sandbox(SandboxLimits(wall_time_s=120)) as box:
        yield box


def test_stop_kills_the_running_action_of_a_flow_and_skips_the_rest(long_budget: Sandbox, event, listener) -> None:
    cancel = threading.Event()
    actions = [FIRST, runaway(listener.getsockname()[1]), LAST]
    thread, box = _in_thread(lambda: long_budget.run_flow("post-login", actions, event, cancel=cancel))
    pid = _running_pid(listener)
    cancel.set()
    thread.join(60)
    assert not thread.is_alive() and "error" not in box, box
    result = box["result"]
    assert result.status == "stopped"
    assert [a.status for a in result.actions] == ["success", "stopped", "skipped"]
    stopped = result.actions[1]
    assert stopped.error.type == "Stopped" and "stopped before it finished" in stopped.error.message
    assert stopped.logs == "running\n"  # its console so far is kept
    assert result.actions[0].logs == "first ran\n"
    assert result.outcome["access_token"]["claims"] == {"https://x/first": 1}  # what completed counts
    assert gone(pid)
    # The sandbox goes on.
    assert long_budget.run_flow("post-login", [FIRST], event, cancel=threading.Event()).status == "success"


def test_stop_works_for_run_action_and_resume(long_budget: Sandbox, event, listener) -> None:
    port = listener.getsockname()[1]
    cancel = threading.Event()
    thread, box = _in_thread(lambda: long_budget.run_action("post-login", runaway(port), event, cancel=cancel))
    pid = _running_pid(listener)
    cancel.set()
    thread.join(60)
    result = box["result"]
    assert (result.status, result.actions[0].status, result.actions[0].error.type) == ("stopped", "stopped",
                                                                                        "Stopped")
    assert gone(pid)

    redirect = ActionSource("redirect", "def on_execute_post_login(event, api):\n"
                                        "    api.redirect.send_user_to('https://x.example/mfa')\n"
                                        "def on_continue_post_login(event, api):\n    pass\n")
    suspended = long_budget.run_flow("post-login", [redirect, runaway(port)], event)
    assert suspended.status == "suspended"
    cancel = threading.Event()
    thread, box = _in_thread(lambda: long_budget.resume(suspended.continuation, {"state": suspended.state},
                                                        cancel=cancel))
    pid = _running_pid(listener)
    cancel.set()
    thread.join(60)
    assert [a.status for a in box["result"].actions] == ["success", "stopped"]
    assert gone(pid)


def test_a_run_stopped_before_it_starts_runs_nothing(long_budget: Sandbox, event, listener) -> None:
    cancel = threading.Event()
    cancel.set()
    listener.settimeout(0.5)
    result = long_budget.run_flow("post-login", [runaway(listener.getsockname()[1]), LAST], event, cancel=cancel)
    assert result.status == "stopped" and [a.status for a in result.actions] == ["stopped", "skipped"]
    with pytest.raises(socket.timeout):
        listener.accept()  # the action never ran


def test_stopped_is_not_a_timeout(event, listener) -> None:
    # Same action, no stop, a short budget: that is a timeout.
    with Sandbox(SandboxLimits(wall_time_s=1)) as box:
        result = box.run_action("post-login", runaway(listener.getsockname()[1]), event,
                                cancel=threading.Event())
    assert result.status == "timeout" and result.actions[0].error.type == "Timeout"


@pytest.mark.parametrize("command", ["run", "flow"])
def test_ctrl_c_on_the_cli_leaves_no_process_behind(tmp_path, listener, command: str) -> None:
    action = tmp_path / "runaway.py"
    action.write_text(runaway(listener.getsockname()[1]).code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONS_STUDIO")}
    cli = subprocess.Popen([sys.executable, "-m", "actions_studio", command, str(action), "--trigger", "post-login",
                            "--timeout", "120"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                           preexec_fn=as_in_a_terminal)
    try:
        pid = _running_pid(listener)
        tree = set(descendants(cli.pid))  # zygote, its helper, spares, the running child
        assert pid in tree and len(tree) >= 3
        cli.send_signal(signal.SIGINT)  # what Ctrl+C in its terminal sends
        out, err = cli.communicate(timeout=60)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert cli.returncode != 0
    assert "Traceback" not in err, err
    assert [p for p in tree if not gone(p)] == []

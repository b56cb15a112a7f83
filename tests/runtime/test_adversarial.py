"""Section 5 of issue 2: hostile or broken actions, each through the real sandbox.

Every test checks both what the action gets (an error or timeout result naming what happened) and
that the caller is unharmed (the same Sandbox keeps working).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest

from actions_studio.runtime import ActionSource, Sandbox, SandboxLimits

from .processes import descendants

OK = "def on_execute_post_login(event, api):\n    print('still fine')\n"


def run(sandbox: Sandbox, code: str, event: dict[str, Any], **kwargs: Any):
    secrets = kwargs.pop("secrets", {})
    return sandbox.run_action("post-login", ActionSource("evil", code, secrets=secrets), event, **kwargs)


def assert_still_works(sandbox: Sandbox, event: dict[str, Any]) -> None:
    result = run(sandbox, OK, event)
    assert result.status == "success" and result.actions[0].logs == "still fine\n"


def test_infinite_loop_times_out_at_the_limit_and_the_sandbox_goes_on(sandbox: Sandbox, event) -> None:
    code = "def on_execute_post_login(event, api):\n    print('spinning')\n    while True:\n        pass\n"
    started = time.monotonic()
    result = run(sandbox, code, event, timeout_s=1)
    elapsed = time.monotonic() - started
    assert result.status == "timeout"
    a = result.actions[0]
    assert a.status == "timeout" and a.error.type == "Timeout" and "1 s" in a.error.message
    assert a.logs == "spinning\n"  # the console of a killed action is kept
    assert 1.0 <= elapsed < 10
    assert_still_works(sandbox, event)


def test_the_budget_is_the_sandbox_limit_by_default(event) -> None:
    code = "import time\ndef on_execute_post_login(event, api):\n    time.sleep(30)\n"
    with Sandbox(SandboxLimits(wall_time_s=1)) as box:
        started = time.monotonic()
        result = run(box, code, event)
        assert result.status == "timeout" and time.monotonic() - started < 10


@pytest.mark.parametrize(
    "bomb",
    [
        "x = bytearray(10 ** 10)",
        "x = []\n    while True:\n        x.append(bytearray(16 * 1024 * 1024))",
        "x = ' ' * (2 ** 33)",
    ],
    ids=["one-huge", "growing", "string"],
)
def test_memory_bomb_is_an_error_result(sandbox: Sandbox, event, bomb: str) -> None:
    result = run(sandbox, f"def on_execute_post_login(event, api):\n    {bomb}\n", event)
    assert result.status == "error"
    assert result.actions[0].error.type == "MemoryError"
    assert result.actions[0].error.line is not None
    assert result.stats.max_rss_kb < 600 * 1024  # RLIMIT_AS 512 MiB held
    assert_still_works(sandbox, event)


FORK_BOMBS = {
    "os.fork": "import os\n    while True:\n        os.fork()",
    "subprocess": "import subprocess\n    subprocess.run(['sh', '-c', ':(){ :|:& };:'])",
    "os.system": "import os\n    os.system('sh -c \"yes > /dev/null &\"')",
    "os.posix_spawn": "import os\n    os.posix_spawn('/bin/sh', ['sh'], {})",
    "os.exec": "import os\n    os.execv('/bin/sh', ['sh'])",
    "ctypes-libc": "import ctypes\n    ctypes.CDLL('libc.so.6').fork()",
}


@pytest.mark.parametrize("name", list(FORK_BOMBS))
def test_fork_bombs_are_refused(sandbox: Sandbox, event, name: str) -> None:
    code = f"def on_execute_post_login(event, api):\n    {FORK_BOMBS[name]}\n"
    result = run(sandbox, code, event)
    assert result.status == "error"
    error = result.actions[0].error
    assert error.type == "PermissionError" and "not allowed in an action" in error.message
    # Under the zygote there is its forking helper and the helper's children (spares, executions),
    # nothing deeper: no execution managed to make a process of its own.
    depths = descendants(sandbox.zygote_pid)
    assert depths and max(depths.values()) <= 2, depths
    assert_still_works(sandbox, event)


def test_seccomp_refuses_fork_even_when_python_raises_no_audit_event(sandbox: Sandbox, event) -> None:
    if not sandbox.capabilities()["layers"]["seccomp"]:
        pytest.skip("seccomp is not available on this machine")
    # _posixsubprocess.fork_exec forks without a Python audit event: only seccomp stands in the way.
    code = (
        "import _posixsubprocess, os, threading\n"
        "def on_execute_post_login(event, api):\n"
        "    t = threading.Thread(target=print, args=('threads still work',))\n"
        "    t.start(); t.join()\n"
        "    r, w = os.pipe()\n"
        "    try:\n"
        "        _posixsubprocess.fork_exec([b'/bin/true'], [b'/bin/true'], True, (w,), None, None,\n"
        "            -1, -1, -1, -1, -1, -1, r, w, False, False, -1, None, None, None, -1, None, True)\n"
        "    except OSError as exc:\n"
        "        print('refused:', exc.errno)\n"
        "    else:\n"
        "        print('forked!')\n"
    )
    result = run(sandbox, code, event)
    assert result.status == "success", result.actions[0].error
    assert result.actions[0].logs == "threads still work\nrefused: 1\n"  # EPERM


def test_an_action_cannot_signal_the_zygote_or_the_studio(sandbox: Sandbox, event) -> None:
    code = (
        "import os, signal\n"
        "def on_execute_post_login(event, api):\n"
        f"    for pid in (os.getppid(), {os.getpid()}):\n"
        "        try:\n"
        "            os.kill(pid, signal.SIGKILL)\n"
        "        except PermissionError:\n"
        "            print('refused')\n"
    )
    result = run(sandbox, code, event)
    assert result.actions[0].logs == "refused\nrefused\n"
    assert_still_works(sandbox, event)


def test_100_mb_of_print_is_truncated_with_a_marker(sandbox: Sandbox, event) -> None:
    code = (
        "import sys\n"
        "def on_execute_post_login(event, api):\n"
        "    line = 'x' * 99\n"
        "    for _ in range(1_000_000):\n"
        "        print(line)\n"
        "    api.access_token.set_custom_claim('https://acme.example/done', True)\n"
    )
    result = run(sandbox, code, event, timeout_s=20)
    assert result.status == "success", result.actions[0].error
    logs = result.actions[0].logs
    limit = sandbox.limits.output_bytes
    assert logs.startswith("x" * 99 + "\n")
    assert len(logs.encode()) < limit + 200
    marker = logs.rsplit("\n", 2)[-2]
    assert marker.startswith(f"[output truncated at {limit} bytes:")
    dropped = int(marker.split(": ")[1].split()[0])
    assert dropped >= 100_000_000 - limit - 1024
    assert result.stats.max_rss_kb < 200 * 1024  # bounded memory: the flood was counted, not kept


def test_os_exit_is_an_error_naming_the_exit_code(sandbox: Sandbox, event) -> None:
    code = "import os\ndef on_execute_post_login(event, api):\n    print('bye')\n    os._exit(3)\n"
    result = run(sandbox, code, event)
    assert result.status == "error"
    error = result.actions[0].error
    assert error.type == "Crash" and "exited with code 3" in error.message
    assert result.actions[0].logs == "bye\n"
    assert_still_works(sandbox, event)


def test_segfault_through_ctypes_is_an_error_naming_the_signal(sandbox: Sandbox, event) -> None:
    code = "import ctypes\ndef on_execute_post_login(event, api):\n    ctypes.string_at(0)\n"
    result = run(sandbox, code, event)
    assert result.status == "error"
    error = result.actions[0].error
    assert error.type == "Crash" and "SIGSEGV" in error.message
    assert_still_works(sandbox, event)


def test_self_sigkill_is_an_error_naming_the_signal(sandbox: Sandbox, event) -> None:
    code = "import os, signal\ndef on_execute_post_login(event, api):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    error = run(sandbox, code, event).actions[0].error
    assert error.type == "Crash" and "SIGKILL" in error.message


SNOOP = """
import os

def _readable(path):
    try:
        with open(path, 'rb') as fh:
            return fh.read()
    except OSError:
        return None

def _memory_of(pid):
    maps = _readable(f'/proc/{pid}/maps')
    if maps is None:
        return None
    try:
        fd = os.open(f'/proc/{pid}/mem', os.O_RDONLY)
    except OSError:
        return None
    chunks = []
    try:
        for line in maps.decode().splitlines():
            start, end = (int(x, 16) for x in line.split()[0].split('-'))
            if 'rw' in line.split()[1] and end - start < 64 * 1024 * 1024:
                try:
                    chunks.append(os.pread(fd, end - start, start))
                except OSError:
                    pass
    finally:
        os.close(fd)
    return b''.join(chunks)

def on_execute_post_login(event, api):
    mine = event.secrets['TOKEN']
    wanted = TARGET.encode()
    found, readable = [], []
    me = os.getpid()
    try:
        names = os.listdir('/proc')
    except PermissionError:  # Landlock: only its own /proc entry; try every pid the test saw
        names = [str(pid) for pid in PIDS]
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        for part in ('environ', 'cmdline'):
            data = _readable(f'/proc/{name}/{part}')
            if data and part == 'environ':
                readable.append(name)
            if data and wanted in data:
                found.append(f'{name}/{part}')
        memory = _memory_of(name)
        if memory is not None:
            readable.append(name + '/mem')
            if wanted in memory:
                found.append(f'{name}/mem')
    print('found', found)
    print('readable', sorted(set(readable)))
    print('env', sorted(os.environ))
    print('own secret ok', mine == OWN)
    try:  # os.access does not ask Landlock: only the listing itself says whether it is refused
        siblings = sorted(os.listdir('..'))
    except OSError:
        siblings = 'hidden'
    print('siblings dirs', siblings)
"""

HOLDER = """
import time
def on_execute_post_login(event, api):
    secret = event.secrets['TOKEN']
    print('holding', len(secret))
    time.sleep(1.5)
"""


@pytest.fixture(params=["all layers", "without landlock"])
def snoop_sandbox(request, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch):
    """The suite's sandbox, and one without Landlock: the uid and prctl layers hold on their own."""
    if request.param == "all layers":
        yield sandbox
        return
    monkeypatch.setenv("ACTIONS_STUDIO_SANDBOX_WITHOUT", "landlock")
    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        assert not box.capabilities()["layers"]["landlock"]
        yield box


def test_an_action_cannot_read_another_executions_secrets_or_environment(snoop_sandbox: Sandbox, event) -> None:
    sandbox = snoop_sandbox
    other_secret = "tok_B_" + os.urandom(8).hex()
    my_secret = "tok_A_" + os.urandom(8).hex()
    os.environ["ACTIONS_STUDIO_TEST_PARENT_ONLY"] = other_secret  # the studio's own environment
    try:
        results: dict[str, Any] = {}

        def holder() -> None:
            results["B"] = sandbox.run_action(
                "post-login", ActionSource("holder", HOLDER, secrets={"TOKEN": other_secret}), event)

        thread = threading.Thread(target=holder)
        thread.start()
        time.sleep(0.4)  # B is alive, its secret in its memory, while A snoops
        pids = sorted(int(n) for n in os.listdir("/proc") if n.isdigit())
        code = (SNOOP.replace("TARGET", repr(other_secret)).replace("OWN", repr(my_secret))
                .replace("PIDS", repr(pids)))
        snoop = sandbox.run_action("post-login", ActionSource("snoop", code, secrets={"TOKEN": my_secret}),
                                   event, timeout_s=20)
        thread.join()
    finally:
        del os.environ["ACTIONS_STUDIO_TEST_PARENT_ONLY"]
    assert results["B"].status == "success"
    assert snoop.status == "success", snoop.actions[0].error
    lines = dict(line.split(" ", 1) for line in snoop.actions[0].logs.splitlines() if " " in line)
    logs = snoop.actions[0].logs
    assert "found []" in logs
    assert "readable []" in logs  # no other process's environ or memory, siblings included
    assert "own secret ok True" in logs
    env = eval(lines["env"])  # noqa: S307 - our own test output
    assert set(env) <= {"HOME", "TMPDIR", "LANG", "TZ", "PATH"}
    layers = sandbox.capabilities()["layers"]
    if layers["separate_uid"] or layers["landlock"]:
        assert "siblings dirs hidden" in logs
    # else: an ordinary user without Landlock, where other executions' work dirs are the user's
    # own files (architecture.md's layer table says so); their processes stay unreadable above.


def test_a_killed_zygote_fails_calls_in_flight_clearly_and_restarts(event) -> None:
    import signal

    from actions_studio.runtime import SandboxError

    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        first = box.zygote_pid
        errors: list[BaseException] = []

        def in_flight() -> None:
            try:
                run(box, "import time\ndef on_execute_post_login(event, api):\n    time.sleep(3)\n", event)
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
                errors.append(exc)

        thread = threading.Thread(target=in_flight)
        thread.start()
        time.sleep(0.5)
        os.kill(first, signal.SIGKILL)
        thread.join()
        assert len(errors) == 1 and isinstance(errors[0], SandboxError)
        assert "zygote stopped" in str(errors[0])
        assert_still_works(box, event)
        assert box.zygote_pid != first
    # Nothing of the killed zygote is left behind once the Sandbox is closed.
    assert not os.path.exists(f"/sys/fs/cgroup/pids/actions-studio-{first}")


def test_the_cgroup_bounds_tasks_of_one_execution(sandbox: Sandbox, event) -> None:
    if not sandbox.capabilities()["layers"]["cgroup_pids"]:
        pytest.skip("no writable pids cgroup on this machine")
    # Threads are tasks too: the 64-task bound (pids.max) stops a thread bomb seccomp allows.
    code = (
        "import threading, time\n"
        "def on_execute_post_login(event, api):\n"
        "    stop = threading.Event()\n"
        "    started = 0\n"
        "    try:\n"
        "        for _ in range(500):\n"
        "            threading.Thread(target=stop.wait, daemon=True).start()\n"
        "            started += 1\n"
        "    except RuntimeError as exc:\n"
        "        print('stopped at', started, exc)\n"
        "    stop.set()\n"
    )
    result = run(sandbox, code, event)
    assert result.status == "success", result.actions[0].error
    logs = result.actions[0].logs
    assert logs.startswith("stopped at ") and "can't start new thread" in logs
    assert int(logs.split()[2]) < sandbox.limits.max_processes
    assert_still_works(sandbox, event)


def test_close_stops_the_zygote_and_cleans_up(event) -> None:
    from actions_studio.runtime import SandboxError

    box = Sandbox(SandboxLimits(wall_time_s=5))
    pid = box.zygote_pid
    assert run(box, OK, event).status == "success"
    box.close()
    assert not os.path.exists(f"/proc/{pid}") or _is_zombie_or_gone(pid)
    assert not os.path.exists(f"/sys/fs/cgroup/pids/actions-studio-{pid}")
    with pytest.raises(SandboxError, match="closed"):
        run(box, OK, event)


def _is_zombie_or_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True

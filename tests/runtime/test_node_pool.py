"""The warm Node workers: reused per action version, never across secrets, recycled after a
crash, a timeout, N runs or memory growth, refilled off the caller's path, gone with the Sandbox."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from actions_studio.runtime import Sandbox, SandboxLimits
from actions_studio.runtime.node import pool as pool_module

from .node_cases import js

PID = "exports.onExecutePostLogin = (e, api) => { api.idToken.setCustomClaim('https://x/pid', process.pid); };\n"


def pid_of(sandbox: Sandbox, source, event: dict[str, Any]) -> int:
    result = sandbox.run_action("post-login", source, event)
    assert result.status == "success", result.actions[0].error
    return result.outcome["id_token"]["claims"]["https://x/pid"]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not alive(pid)


def test_one_version_reuses_its_worker_and_others_get_their_own(sandbox: Sandbox, event: dict[str, Any]) -> None:
    first = pid_of(sandbox, js("p", PID), event)
    assert pid_of(sandbox, js("p", PID), event) == first
    others = {pid_of(sandbox, js("p", PID, secrets={"K": "1"}), event),
              pid_of(sandbox, js("q", PID), event),
              pid_of(sandbox, js("p", PID + "//v2\n"), event)}
    assert first not in others and len(others) == 3


def test_a_worker_is_recycled_after_max_runs(sandbox: Sandbox, event: dict[str, Any],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "MAX_RUNS", 2)
    source = js("runs", PID)
    a, b, c = (pid_of(sandbox, source, event) for _ in range(3))
    assert a == b != c
    assert wait_gone(a)


def test_a_worker_whose_memory_grew_is_recycled(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "const keep = [];\nexports.onExecutePostLogin = (e, api) => {\n  keep.push(Buffer.alloc(300 * 1024 * 1024, 1));\n  api.idToken.setCustomClaim('https://x/pid', process.pid);\n};\n"
    source = js("grow", code)
    first = pid_of(sandbox, source, event)  # 300 MiB kept: past half the 512 MiB limit
    assert pid_of(sandbox, source, event) != first
    assert wait_gone(first)


def test_crashed_and_timed_out_workers_are_not_reused(event: dict[str, Any]) -> None:
    code = ("let n = 0;\nexports.onExecutePostLogin = async (e, api) => {\n  n++;\n"
            "  api.idToken.setCustomClaim('https://x/pid', process.pid);\n"
            "  if (e.user.app_metadata.spin) while (true) {}\n};\n")
    with Sandbox(SandboxLimits(wall_time_s=1)) as box:
        source = js("t", code)
        first = pid_of(box, source, event)
        spin = dict(event, user=dict(event["user"], app_metadata={"spin": True}))
        assert box.run_action("post-login", source, spin).status == "timeout"
        assert wait_gone(first)
        assert pid_of(box, source, event) != first


def test_spares_are_refilled_off_the_callers_path(sandbox: Sandbox, event: dict[str, Any]) -> None:
    pool = sandbox.node_pool()
    for i in range(3):
        pid_of(sandbox, js(f"spare{i}", PID), event)
    deadline = time.monotonic() + 20
    while pool.stats()["spares"] < pool.target and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.stats()["spares"] == pool.target


def test_closing_the_sandbox_ends_every_worker(event: dict[str, Any]) -> None:
    box = Sandbox(SandboxLimits(wall_time_s=5))
    pid = pid_of(box, js("bye", PID), event)
    box.close()
    assert wait_gone(pid)


def pids_at_once(sandbox: Sandbox, source, event: dict[str, Any], count: int) -> list[int]:
    """The worker pids of ``count`` executions of ``source`` started together from as many threads."""
    import threading

    pids: list[int] = []
    threads = [threading.Thread(target=lambda: pids.append(pid_of(sandbox, source, event))) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return pids


def test_concurrent_executions_of_one_action_get_a_worker_each(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = async (e, api) => {\n  await new Promise((r) => setTimeout(r, 300));\n  api.idToken.setCustomClaim('https://x/pid', process.pid);\n};\n"
    pids = pids_at_once(sandbox, js("par", code), event, 3)
    assert len(set(pids)) == 3
    assert os.getpid() not in pids


BURST = ("exports.onExecutePostLogin = async (e, api) => {\n  await new Promise((r) => setTimeout(r, MS));\n"
         "  api.idToken.setCustomClaim('https://x/pid', process.pid);\n};\n")


def _alive_once_settled(pids: list[int], expected: int) -> list[int]:
    deadline = time.monotonic() + 5
    while sum(alive(pid) for pid in pids) > expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return [pid for pid in pids if alive(pid)]


def test_a_bursts_workers_stay_idle_for_the_next_burst_of_its_action(sandbox: Sandbox, event: dict[str, Any],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "IDLE_PER_KEY", 2)
    # Long enough that the four overlap even when two of them wait for a worker to start.
    source = js("burst-again", BURST.replace("MS", "2500"))
    first = pids_at_once(sandbox, source, event, 4)
    assert len(set(first)) == 4          # four at once: a worker each
    # All four stay idle, not only IDLE_PER_KEY: the next burst of the action runs in them
    # instead of starting workers again.
    time.sleep(0.5)
    assert all(alive(pid) for pid in first)
    assert set(pids_at_once(sandbox, source, event, 4)) == set(first)


def test_past_max_idle_the_workers_that_come_back_are_closed(sandbox: Sandbox, event: dict[str, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "IDLE_PER_KEY", 2)
    monkeypatch.setattr(pool_module, "MAX_IDLE", 3)
    source = js("burst", BURST.replace("MS", "2500"))  # the five overlap (see above)
    pids = pids_at_once(sandbox, source, event, 5)
    assert len(set(pids)) == 5          # five at once: a worker each
    # Three stay idle (the other actions' idle workers, less recently used, went first); the two
    # past MAX_IDLE were closed as they came back.
    kept = _alive_once_settled(pids, 3)
    assert len(kept) == 3
    assert pid_of(sandbox, source, event) in kept     # and the next execution takes one

"""Issue 18: warm Python children for the tenant, bound for life to one flow (`Sandbox(warm=True)`).

Real zygote, real children. The action reports its pid and a module-level counter as claims, and
reads what to do from the event (``user_metadata.mode``), which is per request and not part of
the key: so one key can be told to crash, spin or leave a thread behind.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from actions_studio.runtime import ActionSource, Sandbox, SandboxLimits

from .processes import descendants, gone

COUNTER = """
import os, sys, threading, time
RUNS = [0]
SEEN = []
HOARD = []

def on_execute_post_login(event, api):
    RUNS[0] += 1
    SEEN.append(dict(event.secrets))
    mode = event.user.user_metadata.get("mode")
    api.access_token.set_custom_claim("https://w/pid", os.getpid())
    api.access_token.set_custom_claim("https://w/runs", RUNS[0])
    api.access_token.set_custom_claim("https://w/secrets", dict(event.secrets))
    api.access_token.set_custom_claim("https://w/seen", len(SEEN))
    print("run", RUNS[0])
    if mode == "exit":
        os._exit(3)
    if mode == "segfault":
        import ctypes
        ctypes.string_at(0)
    if mode == "oom":  # past RLIMIT_AS: a MemoryError, after which the child is not reused
        HOARD.append(b"x" * (1 << 30))
    if mode == "spin":
        while True:
            pass
    if mode == "thread":
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
    if mode == "flood":
        print("x" * 3000)
    if mode == "garbage":  # shapes right, values no api method records: InvalidResult at the client
        api.calls.append({"method": "access_token.set_custom_claim", "args": [["k"], 1], "kwargs": {}})
"""


def claims(result: Any) -> dict[str, Any]:
    assert result.status == "success", [(a.status, a.error) for a in result.actions]
    return result.outcome["access_token"]["claims"]


def with_mode(event: dict[str, Any], mode: str) -> dict[str, Any]:
    out = copy.deepcopy(event)
    out["user"]["user_metadata"] = {"mode": mode}
    return out


def flow(secret: str = "s3cret-one", code: str = COUNTER, version: Any = None) -> list[ActionSource]:
    return [ActionSource("first", code, version=version, secrets={"KEY": secret}),
            ActionSource("second", code, version=version, secrets={"OTHER": "second-" + secret})]


@pytest.fixture(scope="module")
def warm() -> Iterator[Sandbox]:
    with Sandbox(SandboxLimits(wall_time_s=5, output_bytes=2048), warm=True) as box:
        yield box


def state_of(pid: int) -> str:
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0]


def stopped(pid: int, within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if state_of(pid) == "T":
            return True
        time.sleep(0.01)
    return False


def test_a_second_execution_reuses_the_process_and_sees_its_module_state(warm: Sandbox, event) -> None:
    actions = flow("reuse-1")
    first = claims(warm.run_flow("post-login", actions, event))
    second = claims(warm.run_flow("post-login", flow("reuse-1"), event))
    assert second["https://w/pid"] == first["https://w/pid"]
    assert (first["https://w/runs"], second["https://w/runs"]) == (1, 2)
    # Each action kept its own module: the second action's counter is its own, not the first's.
    result = warm.run_flow("post-login", flow("reuse-1"), event)
    assert [a.logs for a in result.actions] == ["run 3\n", "run 3\n"]
    # Between executions the child is stopped: nothing of it runs while it is idle.
    assert stopped(first["https://w/pid"])


def test_each_action_still_sees_only_its_own_secrets(warm: Sandbox, event) -> None:
    for _ in range(2):
        result = warm.run_flow("post-login", flow("own-1"), event)
        [first, second] = [a.calls for a in result.actions]
        secrets_of = {c["args"][0]: c["args"][1] for c in first}["https://w/secrets"]
        assert secrets_of == {"KEY": "own-1"}
        assert {c["args"][0]: c["args"][1] for c in second}["https://w/secrets"] == {"OTHER": "second-own-1"}


@pytest.mark.parametrize("other", ["secrets", "code", "version", "trigger-order"])
def test_another_key_never_shares_the_process_nor_its_state(warm: Sandbox, event, other: str) -> None:
    secret = f"iso-{other}"
    one = claims(warm.run_flow("post-login", flow(secret, version=1), event))
    variant = {
        "secrets": flow(secret + "-changed", version=1),
        "code": flow(secret, code=COUNTER + "\n# v2\n", version=1),
        "version": flow(secret, version=2),
        "trigger-order": list(reversed(flow(secret, version=1))),
    }[other]
    two = claims(warm.run_flow("post-login", variant, event))
    assert two["https://w/pid"] != one["https://w/pid"]
    assert two["https://w/runs"] == 1 and two["https://w/seen"] == 1  # nothing of the other's state
    again = claims(warm.run_flow("post-login", flow(secret, version=1), event))
    assert again["https://w/pid"] == one["https://w/pid"] and again["https://w/runs"] == 2


def test_the_fresh_path_gets_a_new_process_every_time(sandbox: Sandbox, event) -> None:
    assert sandbox.warm is False
    pids = [claims(sandbox.run_flow("post-login", flow("fresh-1"), event))["https://w/pid"] for _ in range(3)]
    assert len(set(pids)) == 3
    runs = [claims(sandbox.run_flow("post-login", flow("fresh-1"), event))["https://w/runs"] for _ in range(2)]
    assert runs == [1, 1]


def test_run_action_gets_a_fresh_child_even_from_a_warm_sandbox(warm: Sandbox, event) -> None:
    source = ActionSource("single", COUNTER, secrets={"KEY": "single-1"})
    pids = [claims(warm.run_action("post-login", source, event))["https://w/pid"] for _ in range(2)]
    assert pids[0] != pids[1]


@pytest.mark.parametrize("mode, status", [("exit", "error"), ("segfault", "error"), ("spin", "timeout"),
                                          ("oom", "error"), ("thread", "success"), ("garbage", "error")])
def test_a_child_is_recycled_after_a_crash_a_timeout_a_leftover_thread_or_a_malformed_result(
        warm: Sandbox, event, mode: str, status: str) -> None:
    actions = lambda: flow(f"recycle-{mode}")  # noqa: E731 - a new list (secrets are cleared) each time
    before = claims(warm.run_flow("post-login", actions(), event))["https://w/pid"]
    assert claims(warm.run_flow("post-login", actions(), event))["https://w/pid"] == before
    bad = warm.run_flow("post-login", actions(), with_mode(event, mode), timeout_s=1.0)
    assert bad.status == status, [(a.status, a.error) for a in bad.actions]
    expected = {"exit": "Crash", "segfault": "Crash", "spin": "Timeout", "oom": "MemoryError",
                "garbage": "InvalidResult"}.get(mode)
    assert (bad.actions[0].error.type if bad.actions[0].error else None) == expected, bad.actions[0].error
    assert gone(before), f"the {mode} child was kept"
    after = claims(warm.run_flow("post-login", actions(), event))
    assert after["https://w/pid"] != before and after["https://w/runs"] == 1


def test_a_stopped_execution_recycles_its_child(warm: Sandbox, event) -> None:
    before = claims(warm.run_flow("post-login", flow("stop-1"), event))["https://w/pid"]
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    try:
        result = warm.run_flow("post-login", flow("stop-1"), with_mode(event, "spin"), cancel=cancel)
    finally:
        timer.cancel()
    assert result.status == "stopped"
    assert gone(before)
    assert claims(warm.run_flow("post-login", flow("stop-1"), event))["https://w/pid"] != before


def test_an_error_at_the_top_level_is_never_kept(warm: Sandbox, event) -> None:
    code = "import os\nprint('top', os.getpid())\nraise RuntimeError('no config')\n"
    pids = []
    for _ in range(2):
        result = warm.run_flow("post-login", [ActionSource("broken", code, secrets={"KEY": "top-1"})], event)
        assert result.actions[0].error.type == "RuntimeError" and result.actions[0].error.line == 3
        pids.append(int(result.actions[0].logs.split()[1]))
    assert pids[0] != pids[1] and gone(pids[0])
    result = warm.run_flow("post-login", [ActionSource("syntax", "def on_execute_post_login(:\n")], event)
    assert result.actions[0].error.type == "SyntaxError"


def test_limits_are_per_execution_in_a_warm_child(warm: Sandbox, event) -> None:
    # The console limit (2048 bytes here) is reset per execution: a flood, then a short run.
    flooded = warm.run_flow("post-login", flow("limits-1"), with_mode(event, "flood"))
    assert "[output truncated at 2048 bytes" in flooded.actions[0].logs
    pid = claims(flooded)["https://w/pid"]
    quiet = warm.run_flow("post-login", flow("limits-1"), event)
    assert claims(quiet)["https://w/pid"] == pid
    assert quiet.actions[0].logs == "run 2\n"
    # A fresh wall-time budget each execution: a spin still times out at its own deadline.
    started = time.monotonic()
    spun = warm.run_flow("post-login", flow("limits-1"), with_mode(event, "spin"), timeout_s=0.5)
    assert spun.status == "timeout" and time.monotonic() - started < 4.5


def test_memory_over_half_the_limit_recycles_the_child(event) -> None:
    code = ("import os\nHOARD = []\n"
            "def on_execute_post_login(event, api):\n"
            "    HOARD.append(b'x' * (MIB * 1024 * 1024))\n"
            "    api.access_token.set_custom_claim('https://w/pid', os.getpid())\n")
    with Sandbox(SandboxLimits(wall_time_s=5, memory_bytes=MEMORY), warm=True) as box:
        pids = {}
        for mib in (1, HOARD_MIB):
            source = lambda: [ActionSource("hoard", code.replace("MIB", str(mib)), secrets={"KEY": "rss"})]  # noqa: E731
            first = claims(box.run_flow("post-login", source(), event))["https://w/pid"]
            pids[mib] = (first, claims(box.run_flow("post-login", source(), event))["https://w/pid"])
        small, large = pids[1], pids[HOARD_MIB]
        assert small[0] == small[1]  # a small module state: kept
        # The hoard's first execution made the child's RSS pass half of memory_bytes: recycled.
        assert large[0] != large[1] and gone(large[0])


MEMORY = 384 * 1024 * 1024
HOARD_MIB = 200


def test_a_resume_reuses_the_flows_child_and_matches_a_fresh_run(warm: Sandbox, sandbox: Sandbox, event) -> None:
    code = """
import os
CALLS = []
def on_execute_post_login(event, api):
    CALLS.append("execute")
    api.redirect.send_user_to("https://example.com/consent")
def on_continue_post_login(event, api):
    CALLS.append("continue")
    api.access_token.set_custom_claim("https://w/pid", os.getpid())
    api.access_token.set_custom_claim("https://w/calls", len(CALLS))
    api.id_token.set_custom_claim("https://w/answer", event.request.query.get("answer"))
"""
    after = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://w/after', 1)\n"

    def run(box: Sandbox) -> Any:
        actions = [ActionSource("consent", code, secrets={"KEY": "resume-1"}), ActionSource("after", after)]
        suspended = box.run_flow("post-login", actions, event)
        assert suspended.status == "suspended"
        return box.resume(suspended.continuation, {"answer": "yes", "state": suspended.state})

    warm_result, fresh_result = run(warm), run(sandbox)
    # One key for the flow, whatever the resume point: the continue handler found the execute's call.
    assert claims(warm_result)["https://w/calls"] == 2 and claims(fresh_result)["https://w/calls"] == 1

    def comparable(result: Any) -> Any:
        data = result.model_dump(mode="json")
        data.pop("stats")
        data["outcome"]["access_token"]["claims"].pop("https://w/pid")
        data["outcome"]["access_token"]["claims"].pop("https://w/calls")
        for action in data["actions"]:
            action.pop("duration_ms")
            action["calls"] = [c for c in action["calls"] if c["args"][0] not in ("https://w/pid", "https://w/calls")]
        return data

    assert comparable(warm_result) == comparable(fresh_result)


def test_same_results_as_a_fresh_child(warm: Sandbox, sandbox: Sandbox, event) -> None:
    code = """
def on_execute_post_login(event, api):
    print("user", event.user.email, event.secrets)
    api.user.set_app_metadata("plan", "pro")
    api.access_token.set_custom_claim("https://w/roles", list(event.authorization.roles))
"""
    deny = "def on_execute_post_login(event, api):\n    api.access.deny('no ' + event.secrets['WHY'])\n"
    actions = lambda: [ActionSource("meta", code, secrets={"T": "tok-123456"}),  # noqa: E731
                       ActionSource("deny", deny, secrets={"WHY": "entry"}), ActionSource("never", code)]
    for _ in range(2):  # the second warm run is in the kept child
        w, f = warm.run_flow("post-login", actions(), event), sandbox.run_flow("post-login", actions(), event)
        for data in (w, f):
            assert data.status == "denied"
        strip = lambda r: {**r.model_dump(mode="json", exclude={"stats"}),  # noqa: E731
                           "actions": [{**a.model_dump(mode="json"), "duration_ms": 0} for a in r.actions]}
        assert strip(w) == strip(f)
        assert "[redacted secret T]" in w.actions[0].logs


IDLE_PER_KEY, MAX_IDLE = 3, 6


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Caps of a zygote started from now on (sent in its config)."""
    from actions_studio.runtime import client

    monkeypatch.setattr(client, "WARM_CAPS", {"max_runs": 3, "idle_per_key": IDLE_PER_KEY,
                                              "max_idle": MAX_IDLE})


def test_a_child_is_recycled_after_max_runs(small_caps: None, event) -> None:
    with Sandbox(SandboxLimits(wall_time_s=5), warm=True) as box:
        seen = [claims(box.run_flow("post-login", flow("runs-1"), event)) for _ in range(5)]
    pids = [c["https://w/pid"] for c in seen]
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4]
    assert [c["https://w/runs"] for c in seen] == [1, 2, 3, 1, 2]


def test_a_child_idle_for_idle_s_is_killed_and_the_next_login_gets_a_new_one(
        monkeypatch: pytest.MonkeyPatch, event) -> None:
    from actions_studio.runtime import client

    monkeypatch.setattr(client, "WARM_CAPS", {"idle_s": 1.0})
    with Sandbox(SandboxLimits(wall_time_s=5), warm=True) as box:
        first = claims(box.run_flow("post-login", flow("idle-1"), event))
        again = claims(box.run_flow("post-login", flow("idle-1"), event))
        pid = first["https://w/pid"]
        assert again["https://w/pid"] == pid and again["https://w/runs"] == 2   # reused while fresh
        assert gone(pid, within_s=10)                                           # idle 1 s: killed
        later = claims(box.run_flow("post-login", flow("idle-1"), event))
    assert later["https://w/pid"] != pid and later["https://w/runs"] == 1


SLOW = ("import os, time\n"
        "def on_execute_post_login(event, api):\n"
        "    time.sleep(1.5)\n"
        "    api.access_token.set_custom_claim('https://w/pid', os.getpid())\n")


def _idle_children(box: Sandbox) -> set[int]:
    """The stopped children (the idle ones), once their number settles."""
    assert box.zygote_pid is not None
    last: set[int] = set()
    for _ in range(20):
        found = {pid for pid, depth in descendants(box.zygote_pid).items() if depth == 2 and _state(pid) == "T"}
        if found == last:
            return found
        last = found
        time.sleep(0.3)
    return last


def _burst(box: Sandbox, event, size: int, secret: str) -> set[int]:
    """``size`` executions of one key at once (each sleeps, so each needs a child): their pids."""
    with ThreadPoolExecutor(size) as pool:
        results = list(pool.map(lambda _: box.run_flow(
            "post-login", [ActionSource("slow", SLOW, secrets={"KEY": secret})], event), range(size)))
    return {claims(r)["https://w/pid"] for r in results}


def test_a_bursts_children_stay_idle_for_the_next_burst_of_its_key(small_caps: None, event) -> None:
    with Sandbox(SandboxLimits(wall_time_s=10), warm=True) as box:
        size = IDLE_PER_KEY + 2  # more than idle_per_key, within max_idle
        first = _burst(box, event, size, "burst")
        assert len(first) == size
        # As many as ran at once stay idle (not only idle_per_key: the rest would be killed and
        # forked again at every burst), and the next burst runs in them.
        assert _idle_children(box) == first
        assert _burst(box, event, size, "burst") == first


def test_idle_children_are_bounded_in_all_the_least_recently_used_key_first(small_caps: None, event) -> None:
    with Sandbox(SandboxLimits(wall_time_s=10), warm=True) as box:
        # A burst past max_idle: max_idle of its children stay.
        pids = _burst(box, event, MAX_IDLE + 2, "cap")
        assert len(pids) == MAX_IDLE + 2
        assert len(_idle_children(box) & pids) == MAX_IDLE
        # More keys than MAX_IDLE, one execution each: the least recently used go first.
        quick = "import os\ndef on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://w/pid', os.getpid())\n"
        first_keys = [claims(box.run_flow("post-login", [ActionSource("k", quick, secrets={"KEY": f"k{i}"})],
                                          event))["https://w/pid"] for i in range(MAX_IDLE + 2)]
        idle = _idle_children(box)
        assert len(idle) == MAX_IDLE
        assert not idle & pids  # the older key's children were the least recently used
        assert set(first_keys[-MAX_IDLE:]) <= idle


def _state(pid: int) -> str:
    try:
        return state_of(pid)
    except OSError:
        return "gone"


def test_closing_the_sandbox_ends_every_warm_child(event) -> None:
    box = Sandbox(SandboxLimits(wall_time_s=5), warm=True)
    pid = claims(box.run_flow("post-login", flow("close-1"), event))["https://w/pid"]
    assert stopped(pid)
    box.close()
    assert gone(pid)
    assert not os.path.exists(f"/proc/{pid}")


def test_a_child_that_says_done_early_and_keeps_running_spoils_only_its_own_key(warm: Sandbox, event) -> None:
    from .test_untrusted_child import FORGED_CLAIM, forger

    # Key A forges a complete, well-formed flow result, pokes its pipe, then never returns: its
    # reply goes out at once (and passes the checks), it is kept and stopped mid-loop. Key B runs
    # meanwhile and after: every one of its results is its own.
    evil = [ActionSource("evil", forger(FORGED_CLAIM), secrets={"KEY": "evil-1"})]
    good = lambda: flow("bystander-1")  # noqa: E731

    def bystanders(n: int) -> list[dict[str, Any]]:
        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(lambda _: claims(warm.run_flow("post-login", good(), event)), range(n)))

    with ThreadPoolExecutor(2) as pool:
        forged = pool.submit(warm.run_flow, "post-login", evil, event, timeout_s=2.0)
        during = bystanders(12)
        first = forged.result()
    assert first.actions[0].status == "success"  # the forgery: its own execution's result is its word
    assert first.outcome["access_token"]["claims"] == {"https://x/forged": 1}
    # Stopped (at the end of its grace, as it never said b"I") and parked: its next execution
    # continues the loop, never reads the request, and times out.
    assert stopped(int(first.actions[0].logs.split()[1]))
    second = warm.run_flow("post-login", evil, event, timeout_s=1.0)
    assert second.status == "timeout"
    after = bystanders(4)
    for seen in during + after:
        assert seen["https://w/secrets"] == {"OTHER": "second-bystander-1"}
        assert "https://x/forged" not in seen
    assert len({c["https://w/pid"] for c in during + after}) <= 8

"""Fuzzing explores with the seeded generator and shrinks with Hypothesis: a failure that needs two
fields shrinks to exactly those two, in both runtimes; a finding carries the very result a plain
run of its event gives (a throw, a timeout, a deny); the same seed gives the same run; and a
sandbox process killed in the middle of a run is reported clearly, losing no example."""

from __future__ import annotations

import json
import os
import random
import signal
import threading
from typing import Any

import pytest

from actions_studio.execution import execute
from actions_studio.execution.pipeline import RUNTIMES_HERE
from actions_studio.services import actions, fuzz
from actions_studio.services.fuzz_strategies import event_generator, shrink_strategy, skeleton
from actions_studio.services.runs import resolve_sources
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.triggers import TRIGGERS, get_trigger

from .test_fuzz import MINIMAL_POST_LOGIN

needs_node = pytest.mark.skipif("node22" not in RUNTIMES_HERE,
                                reason="this build's run pipeline has no node22 runtime")

# Fails only when two optional fields are both set: the shrunk event must keep exactly those two.
BOTH_VERIFIED = {
    "python3": """def on_execute_post_login(event, api):
    if event.user.email_verified and event.user.phone_verified:
        raise PermissionError("both verified")
""",
    "node22": """exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email_verified && event.user.phone_verified) throw new RangeError("both verified");
};
""",
}
BOTH_VERIFIED_EVENT = {**MINIMAL_POST_LOGIN,
                       "user": {**MINIMAL_POST_LOGIN["user"], "email_verified": True, "phone_verified": True}}

# One action for each way a run can go wrong, on the smallest event (so the finding is found at once).
THROWS = {
    "python3": "def on_execute_post_login(event, api):\n    raise ValueError('no tenant')\n",
    "node22": "exports.onExecutePostLogin = async (event, api) => { throw new Error('no tenant'); };\n",
}
HANGS = {
    "python3": "import time\ndef on_execute_post_login(event, api):\n    time.sleep(30)\n",
    "node22": "exports.onExecutePostLogin = async (event, api) => { await new Promise(r => setTimeout(r, 30000)); };\n",
}
DENIES = {
    "python3": "def on_execute_post_login(event, api):\n    api.access.deny('closed')\n",
    "node22": "exports.onExecutePostLogin = async (event, api) => { api.access.deny('closed'); };\n",
}
NEVER_DENIES = {"invariant_never_denies": lambda result: result.status != "denied"}
SLOW = {
    "python3": "import time\ndef on_execute_post_login(event, api):\n    time.sleep(0.3)\n",
    "node22": "exports.onExecutePostLogin = async (event, api) => { await new Promise(r => setTimeout(r, 300)); };\n",
}

RUNTIMES = ["python3", pytest.param("node22", marks=needs_node)]


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    """An ExecutionResult's JSON without what differs between two runs of one event (times, memory)."""
    return {"status": result["status"], "outcome": result["outcome"],
            "actions": [{k: v for k, v in a.items() if k not in ("duration_ms", "max_rss_kb", "stats")}
                        for a in result["actions"]]}


@pytest.mark.parametrize("trigger_id", sorted(TRIGGERS))
def test_the_generator_is_seeded_and_varied(trigger_id: str) -> None:
    trigger = get_trigger(trigger_id)
    generate = event_generator(trigger.event_model)

    def draw(seed: int) -> list[dict]:
        rng = random.Random(seed)
        return [generate(rng) for _ in range(300)]

    first = draw(5)
    assert draw(5) == first and draw(6) != first
    assert len({json.dumps(e, sort_keys=True) for e in first}) > 100  # not one event again and again


def test_the_shrink_strategy_stays_between_the_skeleton_and_the_event() -> None:
    from hypothesis import given, settings

    trigger = get_trigger("post-login")
    rng = random.Random(11)
    event = event_generator(trigger.event_model)(rng)
    while event == skeleton(trigger.event_model):
        event = event_generator(trigger.event_model)(rng)

    @settings(max_examples=60, database=None, deadline=None)
    @given(shrink_strategy(trigger.event_model, event))
    def check(candidate: dict) -> None:
        trigger.parse_event(candidate)
        assert all(key in candidate for key in MINIMAL_POST_LOGIN)  # required fields never go
        assert set(candidate) <= set(event)

    check()


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_failure_that_needs_two_fields_shrinks_to_exactly_those_two(ws: Workspace, runtime: str) -> None:
    actions.create_action(ws, "both", "post-login", code=BOTH_VERIFIED[runtime], runtime=runtime)
    report = fuzz.fuzz_action(ws, "both", examples=200, seed=3)
    (finding,) = report.findings
    assert finding.kind == "raises" and finding.summary.endswith("both verified")
    # Minimal: the skeleton plus the two fields the failure needs, each at the value it needs.
    assert finding.event == BOTH_VERIFIED_EVENT


# Fails past a threshold, or on a domain at the end of a string: each finding shrinks to exactly the
# boundary (a search over the range, not a few fixed points) and the shortest string that still fails.
THRESHOLDS = {
    "python3": """def on_execute_post_login(event, api):
    if (event.stats.logins_count or 0) > 100:
        raise OverflowError("too many")
    if (event.user.email or "").endswith(".c"):
        raise ValueError("dot c")
""",
    "node22": """exports.onExecutePostLogin = async (event, api) => {
  if ((event.stats.logins_count || 0) > 100) throw new RangeError("too many");
  if ((event.user.email || "").endsWith(".c")) throw new TypeError("dot c");
};
""",
}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_numbers_shrink_to_the_boundary_and_strings_to_the_part_that_fails(ws: Workspace, runtime: str) -> None:
    actions.create_action(ws, "threshold", "post-login", code=THRESHOLDS[runtime], runtime=runtime)
    report = fuzz.fuzz_action(ws, "threshold", examples=400, seed=7)
    (too_many,) = [f for f in report.findings if f.summary.endswith("too many")]
    (dot_c,) = [f for f in report.findings if f.summary.endswith("dot c")]
    assert too_many.event["stats"]["logins_count"] == 101
    assert dot_c.event["user"]["email"] == ".c"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_same_seed_gives_the_same_run(ws: Workspace, runtime: str) -> None:
    actions.create_action(ws, "both", "post-login", code=BOTH_VERIFIED[runtime], runtime=runtime)
    one = fuzz.fuzz_action(ws, "both", examples=120, seed=21)
    two = fuzz.fuzz_action(ws, "both", examples=120, seed=21)
    assert one.examples == two.examples
    assert [(f.kind, f.summary, f.event) for f in one.findings] == [(f.kind, f.summary, f.event) for f in two.findings]


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("case", ["throws", "times out", "denies"])
def test_a_finding_carries_the_result_a_plain_run_of_its_event_gives(ws: Workspace, runtime: str,
                                                                     case: str) -> None:
    code, invariants = {"throws": (THROWS, None), "times out": (HANGS, None),
                        "denies": (DENIES, NEVER_DENIES)}[case]
    actions.create_action(ws, "a", "post-login", code=code[runtime], runtime=runtime)
    # A short budget only where the action hangs: a first Node worker can take longer to start
    # on a busy machine, which would be a timeout finding of its own.
    timeout_s = 0.5 if case == "times out" else fuzz.DEFAULT_TIMEOUT_S
    report = fuzz.fuzz_action(ws, "a", examples=3, seed=1, timeout_s=timeout_s, invariants=invariants)
    (finding,) = report.findings
    assert finding.kind == {"throws": "raises", "times out": "timeout", "denies": "invariant"}[case]
    with ws.db.read() as s:
        sources = resolve_sources(ws, s, [repo.find_action(s, "a")], "draft", {})
    plain = execute("post-login", sources, finding.event, sandbox=ws.sandbox, timeout_s=timeout_s)
    assert _comparable(finding.result) == _comparable(plain.model_dump(mode="json"))
    assert finding.result["status"] == {"throws": "error", "times out": "timeout", "denies": "denied"}[case]


@needs_node
def test_a_node_worker_killed_in_the_middle_of_a_run_is_reported_and_loses_nothing(ws: Workspace) -> None:
    actions.create_action(ws, "slow", "post-login", code=SLOW["node22"], runtime="node22")
    killed: list[int] = []

    def progress(done: int, total: int, found: int) -> None:
        if done == 2 and not killed:
            # The worker that ran example 2 went back idle under its key; example 3 takes it again.
            pool = ws.sandbox().node_pool()
            (worker,) = [w for ws_ in pool._idle.values() for w in ws_]
            killed.append(worker.pid)
            threading.Timer(0.05, os.kill, (worker.pid, signal.SIGKILL)).start()

    report = fuzz.fuzz_action(ws, "slow", examples=5, seed=1, on_progress=progress)
    assert killed and not report.stopped
    assert report.examples == 5 + 1  # every example ran, and the crash's event once more
    (finding,) = report.findings
    assert finding.kind == "crash"
    assert finding.summary == ("Crash: the action's process was killed by SIGKILL (9): killed from outside the "
                               "action (e.g. by the out-of-memory killer)" + fuzz.NOT_REPEATED)
    assert finding.result["status"] == "error"


def test_a_zygote_killed_under_an_example_restarts_and_the_example_runs_again(ws: Workspace) -> None:
    actions.create_action(ws, "slow", "post-login", code=SLOW["python3"])
    killed: list[int] = []

    def progress(done: int, total: int, found: int) -> None:
        if done == 2 and not killed:
            pid = ws.sandbox().zygote_pid
            killed.append(pid)
            threading.Timer(0.1, os.kill, (pid, signal.SIGKILL)).start()

    report = fuzz.fuzz_action(ws, "slow", examples=5, seed=1, on_progress=progress)
    assert killed and ws.sandbox().zygote_pid != killed[0]
    assert report.examples == 5 and report.findings == [] and not report.stopped


def test_stop_while_shrinking_keeps_the_smallest_event_so_far(ws: Workspace) -> None:
    actions.create_action(ws, "both", "post-login", code=BOTH_VERIFIED["python3"])
    cancel = threading.Event()
    runs = []

    def progress(done: int, total: int, found: int) -> None:
        runs.append(done)
        if len(runs) == 200 + 10:  # exploring is over; the shrink has run ten events
            cancel.set()

    report = fuzz.fuzz_action(ws, "both", examples=200, seed=3, cancel=cancel, on_progress=progress)
    assert report.stopped and report.examples == 210
    (finding,) = report.findings
    assert finding.kind == "raises" and finding.summary == "PermissionError: both verified"
    # Whatever the shrink had reached, the event still fails in the same way.
    assert finding.event["user"]["email_verified"] is True and finding.event["user"]["phone_verified"] is True

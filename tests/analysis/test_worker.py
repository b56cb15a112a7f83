"""The jedi owner thread: answers arrive with their request id; superseded requests are dropped."""

from __future__ import annotations

import threading

from actions_studio.analysis.worker import AnalysisWorker


def test_real_completion_arrives_with_its_request_id() -> None:
    worker = AnalysisWorker()
    got: list = []
    done = threading.Event()
    try:
        rid = worker.complete(
            "editor:1", "def on_execute_post_login(event, api):\n    event.st", 2, 15, "post-login",
            lambda i, answer: (got.append((i, answer)), done.set()),
        )
        assert done.wait(30)
        assert got[0][0] == rid
        assert "stats" in {c.name for c in got[0][1]}
        assert worker.ready.is_set()
    finally:
        worker.stop()


def test_superseded_requests_never_run_and_stale_answers_are_not_delivered() -> None:
    worker = AnalysisWorker(warm_up=False)
    gate, started = threading.Event(), threading.Event()
    ran: list[str] = []
    delivered: list[int] = []
    finished = threading.Event()

    def blocking(_engine):
        started.set()
        gate.wait(10)
        ran.append("first")
        return "first"

    try:
        first = worker.submit("editor:1", blocking, lambda i, a: delivered.append(i))
        assert started.wait(30)
        # queued behind the running one, then superseded before it can start
        worker.submit("editor:1", lambda e: ran.append("second"), lambda i, a: delivered.append(i))
        third = worker.submit("editor:1", lambda e: ran.append("third") or "third",
                              lambda i, a: (delivered.append(i), finished.set()))
        other = worker.submit("panel:2", lambda e: "other", lambda i, a: delivered.append(i))
        gate.set()
        assert finished.wait(10)
        worker.stop()
        assert ran == ["first", "third"]  # the second was superseded while queued
        assert first not in delivered  # the first finished after a newer request: dropped
        assert third in delivered and other in delivered
    finally:
        gate.set()
        worker.stop()


def test_a_failing_request_does_not_kill_the_jedi_thread() -> None:
    worker = AnalysisWorker(warm_up=False)
    answers: list = []
    done = threading.Event()
    try:
        worker.submit("a", lambda e: 1 / 0, lambda i, a: answers.append(a))
        worker.submit("b", lambda e: "alive", lambda i, a: (answers.append(a), done.set()))
        assert done.wait(10)
        assert answers == [None, "alive"]
    finally:
        worker.stop()


def test_a_raising_reply_callback_does_not_kill_the_jedi_thread() -> None:
    worker = AnalysisWorker(warm_up=False)
    done = threading.Event()
    try:
        worker.submit("a", lambda e: 1, lambda i, a: 1 / 0)
        worker.submit("b", lambda e: 2, lambda i, a: done.set())
        assert done.wait(10)
    finally:
        worker.stop()


def test_a_deferred_request_comes_back_with_its_id_and_lets_others_pass() -> None:
    from actions_studio.analysis.owner import DEFER

    worker = AnalysisWorker(warm_up=False)
    tries: list[int] = []
    order: list[str] = []
    done = threading.Event()

    def not_yet(_engine):
        tries.append(1)
        return DEFER if len(tries) < 3 else "at last"

    try:
        rid = worker.submit("diagnostics", not_yet, lambda i, a: (order.append(f"{i}:{a}"), done.set()))
        worker.submit("complete", lambda e: "quick", lambda i, a: order.append(a))
        assert done.wait(10)
        assert order == ["quick", f"{rid}:at last"] and len(tries) == 3
    finally:
        worker.stop()


def test_a_deferred_request_superseded_meanwhile_is_dropped() -> None:
    from actions_studio.analysis.owner import DEFER

    worker = AnalysisWorker(warm_up=False)
    delivered: list[str] = []
    done = threading.Event()
    try:
        worker.submit("diagnostics", lambda e: DEFER, lambda i, a: delivered.append("old"))
        worker.submit("diagnostics", lambda e: "new", lambda i, a: (delivered.append(a), done.set()))
        assert done.wait(10)
        worker.stop()
        assert delivered == ["new"]
    finally:
        worker.stop()


def test_a_worker_not_warmed_loads_jedi_only_when_first_asked() -> None:
    # Issue 12 item 10: the studio starts its owner before the window is built; importing jedi
    # then (~0.1 s) competed with the window for the GIL.
    import subprocess
    import sys

    probe = (
        "import sys, threading, time\n"
        "from actions_studio.analysis.worker import AnalysisWorker\n"
        "w = AnalysisWorker(warm_up=False)\n"
        "time.sleep(0.3)\n"
        "print('before', 'jedi' in sys.modules)\n"
        "done = threading.Event()\n"
        "w.submit('c', lambda e: e.complete('import o', 1, 8, None), lambda _i, _a: done.set())\n"
        "done.wait(60)\n"
        "print('after', 'jedi' in sys.modules)\n"
        "w.stop()\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                         check=True).stdout.split()
    assert out == ["before", "False", "after", "True"]

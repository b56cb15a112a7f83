"""The worker bridge: newest answers only, failures as one line, answers on the GUI thread.

Most of it is Qt-free (`background.Background` with a plain `post` that the test drains itself,
playing the receiving thread); one test per Qt promise: delivery on the GUI thread, and nothing
delivered to a bridge that is gone.
"""

from __future__ import annotations

import threading

from actions_studio.services.errors import InvalidInputError
from actions_studio.ui.background import Background, settle


class Receiver:
    """Plays the GUI thread: collects what workers post, runs it when told."""

    def __init__(self) -> None:
        self.posted: list = []
        self.lock = threading.Lock()
        self.got: list[tuple] = []

    def post(self, fn, *args) -> None:
        with self.lock:
            self.posted.append((fn, args))

    def drain(self) -> None:
        with self.lock:
            calls, self.posted = self.posted, []
        for fn, args in calls:
            fn(*args)

    def background(self, **options) -> Background:
        return Background(self.post, finished=lambda *a: self.got.append(("finished", *a)),
                          failed=lambda *a: self.got.append(("failed", *a)),
                          progressed=lambda *a: self.got.append(("progressed", *a)), **options)


def test_only_the_newest_answer_of_a_channel_is_delivered() -> None:
    receiver = Receiver()
    work = receiver.background(threads=2)
    gate = threading.Event()
    first = work.submit("fixture", lambda _job: gate.wait(10) and "old")
    other = work.submit("other channel", lambda _job: "unrelated")
    second = work.submit("fixture", lambda _job: "new")
    gate.set()
    assert work.wait(10)
    receiver.drain()
    assert sorted(receiver.got) == sorted([("finished", "other channel", other, "unrelated"),
                                           ("finished", "fixture", second, "new")])
    assert first < second and not work.is_newest("fixture", first)


def test_supersede_drops_the_answer_in_flight_and_the_job_can_see_it() -> None:
    receiver = Receiver()
    work = receiver.background()
    started, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def job(handle) -> str:
        started.set()
        release.wait(10)
        seen.append(handle.superseded())
        handle.progress("late")
        return "stale"

    work.submit("plan", job)
    assert started.wait(10)
    work.supersede("plan")  # e.g. the tenant was switched while the plan was being made
    release.set()
    assert work.wait(10)
    receiver.drain()
    assert seen == [True] and receiver.got == []


def test_progress_arrives_before_the_answer_in_order() -> None:
    receiver = Receiver()
    work = receiver.background()

    def job(handle) -> int:
        for n in (1, 2, 3):
            handle.progress(n)
        return 6

    request = work.submit("batch", job)
    assert work.wait(10)
    receiver.drain()
    assert receiver.got == [("progressed", "batch", request, 1), ("progressed", "batch", request, 2),
                            ("progressed", "batch", request, 3), ("finished", "batch", request, 6)]


def test_failures_are_one_line_expected_ones_as_said_others_named_as_unexpected(caplog) -> None:
    assert settle(lambda: 1 / 1, (InvalidInputError,)).value == 1.0
    refused = settle(lambda: (_ for _ in ()).throw(InvalidInputError("no fixture named 'x'")),
                     (InvalidInputError,))
    assert (refused.ok, refused.value) == (False, "no fixture named 'x'")
    bug = settle(lambda: {}["k"], (InvalidInputError,))
    assert (bug.ok, bug.value) == (False, "unexpected KeyError: 'k'")
    assert "background work failed" in caplog.text  # a bug is logged with its traceback too


def test_jobs_run_on_worker_threads_and_no_thread_is_left_once_idle() -> None:
    receiver = Receiver()
    work = receiver.background(threads=2, name="probe-worker")
    caller = threading.current_thread()
    ran_on, running, most = [], [0], [0]
    lock, gate, two_running = threading.Lock(), threading.Event(), threading.Event()

    def job(_handle) -> None:
        with lock:
            ran_on.append(threading.current_thread())
            running[0] += 1
            most[0] = max(most[0], running[0])
            if running[0] == 2:
                two_running.set()
        gate.wait(10)
        with lock:
            running[0] -= 1

    for n in range(5):
        work.submit(f"c{n}", job)
    assert two_running.wait(10)
    gate.set()
    assert work.wait(10)
    assert len(ran_on) == 5 and caller not in ran_on
    assert most[0] == 2  # never more threads at once than asked for

    def alive() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "probe-worker"]

    for thread in alive():
        thread.join(5)
    assert alive() == []


def test_the_bridge_delivers_on_the_gui_thread(qtbot) -> None:
    from actions_studio.ui.worker_bridge import WorkerBridge

    bridge = WorkerBridge()
    gui = threading.current_thread()
    worker_threads, delivered_on = [], []
    bridge.sig_finished.connect(lambda *_a: delivered_on.append(threading.current_thread()))

    def job(_handle) -> str:
        worker_threads.append(threading.current_thread())
        return "done"

    with qtbot.waitSignal(bridge.sig_finished, timeout=10_000) as finished:
        request = bridge.submit("c", job)
    assert finished.args == ["c", request, "done"]
    assert worker_threads and worker_threads[0] is not gui
    assert delivered_on == [gui]


def test_answers_for_a_deleted_bridge_are_dropped(qtbot) -> None:
    import shiboken6
    from PySide6.QtCore import QObject

    from actions_studio.ui.worker_bridge import WorkerBridge

    parent = QObject()
    bridge = WorkerBridge(parent=parent)
    got: list = []
    bridge.sig_finished.connect(lambda *a: got.append(a))
    release = threading.Event()
    bridge.submit("c", lambda _job: release.wait(10) and "late")
    work = bridge._work
    shiboken6.delete(parent)  # the dialog closed while its work was running
    assert not shiboken6.isValid(bridge)
    release.set()
    assert work.wait(10)  # the answer is posted now
    qtbot.wait(50)  # ... and delivered to nobody, without touching the deleted C++ object
    assert got == []


def test_stop_sets_the_cancel_event_of_the_channels_running_job_and_its_answer_arrives() -> None:
    # Issue 12 item 5: Stop reaches the run through its job's cancel event; the run still answers.
    receiver = Receiver()
    work = receiver.background(threads=2)
    started = threading.Event()

    def runaway(job) -> str:
        started.set()
        return "stopped" if job.cancel.wait(30) else "ran out"

    request = work.submit("fixture", runaway)
    other = work.submit("other", lambda job: job.cancel.is_set())
    assert started.wait(10)
    assert work.stop("fixture") is True
    assert work.wait(10)
    receiver.drain()
    assert sorted(receiver.got) == sorted([("finished", "fixture", request, "stopped"),
                                           ("finished", "other", other, False)])
    assert work.stop("fixture") is False  # nothing of it is running any more


def test_a_newer_request_cancels_the_superseded_job() -> None:
    receiver = Receiver()
    work = receiver.background(threads=2)
    started = threading.Event()
    outcome: list[bool] = []

    def slow(job) -> None:
        started.set()
        outcome.append(job.cancel.wait(30))

    work.submit("fixture", slow)
    assert started.wait(10)
    newest = work.submit("fixture", lambda _job: "new")
    assert work.wait(10)
    receiver.drain()
    assert outcome == [True] and receiver.got == [("finished", "fixture", newest, "new")]

"""The owner's two lanes: a completion, call tip or hover runs before queued diagnostics and cuts
short its document's diagnostics in flight (when the engine can be interrupted), which then run
again; and a request in flight is told to stop only when it is the one meant."""

from __future__ import annotations

import threading
from typing import Any

from actions_studio.analysis.owner import EngineOwner, Request
from actions_studio.analysis.worker import AnalysisWorker

HANDLER = "def on_execute_post_login(event, api):\n    event.st"


class StoppableEngine:
    """Work that runs until told to stop, as tsserver's cancellable checks do."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.current: int | None = None  # the request the owner said is starting
        self.told_to_stop: list[int | None] = []


class StoppableOwner(EngineOwner[StoppableEngine]):
    interruptible = True

    def __init__(self) -> None:
        self.before_stopping = lambda: None
        super().__init__("stoppable-owner", warm_up=False)

    def _create_engine(self) -> StoppableEngine:
        return StoppableEngine()

    def _started(self, engine: StoppableEngine, request: Request[StoppableEngine]) -> None:
        engine.current = request.request_id
        engine.stop.clear()

    def _superseded(self, engine: StoppableEngine) -> None:
        self.before_stopping()
        engine.told_to_stop.append(engine.current)
        engine.stop.set()


class Replies:
    def __init__(self) -> None:
        self.got: list[tuple[str, int, Any]] = []
        self._changed = threading.Condition()

    def to(self, name: str):
        def reply(request_id: int, answer: Any) -> None:
            with self._changed:
                self.got.append((name, request_id, answer))
                self._changed.notify_all()
        return reply

    def wait_for(self, name: str) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: any(g[0] == name for g in self.got), 30), f"no {name} answer"


def test_a_completion_cuts_its_documents_diagnostics_short_and_the_newest_run_after_it() -> None:
    owner = StoppableOwner()
    replies = Replies()
    started = threading.Event()
    runs: list[str] = []

    def diagnostics(text: str):
        def work(engine: StoppableEngine) -> str:
            runs.append(text)
            if len(runs) == 1:  # the first run checks until it is stopped
                started.set()
                return f"{text}: cut short" if engine.stop.wait(30) else f"{text}: never stopped"
            return f"{text}: all problems"
        return work

    try:
        owner.submit("editor:1:diagnostics", diagnostics("old"), replies.to("old diagnostics"))
        assert started.wait(30)
        completion = owner.submit("editor:1:complete", lambda e: ["stats"], replies.to("complete"),
                                  interactive=True)
        newest = owner.submit("editor:1:diagnostics", diagnostics("new"), replies.to("new diagnostics"))
        replies.wait_for("new diagnostics")
    finally:
        owner.stop()
    # the completion first; the cut-short answer never delivered; the newest text's diagnostics after
    assert replies.got == [("complete", completion, ["stats"]), ("new diagnostics", newest, "new: all problems")]
    assert runs == ["old", "new"]  # the old run, put back, was stale by its turn: never run again
    assert owner.interrupted == 1 and owner.waited_behind_background == 1


def test_diagnostics_cut_short_run_again_with_their_text_when_nothing_newer_came() -> None:
    owner = StoppableOwner()
    replies = Replies()
    started = threading.Event()
    runs: list[str] = []

    def diagnostics(engine: StoppableEngine) -> str:
        runs.append("run")
        if len(runs) == 1:
            started.set()
            return "cut short" if engine.stop.wait(30) else "never stopped"
        return "all problems"

    try:
        diagnosis = owner.submit("editor:1:diagnostics", diagnostics, replies.to("diagnostics"))
        assert started.wait(30)
        completion = owner.submit("editor:1:signature", lambda e: "tip", replies.to("signature"), interactive=True)
        replies.wait_for("diagnostics")
    finally:
        owner.stop()
    assert replies.got == [("signature", completion, "tip"), ("diagnostics", diagnosis, "all problems")]
    assert runs == ["run", "run"]


def test_another_documents_diagnostics_are_not_cut_short() -> None:
    owner = StoppableOwner()
    replies = Replies()
    started, gate = threading.Event(), threading.Event()

    def diagnostics(engine: StoppableEngine) -> str:
        started.set()
        gate.wait(30)
        return "cut short" if engine.stop.is_set() else "all problems"

    try:
        other = owner.submit("editor:2:diagnostics", diagnostics, replies.to("diagnostics"))
        assert started.wait(30)
        completion = owner.submit("editor:1:complete", lambda e: ["stats"], replies.to("complete"), interactive=True)
        gate.set()
        replies.wait_for("complete")
    finally:
        gate.set()
        owner.stop()
    assert replies.got == [("diagnostics", other, "all problems"), ("complete", completion, ["stats"])]
    assert owner.interrupted == 0 and owner.waited_behind_background == 1


def test_a_real_completion_passes_queued_diagnostics_and_jedi_is_never_cut_short() -> None:
    worker = AnalysisWorker(warm_up=False)
    replies = Replies()
    started, gate = threading.Event(), threading.Event()

    def busy(_engine) -> str:
        started.set()
        gate.wait(30)
        return "pyflakes ran"

    try:
        running = worker.submit("editor:1:diagnostics", busy, replies.to("running diagnostics"))
        assert started.wait(30)
        queued = worker.submit("editor:2:diagnostics", lambda e: "queued ran", replies.to("queued diagnostics"))
        completion = worker.complete("editor:1:complete", HANDLER, 2, len("    event.st"), "post-login",
                                     replies.to("complete"))
        gate.set()
        replies.wait_for("queued diagnostics")
    finally:
        gate.set()
        worker.stop()
    # jedi cannot be interrupted: the run in flight finishes and is delivered, the queued one waits
    assert [(name, request_id) for name, request_id, _ in replies.got] == [
        ("running diagnostics", running), ("complete", completion), ("queued diagnostics", queued)]
    assert replies.got[0][2] == "pyflakes ran"
    assert "stats" in {c.name for c in replies.got[1][2]}
    assert worker.interrupted == 0 and worker.waited_behind_background == 1


def test_a_newer_request_stops_only_the_request_it_supersedes_even_if_that_one_is_just_ending() -> None:
    """The gap between reading which request runs and telling it to stop: the running request
    ends meanwhile and the next (another channel's) starts. The stop must not land on that one."""
    owner = StoppableOwner()
    replies = Replies()
    first_started, release_first, next_started = threading.Event(), threading.Event(), threading.Event()

    def first(engine: StoppableEngine) -> str:
        first_started.set()
        release_first.wait(30)
        return "first"

    def other_channel(engine: StoppableEngine) -> str:
        next_started.set()
        return "cut short" if engine.stop.is_set() else "other"

    def end_the_running_request_first() -> None:
        # In the gap: the running request ends; give the owner every chance to start the next one.
        owner.before_stopping = lambda: None
        release_first.set()
        next_started.wait(0.5)

    try:
        a = owner.submit("editor:1:complete", first, replies.to("first"), interactive=True)
        assert first_started.wait(30)
        b = owner.submit("editor:2:complete", other_channel, replies.to("other"), interactive=True)
        owner.before_stopping = end_the_running_request_first
        newer = owner.submit("editor:1:complete", lambda e: "newer", replies.to("newer"), interactive=True)
        replies.wait_for("newer")
    finally:
        release_first.set()
        owner.stop()
    assert owner._engine is not None  # noqa: SLF001
    assert owner._engine.told_to_stop == [a]  # noqa: SLF001 - the one meant, not the next one
    assert ("other", b, "other") in replies.got and ("newer", newer, "newer") in replies.got
    assert not any(name == "first" for name, _, _ in replies.got)  # superseded: dropped

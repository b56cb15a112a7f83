"""One thread owns an analysis engine; requests carry ids and stale ones are dropped (Spyder's
broker contract). The jedi worker (worker.py) and the TypeScript worker (typescript/worker.py)
are this, each with its engine.

A *channel* is one asker, e.g. ``"editor:<action id>:complete"``. Only the newest request of a
channel matters: an older one still queued is skipped without running, one running when a newer
arrives is told to stop (`_superseded`: tsserver cancels it, jedi cannot), and an answer that
arrives after a newer request was made is not delivered. The caller (the editor, through a Qt
signal in ui/) receives ``(request_id, answer)`` in its callback, on the owner's thread.

Two lanes. A request is *interactive* (a completion, call tip or hover: the user waits for it)
or *background* (diagnostics, a document's close: the default). Interactive requests run before
any queued background one, in order among themselves; background ones keep their order. An
interactive request of a document (``"editor:7:complete"`` → ``"editor:7"``, `document_of`) also
interrupts that document's background request in flight when the engine can be interrupted
(`interruptible`: tsserver cancels it; jedi cannot, so a pyflakes run in flight finishes first):
the interrupted request goes back to the head of the background lane and runs again after the
interactive answer, so diagnostics are only delayed, never lost, and an answer cut short is
never delivered. `interrupted` counts them, `waited_behind_background` counts the interactive
requests that arrived while a background one ran (the bench reports both).

A request's work may answer `DEFER` ("not yet": the TypeScript service's diagnostics while its
semantic server loads): the same request goes back to the queue shortly, unless superseded, so
other questions are answered meanwhile instead of waiting behind it.

Per-asker paths (``set_extra_paths(owner, paths)``: an editor's action environment, issue 8)
apply to the channels ``owner`` and ``owner:*``; one engine serves every editor, so they travel
with each request.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from actions_studio.latest_requests import LatestRequests

log = logging.getLogger(__name__)

Reply = Callable[[int, Any], None]
E = TypeVar("E")
DEFER = object()
DEFER_DELAY_S = 0.05


@dataclass(frozen=True)
class Request(Generic[E]):
    request_id: int
    channel: str
    work: Callable[[E], Any]
    reply: Reply
    interactive: bool = False


def document_of(channel: str) -> str:
    """``"editor:7:complete"`` → ``"editor:7"``; a channel of fewer parts is its own document."""
    return channel.rsplit(":", 1)[0] if channel.count(":") >= 2 else channel


class EngineOwner(Generic[E]):
    interruptible = False  # whether `_superseded` stops the engine's work (else it only runs on)

    def __init__(self, thread_name: str, *, warm_up: bool = True) -> None:
        self._requests = LatestRequests()
        # guards the lanes, _extra_paths, _running and _interrupted_running; a request in flight
        # is told to stop under it, so the one told is the one meant (never the next one)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._interactive: deque[Request[E]] = deque()
        self._background: deque[Request[E] | None] = deque()  # None: stop, after what is queued
        self._extra_paths: dict[str, tuple[Path, ...]] = {}
        self._running: Request[E] | None = None  # the request the engine works on
        self._interrupted_running = False  # it was cut short for an interactive request
        self.interrupted = 0
        self.waited_behind_background = 0
        self._warm_up = warm_up
        self._engine: E | None = None
        self.ready = threading.Event()  # set once the engine is loaded (and warm)
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)
        self._thread.start()

    # -- what each engine's owner says --------------------------------------------------------

    def _create_engine(self) -> E:
        raise NotImplementedError

    def _warm(self, engine: E) -> None:
        """Pay the first answer's cost before anyone asks."""

    def _prepare(self, engine: E, request: Request[E]) -> None:
        """Set per-request state on the engine before the work runs."""

    def _started(self, engine: E, request: Request[E]) -> None:
        """`request` becomes the one `_superseded` stops (under the owner's lock)."""

    def _superseded(self, engine: E) -> None:
        """The request being worked on must stop: a newer one of its channel, or an interactive
        one of its document, arrived (any thread, under the owner's lock)."""

    def _shutdown(self, engine: E) -> None:
        """The owner stops: release the engine."""

    # -- the contract -------------------------------------------------------------------------

    def submit(self, channel: str, work: Callable[[E], Any], reply: Reply, *, interactive: bool = False) -> int:
        request_id = self._requests.begin(channel)
        request = Request(request_id, channel, work, reply, interactive)
        with self._wake:
            running, engine = self._running, self._engine
            if running is not None and engine is not None:
                if running.channel == channel:
                    self._superseded(engine)
                elif interactive and not running.interactive:
                    self.waited_behind_background += 1
                    if self.interruptible and document_of(running.channel) == document_of(channel):
                        self._interrupted_running = True
                        self._superseded(engine)
            (self._interactive if interactive else self._background).append(request)
            self._wake.notify()
        return request_id

    def is_newest(self, channel: str, request_id: int) -> bool:
        return self._requests.is_newest(channel, request_id)

    def set_extra_paths(self, owner: str, paths: Sequence[Path]) -> None:
        """Where the engine looks for the packages of `owner`'s requests (channels `owner` and
        `owner:*`), e.g. an editor's action environment."""
        with self._lock:
            self._extra_paths[owner] = tuple(Path(p) for p in paths)

    def _paths_for(self, channel: str) -> tuple[Path, ...]:
        with self._lock:
            owner = next((o for o in self._extra_paths if channel == o or channel.startswith(o + ":")), None)
            return self._extra_paths[owner] if owner is not None else ()

    def stop(self, timeout: float = 5.0) -> None:
        with self._wake:
            self._background.append(None)
            self._wake.notify()
        self._thread.join(timeout)

    def _put_back(self, request: Request[E], *, first: bool = False) -> None:
        with self._wake:
            lane = self._interactive if request.interactive else self._background
            lane.appendleft(request) if first else lane.append(request)
            self._wake.notify()

    def _next(self) -> Request[E] | None:
        with self._wake:
            while not self._interactive and not self._background:
                self._wake.wait()
            return self._interactive.popleft() if self._interactive else self._background.popleft()

    def _run(self) -> None:
        first: Request[E] | None = None
        if not self._warm_up:
            # Not warmed: nothing is loaded until someone asks. The studio starts its owner
            # before the window is built, and loading the engine then (jedi's import ~0.1 s)
            # competed with the window for the GIL (issue 12 item 10).
            first = self._next()
            if first is None:
                return
        engine = self._create_engine()
        with self._lock:
            self._engine = engine
        try:
            if self._warm_up:
                try:
                    self._warm(engine)
                except Exception:  # a failed warm-up only costs the first answer its speed
                    log.exception("warming up %s failed", type(engine).__name__)
            self.ready.set()
            while (request := (first if first is not None else self._next())) is not None:
                first = None
                if not self.is_newest(request.channel, request.request_id):
                    continue  # superseded while queued: never run
                self._answer(engine, request)
        finally:
            self._shutdown(engine)

    def _answer(self, engine: E, request: Request[E]) -> None:
        with self._lock:
            self._running, self._interrupted_running = request, False
            self._started(engine, request)
        try:
            self._prepare(engine, request)
            answer = request.work(engine)
        except Exception:  # a bug in one request must not kill the only engine thread
            log.exception("analysis request %s failed", request.request_id)
            answer = None
        finally:
            with self._lock:
                self._running = None
                interrupted = self._interrupted_running
        if interrupted:
            # cut short for an interactive request: its answer may be partial (tsserver's
            # cancelled diagnostics read as none); it runs again once the lane is clear
            self.interrupted += 1
            self._put_back(request, first=True)
            return
        if answer is DEFER:
            timer = threading.Timer(DEFER_DELAY_S, self._put_back, (request,))
            timer.daemon = True
            timer.start()
            return
        if self.is_newest(request.channel, request.request_id):
            try:
                request.reply(request.request_id, answer)
            except Exception:  # nor may a caller's reply callback
                log.exception("reply to analysis request %s failed", request.request_id)

"""One thread owns an analysis engine; requests carry ids and stale ones are dropped (Spyder's
broker contract). The jedi worker (worker.py) and the TypeScript worker (typescript/worker.py)
are this, each with its engine.

A *channel* is one asker, e.g. ``"editor:<action id>:complete"``. Only the newest request of a
channel matters: an older one still queued is skipped without running, one running when a newer
arrives is told to stop (`_superseded`: tsserver cancels it, jedi cannot), and an answer that
arrives after a newer request was made is not delivered. The caller (the editor, through a Qt
signal in ui/) receives ``(request_id, answer)`` in its callback, on the owner's thread.

A request's work may answer `DEFER` ("not yet": the TypeScript service's diagnostics while its
semantic server loads): the same request goes back to the queue shortly, unless superseded, so
other questions are answered meanwhile instead of waiting behind it.

Per-asker paths (``set_extra_paths(owner, paths)``: an editor's action environment, issue 8)
apply to the channels ``owner`` and ``owner:*``; one engine serves every editor, so they travel
with each request.
"""

from __future__ import annotations

import logging
import queue
import threading
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


class EngineOwner(Generic[E]):
    def __init__(self, thread_name: str, *, warm_up: bool = True) -> None:
        self._queue: queue.Queue[Request[E] | None] = queue.Queue()
        self._requests = LatestRequests()
        self._lock = threading.Lock()  # guards _extra_paths and _running
        self._extra_paths: dict[str, tuple[Path, ...]] = {}
        self._running: str | None = None  # the channel whose request the engine works on
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

    def _superseded(self, engine: E) -> None:
        """A newer request arrived for the channel being worked on (any thread)."""

    def _shutdown(self, engine: E) -> None:
        """The owner stops: release the engine."""

    # -- the contract -------------------------------------------------------------------------

    def submit(self, channel: str, work: Callable[[E], Any], reply: Reply) -> int:
        request_id = self._requests.begin(channel)
        with self._lock:
            running, engine = self._running, self._engine
        if running == channel and engine is not None:
            self._superseded(engine)
        self._queue.put(Request(request_id, channel, work, reply))
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
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        first: Request[E] | None = None
        if not self._warm_up:
            # Not warmed: nothing is loaded until someone asks. The studio starts its owner
            # before the window is built, and loading the engine then (jedi's import ~0.1 s)
            # competed with the window for the GIL (issue 12 item 10).
            first = self._queue.get()
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
            while (request := (first if first is not None else self._queue.get())) is not None:
                first = None
                if not self.is_newest(request.channel, request.request_id):
                    continue  # superseded while queued: never run
                with self._lock:
                    self._running = request.channel
                try:
                    self._prepare(engine, request)
                    answer = request.work(engine)
                except Exception:  # a bug in one request must not kill the only engine thread
                    log.exception("analysis request %s failed", request.request_id)
                    answer = None
                finally:
                    with self._lock:
                        self._running = None
                if answer is DEFER:
                    timer = threading.Timer(DEFER_DELAY_S, self._queue.put, (request,))
                    timer.daemon = True
                    timer.start()
                    continue
                if self.is_newest(request.channel, request.request_id):
                    try:
                        request.reply(request.request_id, answer)
                    except Exception:  # nor may a caller's reply callback
                        log.exception("reply to analysis request %s failed", request.request_id)
        finally:
            self._shutdown(engine)

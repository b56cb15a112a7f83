"""Work off the GUI thread, answers back on it: the Qt-free half of the worker bridge.

`Background` runs jobs on a few daemon threads of its own. Every job is a request on a channel
(a fixture's test runs, a trigger's canvas, the sync plan) with an id from `LatestRequests`;
its answer, its failure and its progress are handed to `post`, which runs them on the receiving
thread (the GUI thread, in `worker_bridge.WorkerBridge`), where an answer that a newer request
of its channel superseded is dropped before anyone sees it. Work never touches what widgets
show: it returns a value, and the receiving side writes state.

No Qt here (ui/ only by audience): the rules are tested with a plain `post`.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from actions_studio.latest_requests import LatestRequests
from actions_studio.services.errors import ServiceError

log = logging.getLogger(__name__)

Work = Callable[["Job"], Any]  # gets its Job handle, returns the answer
Post = Callable[..., None]        # post(fn, *args): call fn(*args) on the receiving thread
Answer = Callable[[str, int, Any], None]  # (channel, request id, answer | message | progress item)


@dataclass(frozen=True)
class Job:
    """What a piece of work gets to talk back with while it runs (on its worker thread)."""

    channel: str
    request_id: int
    progress: Callable[[Any], None]  # an item for `progressed`, delivered like the answer
    superseded: Callable[[], bool]   # True once a newer request of the channel was made
    # Set when the user stops this request (Stop) or a newer one supersedes it; a job hands it to
    # the runs it makes (execution.execute takes it), which kill their sandbox child at once.
    cancel: threading.Event


@dataclass(frozen=True)
class Settled:
    ok: bool
    value: Any  # the answer, or the one-line message of the failure


def settle(work: Callable[[], Any], expected: tuple[type[BaseException], ...]) -> Settled:
    """Runs `work`; an expected error is its message, anything else a bug worded as one line —
    it must reach the user as a message, not end the worker thread."""
    try:
        return Settled(True, work())
    except expected as exc:
        return Settled(False, str(exc))
    except Exception as exc:  # noqa: BLE001 - see the docstring
        log.exception("background work failed")
        return Settled(False, f"unexpected {type(exc).__name__}: {exc}")


class Background:
    def __init__(self, post: Post, *, finished: Answer, failed: Answer, progressed: Answer,
                 threads: int = 1, expected: tuple[type[BaseException], ...] = (ServiceError,),
                 name: str = "background") -> None:
        self._post = post
        self._finished, self._failed, self._progressed = finished, failed, progressed
        self._expected = expected
        self._requests = LatestRequests()
        self._jobs: deque[Callable[[], None]] = deque()
        self._threads_wanted = threads
        self._running = 0  # threads alive (guarded by _idle, like the queue and the count)
        self._name = name
        self._pending = 0
        self._idle = threading.Condition()
        # The cancel events of the jobs not finished yet, by channel (guarded by _idle).
        self._live: dict[str, dict[int, threading.Event]] = {}

    # -- asking ---------------------------------------------------------------------------------

    def submit(self, channel: str, work: Work) -> int:
        """Runs `work` on a worker thread; returns the request id. Every earlier request of the
        channel is stale from now on: its answer is never delivered."""
        request_id = self._requests.begin(channel)

        def progress(item: Any) -> None:
            self._post(self._deliver_progress, channel, request_id, item)

        cancel = threading.Event()
        handle = Job(channel, request_id, progress, lambda: not self.is_newest(channel, request_id), cancel)
        with self._idle:
            live = self._live.setdefault(channel, {})
            for earlier in live.values():
                earlier.set()  # nobody will read its answer: its sandbox time is wasted
            live[request_id] = cancel

        def job() -> None:
            try:
                settled = settle(lambda: work(handle), self._expected)
            finally:
                with self._idle:
                    self._live.get(channel, {}).pop(request_id, None)
            self._post(self._deliver, channel, request_id, settled)

        self._start(job)
        return request_id

    def stop(self, channel: str) -> bool:
        """Stop: sets the cancel event of every unfinished job of `channel`; True if there was one.
        The job still answers (a run says "stopped"), so the panel shows what happened."""
        with self._idle:
            live = list(self._live.get(channel, {}).values())
        for cancel in live:
            cancel.set()
        return bool(live)

    def supersede(self, channel: str) -> None:
        """Makes every request of `channel` so far stale (e.g. the question changed meaning)."""
        self._requests.begin(channel)

    def is_newest(self, channel: str, request_id: int) -> bool:
        return self._requests.is_newest(channel, request_id)

    def wait(self, timeout_s: Optional[float] = None) -> bool:
        """Blocks until every submitted job has run (its answer posted); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout_s)

    # -- answers, on the receiving thread --------------------------------------------------------

    def _deliver(self, channel: str, request_id: int, settled: Settled) -> None:
        if self.is_newest(channel, request_id):
            (self._finished if settled.ok else self._failed)(channel, request_id, settled.value)

    def _deliver_progress(self, channel: str, request_id: int, item: Any) -> None:
        if self.is_newest(channel, request_id):
            self._progressed(channel, request_id, item)

    # -- the threads ----------------------------------------------------------------------------

    def _start(self, job: Callable[[], None]) -> None:
        with self._idle:
            self._pending += 1
            self._jobs.append(job)
            if self._running < self._threads_wanted:
                # Daemon threads: a job stuck on the network must not keep the studio from exiting.
                # A thread ends when it finds nothing to do, so an idle bridge holds no thread.
                self._running += 1
                threading.Thread(target=self._loop, name=self._name, daemon=True).start()

    def _loop(self) -> None:
        while True:
            with self._idle:
                if not self._jobs:
                    self._running -= 1
                    return
                job = self._jobs.popleft()
            try:
                job()
            except Exception:  # noqa: BLE001 - only `post` can raise here; the thread must live
                log.exception("an answer could not be posted")
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

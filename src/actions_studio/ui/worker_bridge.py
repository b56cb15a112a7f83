"""The one way off the GUI thread and back (docs/architecture.md, "ui/ — the worker bridge").

`WorkerBridge`: submit work on a channel, get a request id; `sig_finished`, `sig_failed` and
`sig_progressed` arrive on the GUI thread, for the newest request of each channel only
(`background.Background` holds the rules, Qt-free). Test runs, canvas runs, sync plans and
applies, and dependency installs use it; the jedi owner thread (analysis/worker.py) has a thread of
its own and answers through `GuiRelay.reply_to`, the same relay.

`GuiRelay`: one QObject per process on the GUI thread, never deleted, so a worker can always post
to it — a per-panel QObject could be destroyed by the GUI thread while a worker emits on it. What
it runs belongs to an owner held weakly: once the owner is gone (Python object collected or its
C++ object deleted) the call is dropped.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Optional

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

from actions_studio.services.errors import ServiceError
from actions_studio.ui.background import Background, Work

_relay: Optional["GuiRelay"] = None


class GuiRelay(QObject):
    sig_posted = Signal(object, object, object)
    """A call for the GUI thread: (weak owner, function, args); emitted on any thread."""

    def __init__(self) -> None:
        super().__init__()
        self.sig_posted.connect(self.on_self_posted, Qt.ConnectionType.QueuedConnection)

    def poster(self, owner: object) -> Callable[..., None]:
        """`post(fn, *args)` for `owner`'s workers: `fn(*args)` runs later on the GUI thread,
        unless `owner` has gone by then."""
        ref = weakref.ref(owner)

        def post(fn: Callable[..., None], *args: Any) -> None:
            self.sig_posted.emit(ref, fn, args)

        return post

    def reply_to(self, handler: Callable[[int, Any], None]) -> Callable[[int, Any], None]:
        """A worker reply callback that runs bound method `handler` later on the GUI thread
        (the jedi worker's `reply(request_id, answer)`), held weakly like an owner."""
        target = weakref.WeakMethod(handler)

        def reply(request_id: int, answer: Any) -> None:
            # Runs on the jedi thread. It must never raise: AnalysisWorker calls it outside its
            # try/except, and an exception there would end the only jedi thread.
            try:
                self.sig_posted.emit(None, target, (request_id, answer))
            except Exception:  # noqa: BLE001 - the relay outlives editors; nothing useful to report
                pass

        return reply

    def on_self_posted(self, ref: Optional[weakref.ref], fn: Any, args: tuple) -> None:
        if isinstance(fn, weakref.WeakMethod):
            fn = fn()
            if fn is None:
                return
            ref = weakref.ref(fn.__self__)
        owner = ref() if ref is not None else None
        if owner is None or (isinstance(owner, QObject) and not shiboken6.isValid(owner)):
            return
        fn(*args)


def gui_relay() -> GuiRelay:
    """The process's relay, created on first use (on the GUI thread)."""
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        if QCoreApplication.instance() is None:
            raise RuntimeError("the GUI relay needs a QApplication")
        _relay = GuiRelay()
    return _relay


class WorkerBridge(QObject):
    sig_finished = Signal(str, int, object)
    """The newest request of a channel ended: (channel, request id, answer)."""
    sig_failed = Signal(str, int, str)
    """The newest request of a channel failed: (channel, request id, one-line message)."""
    sig_progressed = Signal(str, int, object)
    """The newest request of a channel reported progress: (channel, request id, item)."""

    def __init__(self, *, threads: int = 1, expected: tuple[type[BaseException], ...] = (ServiceError,),
                 name: str = "worker", parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._work = Background(gui_relay().poster(self), finished=self.sig_finished.emit,
                                failed=self.sig_failed.emit, progressed=self.sig_progressed.emit,
                                threads=threads, expected=expected, name=name)

    def submit(self, channel: str, work: Work) -> int:
        """Runs `work(progress)` off the GUI thread; returns the request id. Earlier requests of
        the channel are stale from now on."""
        return self._work.submit(channel, work)

    def supersede(self, channel: str) -> None:
        self._work.supersede(channel)

    def stop(self, channel: str) -> bool:
        """Sets the cancel event of the channel's unfinished jobs (Stop); True if there was one."""
        return self._work.stop(channel)

    def is_newest(self, channel: str, request_id: int) -> bool:
        return self._work.is_newest(channel, request_id)

    def wait(self, timeout_s: Optional[float] = 30.0) -> bool:
        return self._work.wait(timeout_s)

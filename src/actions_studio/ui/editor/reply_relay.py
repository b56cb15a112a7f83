"""Carry AnalysisWorker answers from the jedi thread to the GUI thread.

The worker calls its reply callback on its own thread (analysis/worker.py); widgets may only be
touched on the GUI thread. One relay QObject per process lives on the GUI thread and is never
deleted, so the worker can always emit on it: a per-editor QObject could be destroyed by the GUI
thread while the worker is in the middle of emitting on it. A handler is held weakly, and a reply
for an editor that has gone (Python object collected or its C++ widget deleted) is dropped.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

Handler = Callable[[int, Any], None]
_relay: ReplyRelay | None = None


class ReplyRelay(QObject):
    sig_reply_arrived = Signal(object, int, object)
    """A worker answered: (weak handler, request id, answer); emitted on the worker's thread."""

    def __init__(self) -> None:
        super().__init__()
        self.sig_reply_arrived.connect(self.on_self_reply_arrived, Qt.ConnectionType.QueuedConnection)

    def reply_to(self, handler: Handler) -> Callable[[int, Any], None]:
        """A worker reply callback that runs bound method `handler` later on the GUI thread."""
        target = weakref.WeakMethod(handler)

        def reply(request_id: int, answer: Any) -> None:
            # Runs on the jedi thread. It must never raise: AnalysisWorker calls it outside its
            # try/except, and an exception there would end the only jedi thread.
            try:
                self.sig_reply_arrived.emit(target, request_id, answer)
            except Exception:  # noqa: BLE001 - the relay outlives editors; nothing useful to report
                pass

        return reply

    def on_self_reply_arrived(self, target: weakref.WeakMethod, request_id: int, answer: Any) -> None:
        handler = target()
        if handler is None:
            return
        owner = getattr(handler, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return
        handler(request_id, answer)


def reply_relay() -> ReplyRelay:
    """The process's relay, created on first use (on the GUI thread, by the first editor)."""
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("the reply relay needs a QApplication")
        _relay = ReplyRelay()
    return _relay

"""Runs a flow as drawn on the canvas off the GUI thread (issue 5, §4).

One channel per trigger; every request gets an increasing id and only the newest answer of a
channel is delivered (DESIGN.md: stale asynchronous answers are dropped). Its own small pool, so
the window can wait for it at shutdown without waiting for anything else.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject, QThreadPool, Signal

from actions_studio.latest_requests import LatestRequests
from actions_studio.services.errors import ServiceError
from actions_studio.services.flow_design import run_design
from actions_studio.services.workspace import Workspace


class FlowRunner(QObject):
    sig_run_finished = Signal(str, int, object)
    """A canvas run ended: (trigger id, request id, RunReport)."""
    sig_run_failed = Signal(str, int, str)
    """A canvas run could not start or crashed: (trigger id, request id, one-line message)."""

    def __init__(self, workspace: Workspace, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._requests = LatestRequests()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # Queued to the GUI thread, then filtered there: a newer request may have started meanwhile.
        self._done = _Relay(self)

    def is_newest(self, trigger_id: str, request_id: int) -> bool:
        return self._requests.is_newest(trigger_id, request_id)

    def run(self, trigger_id: str, action_ids: list[str], fixture_name: str, *, drafts: bool) -> int:
        request_id = self._requests.begin(trigger_id)
        ids = list(action_ids)

        def work() -> None:
            try:
                self._ws.sandbox()
                report = run_design(self._ws, trigger_id, ids, fixture_name, drafts=drafts)
            except ServiceError as exc:
                self._done.sig_failed.emit(trigger_id, request_id, str(exc))
            except Exception as exc:  # a bug must reach the user as a message, not kill the thread
                self._done.sig_failed.emit(trigger_id, request_id, f"unexpected {type(exc).__name__}: {exc}")
            else:
                self._done.sig_finished.emit(trigger_id, request_id, report)

        self._pool.start(work)
        return request_id

    def _on_finished(self, trigger_id: str, request_id: int, report: object) -> None:
        if self.is_newest(trigger_id, request_id):
            self.sig_run_finished.emit(trigger_id, request_id, report)

    def _on_failed(self, trigger_id: str, request_id: int, message: str) -> None:
        if self.is_newest(trigger_id, request_id):
            self.sig_run_failed.emit(trigger_id, request_id, message)

    def wait(self, timeout_ms: int = 30000) -> bool:
        return self._pool.waitForDone(timeout_ms)


class _Relay(QObject):
    sig_finished = Signal(str, int, object)
    """A worker finished (emitted from the pool thread, delivered queued)."""
    sig_failed = Signal(str, int, str)
    """A worker failed (emitted from the pool thread, delivered queued)."""

    def __init__(self, runner: FlowRunner) -> None:
        super().__init__(runner)
        self.sig_finished.connect(runner._on_finished)
        self.sig_failed.connect(runner._on_failed)

"""Runs a flow as drawn on the canvas off the GUI thread (issue 5, §4), through the worker bridge.

One channel per trigger; only the newest answer of a channel is delivered (DESIGN.md: stale
asynchronous answers are dropped). Its own worker thread, so the window can wait for it at
shutdown without waiting for anything else.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QObject, Signal

from actions_studio.services.flow_design import run_design
from actions_studio.services.workspace import Workspace
from actions_studio.ui.background import Job
from actions_studio.ui.worker_bridge import WorkerBridge


class FlowRunner(QObject):
    sig_run_finished = Signal(str, int, object)
    """A canvas run ended: (trigger id, request id, RunReport)."""
    sig_run_failed = Signal(str, int, str)
    """A canvas run could not start or crashed: (trigger id, request id, one-line message)."""
    sig_busy_changed = Signal(bool)
    """A canvas run started while none was in progress (True), or the last one ended."""

    def __init__(self, workspace: Workspace, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._bridge = WorkerBridge(name="canvas-runs", parent=self)
        self._in_progress: dict[str, int] = {}  # trigger id -> its newest run not answered yet
        # Busy state first, then the answer: a panel reacting to the answer sees Stop disabled.
        self._bridge.sig_finished.connect(self._answered)
        self._bridge.sig_failed.connect(self._answered)
        self._bridge.sig_finished.connect(self.sig_run_finished)
        self._bridge.sig_failed.connect(self.sig_run_failed)

    def _answered(self, trigger_id: str, request_id: int, _answer: Any) -> None:
        if self._in_progress.get(trigger_id) == request_id:
            del self._in_progress[trigger_id]
            if not self._in_progress:
                self.sig_busy_changed.emit(False)

    def is_busy(self) -> bool:
        return bool(self._in_progress)

    def stop(self) -> bool:
        """Stop: kills every canvas run in progress at once; each answers "stopped"."""
        return any([self._bridge.stop(t) for t in list(self._in_progress)])

    def is_newest(self, trigger_id: str, request_id: int) -> bool:
        return self._bridge.is_newest(trigger_id, request_id)

    def run(self, trigger_id: str, action_ids: list[str], fixture_name: str, *, drafts: bool) -> int:
        ids = list(action_ids)

        def work(job: Job) -> Any:
            self._ws.sandbox()
            return run_design(self._ws, trigger_id, ids, fixture_name, drafts=drafts, cancel=job.cancel)

        was_busy = self.is_busy()
        request_id = self._bridge.submit(trigger_id, work)
        self._in_progress[trigger_id] = request_id
        if not was_busy:
            self.sig_busy_changed.emit(True)
        return request_id

    def wait(self, timeout_ms: int = 30000) -> bool:
        return self._bridge.wait(timeout_ms / 1000)

"""Runs fixtures off the GUI thread and hands the reports back by signal, through the worker bridge.

One channel per action: a run or a Run all supersedes the earlier ones of its channel, and only
the newest one's answers reach the signals (DESIGN.md: every asynchronous answer carries a request
id). The sandbox and the store are safe to use from worker threads (runtime's Sandbox is
thread-safe; the store opens a session per call).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from PySide6.QtCore import QObject, Signal

from actions_studio.ui.background import Job
from actions_studio.ui.worker_bridge import WorkerBridge

if TYPE_CHECKING:
    from actions_studio.services.workspace import Workspace

log = logging.getLogger(__name__)
WARM_UP = "sandbox warm-up"


class RunDispatcher(QObject):
    sig_run_finished = Signal(str, int, object)
    """A run ended: (channel, request id, RunReport)."""
    sig_run_failed = Signal(str, int, str)
    """A run could not start or crashed: (channel, request id, one-line message)."""
    sig_batch_progressed = Signal(str, int, int, int, object)
    """Run-all moved on: (channel, request id, done, total, RunReport)."""
    sig_batch_finished = Signal(str, int, object)
    """Run-all ended: (channel, request id, list of RunReport)."""
    sig_busy_changed = Signal(bool)
    """A run started while none was in progress (True), or the last one in progress ended."""

    def __init__(self, workspace: Union["Workspace", Callable[[], "Workspace"]],
                 parent: Optional[QObject] = None) -> None:
        """`workspace`, or a callable giving it when the first run needs it (the studio's start
        opens the workspace after the window is shown, issue 12 item 10)."""
        super().__init__(parent)
        self._workspace = workspace
        self._batches: set[int] = set()  # request ids of Run all (GUI thread only)
        self._in_progress: dict[str, int] = {}  # channel -> its newest request not answered yet
        self._bridge = WorkerBridge(threads=2, name="test-runs", parent=self)
        self._bridge.sig_finished.connect(self.on_bridge_finished)
        self._bridge.sig_failed.connect(self.on_bridge_failed)
        self._bridge.sig_progressed.connect(self.on_bridge_progressed)

    @property
    def _ws(self) -> "Workspace":
        if callable(self._workspace):
            self._workspace = self._workspace()
        return self._workspace

    def _ensure_sandbox(self) -> None:
        # Workspace.sandbox() starts the zygote once, under its own lock; starting it here, inside
        # each job, turns a sandbox that cannot start into that run's message.
        self._ws.sandbox()

    def warm_sandbox(self) -> None:
        """Starts the sandbox's zygote in the background so the first F5 does not pay for it."""
        self._bridge.submit(WARM_UP, lambda _job: self._ensure_sandbox())

    def is_newest(self, channel: str, request_id: int) -> bool:
        return self._bridge.is_newest(channel, request_id)

    def is_busy(self) -> bool:
        """A run or Run all is in progress (what Stop would stop)."""
        return bool(self._in_progress)

    def stop(self, channel: Optional[str] = None) -> bool:
        """Stop (issue 12 item 5): kills the channel's run (every channel's without one) at once;
        its answer still arrives, saying "stopped". True if something was running."""
        channels = [channel] if channel is not None else list(self._in_progress)
        return any([self._bridge.stop(c) for c in channels])

    def _submit(self, channel: str, work: Any) -> int:
        was_busy = self.is_busy()
        request_id = self._bridge.submit(channel, work)
        self._in_progress[channel] = request_id
        if not was_busy:
            self.sig_busy_changed.emit(True)
        return request_id

    def _answered(self, channel: str, request_id: int) -> None:
        if self._in_progress.get(channel) == request_id:
            del self._in_progress[channel]
            if not self._in_progress:
                self.sig_busy_changed.emit(False)

    def run(self, channel: str, fixture_name: str, action_name: str) -> int:
        runs = _runs()

        def work(job: Job) -> Any:
            self._ensure_sandbox()
            return runs.run_fixture(self._ws, fixture_name, action=action_name, cancel=job.cancel)

        return self._submit(channel, work)

    def run_all(self, channel: str, fixture_names: list[str], action_name: str) -> int:
        total = len(fixture_names)
        runs = _runs()

        def work(job: Job) -> list[Any]:
            try:
                self._ensure_sandbox()
            except Exception as exc:  # each fixture's report says why it did not run
                batch: Any = (runs.not_run(name, str(exc)) for name in fixture_names)
            else:
                # Stops early once superseded: no sandbox time for an answer nobody reads.
                batch = runs.run_many(self._ws, fixture_names, action=action_name, catch=(Exception,),
                                      superseded=job.superseded, cancel=job.cancel)
            reports = []
            for done, report in enumerate(batch, start=1):
                reports.append(report)
                job.progress((done, total, report))
            return reports

        request_id = self._submit(channel, work)
        self._batches.add(request_id)
        return request_id

    def on_bridge_finished(self, channel: str, request_id: int, answer: Any) -> None:
        if channel == WARM_UP:
            return
        self._answered(channel, request_id)
        if request_id in self._batches:
            self._batches.discard(request_id)
            self.sig_batch_finished.emit(channel, request_id, answer)
        else:
            self.sig_run_finished.emit(channel, request_id, answer)

    def on_bridge_failed(self, channel: str, request_id: int, message: str) -> None:
        if channel == WARM_UP:
            log.error("the sandbox did not start: %s", message)  # the first run reports it too
            return
        self._answered(channel, request_id)
        self._batches.discard(request_id)
        self.sig_run_failed.emit(channel, request_id, message)

    def on_bridge_progressed(self, channel: str, request_id: int, item: Any) -> None:
        done, total, report = item
        self.sig_batch_progressed.emit(channel, request_id, done, total, report)

    def wait(self, timeout_ms: int = 30000) -> bool:
        return self._bridge.wait(timeout_ms / 1000)


def _runs() -> Any:
    """The run use cases, imported on the GUI thread at the first run rather than with the window:
    they load the run pipeline and the trigger catalog (~0.1 s) (issue 12 item 10)."""
    from actions_studio.services import runs

    return runs

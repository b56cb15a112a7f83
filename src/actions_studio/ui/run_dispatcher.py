"""Runs fixtures off the GUI thread and hands the reports back by signal.

Every request gets an increasing id; the panel that asked remembers the newest id per channel
(one channel per action) and `is_newest` lets it drop an answer that a later request superseded
(DESIGN.md: every asynchronous answer carries a request id). The sandbox and the store are safe to
use from pool threads (runtime's Sandbox is thread-safe; the store opens a session per call).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Optional

from PySide6.QtCore import QObject, QThreadPool, Signal

from actions_studio.latest_requests import LatestRequests
from actions_studio.services import runs
from actions_studio.services.errors import ServiceError
from actions_studio.services.workspace import Workspace

log = logging.getLogger(__name__)


class RunDispatcher(QObject):
    sig_run_finished = Signal(str, int, object)
    """A run ended: (channel, request id, RunReport)."""
    sig_run_failed = Signal(str, int, str)
    """A run could not start or crashed: (channel, request id, one-line message)."""
    sig_batch_progressed = Signal(str, int, int, int, object)
    """Run-all moved on: (channel, request id, done, total, RunReport or None)."""
    sig_batch_finished = Signal(str, int, object)
    """Run-all ended: (channel, request id, list of RunReport)."""

    def __init__(self, workspace: Workspace, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._requests = LatestRequests()
        # A private pool: waiting for it at shutdown must not wait for other users of the global one.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)

    def _ensure_sandbox(self) -> None:
        # Workspace.sandbox() starts the zygote once, under its own lock; starting it here, inside
        # the try of each job, turns a sandbox that cannot start into that run's message.
        self._ws.sandbox()

    def warm_sandbox(self) -> None:
        """Starts the sandbox's zygote in the background so the first F5 does not pay for it."""
        def work() -> None:
            try:
                self._ensure_sandbox()
            except Exception:  # the first run will report it to the user, with its message
                log.exception("the sandbox did not start")

        self._pool.start(work)

    def is_newest(self, channel: str, request_id: int) -> bool:
        return self._requests.is_newest(channel, request_id)

    def run(self, channel: str, fixture_name: str, action_name: str) -> int:
        request_id = self._requests.begin(channel)

        def work() -> None:
            try:
                self._ensure_sandbox()
                report = runs.run_fixture(self._ws, fixture_name, action=action_name)
            except ServiceError as exc:
                self.sig_run_failed.emit(channel, request_id, str(exc))
            except Exception as exc:  # a bug must reach the user as a message, not kill the thread
                self.sig_run_failed.emit(channel, request_id, f"unexpected {type(exc).__name__}: {exc}")
            else:
                self.sig_run_finished.emit(channel, request_id, report)

        self._pool.start(work)
        return request_id

    def run_all(self, channel: str, fixture_names: list[str], action_name: str) -> int:
        request_id = self._requests.begin(channel)

        def work() -> None:
            reports: list[Any] = []
            total = len(fixture_names)
            try:
                self._ensure_sandbox()
            except Exception as exc:
                batch: Iterable[Any] = (runs.not_run(name, str(exc)) for name in fixture_names)
            else:
                # Stops early once superseded: no sandbox time for an answer nobody reads.
                batch = runs.run_many(self._ws, fixture_names, action=action_name, catch=(Exception,),
                                      superseded=lambda: not self.is_newest(channel, request_id))
            for done, report in enumerate(batch, start=1):
                reports.append(report)
                self.sig_batch_progressed.emit(channel, request_id, done, total, report)
            if len(reports) == total:
                self.sig_batch_finished.emit(channel, request_id, reports)

        self._pool.start(work)
        return request_id

    def wait(self, timeout_ms: int = 30000) -> bool:
        return self._pool.waitForDone(timeout_ms)

"""`SyncController`: the window's handle on sync for the active tenant.

Plans and applies run on the worker bridge's thread (a plan reads the tenant; an apply may take
seconds), and their answers come back by signal on the GUI thread, where the controller's state
(`last_plan`, stale, error) is written. Every plan request gets an increasing id and only the
newest one's answer is delivered (STYLE.md habit 4): a plan made before a tenant switch or a
conflict choice never lands in the dialog. It owns the bundled tenant process for the window and
stops it at shutdown.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, Optional

from PySide6.QtCore import QObject, Signal

from actions_studio.services import sync as sync_service
from actions_studio.services.errors import ServiceError
from actions_studio.services.workspace import Workspace
from actions_studio.sync.errors import SyncError
from actions_studio.sync.plan import Plan
from actions_studio.sync.planner import PlanOptions
from actions_studio.ui.background import Job
from actions_studio.ui.session import StudioSession
from actions_studio.ui.sync.wording import status_line
from actions_studio.ui.worker_bridge import WorkerBridge

PLAN, APPLY = "plan", "apply:"

SessionFactory = Callable[[Workspace, str, sync_service.LocalTenantHost], Any]


def _default_session(ws: Workspace, tenant: str, host: sync_service.LocalTenantHost) -> Any:
    return sync_service.SyncSession.open(ws, tenant, local_host=host)


class SyncController(QObject):
    sig_plan_ready = Signal(int, object)
    """A plan arrived (request id, Plan); only the newest request's plan is emitted."""
    sig_plan_failed = Signal(int, str)
    """Planning failed (request id, one-line message)."""
    sig_progress = Signal(object)
    """An apply step started, finished or failed (sync.applier.Progress)."""
    sig_applied = Signal(object)
    """An apply ended (ApplyReport); the report says which steps were and were not applied."""
    sig_apply_refused = Signal(str)
    """An apply was refused before any step ran (a missing vault secret, an unreachable tenant)."""
    sig_status_changed = Signal(str, str)
    """The status-bar line changed (text, state: unknown|in-sync|pending|conflict|error)."""
    sig_tenant_changed = Signal(str)
    """Another tenant became the active one (its name)."""

    def __init__(self, session: StudioSession, *, session_factory: SessionFactory = _default_session,
                 host: Optional[sync_service.LocalTenantHost] = None,
                 parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.session = session
        self._factory = session_factory
        self.host = host or sync_service.LocalTenantHost(sync_service.default_local_tenant_dir())
        self.tenant = session.active_tenant()
        self._session: Any = None
        # One worker thread: one tenant conversation at a time. What the answers change is
        # written on the GUI thread, in the bridge's slots below.
        self._bridge = WorkerBridge(expected=(ServiceError, SyncError), name="sync", parent=self)
        self._bridge.sig_finished.connect(self.on_bridge_finished)
        self._bridge.sig_failed.connect(self.on_bridge_failed)
        self._bridge.sig_progressed.connect(self.on_bridge_progressed)
        self._applies = itertools.count(1)
        self.last_plan: Optional[Plan] = None
        self._stale = False
        self._error: Optional[str] = None

    # -- tenant --------------------------------------------------------------------------------

    def tenants(self) -> list[str]:
        return [t.name for t in self.session.tenant_profiles()]

    def set_tenant(self, name: str) -> None:
        if name == self.tenant:
            return
        self.session.set_active_tenant(name)
        self.tenant = name
        self._drop_session()
        self.last_plan, self._stale, self._error = None, False, None
        self._bridge.supersede(PLAN)  # answers about the previous tenant are stale now
        self.sig_tenant_changed.emit(name)
        self._emit_status()

    def _drop_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def _session_now(self) -> Any:
        if self._session is None:
            self._session = self._factory(self.session.ws, self.tenant, self.host)
        return self._session

    def open_tenant_session(self) -> Any:
        """A new conversation with the active tenant, for a caller with a thread of its own (the
        Replay dialog); the caller closes it."""
        return self._factory(self.session.ws, self.tenant, self.host)

    # -- work (on the bridge's thread) -----------------------------------------------------------

    def request_plan(self, options: PlanOptions = PlanOptions()) -> int:
        return self._bridge.submit(PLAN, lambda _job: self._session_now().plan(options))

    def apply(self, plan: Plan) -> None:
        def work(job: Job) -> Any:
            session = self._session_now()
            report = session.apply(plan, job.progress)
            if report.failed is not None:
                # The tenant may have gone away; the next attempt starts from a fresh
                # connection (the Local tenant restarts on demand).
                self._drop_session()
            return report

        # A channel per apply: an apply is never superseded, every one reports its end.
        self._bridge.submit(f"{APPLY}{next(self._applies)}", work)

    # -- answers (on the GUI thread) -------------------------------------------------------------

    def on_bridge_finished(self, channel: str, request_id: int, answer: Any) -> None:
        if channel == PLAN:
            self.last_plan, self._stale, self._error = answer, False, None
            self._emit_status()
            self.sig_plan_ready.emit(request_id, answer)
            return
        if any(s.op in ("pull_action", "import_action", "pull_flow", "delete_local") for s in answer.applied):
            self.session.note_workspace_changed()  # pulled actions and versions: panels re-read
        self.sig_applied.emit(answer)

    def on_bridge_failed(self, channel: str, request_id: int, message: str) -> None:
        if channel == PLAN:
            self._error = message
            self._emit_status()
            self.sig_plan_failed.emit(request_id, message)
        else:
            self.sig_apply_refused.emit(message)

    def on_bridge_progressed(self, _channel: str, _request_id: int, progress: Any) -> None:
        self.sig_progress.emit(progress)

    def mark_local_change(self) -> None:
        """The workspace changed: the last plan no longer says whether we are in sync."""
        if self.last_plan is not None and not self._stale:
            self._stale = True
            self._emit_status()

    def status(self) -> tuple[str, str]:
        return status_line(self.tenant, self.last_plan, stale=self._stale, error=self._error)

    def _emit_status(self) -> None:
        self.sig_status_changed.emit(*self.status())

    def wait(self, timeout_s: float = 30.0) -> None:
        self._bridge.wait(timeout_s)

    def shutdown(self) -> None:
        self._bridge.supersede(PLAN)
        self.wait()
        self._drop_session()
        self.host.stop()

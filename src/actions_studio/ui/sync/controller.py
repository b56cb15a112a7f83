"""`SyncController`: the window's handle on sync for the active tenant.

Plans and applies run on a worker thread (a plan reads the tenant; an apply may take seconds),
and their answers come back by signal. Every plan request gets an increasing id and only the
newest one's answer is delivered (STYLE.md habit 4): a plan made before a tenant switch or a
conflict choice never lands in the dialog. It owns the bundled tenant process for the window and
stops it at shutdown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Optional

from PySide6.QtCore import QObject, Signal

from actions_studio.services import sync as sync_service
from actions_studio.services.errors import ServiceError
from actions_studio.services.workspace import Workspace
from actions_studio.sync.errors import SyncError
from actions_studio.sync.plan import Plan
from actions_studio.sync.planner import PlanOptions
from actions_studio.ui.sync.wording import status_line

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
    sig_workspace_changed = Signal()
    """An apply wrote into the workspace (pulled actions, versions or flows)."""

    def __init__(self, ws: Workspace, *, session_factory: SessionFactory = _default_session,
                 host: Optional[sync_service.LocalTenantHost] = None,
                 parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self._factory = session_factory
        self.host = host or sync_service.LocalTenantHost(sync_service.default_local_tenant_dir())
        self.tenant = sync_service.active_tenant_name(ws)
        self._session: Any = None
        self._request = 0
        self._lock = threading.Lock()  # one tenant conversation at a time
        self._threads: list[threading.Thread] = []
        self.last_plan: Optional[Plan] = None
        self._stale = False
        self._error: Optional[str] = None

    # -- tenant --------------------------------------------------------------------------------

    def tenants(self) -> list[str]:
        return [t.name for t in sync_service.list_profiles(self.ws)]

    def set_tenant(self, name: str) -> None:
        if name == self.tenant:
            return
        sync_service.set_active_tenant(self.ws, name)
        self.tenant = name
        self._drop_session()
        self.last_plan, self._stale, self._error = None, False, None
        self._request += 1  # answers about the previous tenant are stale now
        self.sig_tenant_changed.emit(name)
        self._emit_status()

    def _drop_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def _session_now(self) -> Any:
        if self._session is None:
            self._session = self._factory(self.ws, self.tenant, self.host)
        return self._session

    # -- work ----------------------------------------------------------------------------------

    def _run(self, work: Callable[[], None]) -> None:
        thread = threading.Thread(target=work, name="sync", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def request_plan(self, options: PlanOptions = PlanOptions()) -> int:
        self._request += 1
        request = self._request

        def work() -> None:
            with self._lock:
                try:
                    plan = self._session_now().plan(options)
                except (ServiceError, SyncError) as exc:
                    if request == self._request:
                        self._error = str(exc)
                        self._emit_status()
                        self.sig_plan_failed.emit(request, str(exc))
                    return
            if request != self._request:
                return  # a newer question was asked meanwhile
            self.last_plan, self._stale, self._error = plan, False, None
            self._emit_status()
            self.sig_plan_ready.emit(request, plan)

        self._run(work)
        return request

    def apply(self, plan: Plan) -> None:
        def work() -> None:
            with self._lock:
                session = self._session_now()
                try:
                    report = session.apply(plan, self.sig_progress.emit)
                except (ServiceError, SyncError) as exc:
                    self.sig_apply_refused.emit(str(exc))
                    return
                if report.failed is not None:
                    # The tenant may have gone away; the next attempt starts from a fresh
                    # connection (the Local tenant restarts on demand).
                    self._drop_session()
            if any(s.op in ("pull_action", "import_action", "pull_flow", "delete_local")
                   for s in report.applied):
                self.sig_workspace_changed.emit()
            self.sig_applied.emit(report)

        self._run(work)

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
        for thread in list(self._threads):
            thread.join(timeout_s)

    def shutdown(self) -> None:
        self._request += 1
        self.wait()
        self._drop_session()
        self.host.stop()

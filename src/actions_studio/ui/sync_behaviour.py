"""The Sync dialog's behavioural diff (issue 19): before a push, what the workspace's code does
differently from the tenant's on the action's fixtures ("3 fixtures behave differently").

For every action of the plan whose code differs between the workspace and the tenant, the
fixtures run on both codes (`services.behaviour` with `CodeSide`s), off the GUI thread; a newer
plan supersedes the comparison of an older one. The dialog shows the summary line over its table
and the selected action's comparison under its code diff.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel

from actions_studio.services.behaviour import BehaviourDiff, CodeSide, behaviour_diff
from actions_studio.services.errors import ServiceError
from actions_studio.services.workspace import Workspace
from actions_studio.ui.behaviour_view import BehaviourDiffView
from actions_studio.ui.worker_bridge import WorkerBridge

CHANNEL = "sync-behaviour"


def compared_items(plan: Any) -> list[Any]:
    """The plan's actions whose code is not the same in the workspace and on the tenant."""
    return [item for item in plan.items
            if item.kind == "action" and item.local is not None and item.remote is not None
            and item.local.code != item.remote.code]


def compare_plan(ws: Workspace, items: list[Any]) -> dict[str, BehaviourDiff]:
    diffs = {}
    for item in items:
        tenant = CodeSide("tenant", item.remote.code, item.remote.runtime, tuple(item.remote.dependencies))
        mine = CodeSide("workspace", item.local.code, item.local.runtime, tuple(item.local.dependencies))
        try:
            diffs[item.key] = behaviour_diff(ws, item.name, before=tenant, after=mine)
        except ServiceError:
            continue  # e.g. the action is only on the tenant: no fixtures here to run
    return diffs


def summary(diffs: dict[str, BehaviourDiff]) -> str:
    differing = sum(len(d.differing) for d in diffs.values())
    total = sum(len(d.fixtures) for d in diffs.values())
    if total == 0:
        return ""
    if differing == 0:
        return f"Behaviour: the {total} fixture{'s' if total != 1 else ''} behave the same as on the tenant"
    verb = "behaves" if differing == 1 else "behave"
    return f"Behaviour: {differing} fixture{'s' if differing != 1 else ''} {verb} differently from the tenant"


class SyncBehaviour(QObject):
    sig_compared = Signal()
    """The comparison of the newest plan arrived (the summary and the view are up to date)."""

    def __init__(self, ws: Workspace, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._ws = ws
        self.diffs: dict[str, BehaviourDiff] = {}
        self._selected: Optional[str] = None
        self.view = BehaviourDiffView()
        self.view.hide()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("syncBehaviourSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self._bridge = WorkerBridge(name="sync-behaviour", parent=self)
        self._bridge.sig_finished.connect(self.on_bridge_finished)
        self._bridge.sig_failed.connect(self.on_bridge_failed)

    def compare(self, plan: Any) -> None:
        items = compared_items(plan)
        self.diffs = {}
        if not items:
            self._bridge.supersede(CHANNEL)
            self.summary_label.setText("")
            self.show_item(self._selected)
            return
        self.summary_label.setText("Behaviour: running the fixtures on the tenant's code and yours…")
        ws = self._ws
        self._bridge.submit(CHANNEL, lambda _job: compare_plan(ws, items))

    def on_bridge_finished(self, _channel: str, _request: int, diffs: Any) -> None:
        self.diffs = diffs
        self.summary_label.setText(summary(diffs))
        self.show_item(self._selected)
        self.sig_compared.emit()

    def on_bridge_failed(self, _channel: str, _request: int, message: str) -> None:
        self.summary_label.setText(f"Behaviour: the fixtures could not be compared: {message}")

    def show_item(self, key: Optional[str]) -> None:
        self._selected = key
        diff = self.diffs.get(key) if key is not None else None
        if diff is None or not diff.fixtures:
            self.view.hide()
            return
        self.view.show_diff(diff)
        self.view.show()

    def wait(self, timeout_s: float = 60.0) -> bool:
        return self._bridge.wait(timeout_s)

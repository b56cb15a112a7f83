"""Puts the Flows view into the studio window as a second mode beside Code (issue 5).

Kept here rather than in main_window.py so the window gains a few calls, not a feature: the
editor area and the Flows view share the space above the bottom panels (the window's
`center_stack`), so a canvas run's full result opens in the Test panel right under the canvas.
What the mode needs of the window is declared as `FlowsWindow`. A mode toolbar with
"Code" / "Flows" (Ctrl+1 / Ctrl+2) switches between them. Pending flow changes survive a mode
switch (nothing is lost, and double-clicking a card to read its code must not force a decision);
the view asks Apply/Discard when the user switches trigger or closes the window.

The view is built on first use (Ctrl+2, or code that asks for `view`), not with the window: it
loads the flow design, the run pipeline and the trigger catalog (~0.1 s), which the window's start
must not pay (issue 12 item 10). Until then there is nothing pending, nothing running and nothing
to stop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QStackedWidget, QToolBar

from actions_studio.ui.prompts import Prompts
from actions_studio.ui.session import StudioSession

if TYPE_CHECKING:
    from actions_studio.ui.colours import StudioColours
    from actions_studio.ui.flows.flows_view import FlowsView

CODE, FLOWS = "code", "flows"


class FlowsWindow(Protocol):
    """What the Flows mode needs of the studio window. The window owns its widgets; the mode
    adds its view and toolbar through these and reads nothing else of it."""

    session: StudioSession
    prompts: Prompts
    center_stack: QStackedWidget  # the space above the bottom panels; the editor area is page 0

    def add_mode_toolbar(self, toolbar: QToolBar) -> None: ...
    def center_sizes(self) -> list[int]: ...
    def set_center_sizes(self, sizes: list[int]) -> None: ...
    def show_message(self, text: str) -> None: ...
    def open_action(self, action_id: str) -> None: ...
    def show_report(self, report: Any) -> None: ...
    def settle_editor(self, action_id: str) -> bool: ...


class FlowsMode(QObject):
    sig_busy_changed = Signal(bool)
    """A run on the canvas started or ended (whether one is in progress)."""

    def __init__(self, window: FlowsWindow) -> None:
        super().__init__()
        self.window = window
        self._view: Optional["FlowsView"] = None
        self._colours: Optional["StudioColours"] = None
        self._sizes: dict[str, list[int]] = {}
        self.stack = window.center_stack

        self.toolbar = QToolBar("Mode")
        # saveState() names toolbars by objectName (and warns without one).
        self.toolbar.setObjectName("modeToolBar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        group = QActionGroup(self)
        group.setExclusive(True)
        self.code_action = QAction("Code", self.toolbar)
        self.code_action.setShortcut(QKeySequence("Ctrl+1"))
        self.code_action.setToolTip("Write and test actions (Ctrl+1)")
        self.flows_action = QAction("Flows", self.toolbar)
        self.flows_action.setShortcut(QKeySequence("Ctrl+2"))
        self.flows_action.setToolTip("Arrange deployed actions into each trigger's flow (Ctrl+2)")
        for action, mode in ((self.code_action, CODE), (self.flows_action, FLOWS)):
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, m=mode: self.set_mode(m))
            self.toolbar.addAction(action)
        self.code_action.setChecked(True)
        window.add_mode_toolbar(self.toolbar)

    @property
    def view(self) -> "FlowsView":
        """The Flows view, built the first time anyone needs it."""
        if self._view is None:
            from actions_studio.ui.flows.flows_view import FlowsView

            view = FlowsView(self.window.session, self.window.prompts)
            self.stack.addWidget(view)
            if self._colours is not None:
                view.set_colours(self._colours)
            view.sig_open_requested.connect(self.on_view_open_requested)
            view.sig_run_finished.connect(self.window.show_report)
            view.sig_status_message.connect(self.window.show_message)
            view.sig_pending_changed.connect(self.on_view_pending_changed)
            view.sig_drafts_run_requested.connect(self.on_view_drafts_run_requested)
            view.runner.sig_busy_changed.connect(self.sig_busy_changed)
            self._view = view
        return self._view

    def view_built(self) -> bool:
        return self._view is not None

    def set_colours(self, colours: "StudioColours") -> None:
        self._colours = colours
        if self._view is not None:
            self._view.set_colours(colours)

    def confirm_leave(self) -> bool:
        """Before the window closes: pending flow changes are settled (none if never opened)."""
        return self._view is None or self._view.confirm_leave()

    def shutdown(self) -> None:
        if self._view is not None:
            self._view.shutdown()

    def is_busy(self) -> bool:
        return self._view is not None and self._view.runner.is_busy()

    def stop(self) -> bool:
        """Stops the canvas's run in progress; True if there was one."""
        return self._view is not None and self._view.runner.stop()

    def mode(self) -> str:
        return FLOWS if self._view is not None and self.stack.currentWidget() is self._view else CODE

    def active(self) -> bool:
        return self.mode() == FLOWS

    def set_mode(self, mode: str) -> None:
        if mode == self.mode():
            return
        # Each mode keeps its own split: the canvas wants height, the editor shares it with the
        # Test panel. At 1366×768 the default flows split still shows four cards at 100 %.
        self._sizes[self.mode()] = self.window.center_sizes()
        if mode == FLOWS:
            self.view.reload()
            self.stack.setCurrentWidget(self.view)
            self.flows_action.setChecked(True)
            self.view.canvas.setFocus()
        else:
            self.stack.setCurrentIndex(0)
            self.code_action.setChecked(True)
        total = sum(self.window.center_sizes())
        sizes = self._sizes.get(mode)
        if sizes is None and mode == FLOWS:
            sizes = [total - total // 4, total // 4]
        if sizes:
            self.window.set_center_sizes(sizes)

    def on_view_open_requested(self, action_id: str) -> None:
        self.set_mode(CODE)
        self.window.open_action(action_id)

    def on_view_drafts_run_requested(self, action_ids: list) -> None:
        for action_id in action_ids:
            self.window.settle_editor(action_id)

    def on_view_pending_changed(self, pending: bool) -> None:
        self.flows_action.setText("Flows •" if pending else "Flows")
        self.flows_action.setToolTip("Some flows have changes that are not applied" if pending
                                     else "Arrange deployed actions into each trigger's flow (Ctrl+2)")

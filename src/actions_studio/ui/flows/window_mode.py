"""Puts the Flows view into the studio window as a second mode beside Code (issue 5).

Kept here rather than in main_window.py so the window gains a few calls, not a feature: the
editor area and the Flows view share the space above the bottom panels (a QStackedWidget), so a
canvas run's full result opens in the Test panel right under the canvas. A mode toolbar with
"Code" / "Flows" (Ctrl+1 / Ctrl+2) switches between them. Pending flow changes survive a mode
switch (nothing is lost, and double-clicking a card to read its code must not force a decision);
the view asks Apply/Discard when the user switches trigger or closes the window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QStackedWidget, QToolBar

from actions_studio.ui.flows.flows_view import FlowsView

CODE, FLOWS = "code", "flows"


class FlowsMode(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.view = FlowsView(window.session, window.prompts)
        self._sizes: dict[str, list[int]] = {}
        splitter = window.center_splitter
        editor_area = splitter.widget(0)
        self.stack = QStackedWidget()
        self.stack.setObjectName("centerStack")
        splitter.replaceWidget(0, self.stack)
        self.stack.addWidget(editor_area)
        self.stack.addWidget(self.view)

        self.toolbar = QToolBar("Mode")
        # saveState() names toolbars by objectName (and warns without one).
        self.toolbar.setObjectName("modeToolBar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        group = QActionGroup(self)
        group.setExclusive(True)
        self.code_action = QAction("Code", window)
        self.code_action.setShortcut(QKeySequence("Ctrl+1"))
        self.code_action.setToolTip("Write and test actions (Ctrl+1)")
        self.flows_action = QAction("Flows", window)
        self.flows_action.setShortcut(QKeySequence("Ctrl+2"))
        self.flows_action.setToolTip("Arrange deployed actions into each trigger's flow (Ctrl+2)")
        for action, mode in ((self.code_action, CODE), (self.flows_action, FLOWS)):
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, m=mode: self.set_mode(m))
            self.toolbar.addAction(action)
        self.code_action.setChecked(True)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        self.view.sig_open_requested.connect(self.on_view_open_requested)
        self.view.sig_run_finished.connect(self.on_view_run_finished)
        self.view.sig_status_message.connect(window.show_message)
        self.view.sig_pending_changed.connect(self.on_view_pending_changed)
        self.view.sig_drafts_run_requested.connect(self.on_view_drafts_run_requested)

    def mode(self) -> str:
        return FLOWS if self.stack.currentWidget() is self.view else CODE

    def active(self) -> bool:
        return self.mode() == FLOWS

    def set_mode(self, mode: str) -> None:
        if mode == self.mode():
            return
        # Each mode keeps its own split: the canvas wants height, the editor shares it with the
        # Test panel. At 1366×768 the default flows split still shows four cards at 100 %.
        splitter = self.window.center_splitter
        self._sizes[self.mode()] = splitter.sizes()
        if mode == FLOWS:
            self.view.reload()
            self.stack.setCurrentWidget(self.view)
            self.flows_action.setChecked(True)
            self.view.canvas.setFocus()
        else:
            self.stack.setCurrentIndex(0)
            self.code_action.setChecked(True)
        total = sum(splitter.sizes())
        sizes = self._sizes.get(mode)
        if sizes is None and mode == FLOWS:
            sizes = [total - total // 4, total // 4]
        if sizes:
            splitter.setSizes(sizes)

    def on_view_open_requested(self, action_id: str) -> None:
        self.set_mode(CODE)
        self.window.open_action(action_id)

    def on_view_run_finished(self, report: Any) -> None:
        self.window.test_panel.show_report(report)
        # Only brought to the front, not resized: the lit cards are what the user is looking at.
        self.window.bottom.setCurrentWidget(self.window.test_panel)

    def on_view_drafts_run_requested(self, action_ids: list) -> None:
        for action_id in action_ids:
            self.window.settle_editor(action_id)

    def on_view_pending_changed(self, pending: bool) -> None:
        self.flows_action.setText("Flows •" if pending else "Flows")
        self.flows_action.setToolTip("Some flows have changes that are not applied" if pending
                                     else "Arrange deployed actions into each trigger's flow (Ctrl+2)")

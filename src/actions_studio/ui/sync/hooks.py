"""Adds sync to the studio window: a Sync menu (Sync… Ctrl+Shift+S, a tenant switcher, the
profile editor) and a status-bar button showing the active tenant and whether the workspace is
in sync. The main window calls `install` once and keeps the `SyncUi` it returns; everything else
lives here. What sync needs of the window is declared as `SyncWindow`."""

from __future__ import annotations

from typing import Any, Optional, Protocol

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QPushButton, QStatusBar, QWidget

from actions_studio.ui.session import StudioSession
from actions_studio.ui.sync.controller import SyncController
from actions_studio.ui.sync.dialog import SyncDialog
from actions_studio.ui.sync.tenants_dialog import TenantsDialog

SYNC_SHORTCUT = "Ctrl+Shift+S"
STATE_COLOURS = {"in-sync": "#1a7f37", "pending": "#9a6700", "conflict": "#cf222e", "error": "#cf222e"}


class StatusButton(QPushButton):
    """A flat status-bar button that may shrink: its text must never set the window's minimum
    width (a narrow window would otherwise grow to fit "⇅ <tenant>: …")."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(24, super().minimumSizeHint().height())


class SyncWindow(Protocol):
    """What sync needs of the studio window (Qt's own methods of a main window)."""

    session: StudioSession

    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt's names
    def statusBar(self) -> QStatusBar: ...  # noqa: N802
    def window(self) -> QWidget: ...  # the parent of the sync menu and dialogs


class SyncUi:
    """The window's sync pieces, as `install(window)` returns them."""

    def __init__(self, window: SyncWindow, controller: SyncController) -> None:
        self.window = window.window()
        self.controller = controller
        self.dialog: Optional[SyncDialog] = None
        self.tenants_dialog: Optional[TenantsDialog] = None
        self.menu = QMenu("S&ync", self.window)
        self.sync_action = QAction("&Sync with tenant…", self.window)
        self.sync_action.setShortcut(QKeySequence(SYNC_SHORTCUT))
        self.sync_action.setStatusTip("Review the plan and apply it: push, pull, resolve conflicts")
        self.sync_action.triggered.connect(self.open_sync)
        self.menu.addAction(self.sync_action)
        self.switch_menu = self.menu.addMenu("&Active tenant")
        self.switch_menu.aboutToShow.connect(self.fill_switcher)
        self.tenants_action = QAction("&Tenants…", self.window)
        self.tenants_action.triggered.connect(self.open_tenants)
        self.menu.addAction(self.tenants_action)
        bar = window.menuBar()
        menus = bar.actions()
        # Before Help, as IDEs place their VCS/deploy menus.
        bar.insertMenu(menus[-1], self.menu) if menus else bar.addMenu(self.menu)

        self.status_button = StatusButton()
        self.status_button.setFlat(True)
        self.status_button.setObjectName("syncStatus")
        self.status_button.setToolTip(f"Active tenant and sync state — click to sync ({SYNC_SHORTCUT})")
        self.status_button.clicked.connect(self.open_sync)
        window.statusBar().insertPermanentWidget(0, self.status_button)
        controller.sig_status_changed.connect(self.on_controller_status_changed)
        self.on_controller_status_changed(*controller.status())

    def fill_switcher(self) -> None:
        self.switch_menu.clear()
        group = QActionGroup(self.switch_menu)
        for name in self.controller.tenants():
            action = self.switch_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == self.controller.tenant)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, n=name: self.controller.set_tenant(n))

    def on_controller_status_changed(self, text: str, state: str) -> None:
        self.status_button.setText(text)
        colour = STATE_COLOURS.get(state)
        self.status_button.setStyleSheet(f"color: {colour};" if colour else "")

    def open_sync(self) -> SyncDialog:
        if self.dialog is None:
            self.dialog = SyncDialog(self.controller, self.window)
            self.dialog.tenants_button.clicked.connect(self.open_tenants)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.reopen()
        return self.dialog

    def open_tenants(self) -> TenantsDialog:
        if self.tenants_dialog is None:
            self.tenants_dialog = TenantsDialog(self.controller, self.window)
            self.tenants_dialog.finished.connect(lambda _r: self.dialog and self.dialog.fill_tenants())
        self.tenants_dialog.reload(select=self.controller.tenant)
        self.tenants_dialog.show()
        return self.tenants_dialog

    def shutdown(self) -> None:
        self.controller.shutdown()


def install(window: SyncWindow, **controller_options: Any) -> SyncUi:
    session = window.session
    controller = SyncController(session, parent=window.window(), **controller_options)
    ui = SyncUi(window, controller)
    session.sig_action_changed.connect(lambda _id: controller.mark_local_change())
    session.sig_actions_changed.connect(controller.mark_local_change)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(controller.shutdown)  # the bundled tenant never outlives the studio
    return ui

"""Stop (issue 12 item 5): one command that kills the run in progress — a fixture run, Run all or
a run on the canvas — from the Run menu, the toolbar, or Esc while a run is in progress.

The command is enabled only while something runs, so Esc keeps its other meanings (closing the
completion list, the find bar, a dialog) the rest of the time. Stopping sets the run's cancel
event: the sandbox kills the child at once and the run still answers, with status "stopped".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction


class RunStop(QObject):
    def __init__(self, window: Any, action: QAction) -> None:
        super().__init__(window)
        self._window = window
        self.action = action
        self._dispatcher = window.dispatcher
        self._flows = window.flows  # the canvas's runs; its view is built on first use
        action.setToolTip("Stop the run in progress (Esc): its process is killed at once")
        window.flows.toolbar.addSeparator()
        window.flows.toolbar.addAction(action)
        self._dispatcher.sig_busy_changed.connect(self.on_busy_changed)
        self._flows.sig_busy_changed.connect(self.on_busy_changed)
        self.on_busy_changed()

    def busy(self) -> bool:
        return self._dispatcher.is_busy() or self._flows.is_busy()

    def on_busy_changed(self, _busy: bool = False) -> None:
        self.action.setEnabled(self.busy())

    def stop(self) -> bool:
        """Stops every run in progress; True if there was one."""
        stopped = any([self._dispatcher.stop(), self._flows.stop()])
        self._window.show_message("Stopping the run…" if stopped else "Nothing is running")
        return stopped


def install_stop(window: Any) -> RunStop:
    return RunStop(window, window.actions_by_name["stop"])

"""Fixtures for driving the whole studio window as a user (imported by tests/ui/test_window*.py).

Each test gets its own workspace and config folder under tmp_path (vault and QSettings included),
a first-run seeded workspace, and a window at 1280×800. Modal questions go through
`ScriptedPrompts`, which answers from a queue the test fills (a real QMessageBox.exec() would
block the test's event loop); everything else is real keys and clicks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from actions_studio.services.vault import open_vault
from actions_studio.services.workspace import Workspace
from actions_studio.ui.app import create_window
from actions_studio.ui.first_run import seed_examples
from actions_studio.ui.main_window import MainWindow
from actions_studio.ui.prompts import Prompts

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class ScriptedPrompts(Prompts):
    """Answers modal questions from `answers` (in order) and records every question asked."""

    def __init__(self) -> None:
        super().__init__(None)
        self.answers: list[Any] = []
        self.asked: list[tuple[str, str]] = []

    def _next(self, kind: str, text: str) -> Any:
        self.asked.append((kind, text))
        if not self.answers:
            raise AssertionError(f"unexpected {kind} question: {text}")
        return self.answers.pop(0)

    def confirm(self, title: str, text: str, *, ok: str = "OK") -> bool:
        return bool(self._next("confirm", text))

    def save_discard_cancel(self, title: str, text: str) -> str:
        return self._next("save_discard_cancel", text)

    def text(self, title: str, label: str, value: str = "") -> Optional[str]:
        return self._next("text", label)

    def integer(self, title: str, label: str, value: int, lo: int, hi: int) -> Optional[int]:
        return self._next("integer", label)

    def new_action(self, triggers, trigger_id: str = "", runtime: str = "python3"):
        self.new_action_runtime = runtime  # what the dialog would have preselected
        answer = self._next("new_action", trigger_id)
        # a (name, trigger) answer keeps the preselected language, as pressing OK would
        return (*answer, runtime) if answer is not None and len(answer) == 2 else answer

    def deploy_note(self, action_name: str, next_number: int) -> Optional[str]:
        return self._next("deploy_note", f"{action_name} v{next_number}")

    def error(self, title: str, text: str) -> None:
        self.asked.append(("error", text))


@dataclass
class Studio:
    """A running studio and the handles a test needs: the window, its workspace, its prompts."""

    window: MainWindow
    ws: Workspace
    prompts: ScriptedPrompts
    config_dir: Path
    qtbot: Any
    extra: list[Any] = field(default_factory=list)

    def action_id(self, name: str) -> str:
        return next(a.id for a in self.window.session.list_actions() if a.name == name)

    def open(self, name: str):
        """Double-clicks the action in the explorer, as a user opens it."""
        explorer = self.window.explorer
        item = explorer.item_for(self.action_id(name))
        rect = explorer.tree.visualItemRect(item)
        # A real double click is press, release, double-click: the view activates only an item that
        # was pressed first (QAbstractItemView::mouseDoubleClickEvent), so send the press too.
        self.qtbot.mouseClick(explorer.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.qtbot.mouseDClick(explorer.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.qtbot.waitUntil(lambda: self.window.tabs.current_action_id() == self.action_id(name))
        editor = self.window.tabs.current_editor()
        editor.setFocus()
        return editor

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier, widget=None) -> None:
        """A key press where the user's focus is (the current editor's text area by default)."""
        if widget is None:
            editor = self.window.tabs.current_editor()
            widget = editor.text_area() if editor is not None else self.window
        self.qtbot.keyClick(widget, key, modifier)

    def type(self, text: str) -> None:
        area = self.window.tabs.current_editor().text_area()
        for char in text:
            if char == "\n":
                self.qtbot.keyClick(area, Qt.Key.Key_Return)
            else:
                self.qtbot.keyClicks(area, char)

    def result_text(self) -> str:
        return self.window.test_panel.result_view.toPlainText()

    def wait_result(self, needle: str, timeout: int = 15_000) -> str:
        self.qtbot.waitUntil(lambda: needle in self.result_text(), timeout=timeout)
        return self.result_text()


def make_studio(qtbot, analysis_worker, tmp_path: Path, *, seed: bool = True,
                config_dir: Optional[Path] = None, show: bool = True, typescript=None) -> Studio:
    config_dir = config_dir or tmp_path / "config"
    path = tmp_path / "workspace.sqlite"
    first_run = not path.exists()
    ws = Workspace.open(path, vault=open_vault(config_dir, mode="file"))
    if seed and first_run:
        seed_examples(ws)
    prompts = ScriptedPrompts()
    window = create_window(ws, analysis_worker, config_dir, prompts=prompts, first_run=first_run and seed,
                           typescript=typescript)
    # Not qtbot.addWidget: pytest-qt would close the window before this fixture's teardown could
    # answer the "save changes?" question; close_studio() closes it instead.
    if show:
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        # Window shortcuts (F5, Ctrl+S, Ctrl+Shift+D) only fire in the active window.
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return Studio(window, ws, prompts, config_dir, qtbot)


def close_studio(studio: Studio) -> None:
    window = studio.window
    if window.isVisible() or window.tabs.count():
        studio.prompts.answers = ["discard"] * len(window.tabs.modified_ids())
        window.close()
    window.dispatcher.wait()
    studio.ws.close()


@pytest.fixture
def studio(qtbot, analysis_worker, tmp_path) -> Iterator[Studio]:
    made = make_studio(qtbot, analysis_worker, tmp_path)
    yield made
    close_studio(made)

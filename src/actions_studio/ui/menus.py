"""The menu bar: every command the studio offers, with the shortcuts a Python IDE user expects.

Editor commands (complete, find, go to line, toggle comment) are also bound inside the editor's
text area, which claims those keys while it has focus (ui/editor/action_editor.py); the menu items
reach the same slots when focus is elsewhere.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

SHORTCUTS = {
    "new_action": "Ctrl+N",
    "save": "Ctrl+S",
    "close_tab": "Ctrl+W",
    "quit": "Ctrl+Q",
    "undo": "Ctrl+Z",
    "redo": "Ctrl+Y",
    "find": "Ctrl+F",
    "replace": "Ctrl+H",
    "go_to_line": "Ctrl+G",
    "toggle_comment": "Ctrl+/",
    "complete": "Ctrl+Space",
    "run": "F5",
    "run_all": "Shift+F5",
    "stop": "Esc",  # enabled only while a run is in progress (ui/run_stop.py)
    "deploy": "Ctrl+Shift+D",
    "preferences": "Ctrl+,",
}


def build_menus(window: QMainWindow, commands: dict[str, Callable[[], object]]) -> dict[str, QAction]:
    """Creates the menus; returns the QActions by command name (tests trigger them by name)."""
    actions: dict[str, QAction] = {}
    bar = window.menuBar()

    def add(menu: QMenu, name: str, text: str, tip: str = "") -> QAction:
        action = QAction(text, window)
        if name in SHORTCUTS:
            action.setShortcut(QKeySequence(SHORTCUTS[name]))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False, n=name: commands[n]())
        menu.addAction(action)
        actions[name] = action
        return action

    file = bar.addMenu("&File")
    add(file, "new_action", "&New action…", "Create an action for a trigger")
    add(file, "save", "&Save draft", "Save the editor's text as the action's draft")
    add(file, "close_tab", "&Close tab")
    file.addSeparator()
    add(file, "preferences", "&Preferences…")
    file.addSeparator()
    add(file, "quit", "&Quit")

    edit = bar.addMenu("&Edit")
    add(edit, "undo", "&Undo")
    add(edit, "redo", "&Redo")
    edit.addSeparator()
    add(edit, "find", "&Find…")
    add(edit, "replace", "Find and &replace…")
    add(edit, "go_to_line", "&Go to line…")
    edit.addSeparator()
    add(edit, "toggle_comment", "Toggle &comment")
    add(edit, "complete", "Co&mplete", "Show completions at the caret")

    action = bar.addMenu("&Action")
    add(action, "deploy", "&Deploy…", "Snapshot the draft as a new version")
    add(action, "history", "Show &history")
    action.addSeparator()
    add(action, "secrets", "&Secrets…", "Names and write-only values the action reads from event.secrets")
    add(action, "dependencies", "De&pendencies…", "Packages the action needs (name==version)")
    action.addSeparator()
    add(action, "rename", "&Rename…")
    add(action, "delete", "De&lete…")

    run = bar.addMenu("&Run")
    add(run, "run", "&Run selected fixture", "Run the draft against the selected fixture")
    add(run, "run_all", "Run &all fixtures", "Run every fixture of the action against its expectation")
    add(run, "stop", "&Stop", "Stop the run in progress; its process is killed at once")
    add(run, "new_fixture", "&New fixture…")

    view = bar.addMenu("&View")
    add(view, "show_test", "&Test")
    add(view, "show_console", "&Console")
    add(view, "show_problems", "&Problems")
    add(view, "show_history", "&History")

    help_menu = bar.addMenu("&Help")
    add(help_menu, "getting_started", "&Getting started")
    add(help_menu, "about", "&About Actions Studio")
    return actions

"""Assembling a studio window on an open workspace (gui.py, the tests and the benchmark share it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

from actions_studio.analysis.worker import AnalysisWorker
from actions_studio.ui.editor_host import EditorFactory
from actions_studio.ui.main_window import MainWindow
from actions_studio.ui.prompts import Prompts
from actions_studio.ui.run_dispatcher import RunDispatcher
from actions_studio.ui.session import StudioSession
from actions_studio.ui.settings import StudioSettings

if TYPE_CHECKING:  # the TypeScript service is imported only when a JavaScript action needs it
    from actions_studio.analysis.typescript.worker import TypeScriptWorker
    from actions_studio.services.workspace import Workspace
    from actions_studio.ui.workspace_opening import WorkspaceOpening


def create_window(ws: Union["Workspace", "WorkspaceOpening"], worker: AnalysisWorker, config_dir: Path, *,
                  prompts: Optional[Prompts] = None, first_run: bool = False,
                  typescript: Optional["TypeScriptWorker"] = None) -> MainWindow:
    """`ws`: an open workspace, or one still opening (gui.py's start, issue 12 item 10).
    `typescript`: a TypeScript service owner to share (tests); else the window starts its own
    when a JavaScript action first needs it."""
    from actions_studio.ui.workspace_opening import WorkspaceOpening

    if isinstance(ws, WorkspaceOpening):
        session = StudioSession(opening=ws)
        dispatcher = RunDispatcher(lambda: session.ws)
    else:
        session = StudioSession(ws)
        dispatcher = RunDispatcher(ws)
    window = MainWindow(session, dispatcher, EditorFactory(worker, typescript), StudioSettings(config_dir),
                        prompts=prompts, first_run=first_run)
    # The session and dispatcher live as long as the window (Qt parents them to it).
    session.setParent(window)
    dispatcher.setParent(window)
    return window

"""The GUI entry point: `actions-studio` with no subcommand lands here (imported lazily by cli.py,
so the headless commands never load PySide6).

A new workspace (its file did not exist) is a first run: it is filled with one example action
per trigger and the window opens on the Getting started page.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

# Set by the start-up benchmark: print "idle" once the window is shown and idle, then quit.
EXIT_WHEN_IDLE_ENV = "ACTIONS_STUDIO_EXIT_WHEN_IDLE"


def main(workspace_path: Optional[Path] = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from actions_studio.runtime.confine import make_undumpable

    make_undumpable()  # the window holds the vault key and tenant tokens (cli.main does it too)

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Actions Studio")
    app.setOrganizationName("actions-studio")
    app.setDesktopFileName("actions-studio")

    from actions_studio.analysis.worker import AnalysisWorker
    from actions_studio.services import locations
    from actions_studio.services.errors import ServiceError
    from actions_studio.services.workspace import Workspace
    from actions_studio.store.errors import StoreError
    from actions_studio.ui.app import create_window
    from actions_studio.ui.first_run import seed_examples

    path = Path(workspace_path) if workspace_path is not None else locations.default_workspace_path()
    first_run = not path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ws = Workspace.open(path)
        if first_run:
            seed_examples(ws)
    except (ServiceError, StoreError, OSError) as exc:
        QMessageBox.critical(None, "Actions Studio", f"Cannot open the workspace {path}:\n{exc}")
        return 2
    exit_when_idle = bool(os.environ.get(EXIT_WHEN_IDLE_ENV))
    # jedi's owner thread starts now but warms up only once the window is idle: warming it costs
    # ~1.5 s of CPU, and a thread doing that while the window is built competes for the GIL and
    # delays the first paint (PITFALLS.md: warm jedi in the background at start-up).
    worker = AnalysisWorker(warm_up=False)
    window = create_window(ws, worker, locations.default_config_dir(), first_run=first_run)

    def on_idle() -> None:
        if exit_when_idle:
            print("idle", flush=True)
            QTimer.singleShot(0, window.close)
        else:
            worker.submit("studio:warm-up", lambda engine: engine.warm_up(), lambda _id, _answer: None)
            # The sandbox's zygote costs ~100 ms; start it now so the first F5 does not pay it.
            window.dispatcher.warm_sandbox()

    window.sig_idle.connect(on_idle)
    window.show()
    try:
        return app.exec()
    finally:
        worker.stop(timeout=2.0)
        ws.close()

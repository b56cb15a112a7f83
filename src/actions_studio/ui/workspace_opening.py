"""A workspace that is still being opened, and what the window shows of it meanwhile (issue 12
item 10).

The studio's start on an existing workspace paints the window from a `StartView` (the actions
and drafts read through sqlite3, store/start_view.py), then opens the workspace the ordinary way
on a thread of its own once the window is idle: importing SQLAlchemy and SQLModel (~0.3 s) and
opening the store no longer stand between the user and the window. Only Python imports and the
store's open run off the GUI thread, never a widget.

Whoever needs the workspace before the thread is done waits for it (`result`), and if nobody
started the thread yet, the caller opens it itself: a click that needs the store during the
first half second behaves as before, only later.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from actions_studio.services.workspace import Workspace
    from actions_studio.store.start_view import StartView


class WorkspaceOpening:
    def __init__(self, path: Path, view: "StartView", open_workspace: Callable[[], "Workspace"]) -> None:
        self.path = Path(path)
        self.view = view
        self._open = open_workspace
        self._future: "Future[Workspace]" = Future()
        self._claim = threading.Lock()
        self._claimed = False

    def start(self) -> None:
        """Opens the workspace on a new (daemon) thread, unless someone already did."""
        if self._take():
            threading.Thread(target=self._run, name="workspace-open", daemon=True).start()

    def result(self, timeout: float | None = None) -> "Workspace":
        """The open workspace, waiting for it; raises what the open raised."""
        if self._take():
            self._run()
        return self._future.result(timeout)

    def done(self) -> bool:
        return self._future.done()

    def failed(self) -> bool:
        return self._future.done() and self._future.exception() is not None

    def exception(self) -> BaseException | None:
        """What the finished open raised, or None."""
        return self._future.exception() if self._future.done() else None

    def add_done_callback(self, callback: Callable[["Future[Workspace]"], Any]) -> None:
        """`callback(future)` on the opening thread (or at once when done): post to the GUI."""
        self._future.add_done_callback(callback)

    def _take(self) -> bool:
        with self._claim:
            if self._claimed:
                return False
            self._claimed = True
            return True

    def _run(self) -> None:
        try:
            workspace = self._open()
        except BaseException as exc:  # the window says it (gui.py); nothing is lost
            self._future.set_exception(exc)
        else:
            self._future.set_result(workspace)

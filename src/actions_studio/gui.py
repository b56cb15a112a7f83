"""The GUI entry point: `actions-studio` with no subcommand lands here (imported lazily by cli.py,
so the headless commands never load PySide6).

A new workspace (its file did not exist) is a first run: it is filled with one example action
per trigger and the window opens on the Getting started page. A workspace that cannot be opened
(empty, damaged, from a newer studio) is said in a dialog that offers its newest backup, never
papered over with a new one (issue 13, item 12).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

# Set by the start-up benchmark: print "idle" once the window is shown and idle, then quit.
EXIT_WHEN_IDLE_ENV = "ACTIONS_STUDIO_EXIT_WHEN_IDLE"


def platform_problem(env: Optional[dict[str, str]] = None) -> Optional[str]:
    """Why Qt could not open a window here, or None. Qt aborts (rc 134) when its platform plugin
    cannot load and names the wrong library (issue 12); this asks first, in its words."""
    if not sys.platform.startswith("linux"):
        return None
    from actions_studio import desktop_deps

    env = dict(os.environ) if env is None else env
    platforms = desktop_deps.platforms_for("studio", env)
    if desktop_deps.XCB in platforms and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return ("there is no display to open the window on (DISPLAY is not set). Start the studio "
                "from a desktop session; on a server use the command line (actions-studio --help).")
    # A plugin not found where we look (a bundle laid out differently): let Qt look for itself.
    if not platforms or any(desktop_deps.plugin_path(p) is None or desktop_deps.loads(p)
                            for p in platforms):
        return None
    return desktop_deps.explain([desktop_deps.check(p) for p in platforms], can_install=False)


def _close_on_terminate(window) -> None:
    """SIGTERM (a logout, `kill`) and Ctrl+C in the terminal close the window as its close button
    does, so the layout is saved and the sandbox and tenant it started are stopped. Python runs
    signal handlers only between bytecodes, which Qt's event loop never reaches: the signal wakes
    a socket notifier instead."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)

    def on_signal() -> None:
        try:
            reader.recv(64)
        except BlockingIOError:
            return
        window.close()

    notifier.activated.connect(on_signal)
    window._terminate_wakeup = (reader, writer, notifier)  # alive as long as the window


def main(workspace_path: Optional[Path] = None) -> int:
    problem = platform_problem()
    if problem is not None:
        print(f"actions-studio: the window cannot open: {problem}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from actions_studio.runtime.confine import make_undumpable

    make_undumpable()  # the window holds the vault key and tenant tokens (cli.main does it too)

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Actions Studio")
    app.setOrganizationName("actions-studio")
    app.setDesktopFileName("actions-studio")

    from actions_studio.services import locations

    path = Path(workspace_path) if workspace_path is not None else locations.default_workspace_path()
    fast = True
    while True:
        outcome = _run_window(app, path, fast=fast)
        if outcome is not _REOPEN:
            return outcome
        fast = False  # the workspace did not open behind its start view: the ordinary way says why


_REOPEN = object()


# What the panels read once the workspace is open (Test, History, Sync), imported on the opening
# thread behind the start view so the GUI thread does not pay for it when they fill in (~0.2 s:
# the run pipeline, the trigger catalog's models, the sync client). Only non-UI modules: nothing
# Qt is made off the GUI thread (issue 12 item 10).
PRELOADED = (
    "actions_studio.services.actions", "actions_studio.services.fixtures", "actions_studio.services.runs",
    "actions_studio.services.tenants", "actions_studio.services.sync", "actions_studio.triggers.catalog",
    "actions_studio.runtime.result",
)


def _open_workspace(path: Path, preload: tuple[str, ...] = ()):
    import importlib
    import logging

    from actions_studio.services.workspace import Workspace

    ws = Workspace.open(path)
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # a head start only: whoever needs the module imports it (and says why)
            logging.getLogger(__name__).exception("preloading %s failed", name)
    return ws


def _open_or_offer_restore(path: Path, first_run: bool):
    """The open workspace (examples seeded on a first run), or None once the user gave up."""
    from actions_studio.services.errors import ServiceError
    from actions_studio.store.errors import StoreError
    from actions_studio.ui.first_run import seed_examples

    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            ws = _open_workspace(path)
            if first_run:
                try:
                    seed_examples(ws)
                except BaseException:
                    ws.close()
                    raise
            return ws
        except (ServiceError, StoreError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)  # for a studio started from a shell
            if not offer_restore(path, exc):
                return None


def _run_window(app, path: Path, *, fast: bool) -> Any:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from actions_studio.analysis.worker import AnalysisWorker
    from actions_studio.services import locations
    from actions_studio.ui.app import create_window
    from actions_studio.ui.worker_bridge import gui_relay

    first_run = not path.exists()
    # An existing workspace at the newest schema: the window is painted from its actions and
    # drafts read through sqlite3, and the workspace opens on a thread once the window is idle
    # (SQLAlchemy's import alone is ~3 empty windows, issue 12 item 10). Anything else (a first
    # run, a schema to upgrade, a file that does not read) opens first, the ordinary way.
    opening = None
    if fast and not first_run:
        from actions_studio.store.start_view import read_start_view
        from actions_studio.ui.workspace_opening import WorkspaceOpening

        view = read_start_view(path)
        if view is not None:
            opening = WorkspaceOpening(path, view, lambda: _open_workspace(path, PRELOADED))
    ws = None
    if opening is None:
        ws = _open_or_offer_restore(path, first_run)
        if ws is None:
            return 2
    exit_when_idle = bool(os.environ.get(EXIT_WHEN_IDLE_ENV))
    # jedi's owner thread starts now but warms up only once the workspace is open: warming it
    # costs ~1.5 s of CPU, and a thread doing that while the window is built competes for the GIL
    # and delays the first paint (PITFALLS.md: warm jedi in the background at start-up).
    worker = AnalysisWorker(warm_up=False)
    window = create_window(opening if opening is not None else ws, worker, locations.default_config_dir(),
                           first_run=first_run)
    post = gui_relay().poster(window)
    failed: list[BaseException] = []

    def on_open() -> None:
        """The workspace is open and every panel has read it: warm what the first use needs."""
        nonlocal ws
        ws = window.session.ws
        if ws.notices:  # a loosened vault key, a failed backup: shown, not in the way
            notices = QMessageBox(QMessageBox.Icon.Warning, "Actions Studio", "\n\n".join(ws.notices),
                                  QMessageBox.StandardButton.Ok, window)
            notices.setModal(False)
            notices.show()
        if exit_when_idle:
            QTimer.singleShot(0, lambda: (print("settled", flush=True), window.close()))
            return
        worker.submit("studio:warm-up", lambda engine: engine.warm_up(), lambda _id, _answer: None)
        # tsserver starts on its owner's thread, only if a JavaScript action exists (issue 16);
        # its first-use install reports each line in the status bar.
        window.factory.progress = lambda line: post(window.show_message, line)
        window.factory.warm_for(a.runtime for a in window.session.list_actions())
        # The sandbox's zygote costs ~100 ms; start it now so the first F5 does not pay it.
        window.dispatcher.warm_sandbox()

    def on_opening_done() -> None:  # on the GUI thread
        if opening.failed():  # the store refused behind the start view: said the ordinary way
            failed.append(opening.exception())
            window.close()
            app.quit()
            return
        window.session.note_workspace_opened()
        on_open()

    def on_idle() -> None:
        if exit_when_idle:
            print("idle", flush=True)
        if opening is not None:
            opening.add_done_callback(lambda _future: post(on_opening_done))
            opening.start()
        else:
            on_open()

    window.sig_idle.connect(on_idle)
    _close_on_terminate(window)
    window.show()
    try:
        code = app.exec()
    finally:
        worker.stop(timeout=2.0)
        if ws is None and opening is not None and not failed:
            try:  # closed before it finished opening: let the open (and its backup) finish
                ws = opening.result()
            except Exception:
                ws = None
        if ws is not None:
            ws.close()
    return _REOPEN if failed else code


def offer_restore(path: Path, error: BaseException) -> bool:
    """Says why the workspace cannot open; True once the user restored a backup to retry with."""
    from PySide6.QtWidgets import QMessageBox

    from actions_studio.services.workspace import restore_backup

    found = tuple(getattr(error, "backups", ()))
    box = QMessageBox(QMessageBox.Icon.Critical, "Actions Studio",
                      f"Cannot open the workspace {path}")
    box.setInformativeText(str(error))
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    restore_button = None
    if found:
        box.setDetailedText("Backups, newest first:\n" + "\n".join(
            f"{i}. {b.describe()}" for i, b in enumerate(found, 1))
            + "\n\nAny of them: actions-studio workspace restore N")
        restore_button = box.addButton(f"Restore {found[0].name}", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(restore_button)
    else:
        box.setDefaultButton(quit_button)
    box.exec()
    if restore_button is None or box.clickedButton() is not restore_button:
        return False
    try:
        restore_backup(found[0].name, path)
    except Exception as exc:  # a store refusal or an OSError: said, and the studio does not open
        QMessageBox.critical(None, "Actions Studio", f"The backup was not restored: {exc}")
        return False
    return True

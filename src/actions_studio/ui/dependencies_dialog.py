"""Per-action dependencies: one `name==version` per line, checked as you type, stored in the draft,
and installed in the background (issue 8) with progress and cancel; errors stay in this dialog.

Save stores the list at once when every line is pinned (no network needed); a bare name is pinned
to the newest version first, in the background. The dialog closes when the environment is built;
on an error it stays open with the reason (the list is saved either way: nothing typed is lost).
"""

from __future__ import annotations

import threading
from typing import Optional

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services import actions
from actions_studio.services import dependencies as deps_service
from actions_studio.services.dependencies import CancelToken
from actions_studio.services.errors import ServiceError
from actions_studio.ui.session import StudioSession

ERROR_STYLE = "color: #cf222e;"


class _InstallJob(QObject):
    """Carries a background install's news to the GUI thread (queued signals)."""

    sig_progressed = Signal(str)
    """pip or the builder said something: one line."""
    sig_saved = Signal(list)
    """Bare names were pinned and the list saved: the pinned lines."""
    sig_finished = Signal(bool, str)
    """The install ended: (ok, one-line summary or error)."""

    def tell(self, signal_name: str, *args: object) -> None:
        """Emits from the install thread; once the studio is gone there is nobody left to tell."""
        try:
            getattr(self, signal_name).emit(*args)
        except RuntimeError:
            pass


class DependenciesDialog(QDialog):
    def __init__(self, session: StudioSession, action_id: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._session = session
        self._action_id = action_id
        self._token: Optional[CancelToken] = None
        self._thread: Optional[threading.Thread] = None
        self._job: Optional[_InstallJob] = None
        detail = session.detail(action_id)
        self._action_name = detail.action.name if detail else ""
        self.setWindowTitle(f"Dependencies — {self._action_name}")
        intro = QLabel("One package per line, pinned as <code>name==version</code> "
                       "(e.g. <code>requests==2.32.3</code>); a name alone gets the newest version when "
                       "you save. Pure-Python packages only. They are installed into a shared, cached "
                       "environment that keeps working offline.")
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlainText("\n".join(detail.draft.dependencies) if detail else "")
        self.editor.textChanged.connect(self.validate)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # pip gives no fraction: a busy bar plus its latest line
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.on_buttons_rejected)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, 360)
        self.validate()

    def dependencies(self) -> list[str]:
        return [line.strip() for line in self.editor.toPlainText().splitlines() if line.strip()]

    def installing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def validate(self) -> bool:
        try:
            found = deps_service.check_lines(self.dependencies())
        except ServiceError as exc:
            self._say(str(exc), error=True)
            ok = False
        else:
            self._say(f"{len(found)} dependenc{'y' if len(found) == 1 else 'ies'}.")
            ok = True
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok and not self.installing())
        return ok

    def save(self) -> bool:
        """Stores the list (pinning bare names first) and starts the install; False on bad input."""
        if self.installing() or not self.validate():
            return False
        lines = self.dependencies()
        try:
            if deps_service.all_pinned(lines):
                self._session.set_dependencies(self._action_id, lines)  # offline: saved right now
                presaved = True
            else:
                presaved = False
        except ServiceError as exc:
            self._say(str(exc), error=True)
            return False
        self._start_install(lines, presaved)
        return True

    # -------------------------------------------------------------------------- background install

    def _start_install(self, lines: list[str], presaved: bool) -> None:
        ws, name = self._session.ws, self._action_name
        token = self._token = CancelToken()
        job = self._job = _InstallJob()  # no parent: it outlives a dialog closed mid-install
        job.sig_progressed.connect(self.on_job_progressed)
        job.sig_saved.connect(self.on_job_saved)
        job.sig_finished.connect(self.on_job_finished)
        # A dialog destroyed with its window stops pip rather than leaving it running.
        self.destroyed.connect(lambda *_: token.cancel())

        def say(line: str) -> None:
            job.tell("sig_progressed", line)

        def work() -> None:
            try:
                pinned = lines
                if not presaved:
                    pinned = deps_service.pin(ws, lines, cancel=token, progress=say)
                    actions.save_draft(ws, name, dependencies=pinned)
                    job.tell("sig_saved", pinned)
                env = deps_service.ensure_environment(ws, pinned, cancel=token, progress=say)
                summary = ("No dependencies." if env is None else
                           f"Installed {len(env.packages)} package(s): {', '.join(env.packages)}")
                job.tell("sig_finished", True, summary)
            except ServiceError as exc:
                job.tell("sig_finished", False, str(exc))
            except Exception as exc:  # noqa: BLE001 - a bug reaches the user as a message
                job.tell("sig_finished", False, f"unexpected {type(exc).__name__}: {exc}")

        self._set_busy(True)
        self._say("Installing…")
        self._thread = threading.Thread(target=work, name="dependency-install", daemon=True)
        self._thread.start()

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.editor.setReadOnly(busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel install" if busy else "Close")

    def on_job_progressed(self, line: str) -> None:
        self._say(line)

    def on_job_saved(self, pinned: list) -> None:
        self.editor.setPlainText("\n".join(pinned))
        self._session.sig_action_changed.emit(self._action_id)

    def on_job_finished(self, ok: bool, text: str) -> None:
        if self._thread is not None:
            self._thread.join(5)
        self._thread = None
        self._set_busy(False)
        cancelled = self._token is not None and self._token.cancelled
        self._session.sig_action_changed.emit(self._action_id)  # editors pick up the environment
        if ok:
            self._say(text)
            self.accept()
        elif cancelled:
            self._say("Install cancelled. A saved list is built before the next run.")
        else:
            self._say(text, error=True)
        self.validate_quietly()

    def validate_quietly(self) -> None:
        """Re-enables Save for valid text without replacing the message just shown."""
        text = self.message.text()
        style = self.message.styleSheet()
        self.validate()
        self.message.setText(text)
        self.message.setStyleSheet(style)

    def on_buttons_rejected(self) -> None:
        if self.installing():
            assert self._token is not None
            self._token.cancel()  # the dialog stays: the job's end says "cancelled"
            return
        self.reject()

    def cancel_install(self) -> None:
        if self._token is not None:
            self._token.cancel()

    def done(self, result: int) -> None:
        if self.installing():  # closed with Esc or the title bar: stop pip, do not leave it behind
            self.cancel_install()
        super().done(result)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Hidden with its window (the studio closing): the next run builds the environment instead.
        if self.installing():
            self.cancel_install()
        super().hideEvent(event)

"""Per-action dependencies: one `name==version` per line, checked as you type, stored in the draft,
and installed in the background (issue 8) with progress and cancel; errors stay in this dialog.
A node22 action's dependencies are npm packages, written `name@version` (issue 15): same dialog,
npm's rules and words.

Save stores the list at once when every line is pinned (no network needed); a bare name is pinned
to the newest version first, in the background. The dialog closes when the environment is built;
on an error it stays open with the reason (the list is saved either way: nothing typed is lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import Qt
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

from actions_studio.services import dependencies as deps_service
from actions_studio.services.dependencies import CancelToken
from actions_studio.services.errors import ServiceError
from actions_studio.ui.background import Job
from actions_studio.ui.session import StudioSession
from actions_studio.ui.worker_bridge import WorkerBridge

ERROR_STYLE = "color: #cf222e;"
INTRO = {
    "python3": ("One package per line, pinned as <code>name==version</code> "
                "(e.g. <code>requests==2.32.3</code>); a name alone gets the newest version when "
                "you save. Pure-Python packages only. They are installed into a shared, cached "
                "environment that keeps working offline."),
    "node22": ("One npm package per line, pinned as <code>name@version</code> "
               "(e.g. <code>lodash@4.17.21</code>, <code>@scope/name@1.0.0</code>); a name alone gets "
               "the registry's latest version when you save. Packages with native code (install "
               "scripts, <code>binding.gyp</code>, <code>.node</code> addons) are refused. They are "
               "installed with npm, scripts off, into a shared, cached environment that keeps working "
               "offline."),
}


@dataclass(frozen=True)
class Pinned:
    """Progress of an install: bare names were pinned to these lines (to be saved)."""

    lines: list[str]


class DependenciesDialog(QDialog):
    def __init__(self, session: StudioSession, action_id: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._session = session
        self._action_id = action_id
        self._token: Optional[CancelToken] = None
        self._installing = False
        self._bridge = WorkerBridge(name="dependency-install", parent=self)
        self._bridge.sig_progressed.connect(self.on_bridge_progressed)
        self._bridge.sig_finished.connect(lambda _c, _r, summary: self.on_install_finished(True, summary))
        self._bridge.sig_failed.connect(lambda _c, _r, message: self.on_install_finished(False, message))
        detail = session.detail(action_id)
        self._action_name = detail.action.name if detail else ""
        self.runtime = detail.action.runtime if detail else deps_service.PYTHON
        source = "npm" if self.runtime == deps_service.NODE else "PyPI"
        self.setWindowTitle(f"Dependencies ({source}) — {self._action_name}")
        intro = QLabel(INTRO.get(self.runtime, INTRO["python3"]))
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlaceholderText("lodash@4.17.21" if self.runtime == deps_service.NODE else "requests==2.32.3")
        self.editor.setPlainText("\n".join(deps_service.display_lines(detail.draft.dependencies, self.runtime))
                                 if detail else "")
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
        return self._installing

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def validate(self) -> bool:
        try:
            found = deps_service.check_lines(self.dependencies(), self.runtime)
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
            if self.runtime == deps_service.NODE:
                lines = deps_service.check_lines(lines, self.runtime)  # stored as name==version
            if deps_service.all_pinned(lines, self.runtime):
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
        session = self._session
        runtime = self.runtime
        token = self._token = CancelToken()
        # A dialog destroyed with its window stops pip rather than leaving it running.
        self.destroyed.connect(lambda *_: token.cancel())

        def work(job: Job) -> str:
            say = job.progress
            pinned = lines
            if not presaved:
                pinned = session.pin_dependencies(lines, runtime=runtime, cancel=token, progress=say)
                say(Pinned(pinned))  # saved through the session, on the GUI thread
            env = session.build_environment(pinned, runtime=runtime, cancel=token, progress=say)
            return ("No dependencies." if env is None else
                    f"Installed {len(env.packages)} package(s): {', '.join(env.packages)}")

        self._installing = True
        self._set_busy(True)
        self._say("Installing…")
        self._bridge.submit("install", work)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.editor.setReadOnly(busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel install" if busy else "Close")

    def on_bridge_progressed(self, _channel: str, _request_id: int, item: object) -> None:
        if isinstance(item, Pinned):
            self.editor.setPlainText("\n".join(deps_service.display_lines(item.lines, self.runtime)))
            self._session.set_dependencies(self._action_id, list(item.lines))
        else:
            self._say(str(item))

    def on_install_finished(self, ok: bool, text: str) -> None:
        self._installing = False
        self._set_busy(False)
        cancelled = self._token is not None and self._token.cancelled
        self._session.note_environment_built(self._action_id)  # editors pick up the environment
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

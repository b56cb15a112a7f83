"""Fixtures for driving the Action editor as a user: one warm jedi worker, real widgets offscreen."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from actions_studio.analysis.worker import AnalysisWorker

# The offscreen platform plugin (PITFALLS.md: no display here) implements neither raise() nor
# propagateSizeHints() and says so with a Qt warning each time Scintilla shows its completion list
# or call tip. That is the test platform talking, not the editor: ignore exactly those two lines.
OFFSCREEN_PLUGIN_NOISE = r"^This plugin does not support (raise|propagateSizeHints)\(\)$"

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_PLUGIN_NOISE))


@pytest.fixture(scope="session")
def analysis_worker() -> Iterator[AnalysisWorker]:
    """One jedi owner thread for the session, as in the studio (warming jedi costs ~1 s)."""
    worker = AnalysisWorker()
    yield worker
    worker.stop()


@pytest.fixture
def make_editor(qtbot, analysis_worker) -> Iterator[Callable[..., "ActionEditor"]]:  # noqa: F821
    """Build shown ActionEditors; pytest-qt closes and deletes them after the test.

    The fixture keeps each editor referenced until then. A parentless widget whose Python object
    is dropped is freed by the cyclic garbage collector, which may run on the jedi thread: PySide
    then defers the C++ delete to the GUI thread, and a paint in between reaches a dead Python
    object and crashes. Widgets in the studio always have a parent, so only tests meet this.
    """
    from PySide6.QtWidgets import QApplication

    from actions_studio.ui.editor.action_editor import ActionEditor
    from actions_studio.ui.editor.themes import LIGHT

    editors: list[ActionEditor] = []

    def make(text: str = "", trigger_id: str | None = "post-login", secret_names=None, *, theme=LIGHT,
             size: tuple[int, int] = (900, 560), caret_at_end: bool = True, worker=None,
             language=None) -> ActionEditor:
        from actions_studio.ui.editor.languages import PYTHON

        editor = ActionEditor(worker or analysis_worker, trigger_id, secret_names, theme=theme,
                              language=language or PYTHON)
        editors.append(editor)
        qtbot.addWidget(editor)
        editor.resize(*size)
        editor.view().set_caret_blinking(False)  # pictures do not differ by the blink phase
        editor.set_text(text)
        editor.show()
        qtbot.waitExposed(editor)
        # Focus (find field, dialogs) follows the active window, as on a desktop.
        editor.activateWindow()
        editor.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.text_area())
        if caret_at_end:
            editor.view().set_caret(editor.view().length())
        return editor

    yield make
    editors.clear()


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class EditorDriver:
    """Types and clicks into an ActionEditor like a user; waits on what the user would see."""

    def __init__(self, qtbot, editor, worker: AnalysisWorker) -> None:
        self.qtbot = qtbot
        self.editor = editor
        self.view = editor.view()
        self.worker = worker

    def type(self, text: str) -> None:
        from PySide6.QtCore import Qt

        area = self.editor.text_area()
        for char in text:
            if char == "\n":
                self.qtbot.keyClick(area, Qt.Key.Key_Return)
            elif ord(char) > 0x7F:
                self._type_non_ascii(area, char)
            else:
                self.qtbot.keyClicks(area, char)

    @staticmethod
    def _type_non_ascii(area, char: str) -> None:
        """Non-ASCII text the way a desktop delivers it.

        QTest.keyClicks only knows ASCII (anything else aborts in qasciikey.cpp). A keyboard layout
        sends é or 日 as one key event carrying the text; an emoji comes from an emoji picker or
        IME as an input-method commit (a key event cannot carry both UTF-16 halves).
        """
        from PySide6.QtCore import QEvent, Qt
        from PySide6.QtGui import QInputMethodEvent, QKeyEvent
        from PySide6.QtWidgets import QApplication

        if ord(char) > 0xFFFF:
            commit = QInputMethodEvent()
            commit.setCommitString(char)
            QApplication.sendEvent(area, commit)
            return
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(area, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))

    def key(self, key, modifier=None) -> None:
        from PySide6.QtCore import Qt

        self.qtbot.keyClick(self.editor.text_area(), key, modifier or Qt.KeyboardModifier.NoModifier)

    def wait_for_completions(self, timeout: int = 10_000) -> list[str]:
        self.qtbot.waitUntil(lambda: bool(self.view.completion_items()), timeout=timeout)
        return self.view.completion_items()

    def wait_for_call_tip(self, timeout: int = 10_000) -> tuple[str, tuple[int, int] | None]:
        self.qtbot.waitUntil(self.view.call_tip_active, timeout=timeout)
        return self.view.call_tip()

    def pos_of(self, marker: str, offset: int = 0) -> int:
        """Byte position of the first `marker` in the text, plus `offset` characters."""
        text = self.editor.text()
        index = text.index(marker) + offset
        return len(text[:index].encode("utf-8"))

    def flush(self) -> None:
        """Wait until the worker has answered everything asked so far and the answers arrived.

        For asserting that something did NOT happen: the worker runs requests in order, so once a
        barrier request has run, every earlier answer has been emitted to the GUI thread.
        """
        import threading

        done = threading.Event()
        self.worker.submit("tests:barrier", lambda _engine: None, lambda _id, _answer: done.set())
        self.qtbot.waitUntil(done.is_set, timeout=20_000)
        self.qtbot.wait(30)  # deliver the queued replies


@pytest.fixture
def drive(qtbot, analysis_worker) -> Callable[..., EditorDriver]:
    return lambda editor: EditorDriver(qtbot, editor, analysis_worker)


@pytest.fixture(scope="session")
def typescript_worker() -> Iterator["TypeScriptWorker"]:  # noqa: F821
    """One TypeScript service owner for the session (as the studio shares one), on the install
    the setup step made once; its semantic server is ready before the first test asks."""
    import threading

    from actions_studio.analysis.typescript.install import find_install
    from actions_studio.analysis.typescript.worker import TypeScriptWorker

    if find_install() is None:
        pytest.skip("TypeScript is not installed on this machine: the setup step installs it once with "
                    "`python -m actions_studio.analysis.typescript.install --shared`")
    worker = TypeScriptWorker()
    # Diagnostics wait for the semantic server: their answer means "Node's types are loaded".
    answered = threading.Event()
    worker.diagnostics("tests:warm:diagnostics", "exports.x = 1;\n", None, lambda _id, _answer: answered.set())
    assert answered.wait(120), f"tsserver not ready: {worker.state}"
    assert worker.state == "ready", worker.state
    worker.close("tests:warm")
    yield worker
    worker.stop()


@pytest.fixture
def make_js_editor(make_editor, typescript_worker) -> Callable[..., "ActionEditor"]:  # noqa: F821
    """make_editor for a node22 action: the JavaScript editor asking the TypeScript service."""
    from actions_studio.ui.editor.languages import JAVASCRIPT

    return lambda text="", trigger_id="post-login", **kw: make_editor(
        text, trigger_id, worker=typescript_worker, language=JAVASCRIPT, **kw)


@pytest.fixture
def drive_js(qtbot, typescript_worker) -> Callable[..., EditorDriver]:
    return lambda editor: EditorDriver(qtbot, editor, typescript_worker)

"""The one place the window constructs code editors (ui/editor/ belongs to the editor's owner).

The window only uses the editor's public surface: text()/set_text()/mark_saved()/is_modified(),
undo()/redo(), go_to_line(), show_find()/show_replace()/show_go_to_line(), toggle_comment(),
request_completion(), diagnostics(), set_theme(), and the sig_modified_changed /
sig_cursor_moved(line, column) / sig_diagnostics_changed(list) signals.

Each editor is in its action's language (issue 16): a `node22` action gets a JavaScript editor
asking the TypeScript service. That service's owner is made on first need — the first JavaScript
editor, or `typescript()` once the window is idle — so a Python-only studio never starts
Node, and the window never waits for tsserver (it starts on the owner's thread).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Optional

from PySide6.QtWidgets import QWidget

from actions_studio.analysis.worker import AnalysisWorker

if TYPE_CHECKING:
    from actions_studio.analysis.typescript.worker import TypeScriptWorker


class EditorFactory:
    def __init__(self, worker: AnalysisWorker, typescript: Optional["TypeScriptWorker"] = None) -> None:
        self.worker = worker
        self.dark = False
        self._typescript = typescript
        self._owns_typescript = False
        self.progress: Optional[Callable[[str], None]] = None  # install lines, on the owner's thread

    def typescript(self) -> "TypeScriptWorker":
        """The TypeScript service's owner, started now if it is not yet."""
        if self._typescript is None:
            from actions_studio.analysis.typescript.worker import TypeScriptWorker

            self._typescript = TypeScriptWorker(progress=self.progress)
            self._owns_typescript = True
            # Queued behind the start: a service that could not start (no Node, the install
            # failed offline) says why once, where the install's lines went; the editors keep
            # working without completions.
            self._typescript.submit("studio:typescript-state", lambda engine: engine.failed,
                                    self._on_typescript_state)
        return self._typescript

    def _on_typescript_state(self, _request_id: int, failed: Optional[str]) -> None:
        # on the service's thread: `progress` is the window's poster (gui.py) or None
        if failed and self.progress is not None:
            self.progress(f"JavaScript completions and checks are off: {failed}")

    def typescript_started(self) -> bool:
        return self._typescript is not None

    def warm_for(self, runtimes: Iterable[str]) -> bool:
        """Once the window is idle: start the TypeScript service in the background when the
        workspace has a JavaScript action, so its first completion does not pay tsserver's start
        (issue 16: ≤ 1.5 s after start-up). True when it was started."""
        from actions_studio.services.templates import is_javascript

        if self._typescript is not None or not any(is_javascript(r) for r in runtimes):
            return False
        self.typescript()
        return True

    def worker_for(self, runtime: str):
        from actions_studio.services.templates import is_javascript

        return self.typescript() if is_javascript(runtime) else self.worker

    def create(self, trigger_id: str, secret_names: Iterable[str], parent: Optional[QWidget] = None,
               runtime: str = "python3") -> QWidget:
        from actions_studio.ui.editor.action_editor import ActionEditor
        from actions_studio.ui.editor.languages import language_for
        from actions_studio.ui.editor.themes import DARK, LIGHT

        return ActionEditor(self.worker_for(runtime), trigger_id, list(secret_names), parent,
                            theme=DARK if self.dark else LIGHT, language=language_for(runtime))

    def apply_theme(self, editor: QWidget, dark: bool) -> None:
        from actions_studio.ui.editor.themes import DARK, LIGHT

        editor.set_theme(DARK if dark else LIGHT)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the TypeScript service this factory started (the jedi owner is the caller's)."""
        typescript, self._typescript = self._typescript, None
        if typescript is not None and self._owns_typescript:
            typescript.stop(timeout)

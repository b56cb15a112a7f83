"""ActionEditor: the code editor of one Action, as the studio's tabs show it.

It composes the Scintilla view, the intelligence (completions, call tips, hover, diagnostics
through the shared AnalysisWorker), a find/replace bar and a go-to-line dialog, and offers a
small API in the studio's terms: 1-based lines, columns in characters, Diagnostics. It never holds
the truth: the tab or panel that owns the draft reads `text()` and calls `mark_saved()`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from actions_studio.analysis.model import Diagnostic
from actions_studio.analysis.owner import EngineOwner
from actions_studio.ui.editor.find_bar import FindBar
from actions_studio.ui.editor.go_to_line_dialog import GoToLineDialog
from actions_studio.ui.editor.intelligence import EditorIntelligence
from actions_studio.ui.editor.languages import PYTHON, Language
from actions_studio.ui.editor.responsiveness import keep_typing_responsive
from actions_studio.ui.editor.scintilla_view import ScintillaView
from actions_studio.ui.editor.themes import LIGHT, EditorTheme

# Editor-local shortcuts; a window menu offering the same commands should call the public slots
# (the text area claims these keys while it has focus, so the two never fight).
SHORTCUTS = {
    "complete": "Ctrl+Space",
    "find": "Ctrl+F",
    "replace": "Ctrl+H",
    "go_to_line": "Ctrl+G",
    "toggle_comment": "Ctrl+/",
    "find_next": "F3",
    "find_previous": "Shift+F3",
}


class ActionEditor(QWidget):
    sig_modified_changed = Signal(bool)
    """The text left (True) or returned to (False) the state last marked saved."""
    sig_cursor_moved = Signal(int, int)
    """The caret moved to (line, column): both 1-based, the column counted in characters."""
    sig_diagnostics_changed = Signal(list)
    """The problems of the text changed: a sorted list of analysis.model.Diagnostic."""

    def __init__(self, worker: EngineOwner, trigger_id: str | None, secret_names: Iterable[str] | None = None,
                 parent: QWidget | None = None, *, theme: EditorTheme = LIGHT, language: Language = PYTHON) -> None:
        """`worker` is the owner of the language's engine: the AnalysisWorker (jedi) for Python,
        the TypeScriptWorker (tsserver) for JavaScript."""
        super().__init__(parent)
        keep_typing_responsive(worker)
        self._view = ScintillaView(self, theme, language=language)
        self._find_bar = FindBar(self._view, self)
        self._go_to_line: GoToLineDialog | None = None
        self._intelligence = EditorIntelligence(self._view, worker, trigger_id, secret_names, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._view, 1)
        layout.addWidget(self._find_bar)
        self.setFocusProxy(self._view)
        bindings = {
            SHORTCUTS["complete"]: self.request_completion,
            SHORTCUTS["find"]: self.show_find,
            SHORTCUTS["replace"]: self.show_replace,
            SHORTCUTS["go_to_line"]: self.show_go_to_line,
            SHORTCUTS["toggle_comment"]: self.toggle_comment,
            SHORTCUTS["find_next"]: self.find_next,
            SHORTCUTS["find_previous"]: self.find_previous,
        }
        for sequence, handler in bindings.items():
            self._view.bind_key(sequence, handler)
        # Esc in the text closes the find bar; otherwise it stays free for the window (or Scintilla).
        self._view.bind_key("Esc", self.on_text_escape_pressed, when=self._find_bar.isVisible)
        self._view.sig_modified_changed.connect(self.sig_modified_changed)
        self._view.sig_cursor_moved.connect(self.on_view_cursor_moved)
        self._view.sig_dwelled.connect(self.on_view_dwelled)
        self._view.sig_dwell_ended.connect(self._intelligence.on_view_dwell_ended)
        self._intelligence.sig_diagnostics_changed.connect(self.sig_diagnostics_changed)
        self._find_bar.sig_closed.connect(self.on_find_bar_closed)

    # --------------------------------------------------------------------------------- text
    def text(self) -> str:
        return self._view.text()

    def set_text(self, text: str) -> None:
        """Load a draft: undo history starts here, the text counts as saved, diagnostics follow."""
        self._view.set_text(text)
        self._intelligence.schedule_diagnostics(0)

    def mark_saved(self) -> None:
        self._view.mark_saved()

    def is_modified(self) -> bool:
        return self._view.is_modified()

    def undo(self) -> None:
        self._view.undo()

    def redo(self) -> None:
        self._view.redo()

    def can_undo(self) -> bool:
        return self._view.can_undo()

    def can_redo(self) -> bool:
        return self._view.can_redo()

    def toggle_comment(self) -> None:
        """Ctrl+/: comment or uncomment the selected lines (or the caret's line)."""
        self._view.toggle_comment()

    # ------------------------------------------------------------------------------ caret
    def cursor_position(self) -> tuple[int, int]:
        """(line, column) of the caret, both 1-based, the column in characters."""
        where = self._view.location_of(self._view.caret())
        return where.line, where.column + 1

    def set_cursor_position(self, line: int, column: int = 1) -> None:
        self._view.set_caret(self._view.position_of(line, column - 1))

    def go_to_line(self, line: int) -> None:
        """Move the caret to the first character of 1-based `line` (clamped) and show it."""
        self._view.go_to_line(line)
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_go_to_line(self) -> GoToLineDialog:
        """Ctrl+G: ask for a line number; the dialog is window-modal and does not block."""
        line, _ = self.cursor_position()
        dialog = GoToLineDialog(line, self._view.line_count(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.go_to_line(dialog.line()))
        dialog.finished.connect(self.on_go_to_line_finished)
        self._go_to_line = dialog
        dialog.open()
        return dialog

    def on_go_to_line_finished(self, result: int) -> None:
        self._go_to_line = None
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    def on_view_cursor_moved(self, pos: int) -> None:
        where = self._view.location_of(pos)
        self.sig_cursor_moved.emit(where.line, where.column + 1)

    # ----------------------------------------------------------------------------- find
    def show_find(self) -> None:
        self._find_bar.open_find(replace=False)

    def show_replace(self) -> None:
        self._find_bar.open_find(replace=True)

    def find_next(self) -> bool:
        return self._find_bar.find_next()

    def find_previous(self) -> bool:
        return self._find_bar.find_previous()

    def find_bar(self) -> FindBar:
        return self._find_bar

    def on_find_bar_closed(self) -> None:
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    def on_text_escape_pressed(self) -> None:
        self._find_bar.close_bar()

    # ---------------------------------------------------------------------------- intelligence
    def request_completion(self) -> None:
        """Ctrl+Space: complete the name at the caret (or list what is in scope)."""
        self._intelligence.request_completion()

    def diagnostics(self) -> list[Diagnostic]:
        return self._intelligence.diagnostics()

    @property
    def trigger_id(self) -> str | None:
        return self._intelligence.trigger_id

    def set_trigger(self, trigger_id: str | None) -> None:
        self._intelligence.set_trigger(trigger_id)

    def set_secret_names(self, names: Iterable[str] | None) -> None:
        """Secret names the action defines; `None` turns the undefined-secret check off."""
        self._intelligence.set_secret_names(names)

    def set_dependency_paths(self, paths: Iterable[str]) -> None:
        """Where the action's installed dependencies are: completions and hover docs see them."""
        self._intelligence.set_dependency_paths(paths)

    def on_view_dwelled(self, pos: int) -> None:
        """The dwell slot (also what tests call): hover doc and problems at byte position `pos`."""
        self._intelligence.on_view_dwelled(pos)

    # ------------------------------------------------------------------------- appearance
    def set_theme(self, theme: EditorTheme) -> None:
        self._view.apply_theme(theme)
        self._view.set_diagnostics(self._intelligence.diagnostics())

    @property
    def language(self) -> Language:
        return self._view.language

    def view(self) -> ScintillaView:
        """The text view (no Scintilla API: positions, popups and find primitives in plain Python)."""
        return self._view

    def text_area(self) -> QWidget:
        """The widget that receives keystrokes (focus chains, and tests typing into the editor)."""
        return self._view.text_area()

    def closeEvent(self, event) -> None:
        self._intelligence.shutdown()
        super().closeEvent(event)

"""The one place the window constructs code editors (ui/editor/ belongs to the editor's owner).

The window only uses the editor's public surface: text()/set_text()/mark_saved()/is_modified(),
undo()/redo(), go_to_line(), show_find()/show_replace()/show_go_to_line(), toggle_comment(),
request_completion(), diagnostics(), set_theme(), and the sig_modified_changed /
sig_cursor_moved(line, column) / sig_diagnostics_changed(list) signals.
"""

from __future__ import annotations

from typing import Iterable, Optional

from PySide6.QtWidgets import QWidget

from actions_studio.analysis.worker import AnalysisWorker


class EditorFactory:
    def __init__(self, worker: AnalysisWorker) -> None:
        self.worker = worker
        self.dark = False

    def create(self, trigger_id: str, secret_names: Iterable[str], parent: Optional[QWidget] = None) -> QWidget:
        from actions_studio.ui.editor.action_editor import ActionEditor
        from actions_studio.ui.editor.themes import DARK, LIGHT

        return ActionEditor(self.worker, trigger_id, list(secret_names), parent,
                            theme=DARK if self.dark else LIGHT)

    def apply_theme(self, editor: QWidget, dark: bool) -> None:
        from actions_studio.ui.editor.themes import DARK, LIGHT

        editor.set_theme(DARK if dark else LIGHT)

"""The editor tabs: one tab per open action (keyed by action id) plus the Getting started page.

A tab's title is the action's name with `•` while the text differs from the saved draft. Closing
a modified tab asks Save / Discard / Cancel. The text is the user's unsaved work; the draft in the
workspace stays the truth, re-read when the tab opens or after a revert.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from actions_studio.services.errors import ServiceError
from actions_studio.ui.editor_host import EditorFactory
from actions_studio.ui.prompts import Prompts
from actions_studio.ui.session import StudioSession

GETTING_STARTED = "getting-started"
MODIFIED_MARK = " •"


class EditorTabs(QTabWidget):
    sig_current_changed = Signal(str)
    """The current tab shows another action: its id ("" for no action)."""
    sig_diagnostics_changed = Signal(str, list)
    """An editor's problems changed: (action id, Diagnostics)."""
    sig_cursor_moved = Signal(int, int)
    """The caret of the current editor moved: (line, column), 1-based."""
    sig_modified_changed = Signal(str, bool)
    """An editor's text left or returned to its saved state: (action id, modified)."""

    def __init__(self, session: StudioSession, factory: EditorFactory, prompts: Prompts,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._session = session
        self._factory = factory
        self._prompts = prompts
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.tabCloseRequested.connect(self.on_self_tab_close_requested)
        self.currentChanged.connect(self.on_self_current_changed)
        session.sig_action_changed.connect(self.on_session_action_changed)
        session.sig_actions_changed.connect(self.on_session_actions_changed)

    # -- lookup ------------------------------------------------------------------------------------

    def tab_id(self, index: int) -> str:
        widget = self.widget(index)
        return widget.property("tab_id") if widget is not None else ""

    def index_of(self, tab_id: str) -> int:
        return next((i for i in range(self.count()) if self.tab_id(i) == tab_id), -1)

    def open_ids(self) -> list[str]:
        return [self.tab_id(i) for i in range(self.count())]

    def current_action_id(self) -> str:
        tab_id = self.tab_id(self.currentIndex()) if self.currentIndex() >= 0 else ""
        return "" if tab_id == GETTING_STARTED else tab_id

    def editor(self, action_id: str) -> Optional[QWidget]:
        index = self.index_of(action_id)
        return self.widget(index) if index >= 0 and action_id != GETTING_STARTED else None

    def current_editor(self) -> Optional[QWidget]:
        return self.editor(self.current_action_id()) if self.current_action_id() else None

    def modified_ids(self) -> list[str]:
        return [i for i in self.open_ids() if i != GETTING_STARTED and self.editor(i).is_modified()]

    # -- opening -----------------------------------------------------------------------------------

    def open_action(self, action_id: str, *, focus: bool = True) -> Optional[QWidget]:
        index = self.index_of(action_id)
        if index >= 0:
            self.setCurrentIndex(index)
            return self.widget(index)
        detail = self._session.detail(action_id)
        if detail is None:
            return None
        editor = self._factory.create(detail.action.trigger_id, detail.draft.secret_names, self,
                                      runtime=detail.draft.runtime)
        editor.setProperty("tab_id", action_id)
        editor.set_dependency_paths(self._session.dependency_paths(action_id))
        editor.set_text(detail.draft.code)
        editor.mark_saved()
        editor.sig_modified_changed.connect(lambda modified, a=action_id: self._on_editor_modified(a, modified))
        editor.sig_diagnostics_changed.connect(lambda found, a=action_id: self.sig_diagnostics_changed.emit(a, found))
        editor.sig_cursor_moved.connect(lambda line, col, a=action_id: self._on_editor_cursor(a, line, col))
        index = self.addTab(editor, detail.action.name)
        self.setTabToolTip(index, f"{detail.action.name} ({detail.action.trigger_id})")
        if focus:
            self.setCurrentIndex(index)
            editor.setFocus()
        return editor

    def open_page(self, tab_id: str, widget: QWidget, title: str) -> None:
        index = self.index_of(tab_id)
        if index < 0:
            widget.setProperty("tab_id", tab_id)
            index = self.addTab(widget, title)
        self.setCurrentIndex(index)

    def _on_editor_modified(self, action_id: str, modified: bool) -> None:
        self._retitle(action_id)
        self.sig_modified_changed.emit(action_id, modified)

    def _on_editor_cursor(self, action_id: str, line: int, column: int) -> None:
        if action_id == self.current_action_id():
            self.sig_cursor_moved.emit(line, column)

    def _retitle(self, action_id: str) -> None:
        index = self.index_of(action_id)
        record = self._session.action(action_id)
        if index < 0 or record is None:
            return
        editor = self.widget(index)
        self.setTabText(index, record.name + (MODIFIED_MARK if editor.is_modified() else ""))

    def on_self_current_changed(self, _index: int) -> None:
        self.sig_current_changed.emit(self.current_action_id())
        editor = self.current_editor()
        if editor is not None:
            self.sig_cursor_moved.emit(*editor.cursor_position())

    # -- saving and closing ------------------------------------------------------------------------

    def save(self, action_id: str) -> bool:
        editor = self.editor(action_id)
        if editor is None:
            return False
        try:
            self._session.save_draft(action_id, editor.text())
        except ServiceError as exc:
            self._prompts.error("Save draft", str(exc))
            return False
        editor.mark_saved()
        self._retitle(action_id)
        return True

    def reload(self, action_id: str) -> None:
        """Re-reads the draft (after a revert replaced it)."""
        editor = self.editor(action_id)
        detail = self._session.detail(action_id)
        if editor is not None and detail is not None:
            editor.set_text(detail.draft.code)
            editor.mark_saved()
            self._retitle(action_id)

    def close_tab(self, tab_id: str, *, ask: bool = True) -> bool:
        index = self.index_of(tab_id)
        if index < 0:
            return True
        widget = self.widget(index)
        if ask and tab_id != GETTING_STARTED and widget.is_modified():
            name = self._session.action(tab_id).name if self._session.action(tab_id) else "this action"
            answer = self._prompts.save_discard_cancel(
                "Unsaved changes", f"Save the changes to {name} before closing?")
            if answer == "cancel" or (answer == "save" and not self.save(tab_id)):
                return False
        self.removeTab(index)
        widget.close()
        widget.deleteLater()
        return True

    def on_self_tab_close_requested(self, index: int) -> None:
        self.close_tab(self.tab_id(index))

    def confirm_close_all(self) -> bool:
        """Before the window closes: every modified tab gets the Save/Discard/Cancel question."""
        for action_id in self.modified_ids():
            self.setCurrentIndex(self.index_of(action_id))
            name = self._session.action(action_id).name if self._session.action(action_id) else action_id
            answer = self._prompts.save_discard_cancel(
                "Unsaved changes", f"Save the changes to {name} before quitting?")
            if answer == "cancel" or (answer == "save" and not self.save(action_id)):
                return False
        return True

    # -- the workspace changed ---------------------------------------------------------------------

    def on_session_action_changed(self, action_id: str) -> None:
        self._retitle(action_id)
        editor = self.editor(action_id)
        detail = self._session.detail(action_id) if editor is not None else None
        if detail is not None and self._language_changed(editor, detail.draft.runtime):
            self._reopen(action_id)
        elif detail is not None:
            # The "secret used but not defined" check must see secrets added in the dialog.
            editor.set_secret_names(detail.draft.secret_names)
            editor.set_dependency_paths(self._session.dependency_paths(action_id))

    @staticmethod
    def _language_changed(editor: QWidget, runtime: str) -> bool:
        """The draft's runtime changed under an unmodified editor (a sync pull, the CLI): its
        language and engine are the old runtime's (issue 16)."""
        from actions_studio.ui.editor.languages import language_for

        return language_for(runtime) is not editor.language and not editor.is_modified()

    def _reopen(self, action_id: str) -> None:
        index, current = self.index_of(action_id), self.current_action_id() == action_id
        self.close_tab(action_id, ask=False)
        self.open_action(action_id, focus=current)
        self.tabBar().moveTab(self.index_of(action_id), index)
        if current:
            self.setCurrentIndex(index)

    def on_session_actions_changed(self) -> None:
        for tab_id in self.open_ids():
            if tab_id == GETTING_STARTED:
                continue
            if self._session.action(tab_id) is None:  # deleted
                self.close_tab(tab_id, ask=False)
                continue
            self._retitle(tab_id)
            detail = self._session.detail(tab_id)
            if detail is not None and self._language_changed(self.editor(tab_id), detail.draft.runtime):
                self._reopen(tab_id)

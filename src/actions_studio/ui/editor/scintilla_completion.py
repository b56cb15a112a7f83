"""The completion list of a Scintilla text area: the studio's own popup (completion_popup.py)
placed under the caret, driven by the keys it owns, inserting what is accepted; it shows rows the
intelligence has already narrowed and ordered (intelligence.py, completion_filter.py).

Not Scintilla's autoCShow: that built a new list window for every answer (completion_popup.py
says what it cost). What Scintilla's list did for users is kept: Up/Down/PageUp/PageDown/Home/End
move the selection, Tab and Enter accept, Esc closes, a double click accepts; accepting replaces
the typed prefix and the rest of the word after the caret (autoCSetDropRestOfWord) in one undo
step; any other key that is not typing, a click in the text, the caret leaving the word, a scroll
or the focus leaving closes the list.

With scintilla_view.py, which owns one per text area, this is where the studio talks to
Scintilla (PITFALLS.md, Editor: the binding could be swapped by changing these two).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent
from pyside6_scintilla import Scintilla, ScintillaEdit

from actions_studio.ui.editor.completion_popup import CompletionPopup
from actions_studio.ui.editor.themes import EditorTheme

_NO_MODIFIERS = Qt.KeyboardModifier.NoModifier
_MODIFIER_KEYS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                            Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_Super_L,
                            Qt.Key.Key_Super_R})
_ACCEPT_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab})
# the keys the open list owns (plain, without modifiers): moves of its selection, accept, close
OWNED_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
                        Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Escape, *_ACCEPT_KEYS})


class CompletionList:
    def __init__(self, sci: ScintillaEdit) -> None:
        self._sci = sci
        self._word_start = 0
        self._popup = CompletionPopup(sci)
        self._popup.sig_accepted.connect(self.accept)

    def show(self, word_start: int, items: Sequence[tuple[str, str]], theme: EditorTheme, point_size: int) -> None:
        """Show (name, kind) rows; accepting one replaces the text from `word_start` to the caret."""
        popup = self._popup
        if not items:
            self.cancel()
            return
        self._word_start = word_start
        popup.set_theme(theme)
        popup.set_point_size(point_size)
        popup.set_rows(items)
        sci = self._sci
        word = sci.mapToGlobal(QPoint(sci.pointXFromPosition(word_start), sci.pointYFromPosition(word_start)))
        popup.place(word, sci.textHeight(sci.lineFromPosition(word_start)))
        if not popup.isVisible():
            popup.show()

    def active(self) -> bool:
        return self._popup.isVisible()

    def items(self) -> list[str]:
        """Names in the list on screen, in order ([] when none is shown)."""
        return self._popup.names() if self._popup.isVisible() else []

    def selected(self) -> str | None:
        return self._popup.current_name() if self._popup.isVisible() else None

    def cancel(self) -> None:
        if self._popup.isVisible():
            self._popup.hide()

    def popup(self) -> CompletionPopup:
        return self._popup

    # ------------------------------------------------------------------------------- the keys
    def owns(self, event: QKeyEvent) -> bool:
        """The open list takes this key from the text area and from window shortcuts."""
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == _NO_MODIFIERS
        return plain and self._popup.isVisible() and event.key() in OWNED_KEYS

    def handle_key(self, event: QKeyEvent) -> bool:
        """A key pressed in the text area while the list is open: True if the list used it.

        Typing and Backspace go on to Scintilla (the intelligence narrows the list from the text);
        any other key closes the list and goes on (Scintilla's list did the same).
        """
        if not self._popup.isVisible():
            return False
        key = event.key()
        if self.owns(event):
            popup = self._popup
            if key == Qt.Key.Key_Escape:
                self.cancel()
            elif key in _ACCEPT_KEYS:
                name = popup.current_name()
                if name is None:
                    self.cancel()
                else:
                    self.accept(name)
            elif key == Qt.Key.Key_Up:
                popup.move_selection(-1)
            elif key == Qt.Key.Key_Down:
                popup.move_selection(1)
            elif key == Qt.Key.Key_PageUp:
                popup.move_selection(-popup.page_rows())
            elif key == Qt.Key.Key_PageDown:
                popup.move_selection(popup.page_rows())
            elif key == Qt.Key.Key_Home:
                popup.move_selection(-len(popup.names()))
            else:  # End
                popup.move_selection(len(popup.names()))
            return True
        if key in _MODIFIER_KEYS or key == Qt.Key.Key_Backspace:
            return False
        typing = event.text() and event.text().isprintable() and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier)
        if not typing:
            self.cancel()
        return False

    def accept(self, name: str) -> None:
        """Replace the typed prefix and the rest of the word after the caret with `name`."""
        sci = self._sci
        self.cancel()
        start = self._word_start
        end = max(sci.currentPos(), sci.wordEndPosition(sci.currentPos(), True))
        encoded = len(name.encode("utf-8"))
        sci.beginUndoAction()
        try:
            sci.setTargetRange(start, end)
            sci.replaceTarget(encoded, name)
        finally:
            sci.endUndoAction()
        sci.gotoPos(start + encoded)

    # --------------------------------------------------------------------- what closes the list
    def on_caret_moved(self, caret: int, updated: int) -> None:
        """The caret left the word being completed, or the text scrolled under the list."""
        if not self._popup.isVisible():
            return
        if updated & (Scintilla.Update.VScroll | Scintilla.Update.HScroll):
            self.cancel()
        elif caret < self._word_start or self._sci.wordStartPosition(caret, True) != self._word_start:
            self.cancel()

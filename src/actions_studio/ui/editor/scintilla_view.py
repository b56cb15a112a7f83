"""The code text area (Python or JavaScript): with its completion list (scintilla_completion.py)
and its find and replace (scintilla_search.py), the only place the studio talks to Scintilla.

Everything Scintilla-specific (message names, style numbers, byte positions, indicator and marker
numbers) stays here so the binding could be swapped (PITFALLS.md, Editor). Callers get a small
Python API and `sig_*` signals. What differs between the languages (lexer, styles, comment
prefix, indentation) is data in languages.py, applied here. Positions in this API are Scintilla's UTF-8 byte offsets ("pos");
`location_of` / `position_of` convert to and from jedi's (1-based line, code-point column)
through analysis/positions.py, never by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lexilla import create_lexer
from lexilla.pyside6_scintilla import set_lexer
from PySide6.QtCore import QEvent, QKeyCombination, QPoint, Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pyside6_scintilla import Scintilla, ScintillaEdit

from actions_studio.analysis.model import Diagnostic
from actions_studio.analysis.positions import (
    Position,
    column_to_line_byte_column,
    line_byte_column_to_column,
)
from actions_studio.ui.editor.indentation import INDENT, closing_indent
from actions_studio.ui.editor.scintilla_completion import CompletionList
from actions_studio.ui.editor.scintilla_search import INDICATOR_FIND, FindInText
from actions_studio.ui.editor.languages import PYTHON, Language
from actions_studio.ui.editor.themes import LIGHT, EditorTheme


# Indicators 8+ belong to the container (Scintilla.IndicatorNumbers.Container).
INDICATOR_ERROR, INDICATOR_WARNING = 8, 9  # INDICATOR_FIND = 10: scintilla_search.py
_SEVERITY_INDICATORS = {"error": INDICATOR_ERROR, "warning": INDICATOR_WARNING}
# Markers 0..24 are free (25..31 are the fold symbols).
MARKER_ERROR, MARKER_WARNING = 20, 21
MARGIN_NUMBERS, MARGIN_DIAGNOSTICS, MARGIN_FOLD = 0, 1, 2
_BRACES = frozenset(b"()[]{}")
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_PREFERRED_FONTS = ("JetBrains Mono", "Cascadia Code", "Fira Code", "Source Code Pro", "Consolas", "Menlo",
                    "DejaVu Sans Mono", "Liberation Mono")


def _bgr(colour: str) -> int:
    """Scintilla colours are 0xBBGGRR."""
    value = int(colour.lstrip("#"), 16)
    return ((value & 0xFF) << 16) | (value & 0xFF00) | ((value >> 16) & 0xFF)


def _abgr(colour: str, alpha: int = 0xFF) -> int:
    """Element colours carry alpha in the top byte; kept signed-32 for the binding's int."""
    value = (alpha << 24) | _bgr(colour)
    return value - (1 << 32) if value >= 1 << 31 else value


def monospace_family() -> str:
    families = set(QFontDatabase.families())
    for family in _PREFERRED_FONTS:
        if family in families:
            return family
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()


class _TextArea(ScintillaEdit):
    """ScintillaEdit with the view's key bindings and auto-indent in front of Scintilla's keymap."""

    def __init__(self, view: ScintillaView) -> None:
        super().__init__(view)
        self._view = view

    def setFocus(self, *args) -> None:  # noqa: N802 - Qt's name
        # ScintillaEdit.setFocus(bool) is SCI_SETFOCUS and hides QWidget.setFocus(); whoever holds
        # text_area() means the QWidget one.
        if args and isinstance(args[0], bool):
            super().setFocus(*args)
        else:
            QWidget.setFocus(self, *args)

    def event(self, event: QEvent) -> bool:
        # Claim bound keys before any window shortcut does: when the editor has focus, Ctrl+F is its
        # find bar even if the main window's menu carries the same shortcut. Esc with a completion
        # list or call tip open closes the popup, not the window's Stop; the keys an open
        # completion list owns (arrows, Tab, Enter) are its own.
        if event.type() == QEvent.Type.ShortcutOverride and (
                self._view._binding_for(event) is not None or self._view._closes_popup(event)
                or self._view._completions.owns(event)):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._view._handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)
        if event.key() == Qt.Key.Key_Backspace:
            self._view.sig_char_deleted.emit()

    # A click in the text, the focus going elsewhere (another widget, window or a menu) or the
    # editor being hidden closes the completion list, as Scintilla's own list did.
    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._view._completions.cancel()
        super().mousePressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._view._completions.cancel()
        super().focusOutEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._view._completions.cancel()
        super().hideEvent(event)


class ScintillaView(FindInText, QWidget):
    """A code view in one language: highlighting, folding, indent, squiggles, popups, find; no analysis."""

    sig_char_added = Signal(str)
    """The user typed a character; it is already in the text, before the caret."""
    sig_char_deleted = Signal()
    """The user deleted backwards (Backspace); the caret moved left."""
    sig_text_modified = Signal(int)
    """Text was inserted or deleted at this byte position (typing, paste, undo, set_text)."""
    sig_cursor_moved = Signal(int)
    """The caret moved to this byte position."""
    sig_modified_changed = Signal(bool)
    """The text left (True) or returned to (False) its saved state."""
    sig_dwelled = Signal(int)
    """The mouse rested over this byte position."""
    sig_dwell_ended = Signal()
    """The mouse moved on after a dwell, or a key was pressed."""
    sig_completions_shown = Signal()
    """A completion list was put on screen (or narrowed): `completion_items()` names its rows."""

    def __init__(self, parent: QWidget | None = None, theme: EditorTheme = LIGHT, *,
                 language: Language = PYTHON) -> None:
        super().__init__(parent)
        self._language = language
        self._sci = _TextArea(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._sci)
        self.setFocusProxy(self._sci)
        self._bindings: dict[int, tuple[Callable[[], None], Callable[[], bool] | None]] = {}
        self._theme = theme
        self._font_family = monospace_family()
        self._font_size = 10
        self._number_digits = 0
        self._last_caret = -1
        self._modified = False
        self._loading = False
        self._shown_tip: tuple[str, tuple[int, int] | None] = ("", None)
        self._configure()
        self.apply_theme(theme)
        self._sci.charAdded.connect(self.on_sci_char_added)
        self._sci.modified.connect(self.on_sci_modified)
        self._sci.updateUi.connect(self.on_sci_update_ui)
        self._sci.savePointChanged.connect(self.on_sci_save_point_changed)
        self._sci.dwellStart.connect(self.on_sci_dwell_start)
        self._sci.dwellEnd.connect(self.on_sci_dwell_end)
        self._sci.linesAdded.connect(self.on_sci_lines_added)

    # ----------------------------------------------------------------------------------- set-up
    def _configure(self) -> None:
        sci = self._sci
        language = self._language
        lexer = create_lexer(language.lexer)
        for key, value in language.properties.items():
            lexer.property_set(key, value)
        # set_lexer detaches: without that both sides free the lexer and exit segfaults (PITFALLS.md)
        set_lexer(sci, lexer)
        for number, words in enumerate(language.keywords):
            sci.setKeyWords(number, words)
        sci.setCodePage(Scintilla.CpUtf8)
        sci.setEOLMode(Scintilla.EndOfLine.Lf)
        sci.setUseTabs(False)
        sci.setIndent(language.indent)
        sci.setTabWidth(language.indent)
        sci.setTabIndents(True)
        sci.setBackSpaceUnIndents(True)
        sci.setIndentationGuides(Scintilla.IndentView.LookBoth)
        sci.setCaretLineVisibleAlways(True)
        # Base layer: the current line is painted as background, so squiggles and find boxes
        # (drawn under the text) stay visible on it; an UnderText caret line hid them.
        sci.setCaretLineLayer(Scintilla.Layer.Base)
        sci.setCaretWidth(2)
        sci.setMultipleSelection(True)
        sci.setAdditionalSelectionTyping(True)
        sci.setScrollWidth(1)
        sci.setScrollWidthTracking(True)
        sci.setLayoutCache(Scintilla.LineCache.Page)
        sci.setMouseDwellTime(600)
        # Only text changes reach Python: styling and fold notifications would cost a slot call each.
        sci.setModEventMask(Scintilla.ModificationFlags.InsertText | Scintilla.ModificationFlags.DeleteText)
        sci.setYCaretPolicy(Scintilla.CaretPolicy.Slop | Scintilla.CaretPolicy.Even, 3)
        sci.setVisiblePolicy(Scintilla.VisiblePolicy.Slop | Scintilla.VisiblePolicy.Strict, 6)
        # margins: line numbers, a diagnostics dot, folding
        sci.setMarginTypeN(MARGIN_NUMBERS, Scintilla.MarginType.Number)
        sci.setMarginMaskN(MARGIN_NUMBERS, 0)
        sci.setMarginTypeN(MARGIN_DIAGNOSTICS, Scintilla.MarginType.Symbol)
        sci.setMarginMaskN(MARGIN_DIAGNOSTICS, (1 << MARKER_ERROR) | (1 << MARKER_WARNING))
        sci.setMarginWidthN(MARGIN_DIAGNOSTICS, 12)
        sci.setMarginTypeN(MARGIN_FOLD, Scintilla.MarginType.Symbol)
        sci.setMarginMaskN(MARGIN_FOLD, Scintilla.MaskFolders)
        sci.setMarginSensitiveN(MARGIN_FOLD, True)
        sci.setMarginWidthN(MARGIN_FOLD, 14)
        sci.setMarginLeft(2)
        sci.setAutomaticFold(Scintilla.AutomaticFold.Show | Scintilla.AutomaticFold.Click
                             | Scintilla.AutomaticFold.Change)
        sci.setFoldFlags(Scintilla.FoldFlag.LineAfterContracted)
        outline = Scintilla.MarkerOutline
        symbol = Scintilla.MarkerSymbol
        for marker, shape in ((outline.FolderOpen, symbol.BoxMinus), (outline.Folder, symbol.BoxPlus),
                              (outline.FolderSub, symbol.VLine), (outline.FolderTail, symbol.LCorner),
                              (outline.FolderEnd, symbol.BoxPlusConnected),
                              (outline.FolderOpenMid, symbol.BoxMinusConnected),
                              (outline.FolderMidTail, symbol.TCorner)):
            sci.markerDefine(marker, shape)
        sci.markerDefine(MARKER_ERROR, symbol.Circle)
        sci.markerDefine(MARKER_WARNING, symbol.Circle)
        for indicator in (INDICATOR_ERROR, INDICATOR_WARNING):
            sci.indicSetStyle(indicator, Scintilla.IndicatorStyle.Squiggle)
            sci.indicSetUnder(indicator, True)
        sci.indicSetStyle(INDICATOR_FIND, Scintilla.IndicatorStyle.StraightBox)
        sci.indicSetUnder(INDICATOR_FIND, True)
        self._completions = CompletionList(sci)
        sci.callTipUseStyle(INDENT * 8)
        sci.callTipSetPosition(False)
        # Scintilla binds Ctrl+/ to "word part left"; the editor uses it to toggle comments.
        sci.clearCmdKey(ord("/") | (Scintilla.KeyMod.Ctrl << 16))

    def apply_theme(self, theme: EditorTheme) -> None:
        sci = self._sci
        self._theme = theme
        common = Scintilla.StylesCommon
        sci.styleResetDefault()
        sci.styleSetFont(common.Default, self._font_family)
        sci.styleSetSize(common.Default, self._font_size)
        sci.styleSetFore(common.Default, _bgr(theme.foreground))
        sci.styleSetBack(common.Default, _bgr(theme.background))
        sci.styleClearAll()
        language = self._language
        for role, styles in language.roles.items():
            for style in styles:
                sci.styleSetFore(style, _bgr(getattr(theme, role)))
        for style in language.bold:
            sci.styleSetBold(style, True)
        for style in language.italic:
            sci.styleSetItalic(style, True)
        sci.styleSetBack(language.string_eol, _bgr(theme.unclosed_string_background))
        sci.styleSetEOLFilled(language.string_eol, True)
        sci.styleSetFore(common.LineNumber, _bgr(theme.line_number))
        sci.styleSetBack(common.LineNumber, _bgr(theme.margin_background))
        sci.styleSetSize(common.LineNumber, max(7, self._font_size - 1))
        sci.styleSetFore(common.IndentGuide, _bgr(theme.indent_guide))
        sci.styleSetBack(common.IndentGuide, _bgr(theme.background))
        sci.styleSetFore(common.BraceLight, _bgr(theme.brace_match_foreground))
        sci.styleSetBack(common.BraceLight, _bgr(theme.brace_match_background))
        sci.styleSetBold(common.BraceLight, True)
        sci.styleSetFore(common.BraceBad, _bgr(theme.brace_bad))
        sci.styleSetBold(common.BraceBad, True)
        # call tips use a readable proportional font, like every IDE's hover card
        ui_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
        sci.styleSetFont(common.CallTip, ui_font)
        sci.styleSetSize(common.CallTip, max(7, self._font_size - 1))
        sci.styleSetFore(common.CallTip, _bgr(theme.popup_foreground))
        sci.styleSetBack(common.CallTip, _bgr(theme.popup_background))
        sci.callTipSetFore(_bgr(theme.popup_foreground))
        sci.callTipSetBack(_bgr(theme.popup_background))
        sci.callTipSetForeHlt(_bgr(theme.popup_highlight))
        element = Scintilla.Element
        sci.setElementColour(element.Caret, _abgr(theme.caret))
        sci.setElementColour(element.CaretLineBack, _abgr(theme.current_line))
        sci.setElementColour(element.SelectionBack, _abgr(theme.selection))
        sci.setElementColour(element.SelectionInactiveBack, _abgr(theme.selection, 0xB0))
        sci.setElementColour(element.WhiteSpace, _abgr(theme.whitespace))
        sci.setElementColour(element.FoldLine, _abgr(theme.fold_marker, 0x80))
        self._completions.popup().set_theme(theme)
        for margin in (MARGIN_NUMBERS, MARGIN_DIAGNOSTICS, MARGIN_FOLD):
            sci.setMarginBackN(margin, _bgr(theme.margin_background))
        sci.setFoldMarginColour(True, _bgr(theme.margin_background))
        sci.setFoldMarginHiColour(True, _bgr(theme.margin_background))
        for marker in range(Scintilla.MarkerOutline.FolderEnd, Scintilla.MarkerOutline.FolderOpen + 1):
            sci.markerSetFore(marker, _bgr(theme.fold_marker_fill))
            sci.markerSetBack(marker, _bgr(theme.fold_marker))
        for marker, colour in ((MARKER_ERROR, theme.error), (MARKER_WARNING, theme.warning)):
            sci.markerSetFore(marker, _bgr(colour))
            sci.markerSetBack(marker, _bgr(colour))
        sci.indicSetFore(INDICATOR_ERROR, _bgr(theme.error))
        sci.indicSetFore(INDICATOR_WARNING, _bgr(theme.warning))
        sci.indicSetFore(INDICATOR_FIND, _bgr(theme.find_match))
        sci.indicSetAlpha(INDICATOR_FIND, 0xFF)
        sci.indicSetOutlineAlpha(INDICATOR_FIND, 0x60)
        self._number_digits = 0
        self._fit_line_number_margin()

    @property
    def theme(self) -> EditorTheme:
        return self._theme

    @property
    def language(self) -> Language:
        return self._language

    def set_caret_blinking(self, blinking: bool) -> None:
        """A steady caret (False) makes rendered pictures reproducible."""
        self._sci.setCaretPeriod(500 if blinking else 0)

    def text_area(self) -> QWidget:
        """The widget that takes keyboard focus and key events (for focus chains and tests)."""
        return self._sci

    # ------------------------------------------------------------------------------- key bindings
    def bind_key(self, sequence: QKeySequence | str, handler: Callable[[], None],
                 when: Callable[[], bool] | None = None) -> None:
        """Run `handler` for this key while the text area has focus, instead of Scintilla's action.

        With `when`, the key is only taken while `when()` is true (otherwise it goes on to Scintilla
        and to window shortcuts). Escape is never taken while a completion list or call tip is open:
        it closes those.
        """
        combination = QKeySequence(sequence)[0]
        self._bindings[combination.toCombined()] = (handler, when)

    def _binding_for(self, event: QKeyEvent) -> Callable[[], None] | None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        combined = QKeyCombination(modifiers, Qt.Key(event.key())).toCombined()
        binding = self._bindings.get(combined)
        if binding is None:
            return None
        handler, when = binding
        if event.key() == Qt.Key.Key_Escape and self.popup_active():
            return None
        if when is not None and not when():
            return None
        return handler

    def _closes_popup(self, event: QKeyEvent) -> bool:
        """A plain Esc while a popup is open closes it (issue 12: it stopped a run instead)."""
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier
        return event.key() == Qt.Key.Key_Escape and plain and self.popup_active()

    def _handle_key(self, event: QKeyEvent) -> bool:
        handler = self._binding_for(event)
        if handler is not None:
            handler()
            return True
        if self._completions.handle_key(event):
            return True
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier in (Qt.KeyboardModifier.NoModifier,
                                                                             Qt.KeyboardModifier.ShiftModifier)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            self._newline_with_indent()
            return True
        return False

    def _newline_with_indent(self) -> None:
        """Enter in one undo step, indented by the language's indent_after_enter; between a `{`
        and its `}` (JavaScript) the `}` goes to a line of its own below the caret's."""
        sci = self._sci
        sci.beginUndoAction()
        try:
            if not sci.selectionEmpty():
                sci.replaceSel("")
            caret = sci.currentPos()
            line = sci.lineFromPosition(caret)
            head = self.text_range(sci.positionFromLine(line), caret)
            code = self._code_part(sci.positionFromLine(line), head)
            own_indent = sci.lineIndentation(line)
            indent = self._language.indent_after_enter(head, code, own_indent, self._language.indent)
            stripped = code.rstrip()
            closer = _PAIRS.get(stripped[-1:]) if self._language.split_brackets else None
            split = (closer is not None and caret < sci.length()
                     and self.text_range(caret, caret + 1) == closer)
            sci.newLine()
            if not head.strip():
                sci.setLineIndentation(line, 0)  # leave no trailing spaces on the line left behind
            if split:
                sci.newLine()
                sci.setLineIndentation(line + 2, own_indent)
            sci.setLineIndentation(line + 1, indent)
            sci.gotoPos(sci.lineIndentPosition(line + 1))
        finally:
            sci.endUndoAction()

    def _code_part(self, line_start: int, head: str) -> str:
        """`head` without a trailing comment (where the lexer's comment styles begin)."""
        starts = self._language.comment_prefix[0]  # `#`; `/` begins both `//` and `/*`
        if starts not in head:
            return head
        self._sci.colourise(line_start, line_start + len(head.encode("utf-8")))  # styling is lazy
        comments = self._language.comments
        offset = 0
        for index, char in enumerate(head):
            if char == starts and self._sci.styleAt(line_start + offset) in comments:
                return head[:index]
            offset += len(char.encode("utf-8"))
        return head

    # ---------------------------------------------------------------------------------- text
    def text(self) -> str:
        return bytes(self._sci.getText(self._sci.length() + 1)).decode("utf-8", errors="replace")

    def set_text(self, text: str) -> None:
        """Replace the whole text; undo history starts here and the text counts as saved."""
        was_modified = self._modified
        self._loading = True  # setText leaves the save point and setSavePoint returns: no flicker
        try:
            self._sci.setText(text)
            self._sci.emptyUndoBuffer()
            self._sci.setSavePoint()
            self._sci.gotoPos(0)
        finally:
            self._loading = False
        self._modified = False
        if was_modified:
            self.sig_modified_changed.emit(False)

    def text_range(self, start: int, end: int) -> str:
        if end <= start:
            return ""
        return bytes(self._sci.textRange(start, end)).decode("utf-8", errors="replace")

    def length(self) -> int:
        """Length in bytes."""
        return self._sci.length()

    def line_count(self) -> int:
        return self._sci.lineCount()

    def line_text(self, line: int) -> str:
        """Text of 0-based `line` without its line end."""
        sci = self._sci
        return self.text_range(sci.positionFromLine(line), sci.lineEndPosition(line))

    def line_of(self, pos: int) -> int:
        return self._sci.lineFromPosition(pos)

    def caret(self) -> int:
        return self._sci.currentPos()

    def set_caret(self, pos: int) -> None:
        self._sci.gotoPos(pos)

    def select(self, anchor: int, caret: int) -> None:
        self._sci.setSel(anchor, caret)

    def selection(self) -> tuple[int, int]:
        return self._sci.selectionStart(), self._sci.selectionEnd()

    def selected_text(self) -> str:
        start, end = self.selection()
        return self.text_range(start, end)

    def location_of(self, pos: int) -> Position:
        """jedi's position of a byte position: 1-based line, code-point column."""
        line = self._sci.lineFromPosition(pos)
        line_start = self._sci.positionFromLine(line)
        return Position(line + 1, line_byte_column_to_column(self.line_text(line), pos - line_start))

    def position_of(self, line: int, column: int) -> int:
        """Byte position of jedi's (1-based line, code-point column); clamps past the end."""
        line0 = max(0, min(line - 1, self._sci.lineCount() - 1))
        text = self.line_text(line0)
        return self._sci.positionFromLine(line0) + column_to_line_byte_column(text, min(column, len(text)))

    def point_of(self, pos: int) -> QPoint:
        """Where byte `pos` is drawn, in text-area viewport coordinates (top of its line)."""
        return QPoint(self._sci.pointXFromPosition(pos), self._sci.pointYFromPosition(pos))

    def is_code_at(self, pos: int) -> bool:
        """False inside strings, comments and numbers (no completion popping up there)."""
        pos = max(0, pos)
        # Scintilla styles lazily (on paint); text typed a moment ago may not be styled yet.
        self._sci.colourise(self._sci.positionFromLine(self._sci.lineFromPosition(pos)), pos + 1)
        return self._sci.styleAt(pos) not in self._language.not_code

    def word_start(self, pos: int) -> int:
        return self._sci.wordStartPosition(pos, True)

    def word_end(self, pos: int) -> int:
        return self._sci.wordEndPosition(pos, True)

    def go_to_line(self, line: int) -> None:
        """Put the caret at the start of 1-based `line` and scroll it into comfortable view."""
        sci = self._sci
        line0 = max(0, min(line - 1, sci.lineCount() - 1))
        sci.ensureVisibleEnforcePolicy(line0)
        sci.gotoLine(line0)
        sci.vCHome()

    def first_visible_line(self) -> int:
        """0-based document line shown at the top."""
        return self._sci.docLineFromVisible(self._sci.firstVisibleLine())

    def lines_on_screen(self) -> int:
        return self._sci.linesOnScreen()

    # ------------------------------------------------------------------------------- editing
    def undo(self) -> None:
        self._sci.undo()

    def redo(self) -> None:
        self._sci.redo()

    def can_undo(self) -> bool:
        return self._sci.canUndo()

    def can_redo(self) -> bool:
        return self._sci.canRedo()

    def is_modified(self) -> bool:
        return self._sci.modify()

    def mark_saved(self) -> None:
        self._sci.setSavePoint()

    def toggle_comment(self) -> None:
        """Comment the selected lines (or the caret line) with the language's prefix and a space
        (`# `, `// `), or uncomment them if all are."""
        sci = self._sci
        start, end = self.selection()
        first, last = sci.lineFromPosition(start), sci.lineFromPosition(end)
        if last > first and end == sci.positionFromLine(last):
            last -= 1  # a selection ending at column 0 does not include that line
        lines = [line for line in range(first, last + 1) if self.line_text(line).strip()]
        if not lines:
            return
        prefix = self._language.comment_prefix
        width = len(prefix)
        commented = all(self.line_text(line).lstrip().startswith(prefix) for line in lines)
        # SCI_INSERTTEXT collapses the selection here, so remember it as (line, column) and move it
        # by what each line gained or lost.
        ends = [(sci.lineFromPosition(p), p - sci.positionFromLine(sci.lineFromPosition(p)))
                for p in (sci.anchor(), sci.currentPos())]
        edits: dict[int, tuple[int, int]] = {}  # line -> (byte column of the edit, bytes added)
        sci.beginUndoAction()
        try:
            if commented:
                for line in lines:
                    prefix_pos = sci.lineIndentPosition(line)
                    spaced = self.text_range(prefix_pos + width, prefix_pos + width + 1) == " "
                    removed = width + spaced
                    sci.deleteRange(prefix_pos, removed)
                    edits[line] = (prefix_pos - sci.positionFromLine(line), -removed)
            else:
                column = min(sci.lineIndentation(line) for line in lines)
                for line in lines:
                    at = sci.findColumn(line, column)
                    sci.insertText(at, prefix + " ")
                    edits[line] = (at - sci.positionFromLine(line), width + 1)
        finally:
            sci.endUndoAction()
        moved = []
        for line, column in ends:
            if line in edits and column >= edits[line][0]:
                column = max(edits[line][0], column + edits[line][1])
            moved.append(sci.positionFromLine(line) + column)
        sci.setSel(*moved)

    # ------------------------------------------------------------------------------- diagnostics
    def set_diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        """Squiggles under each diagnostic's range and a dot in the margin of its line."""
        sci = self._sci
        length = sci.length()
        for indicator in (INDICATOR_ERROR, INDICATOR_WARNING):
            sci.setIndicatorCurrent(indicator)
            sci.indicatorClearRange(0, length)
        sci.markerDeleteAll(MARKER_ERROR)
        sci.markerDeleteAll(MARKER_WARNING)
        for diagnostic in diagnostics:
            start, end = self.diagnostic_span(diagnostic)
            sci.setIndicatorCurrent(_SEVERITY_INDICATORS.get(diagnostic.severity, INDICATOR_WARNING))
            sci.indicatorFillRange(start, end - start)
            sci.markerAdd(diagnostic.line - 1, MARKER_ERROR if diagnostic.severity == "error" else MARKER_WARNING)

    def diagnostic_span(self, diagnostic: Diagnostic) -> tuple[int, int]:
        """Byte range a diagnostic underlines; an empty range grows to the word (or line) it is on."""
        start = self.position_of(diagnostic.line, diagnostic.column)
        end = self.position_of(diagnostic.end_line, diagnostic.end_column)
        if end <= start:
            end = self.word_end(start)
            if end <= start:
                end = self._sci.lineEndPosition(self._sci.lineFromPosition(start))
            if end <= start:
                end = min(start + 1, self._sci.length())
        return start, end

    def diagnostic_severity_at(self, pos: int) -> str | None:
        """"error", "warning" or None: which squiggle lies under byte `pos`."""
        on = self._sci.indicatorAllOnFor(pos)
        if on & (1 << INDICATOR_ERROR):
            return "error"
        if on & (1 << INDICATOR_WARNING):
            return "warning"
        return None

    # --------------------------------------------------------------------------------- popups
    def show_completions(self, word_start: int, items: Sequence[tuple[str, str]]) -> None:
        """Show (name, jedi kind) rows; accepting one replaces the text from `word_start` to the caret."""
        self._completions.show(word_start, items, self._theme, self._font_size)
        if items:
            self.sig_completions_shown.emit()

    def completion_active(self) -> bool:
        return self._completions.active()

    def completion_items(self) -> list[str]:
        """Names in the completion list on screen, in order ([] when none is shown)."""
        return self._completions.items()

    def completion_selected(self) -> str | None:
        """The row Tab or Enter would insert (None when no list is shown)."""
        return self._completions.selected()

    def completion_popup(self) -> QWidget:
        """The completion list's window (shown or not), for pictures and clicks."""
        return self._completions.popup()

    def cancel_completion(self) -> None:
        self._completions.cancel()

    def show_call_tip(self, pos: int, text: str, highlight: tuple[int, int] | None = None) -> None:
        """A tip under the line of `pos`; `highlight` is a code-point range of `text` drawn in accent."""
        self._sci.callTipShow(pos, text)
        self._shown_tip = (text, highlight)
        if highlight is not None:
            start = len(text[: highlight[0]].encode("utf-8"))
            end = len(text[: highlight[1]].encode("utf-8"))
            self._sci.callTipSetHlt(start, end)

    def call_tip(self) -> tuple[str, tuple[int, int] | None]:
        """Text and highlighted range of the call tip on screen (("", None) when none is)."""
        return self._shown_tip if self._sci.callTipActive() else ("", None)

    def call_tip_active(self) -> bool:
        return self._sci.callTipActive()

    def cancel_call_tip(self) -> None:
        self._sci.callTipCancel()

    def popup_active(self) -> bool:
        return self._completions.active() or self._sci.callTipActive()

    # ----------------------------------------------------------------------------- Scintilla slots
    def on_sci_char_added(self, code_point: int) -> None:
        char = chr(code_point)
        if char in "})]" and self._language.split_brackets:
            self._dedent_closer()
        self.sig_char_added.emit(char)

    def _dedent_closer(self) -> None:
        """A closing bracket typed alone on its line lines up with its opener's line."""
        sci = self._sci
        closer = sci.currentPos() - 1
        line = sci.lineFromPosition(closer)
        # braceMatch pairs only brackets of one style, and styling is lazy: style what was typed
        # since the last paint (from the first unstyled line), not the whole file again.
        styled = sci.positionFromLine(sci.lineFromPosition(sci.endStyled()))
        if styled <= closer:
            sci.colourise(styled, closer + 1)
        opener = sci.braceMatch(closer, 0)
        opener_indent = sci.lineIndentation(sci.lineFromPosition(opener)) if opener >= 0 else None
        indent = closing_indent(self.line_text(line), sci.lineIndentation(line), opener_indent)
        if indent is not None:
            sci.setLineIndentation(line, indent)
            sci.gotoPos(sci.lineEndPosition(line))

    def on_sci_modified(self, kind: int, pos: int, length: int, lines_added: int, text, line: int,
                        fold_now: int, fold_prev: int) -> None:
        self.sig_text_modified.emit(pos)

    def on_sci_update_ui(self, updated: int) -> None:
        caret = self._sci.currentPos()
        if updated & (Scintilla.Update.Selection | Scintilla.Update.Content):
            self._match_braces(caret)
        self._completions.on_caret_moved(caret, updated)
        if caret != self._last_caret:
            self._last_caret = caret
            self.sig_cursor_moved.emit(caret)

    def _match_braces(self, caret: int) -> None:
        sci = self._sci
        for pos in (caret - 1, caret):
            if 0 <= pos < sci.length() and sci.charAt(pos) in _BRACES and sci.styleAt(pos) == self._language.operator:
                match = sci.braceMatch(pos, 0)
                if match >= 0:
                    sci.braceHighlight(pos, match)
                else:
                    sci.braceBadLight(pos)
                return
        sci.braceHighlight(Scintilla.InvalidPosition, Scintilla.InvalidPosition)

    def matching_brace(self, pos: int) -> int | None:
        """Where the bracket at `pos` pairs, if it is a bracket of the code (not of a string or a
        comment) and has a partner."""
        sci = self._sci
        sci.colourise(0, -1)
        if not (0 <= pos < sci.length() and sci.charAt(pos) in _BRACES
                and sci.styleAt(pos) == self._language.operator):
            return None
        match = sci.braceMatch(pos, 0)
        return match if match >= 0 else None

    def on_sci_save_point_changed(self, dirty: bool) -> None:
        # ScintillaEditBase emits savePointChanged(true) when the save point is LEFT (the .pyi
        # docstring says the opposite; the C++ source and a test agree on "dirty").
        if not self._loading and dirty != self._modified:
            self._modified = dirty
            self.sig_modified_changed.emit(dirty)

    def on_sci_dwell_start(self, x: int, y: int) -> None:
        pos = self._sci.positionFromPointClose(x, y)
        if pos >= 0:
            self.sig_dwelled.emit(pos)

    def on_sci_dwell_end(self, x: int, y: int) -> None:
        self.sig_dwell_ended.emit()

    def on_sci_lines_added(self, lines_added: int) -> None:
        self._fit_line_number_margin()

    def _fit_line_number_margin(self) -> None:
        digits = max(3, len(str(self._sci.lineCount())))
        if digits != self._number_digits:
            self._number_digits = digits
            width = self._sci.textWidth(Scintilla.StylesCommon.LineNumber, "9" * (digits + 1))
            self._sci.setMarginWidthN(MARGIN_NUMBERS, width)

    def margin_widths(self) -> tuple[int, int, int]:
        return tuple(self._sci.marginWidthN(m) for m in (MARGIN_NUMBERS, MARGIN_DIAGNOSTICS, MARGIN_FOLD))

    def fold_level_is_header(self, line: int) -> bool:
        return bool(self._sci.foldLevel(line) & Scintilla.FoldLevel.HeaderFlag)

    def style_name_at(self, pos: int) -> str:
        """The lexer's name of the style at `pos` (SCE_P_WORD, …), for tests of highlighting."""
        self._sci.colourise(0, -1)
        return bytes(self._sci.nameOfStyle(self._sci.styleAt(pos))).decode()

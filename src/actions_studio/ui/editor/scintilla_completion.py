"""The completion list of a Scintilla text area: Scintilla's autocompletion popup, configured,
badged with kind icons and themed, showing rows the intelligence has already narrowed and
ordered (intelligence.py, completion_filter.py).

With scintilla_view.py, which owns one per text area, this is where the studio talks to
Scintilla (PITFALLS.md, Editor: the binding could be swapped by changing these two).
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

import shiboken6
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QListWidget
from pyside6_scintilla import Scintilla, ScintillaEdit

from actions_studio.ui.editor.completion_icons import BADGES, ICON_SIZE, badge_pixels
from actions_studio.ui.editor.themes import EditorTheme

_LIST_SEPARATOR = "\n"  # completion names never hold a newline (they may hold spaces: dict keys)
_TYPE_SEPARATOR = "\x1d"
_PALETTE_ROLES = (
    (QPalette.ColorRole.Base, "popup_background"),
    (QPalette.ColorRole.Window, "popup_background"),
    (QPalette.ColorRole.Text, "popup_foreground"),
    (QPalette.ColorRole.Highlight, "popup_selected_background"),
    (QPalette.ColorRole.HighlightedText, "popup_selected_foreground"),
    # the frame
    (QPalette.ColorRole.Light, "popup_border"),
    (QPalette.ColorRole.Dark, "popup_border"),
    (QPalette.ColorRole.Mid, "popup_border"),
    (QPalette.ColorRole.Shadow, "popup_border"),
)


class CompletionList:
    def __init__(self, sci: ScintillaEdit) -> None:
        self._sci = sci
        self._icon_buffers: list[ctypes.Array] = []
        self._shown: list[str] = []
        self._popup: QListWidget | None = None
        self._rows: dict[str, str] = {}  # kind -> the row suffix naming its badge ("" for none)
        # Our controller filters and orders the list; Scintilla only shows it.
        sci.autoCSetSeparator(ord(_LIST_SEPARATOR))
        sci.autoCSetTypeSeparator(ord(_TYPE_SEPARATOR))
        sci.autoCSetIgnoreCase(True)
        sci.autoCSetAutoHide(False)  # substring matches would otherwise close the list
        sci.autoCSetOrder(Scintilla.Ordering.Custom)
        sci.autoCSetOptions(Scintilla.AutoCompleteOption.SelectFirstItem)
        sci.autoCSetDropRestOfWord(True)
        sci.autoCSetMaxHeight(10)
        sci.autoCSetCancelAtStart(False)  # backspacing to the `.` widens the list again
        self._register_badges()

    def _register_badges(self) -> None:
        # The binding refuses bytes for image data (NameError inside it, PITFALLS.md), so the
        # pixels go by address: SCI_REGISTERRGBAIMAGE copies them before returning. Registered
        # once per text area; each row then names its badge by number.
        self._sci.rGBAImageSetWidth(ICON_SIZE)
        self._sci.rGBAImageSetHeight(ICON_SIZE)
        registered = set()
        for badge in BADGES.values():
            if badge.image_id in registered:
                continue
            registered.add(badge.image_id)
            pixels = badge_pixels(badge)
            buffer = ctypes.create_string_buffer(pixels, len(pixels))
            self._sci.send(Scintilla.Message.RegisterRGBAImage, badge.image_id, ctypes.addressof(buffer))
            self._icon_buffers.append(buffer)

    def show(self, word_start: int, items: Sequence[tuple[str, str]], theme: EditorTheme) -> None:
        """Show (name, kind) rows; accepting one replaces the text from `word_start` to the caret."""
        if not items:
            self._sci.autoCCancel()
            return
        suffixes = self._rows
        rows = []
        for name, kind in items:
            suffix = suffixes.get(kind)
            if suffix is None:
                badge = BADGES.get(kind)
                suffix = suffixes[kind] = f"{_TYPE_SEPARATOR}{badge.image_id}" if badge else ""
            rows.append(name + suffix)
        self._shown = [name for name, _ in items]
        self._sci.autoCShow(max(0, self._sci.currentPos() - word_start), _LIST_SEPARATOR.join(rows))
        self._theme_popup(theme)

    def _theme_popup(self, theme: EditorTheme) -> None:
        # Scintilla's Qt list ignores the SC_ELEMENT_LIST* colours: it is a parentless QListWidget
        # window painted with the application palette, white even in the dark theme. It is the
        # visible one right after autoCShow. Scintilla makes a new one after the last was closed,
        # so the one remembered is only good while the list stays open (narrowing as one types).
        popup = self._popup
        if popup is None or not shiboken6.isValid(popup) or not popup.isVisible():
            visible = [w for w in QApplication.topLevelWidgets() if isinstance(w, QListWidget) and w.isVisible()]
            if len(visible) != 1:
                return
            popup = self._popup = visible[0]
        if popup.property("studioTheme") != theme.name:
            palette = popup.palette()
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                for role, colour in _PALETTE_ROLES:
                    palette.setColor(group, role, QColor(getattr(theme, colour)))
            popup.setPalette(palette)
            popup.setProperty("studioTheme", theme.name)

    def active(self) -> bool:
        return self._sci.autoCActive()

    def items(self) -> list[str]:
        """Names in the list on screen, in order ([] when none is shown)."""
        return list(self._shown) if self._sci.autoCActive() else []

    def cancel(self) -> None:
        self._sci.autoCCancel()

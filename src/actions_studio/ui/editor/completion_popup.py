"""The completion list's window: a frameless list under the caret that never takes the focus.

Made once per text area and shown, narrowed and hidden as the user types. Scintilla's own list
(autoCShow) built a new top-level QListWidget for every answer (a native window, its polish and
palette) and painted it three times (model reset, delayed layout, the scroll bar appearing); a
reused QListView still painted three times at ~1 ms each with a Python model. That was most of
what the editor added to the engine's answer (bench/bench_editor.py). This widget paints itself:
one paint per answer, of the ten rows on screen (a badge and a name each) and a scroll mark.

No Scintilla here: scintilla_completion.py places it, feeds it the keys it owns and inserts what
is accepted. Keys never reach this widget (the text area keeps the focus); the mouse does: a click
selects a row, a double click accepts it (Scintilla's list did the same).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from PySide6.QtCore import QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QStaticText,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QWidget

from actions_studio.ui.editor.completion_icons import BADGES, ICON_SIZE, badge_pixels
from actions_studio.ui.editor.themes import EditorTheme

VISIBLE_ROWS = 10
MIN_WIDTH, MAX_WIDTH = 120, 480
_BORDER = 1
_PAD = 4  # inside the border, left of the badges and right of the names
_GAP = 5  # between a row's badge and its name
_SCROLL_MARK = 4  # the width of the mark saying where the shown rows are
_LONGEST = 12  # names measured to size the list
_CACHED_NAMES = 4096  # laid-out names kept (an answer's names come back in the next ones)
_PALETTE_ROLES = (  # for whoever reads the palette; the paint uses the theme's colours
    (QPalette.ColorRole.Window, "popup_background"),
    (QPalette.ColorRole.Base, "popup_background"),
    (QPalette.ColorRole.Text, "popup_foreground"),
    (QPalette.ColorRole.WindowText, "popup_foreground"),
    (QPalette.ColorRole.Highlight, "popup_selected_background"),
    (QPalette.ColorRole.HighlightedText, "popup_selected_foreground"),
)
_badges: dict[str, QPixmap | None] = {}


def kind_pixmap(kind: str) -> QPixmap | None:
    """The badge of a completion kind (None for a kind without one), painted once per process."""
    try:
        return _badges[kind]
    except KeyError:
        badge = BADGES.get(kind)
        pixmap = None
        if badge is not None:
            image = QImage(badge_pixels(badge), ICON_SIZE, ICON_SIZE, QImage.Format.Format_RGBA8888).copy()
            pixmap = QPixmap.fromImage(image)
        _badges[kind] = pixmap
        return pixmap


class CompletionPopup(QWidget):
    sig_accepted = Signal(str)
    """The user double-clicked a row: insert this name."""

    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner)
        # A tool-tip window: on top, frameless, never activated, no keyboard focus (the text area
        # keeps it and hands this list the keys it owns).
        self.setWindowFlags(Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint
                            | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent fills every pixel
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._names: list[str] = []
        self._kinds: list[str] = []
        self._current = 0
        self._top = 0  # the first row on screen
        self._theme: EditorTheme | None = None
        self._colours: dict[str, QColor] = {}
        self._row_height = 0
        self._ascent = 0
        self._wheel = 0  # eighths of a degree turned and not yet scrolled (touchpads send small steps)
        # Shaping a name costs ~20 µs each time Qt measures or draws it: names are measured and
        # laid out once (per font) and drawn from the layout.
        self._widths: dict[str, int] = {}
        self._texts: dict[str, QStaticText] = {}

    # --------------------------------------------------------------------------------- set-up
    def set_point_size(self, size: int) -> None:
        """The rows' font: the interface's face at the editor's size (a list of names, not code)."""
        if not self._row_height or self.font().pointSize() != size:
            font = QFont(QApplication.font())
            font.setPointSize(size)
            self.setFont(font)
            self._widths.clear()
            self._texts.clear()
            metrics = QFontMetrics(font)
            self._row_height = max(metrics.height() + 3, ICON_SIZE + 4)
            self._ascent = metrics.ascent()

    def set_theme(self, theme: EditorTheme) -> None:
        if theme is self._theme:
            return
        self._theme = theme
        self._colours = {role: QColor(getattr(theme, role)) for role in (
            "popup_background", "popup_foreground", "popup_selected_background", "popup_selected_foreground",
            "popup_border")}
        palette = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            for role, colour in _PALETTE_ROLES:
                palette.setColor(group, role, self._colours[colour])
        self.setPalette(palette)
        self.update()

    def theme(self) -> EditorTheme | None:
        return self._theme

    # ------------------------------------------------------------------------------------ rows
    def set_rows(self, items: Sequence[tuple[str, str]]) -> None:
        """Replace the rows; the first is selected (the ranking put the best match there)."""
        self._names = [name for name, _ in items]
        self._kinds = [kind for _, kind in items]
        self._current = 0
        self._top = 0
        self.update()

    def names(self) -> list[str]:
        return list(self._names)

    def current_row(self) -> int | None:
        return self._current if self._names else None

    def current_name(self) -> str | None:
        return self._names[self._current] if self._names else None

    def first_visible_row(self) -> int:
        return self._top

    def move_selection(self, delta: int) -> None:
        """Up/Down by `delta` rows, clamped at both ends (Scintilla's list did not wrap either)."""
        if self._names:
            self.select_row(self._current + delta)

    def select_row(self, row: int) -> None:
        row = max(0, min(len(self._names) - 1, row))
        self._current = row
        shown = self._shown_rows()
        if row < self._top:
            self._top = row
        elif row >= self._top + shown:
            self._top = row - shown + 1
        self.update()

    def page_rows(self) -> int:
        """PageUp/PageDown move by the rows on screen, as Scintilla's list did."""
        return max(1, self._shown_rows())

    def _shown_rows(self) -> int:
        return min(VISIBLE_ROWS, len(self._names))

    def row_at(self, y: int) -> int | None:
        """The row drawn at height `y` of this widget (None below the last)."""
        if not self._row_height or y < _BORDER:
            return None
        row = self._top + (y - _BORDER) // self._row_height
        return row if row < min(len(self._names), self._top + VISIBLE_ROWS) else None

    def row_height(self) -> int:
        return self._row_height

    def _width(self, name: str) -> int:
        width = self._widths.get(name)
        if width is None:
            if len(self._widths) > _CACHED_NAMES:
                self._widths.clear()
            width = self._widths[name] = self.fontMetrics().horizontalAdvance(name)
        return width

    def _text(self, name: str) -> QStaticText:
        text = self._texts.get(name)
        if text is None:
            if len(self._texts) > _CACHED_NAMES:
                self._texts.clear()
            text = self._texts[name] = QStaticText(name)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
        return text

    # -------------------------------------------------------------------------------- geometry
    def text_offset(self) -> int:
        """Pixels from the popup's left edge to where a row's name starts."""
        return _BORDER + _PAD + ICON_SIZE + _GAP

    def place(self, word: QPoint, line_height: int) -> None:
        """Below the line whose word starts at global `word` (names lined up with the typed text),
        above it when there is no room below, always inside the screen."""
        names = self._names
        height = self._shown_rows() * self._row_height + 2 * _BORDER
        # The widest of the longest names: measuring every row of a big answer costs more than
        # the rest of showing it, and in a proportional face the widest is among the longest.
        widest = max(map(self._width, heapq.nlargest(_LONGEST, names, key=len)), default=0)
        width = self.text_offset() + widest + 3 * _PAD + _BORDER
        if len(names) > VISIBLE_ROWS:
            width += _SCROLL_MARK + _PAD
        width = max(MIN_WIDTH, min(width, MAX_WIDTH))
        screen = QGuiApplication.screenAt(word) or self.screen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1 << 15, 1 << 15)
        x = word.x() - self.text_offset()
        y = word.y() + line_height
        if y + height > area.bottom() + 1 and word.y() - height >= area.top():
            y = word.y() - height  # no room below the line: above it
        x = max(area.left(), min(x, area.right() + 1 - width))
        y = max(area.top(), min(y, area.bottom() + 1 - height))
        self.setGeometry(x, y, width, height)

    # ---------------------------------------------------------------------------------- paint
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        colours = self._colours
        if not colours:
            return
        width, height = self.width(), self.height()
        painter = QPainter(self)
        try:
            painter.fillRect(0, 0, width, height, colours["popup_border"])
            painter.fillRect(_BORDER, _BORDER, width - 2 * _BORDER, height - 2 * _BORDER, colours["popup_background"])
            painter.setFont(self.font())
            metrics = painter.fontMetrics()
            row_height, count = self._row_height, len(self._names)
            scrolls = count > VISIBLE_ROWS
            text_left = self.text_offset()
            text_width = width - text_left - _PAD - _BORDER - (_SCROLL_MARK + _PAD if scrolls else 0)
            icon_top = (row_height - ICON_SIZE) // 2
            text_top = (row_height - metrics.height()) // 2
            foreground = colours["popup_foreground"]
            for row in range(self._top, min(count, self._top + VISIBLE_ROWS)):
                top = _BORDER + (row - self._top) * row_height
                if row == self._current:
                    painter.fillRect(_BORDER, top, width - 2 * _BORDER, row_height,
                                     colours["popup_selected_background"])
                    painter.setPen(colours["popup_selected_foreground"])
                else:
                    painter.setPen(foreground)
                icon = kind_pixmap(self._kinds[row])
                if icon is not None:
                    painter.drawPixmap(_BORDER + _PAD, top + icon_top, icon)
                name = self._names[row]
                if self._width(name) > text_width:
                    painter.drawText(text_left, top + text_top + self._ascent,
                                     metrics.elidedText(name, Qt.TextElideMode.ElideRight, text_width))
                else:
                    painter.drawStaticText(QPointF(text_left, top + text_top), self._text(name))
            if scrolls:  # where the rows on screen are in the whole list
                track = height - 2 * _BORDER - 2 * _PAD
                thumb = max(8, track * VISIBLE_ROWS // count)
                thumb_top = _BORDER + _PAD + (track - thumb) * self._top // (count - VISIBLE_ROWS)
                mark = QColor(foreground)
                mark.setAlpha(90)
                painter.fillRect(width - _BORDER - _PAD - _SCROLL_MARK, thumb_top, _SCROLL_MARK, thumb, mark)
        finally:
            painter.end()

    # ---------------------------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        row = self.row_at(round(event.position().y()))
        if row is not None and event.button() == Qt.MouseButton.LeftButton:
            self.select_row(row)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        row = self.row_at(round(event.position().y()))
        event.accept()
        if row is not None and event.button() == Qt.MouseButton.LeftButton:
            self.select_row(row)
            self.sig_accepted.emit(self._names[row])

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        self._wheel -= event.angleDelta().y()
        steps = int(self._wheel / 40)  # 3 rows a notch (120), as item views scroll
        self._wheel -= steps * 40
        if steps and len(self._names) > VISIBLE_ROWS:
            self._top = max(0, min(len(self._names) - VISIBLE_ROWS, self._top + steps))
            self.update()
        event.accept()

"""Graphics items of the flow canvas. They paint a `CardState` and hold no flow data of their own:
the canvas rebuilds them from the model after every change (STYLE.md: model/item split)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QApplication, QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from actions_studio.ui.colours import StudioColours
from actions_studio.ui.flows.card_state import EFFECT_SHORT, CardState
from actions_studio.ui.flows.icons import draw_effect_icon, effect_colour

CARD_W = 360.0
CARD_H = 68.0
GAP = 30.0          # vertical space between two elements: room for the arrow and the marker
TERMINAL_W = 150.0
TERMINAL_H = 34.0
HINT_H = 84.0


def _font(point_delta: float = 0, bold: bool = False) -> QFont:
    font = QFont(QApplication.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
    font.setPointSizeF(size + point_delta)
    font.setBold(bold)
    return font


def status_colours(status: str, c: StudioColours) -> tuple[str, str]:
    """(foreground, background) of a run status."""
    return {
        "success": (c.allowed, c.allowed_bg),
        "denied": (c.denied, c.denied_bg),
        "error": (c.error, c.error_bg),
        "timeout": (c.error, c.error_bg),
        "suspended": (c.suspended, c.suspended_bg),
        # Stopped by the user: amber like a pause, not the red of a failure, and never the muted
        # grey of "not run", which reads as disabled on the card (issue 12 item 5).
        "stopped": (c.suspended, c.suspended_bg),
    }.get(status, (c.muted, c.card))


class CardItem(QGraphicsItem):
    """One action of the flow."""

    def __init__(self, state: CardState, colours: StudioColours) -> None:
        super().__init__()
        self.state = state
        self.colours = colours
        self.selected = False
        self.setToolTip(state.tooltip)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    @property
    def action_id(self) -> str:
        return self.state.action_id

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-4, -4, CARD_W + 8, CARD_H + 8)

    def paint(self, painter: QPainter, _option: QStyleOptionGraphicsItem,
              _widget: Optional[QWidget] = None) -> None:
        c, s = self.colours, self.state
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(0, 0, CARD_W, CARD_H)
        highlight = QApplication.palette().highlight().color()
        border = QColor(c.border)
        width = 1.0
        if s.severity == "error":
            border, width = QColor(c.error), 1.6
        elif s.severity == "warning":
            border, width = QColor(c.suspended), 1.6
        if self.selected:
            border, width = highlight, 2.4
        pen = QPen(border, width)
        if s.is_new and not self.selected and s.severity is None:
            pen.setStyle(Qt.PenStyle.DashLine)  # pending: not in the applied flow yet
        painter.setPen(pen)
        fill = QColor("#22262c" if c.is_dark else "#ffffff")
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 8, 8)

        # Left strip: the run status, so a run reads top to bottom at a glance.
        if s.light is not None:
            fg, _bg = status_colours(s.light.status, c)
            strip = QPainterPath()
            strip.addRoundedRect(QRectF(1, 1, 8, CARD_H - 2), 4, 4)
            painter.fillPath(strip, QColor(fg))

        left = 18.0
        right = CARD_W - 12.0
        # Row 1: name, then badges on the right.
        badge_font = _font(-1.0, bold=True)
        bfm = QFontMetricsF(badge_font)
        x = right
        x = self._badge(painter, x, 9, s.version_label or "?", QColor(c.muted), QColor(c.card),
                        badge_font, bfm, QColor(c.border))
        if s.draft_changed:
            x = self._badge(painter, x - 6, 9, "draft changed", QColor(c.suspended),
                            QColor(c.suspended_bg), badge_font, bfm, None)
        if s.is_new:
            x = self._badge(painter, x - 6, 9, "pending", highlight, QColor(c.card), badge_font, bfm, None)
        name_font = _font(1.0, bold=True)
        painter.setFont(name_font)
        painter.setPen(QColor(c.text))
        nfm = QFontMetricsF(name_font)
        name = nfm.elidedText(s.name, Qt.TextElideMode.ElideRight, x - 10 - left)
        painter.drawText(QRectF(left, 7, x - 10 - left, 24),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)

        # Row 2: effect icons with short labels, then the run light on the right.
        small = _font(-1.0)
        sfm = QFontMetricsF(small)
        painter.setFont(small)
        run_left = right
        if s.light is not None:
            fg, _bg = status_colours(s.light.status, c)
            text = s.light.text()
            light_font = _font(-0.5, bold=True)
            w = QFontMetricsF(light_font).horizontalAdvance(text)
            run_left = right - w
            painter.setFont(light_font)
            painter.setPen(QColor(fg))
            painter.drawText(QRectF(run_left - 4, CARD_H - 28, w + 8, 22),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
            painter.setFont(small)
        ex = left
        if not s.effect_kinds:
            painter.setPen(QColor(c.muted))
            painter.drawText(QRectF(ex, CARD_H - 28, run_left - ex - 8, 22),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "no effects found")
        for kind in s.effect_kinds:
            colour = effect_colour(kind, c.is_dark)
            label = EFFECT_SHORT[kind]
            w = 12 + 4 + sfm.horizontalAdvance(label) + 10
            if ex + w > run_left - 8:  # no room: icon only
                w = 22
                label = ""
            if ex + w > run_left - 4:
                break
            pill = QRectF(ex, CARD_H - 27, w, 20)
            tint = QColor(colour)
            tint.setAlpha(40 if c.is_dark else 22)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tint)
            painter.drawRoundedRect(pill, 10, 10)
            draw_effect_icon(painter, kind, QRectF(ex + 5, CARD_H - 23, 12, 12), colour)
            if label:
                painter.setPen(colour)
                painter.drawText(QRectF(ex + 20, CARD_H - 27, w - 22, 20),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
            ex += w + 5

        # A problem marker outside the right edge: visible even when the card is selected.
        if s.severity is not None:
            colour = QColor(c.error if s.severity == "error" else c.suspended)
            dot = QRectF(CARD_W - 9, -9, 18, 18)
            painter.setPen(QPen(fill, 2))
            painter.setBrush(colour)
            painter.drawEllipse(dot)
            painter.setPen(QColor("#ffffff"))
            painter.setFont(_font(-1.0, bold=True))
            painter.drawText(dot, Qt.AlignmentFlag.AlignCenter, "!")

    @staticmethod
    def _badge(painter: QPainter, right: float, top: float, text: str, fg: QColor, bg: QColor,
               font: QFont, fm: QFontMetricsF, outline: Optional[QColor]) -> float:
        """Draws a pill ending at `right`; returns its left edge."""
        w = fm.horizontalAdvance(text) + 14
        rect = QRectF(right - w, top, w, 20)
        painter.setPen(QPen(outline, 1) if outline is not None else Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(rect, 10, 10)
        painter.setPen(fg)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return rect.left()


class TerminalItem(QGraphicsItem):
    """Start or Complete: where the trigger fires and where the login continues."""

    def __init__(self, text: str, subtitle: str, colours: StudioColours) -> None:
        super().__init__()
        self.text = text
        self.colours = colours
        self.setToolTip(subtitle)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-1, -1, TERMINAL_W + 2, TERMINAL_H + 2)

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        c = self.colours
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(c.border), 1))
        painter.setBrush(QColor(c.card))
        painter.drawRoundedRect(QRectF(0, 0, TERMINAL_W, TERMINAL_H), TERMINAL_H / 2, TERMINAL_H / 2)
        painter.setPen(QColor(c.text))
        painter.setFont(_font(0, bold=True))
        painter.drawText(QRectF(0, 0, TERMINAL_W, TERMINAL_H), Qt.AlignmentFlag.AlignCenter, self.text)


class DropHintItem(QGraphicsItem):
    """The empty flow: a dashed zone that says what to do."""

    def __init__(self, colours: StudioColours) -> None:
        super().__init__()
        self.colours = colours

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-1, -1, CARD_W + 2, HINT_H + 2)

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        c = self.colours
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(c.muted), 1.2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(0, 0, CARD_W, HINT_H), 8, 8)
        painter.setPen(QColor(c.muted))
        painter.setFont(_font(0))
        painter.drawText(QRectF(12, 0, CARD_W - 24, HINT_H), Qt.AlignmentFlag.AlignCenter
                         | Qt.TextFlag.TextWordWrap,
                         "This flow is empty.\nDrag deployed actions here from the palette.")


class InsertionMarker(QGraphicsItem):
    """Where a dragged action will land: a line across the gap with a dot at each end."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(20)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-8, -6, CARD_W + 40, 12)

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        colour = QApplication.palette().highlight().color()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(0, 0), QPointF(CARD_W + 24, 0))
        painter.setBrush(QBrush(colour))
        painter.drawEllipse(QPointF(0, 0), 5, 5)
        painter.drawEllipse(QPointF(CARD_W + 24, 0), 5, 5)


def arrow_path(points: list[tuple[float, float, float]]) -> QPainterPath:
    """Vertical connectors from each (x, y_from) to (x, y_to), with an arrowhead at y_to."""
    path = QPainterPath()
    for x, y0, y1 in points:
        path.moveTo(x, y0)
        path.lineTo(x, y1)
        path.moveTo(x - 5, y1 - 6)
        path.lineTo(x, y1)
        path.lineTo(x + 5, y1 - 6)
    return path


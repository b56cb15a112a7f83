"""Effect icons drawn as vector paths, so they look the same on every desktop and stay sharp at
device pixel ratio 2 (a font glyph such as ⛔ is missing from many system fonts)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

# Per effect kind: (light colour, dark colour). Chosen to stay apart from the run status colours.
EFFECT_COLOURS = {
    "deny": ("#cf222e", "#f85149"),
    "claims": ("#0969da", "#4493f8"),
    "metadata": ("#8250df", "#a371f7"),
    "mfa": ("#1a7f37", "#3fb950"),
    "redirect": ("#bc4c00", "#f0883e"),
    "cache": ("#57606a", "#9198a1"),
}


def effect_colour(kind: str, dark: bool) -> QColor:
    return QColor(EFFECT_COLOURS[kind][1 if dark else 0])


def draw_effect_icon(painter: QPainter, kind: str, rect: QRectF, colour: QColor) -> None:
    """Draws the icon of `kind` inside `rect` (a square, ~12 px) with strokes of `colour`."""
    painter.save()
    pen = QPen(colour, max(1.2, rect.width() / 9))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    r = rect.adjusted(1, 1, -1, -1)
    c = r.center()
    if kind == "deny":  # a no-entry sign
        painter.drawEllipse(r)
        d = r.width() * 0.33
        painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
    elif kind == "claims":  # a key: the token gets something added
        ring = QRectF(r.left(), c.y() - r.height() * 0.25, r.width() * 0.5, r.height() * 0.5)
        painter.drawEllipse(ring)
        y = c.y()
        painter.drawLine(QPointF(ring.right(), y), QPointF(r.right(), y))
        painter.drawLine(QPointF(r.right(), y), QPointF(r.right(), y + r.height() * 0.28))
        painter.drawLine(QPointF(r.right() - r.width() * 0.2, y),
                         QPointF(r.right() - r.width() * 0.2, y + r.height() * 0.2))
    elif kind == "metadata":  # a stored record (cylinder)
        h = r.height() * 0.3
        top = QRectF(r.left(), r.top(), r.width(), h)
        bottom = QRectF(r.left(), r.bottom() - h, r.width(), h)
        painter.drawEllipse(top)
        path = QPainterPath(QPointF(r.left(), top.center().y()))
        path.lineTo(r.left(), bottom.center().y())
        path.arcTo(bottom, 180, 180)
        path.lineTo(r.right(), top.center().y())
        painter.drawPath(path)
    elif kind == "mfa":  # a shield
        path = QPainterPath(QPointF(c.x(), r.top()))
        path.lineTo(r.right(), r.top() + r.height() * 0.2)
        path.quadTo(QPointF(r.right(), r.bottom() - r.height() * 0.2), QPointF(c.x(), r.bottom()))
        path.quadTo(QPointF(r.left(), r.bottom() - r.height() * 0.2),
                    QPointF(r.left(), r.top() + r.height() * 0.2))
        path.closeSubpath()
        painter.drawPath(path)
        painter.drawLine(QPointF(c.x() - r.width() * 0.18, c.y()), QPointF(c.x() - 0.5, c.y() + r.height() * 0.17))
        painter.drawLine(QPointF(c.x() - 0.5, c.y() + r.height() * 0.17),
                         QPointF(c.x() + r.width() * 0.22, c.y() - r.height() * 0.15))
    elif kind == "redirect":  # an arrow leaving to the right
        path = QPainterPath(QPointF(r.left(), r.bottom()))
        path.lineTo(r.left(), c.y())
        path.quadTo(QPointF(r.left(), r.top() + r.height() * 0.2), QPointF(c.x(), r.top() + r.height() * 0.2))
        path.lineTo(r.right(), r.top() + r.height() * 0.2)
        painter.drawPath(path)
        tip = QPointF(r.right(), r.top() + r.height() * 0.2)
        painter.drawLine(tip, QPointF(tip.x() - r.width() * 0.3, tip.y() - r.height() * 0.22))
        painter.drawLine(tip, QPointF(tip.x() - r.width() * 0.3, tip.y() + r.height() * 0.22))
    elif kind == "cache":  # a clock: entries live for a TTL
        painter.drawEllipse(r)
        painter.drawLine(c, QPointF(c.x(), r.top() + r.height() * 0.22))
        painter.drawLine(c, QPointF(c.x() + r.width() * 0.25, c.y()))
    painter.restore()

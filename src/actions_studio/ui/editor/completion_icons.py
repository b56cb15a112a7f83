"""Small kind badges (f, C, v, m, …) for completion list rows, as RGBA pixels.

The completion popup draws them (completion_popup.kind_pixmap); this module only paints. The
letters and colours follow the convention Python IDEs share (function purple, class orange,
variable blue, module grey) so a row's kind reads at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

ICON_SIZE = 14


@dataclass(frozen=True, slots=True)
class KindBadge:
    letter: str
    colour: str


# jedi's Completion.kind values → badge; unknown kinds get no badge rather than a wrong one.
BADGES: dict[str, KindBadge] = {
    "function": KindBadge("f", "#8250df"),
    "class": KindBadge("C", "#d4731b"),
    "instance": KindBadge("v", "#2f7fd1"),
    "statement": KindBadge("v", "#2f7fd1"),
    "param": KindBadge("p", "#2f9e6e"),
    "property": KindBadge("a", "#2f7fd1"),
    "module": KindBadge("m", "#6e7781"),
    "keyword": KindBadge("k", "#cf222e"),
    "path": KindBadge("/", "#6e7781"),
}


def badge_pixels(badge: KindBadge) -> bytes:
    """ICON_SIZE × ICON_SIZE RGBA8888 pixels of a rounded badge with the kind's letter."""
    image = QImage(ICON_SIZE, ICON_SIZE, QImage.Format.Format_RGBA8888)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(badge.colour))
        painter.drawRoundedRect(QRectF(0.5, 0.5, ICON_SIZE - 1, ICON_SIZE - 1), 3, 3)
        font = QFont("DejaVu Sans")
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(QRectF(0, 0, ICON_SIZE, ICON_SIZE), Qt.AlignmentFlag.AlignCenter, badge.letter)
    finally:
        painter.end()
    return bytes(image.constBits())

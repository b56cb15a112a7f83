"""A label whose lines are elided to its width instead of wrapped (issue 12 item 3).

A word-wrapped QLabel needs height-for-width, which splitters and tab widgets do not honour: in
a short panel its second line was drawn over the label above it. This one asks for exactly its
lines' height, never for width, and keeps the whole text in its tooltip.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        """The whole text (what is drawn may be elided: `shown_text`)."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def _lines(self) -> list[str]:
        return self._full.split("\n") if self._full else [""]

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        width = max(0, self.contentsRect().width())
        shown = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in self._lines()]
        super().setText("\n".join(shown))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * len(self._lines()) + margins.top() + margins.bottom()
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, self.sizeHint().height())

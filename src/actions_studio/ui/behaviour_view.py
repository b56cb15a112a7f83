"""The behavioural-diff view (issue 19): where two runs of the same events behave differently.

One line says it all when the behaviour is the same; otherwise the headline ("3 fixtures behave
differently") over a table with a row per difference — fixture, aspect (status, a claim, a
metadata key, MFA, a redirect, an error, the console), each side's value — and each differing
fixture's time on both sides. The Deploy dialog, the Sync dialog and a replay show it; it renders
`services.behaviour` results and holds nothing else.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services.behaviour import ABSENT, FixtureComparison

COLUMNS = ("Fixture", "Aspect", "Before", "After")
_MUTED = QColor("#7a7a7a")


def _cell(value: Any) -> str:
    if value == ABSENT:
        return ABSENT
    if isinstance(value, str):
        return value.rstrip("\n")
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _time(ms: Optional[float]) -> str:
    return "—" if ms is None else f"{ms:.1f} ms"


class BehaviourDiffView(QWidget):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("behaviourDiff")
        self.headline = QLabel()
        self.headline.setObjectName("behaviourHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, 1)
        self.show_message("")

    def show_message(self, text: str) -> None:
        """A state without comparisons: "Running the fixtures on v3 and the draft…", a refusal."""
        self.headline.setText(text)
        self.table.setRowCount(0)
        self.table.hide()

    def show_diff(self, diff: Any) -> None:
        """A `services.behaviour.BehaviourDiff`."""
        self._show(diff.headline(), diff.before, diff.after, diff.differing, "Fixture")

    def show_replay(self, replay: Any) -> None:
        """A `services.replay.Replay`: what happened on the left, the local run on the right."""
        item = replay.comparison
        self._show(replay.headline(), item.before.label, item.after.label, [] if item.same else [item],
                   "Execution")

    def _show(self, headline: str, before: str, after: str, differing: list[FixtureComparison],
              first: str) -> None:
        self.headline.setText(headline)
        self.table.setHorizontalHeaderLabels([first, "Aspect", before, after])
        rows: list[tuple[str, str, str, str, bool]] = []
        for item in differing:
            for difference in item.differences:
                rows.append((item.fixture, difference.aspect, _cell(difference.before),
                             _cell(difference.after), False))
            # Time is shown, never counted as a difference: it varies between runs of one code.
            rows.append((item.fixture, "time", _time(item.before.duration_ms),
                         _time(item.after.duration_ms), True))
        self.table.setRowCount(len(rows))
        for r, (fixture, aspect, left, right, muted) in enumerate(rows):
            for c, text in enumerate((fixture, aspect, left, right)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if muted:
                    cell.setForeground(QBrush(_MUTED))
                if c in (2, 3) and text == ABSENT:
                    cell.setForeground(QBrush(_MUTED))
                self.table.setItem(r, c, cell)
        self.table.setColumnWidth(1, 300)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(rows))

    def differences_shown(self) -> list[tuple[str, str, str, str]]:
        """The table's rows as text (for tests and for copying)."""
        return [tuple(self.table.item(r, c).text() for c in range(len(COLUMNS)))  # type: ignore[misc]
                for r in range(self.table.rowCount())]

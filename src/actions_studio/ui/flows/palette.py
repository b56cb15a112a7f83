"""The palette: the current trigger's actions, with a search box, to drag onto the canvas.

The drag is tracked by hand (press, move past the drag distance, release) instead of QDrag: the
studio needs only an in-window drag, and QDrag.exec() spins its own platform event loop that
synthesised test input cannot drive. While the button is held the list keeps the mouse grab, so
every move reaches it; it reports global positions and the canvas decides where they land.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from actions_studio.services.flow_design import ActionCard
from actions_studio.ui.colours import LIGHT_COLOURS, StudioColours
from actions_studio.ui.flows.card_state import palette_tooltip

ID_ROLE = Qt.ItemDataRole.UserRole
DROPPABLE_ROLE = Qt.ItemDataRole.UserRole + 1


class ActionPalette(QWidget):
    sig_drag_moved = Signal(str, QPoint)
    """An action is being dragged: (action id, global mouse position)."""
    sig_drag_released = Signal(str, QPoint)
    """The dragged action was let go: (action id, global mouse position)."""
    sig_drag_cancelled = Signal()
    """Escape ended a drag before it was dropped."""
    sig_add_requested = Signal(str)
    """Enter or double-click on a droppable action: add it at the end of the flow (action id)."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.colours: StudioColours = LIGHT_COLOURS
        self._cards: list[ActionCard] = []
        self._in_flow: set[str] = set()
        self.title = QLabel("Actions")
        self.title.setObjectName("sectionHeading")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search actions")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.on_search_text_changed)
        self.list = QListWidget()
        self.list.setObjectName("flowPalette")
        self.list.setMouseTracking(False)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Wrapped, never elided: ElideMiddle cut names mid-word ("add-roles-to-tok…s"; issue 12
        # item 9). The version and "in flow" go on a second line, so the name keeps the width.
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setWordWrap(True)
        self.list.viewport().installEventFilter(self)
        self.list.installEventFilter(self)  # Escape cancels a drag (keys go to the list itself)
        self.list.itemActivated.connect(self.on_list_item_activated)
        self.hint = QLabel("Drag an action onto the flow.")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self._press_id = ""
        self._press_pos = QPoint()
        self.dragging = ""

    def set_colours(self, colours: StudioColours) -> None:
        self.colours = colours
        self.hint.setStyleSheet(f"color: {colours.muted};")
        self._fill()

    def set_actions(self, cards: list[ActionCard], in_flow: set[str], trigger_id: str) -> None:
        self._cards = sorted(cards, key=lambda c: c.name.lower())
        self._in_flow = set(in_flow)
        self.title.setText(f"{trigger_id} actions")
        self._fill()

    def _fill(self) -> None:
        current = self.current_id()
        needle = self.search.text().strip().lower()
        self.list.clear()
        for card in self._cards:
            if needle and needle not in card.name.lower():
                continue
            in_flow = card.id in self._in_flow
            droppable = card.deployed and not in_flow
            detail = f"v{card.deployed_number}" if card.deployed else "not deployed"
            if card.deployed and card.draft_differs:
                detail += "*"  # the flow runs v{n}, not the draft; the tooltip says so in words
            if in_flow:
                detail += " · in flow"
            label = f"{card.name}\n    {detail}"
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, card.id)
            item.setData(DROPPABLE_ROLE, droppable)
            item.setToolTip(palette_tooltip(card, in_flow))
            if not droppable:
                item.setForeground(QColor(self.colours.muted))
            self.list.addItem(item)
            if card.id == current:
                self.list.setCurrentItem(item)
        if not self._cards:
            self.hint.setText("No actions for this trigger yet: create one with File → New action…")
        elif self.list.count() == 0:
            self.hint.setText("No action matches the search.")
        else:
            self.hint.setText("Drag an action onto the flow (or double-click it to add it at the end).")

    def on_search_text_changed(self, _text: str) -> None:
        self._fill()

    def current_id(self) -> str:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else ""

    def item_for(self, action_id: str) -> Optional[QListWidgetItem]:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == action_id:
                return self.list.item(row)
        return None

    def visible_ids(self) -> list[str]:
        return [self.list.item(r).data(ID_ROLE) for r in range(self.list.count())]

    def on_list_item_activated(self, item: QListWidgetItem) -> None:
        if item.data(DROPPABLE_ROLE):
            self.sig_add_requested.emit(item.data(ID_ROLE))

    # -- the drag ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if watched is self.list:
            if kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape and self.dragging:
                self.dragging, self._press_id = "", ""
                self.list.viewport().unsetCursor()
                self.sig_drag_cancelled.emit()
                return True
            return False
        if watched is not self.list.viewport():
            return False
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            item = self.list.itemAt(event.position().toPoint())
            self._press_id = item.data(ID_ROLE) if item is not None and item.data(DROPPABLE_ROLE) else ""
            self._press_pos = event.position().toPoint()
            return False  # the list still selects the item
        if kind == QEvent.Type.MouseMove and self._press_id and event.buttons() & Qt.MouseButton.LeftButton:
            return self._drag_move(event)
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            dragged, self.dragging, self._press_id = self.dragging, "", ""
            if dragged:
                self.list.viewport().unsetCursor()
                self.sig_drag_released.emit(dragged, event.globalPosition().toPoint())
                return True
        return False

    def _drag_move(self, event: QMouseEvent) -> bool:
        pos = event.position().toPoint()
        if not self.dragging:
            if (pos - self._press_pos).manhattanLength() < QApplication.startDragDistance():
                return False
            self.dragging = self._press_id
            self.list.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        self.sig_drag_moved.emit(self.dragging, event.globalPosition().toPoint())
        return True  # no rubber-band selection while dragging

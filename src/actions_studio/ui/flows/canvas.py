"""`FlowCanvas`: Start → cards → Complete on a QGraphicsView, and every gesture on it.

The canvas never changes the flow. Gestures become requests by id (`sig_insert_requested`,
`sig_move_requested`, …); the view's presenter turns them into undo commands over the Qt-free
model and hands the canvas a fresh list of `CardState`s to draw. Like Qt's diagramscene example,
the mouse handlers switch an explicit interaction mode (idle, pressing a card, dragging a card).
"""

from __future__ import annotations

import enum
from typing import Optional

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QMenu,
    QWidget,
)

from actions_studio.ui.colours import LIGHT_COLOURS, StudioColours
from actions_studio.ui.flows.card_state import CardState
from actions_studio.ui.flows.items import (
    CARD_H,
    CARD_W,
    GAP,
    HINT_H,
    TERMINAL_H,
    TERMINAL_W,
    CardItem,
    DropHintItem,
    InsertionMarker,
    TerminalItem,
    arrow_path,
)

MIN_ZOOM, MAX_ZOOM = 0.3, 2.5
MARGIN = 28.0
CTRL = Qt.KeyboardModifier.ControlModifier


class Mode(enum.Enum):
    IDLE = "idle"
    PRESSING = "pressing"   # a card is pressed; a move past the drag distance starts a drag
    DRAGGING = "dragging"   # a card follows the mouse; release moves it


class FlowCanvas(QGraphicsView):
    sig_insert_requested = Signal(str, int)
    """An action was dropped from the palette: (action id, index it should take)."""
    sig_move_requested = Signal(str, int)
    """A card was dragged or moved by keyboard: (action id, index it should take)."""
    sig_remove_requested = Signal(str)
    """Delete or the card menu asked to take the action out of the flow (action id)."""
    sig_open_requested = Signal(str)
    """A card was double-clicked (or Enter pressed): open the action in the editor (action id)."""
    sig_selection_changed = Signal(str)
    """The selected card changed (action id, "" for none)."""
    sig_undo_requested = Signal()
    """Ctrl+Z was pressed on the canvas."""
    sig_redo_requested = Signal()
    """Ctrl+Y or Ctrl+Shift+Z was pressed on the canvas."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("flowCanvas")
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.colours: StudioColours = LIGHT_COLOURS
        self.states: list[CardState] = []
        self.cards: dict[str, CardItem] = {}
        self.selected_id = ""
        self.mode = Mode.IDLE
        self._press_id = ""
        self._press_scene = QPointF()
        self._drag_origin = QPointF()
        self._drop_index: Optional[int] = None
        self._zoom = 1.0
        self._fitting = False
        self.marker: Optional[InsertionMarker] = None
        self._rebuild()

    # -- model projection -----------------------------------------------------------------------

    def set_cards(self, states: list[CardState]) -> None:
        """Draws these cards in order; keeps the selection when its action is still there."""
        self.states = list(states)
        if self.selected_id and self.selected_id not in {s.action_id for s in states}:
            self.selected_id = ""
            self.sig_selection_changed.emit("")
        self._rebuild()

    def set_colours(self, colours: StudioColours) -> None:
        self.colours = colours
        self.setBackgroundBrush(QColor("#1b1d21" if colours.is_dark else "#f7f8fa"))
        self._rebuild()

    def ids(self) -> list[str]:
        return [s.action_id for s in self.states]

    def card_top(self, index: int) -> float:
        return TERMINAL_H + GAP + index * (CARD_H + GAP)

    def _rebuild(self) -> None:
        self._scene.clear()
        self.cards = {}
        self.marker = None
        n = len(self.states)
        x = -CARD_W / 2
        start = TerminalItem("Start", "The trigger fires", self.colours)
        start.setPos(-TERMINAL_W / 2, 0)
        self._scene.addItem(start)
        for index, state in enumerate(self.states):
            item = CardItem(state, self.colours)
            item.selected = state.action_id == self.selected_id
            item.setPos(x, self.card_top(index))
            self._scene.addItem(item)
            self.cards[state.action_id] = item
        if n:
            end_top = self.card_top(n)
        else:
            hint = DropHintItem(self.colours)
            hint.setPos(x, TERMINAL_H + GAP)
            self._scene.addItem(hint)
            end_top = TERMINAL_H + GAP + HINT_H + GAP
        end = TerminalItem("Complete", "The login continues with the flow's outcome", self.colours)
        end.setPos(-TERMINAL_W / 2, end_top)
        self._scene.addItem(end)
        # Connectors between consecutive elements, drawn under the cards.
        tops = [self.card_top(i) for i in range(n)] if n else [TERMINAL_H + GAP]
        bottoms = [t + (CARD_H if n else HINT_H) for t in tops]
        segments = [(0.0, TERMINAL_H, tops[0])]
        segments += [(0.0, bottoms[i], tops[i + 1]) for i in range(len(tops) - 1)]
        segments.append((0.0, bottoms[-1], end_top))
        line = QGraphicsPathItem(arrow_path(segments))
        line.setPen(QPen(QColor(self.colours.muted), 1.4))
        line.setZValue(-1)
        self._scene.addItem(line)
        rect = QRectF(-CARD_W / 2 - MARGIN - 30, -MARGIN, CARD_W + 2 * MARGIN + 60,
                      end_top + TERMINAL_H + 2 * MARGIN)
        self._scene.setSceneRect(rect)

    # -- selection ------------------------------------------------------------------------------

    def select(self, action_id: str) -> None:
        if action_id == self.selected_id:
            return
        for item in self.cards.values():
            item.selected = item.action_id == action_id
            item.update()
        self.selected_id = action_id
        if action_id in self.cards:
            self.ensureVisible(self.cards[action_id], 20, 20)
        self.sig_selection_changed.emit(action_id)

    def _select_offset(self, step: int) -> None:
        ids = self.ids()
        if not ids:
            return
        if self.selected_id not in ids:
            self.select(ids[0] if step > 0 else ids[-1])
            return
        index = max(0, min(len(ids) - 1, ids.index(self.selected_id) + step))
        self.select(ids[index])

    # -- geometry helpers -----------------------------------------------------------------------

    def card_at(self, viewport_pos: QPoint) -> str:
        for item in self.items(viewport_pos):
            if isinstance(item, CardItem):
                return item.action_id
        return ""

    def card_center(self, action_id: str) -> QPoint:
        """Viewport position of a card's centre (tests press there like a user)."""
        item = self.cards[action_id]
        return self.mapFromScene(item.sceneBoundingRect().center())

    def gap_point(self, index: int) -> QPoint:
        """Viewport position of the gap above card `index` (or below the last one)."""
        n = len(self.states)
        if n == 0:
            y = TERMINAL_H + GAP + HINT_H / 2
        elif index < n:
            y = self.card_top(index) - GAP / 2
        else:
            y = self.card_top(n - 1) + CARD_H + GAP / 2
        return self.mapFromScene(QPointF(0, y))

    def _index_for(self, scene_y: float, skip: str = "") -> int:
        """Index a drop at `scene_y` takes among the cards (without `skip`, the dragged one)."""
        index = 0
        for i, state in enumerate(self.states):
            if state.action_id == skip:
                continue
            if self.card_top(i) + CARD_H / 2 < scene_y:
                index += 1
        return index

    def _show_marker(self, index: int, skip: str = "") -> None:
        others = [i for i, s in enumerate(self.states) if s.action_id != skip]
        if not others:
            y = TERMINAL_H + GAP / 2 if self.states else TERMINAL_H + GAP + HINT_H / 2
        elif index < len(others):
            y = self.card_top(others[index]) - GAP / 2
        else:
            y = self.card_top(others[-1]) + CARD_H + GAP / 2
        if self.marker is None:
            self.marker = InsertionMarker()
            self._scene.addItem(self.marker)
        self.marker.setPos(-CARD_W / 2 - 12, y)
        self.marker.show()
        self._drop_index = index

    def _hide_marker(self) -> None:
        if self.marker is not None:
            self.marker.hide()
        self._drop_index = None

    def _autoscroll(self, pos: QPoint) -> None:
        # A long flow does not fit: dragging near the top or bottom edge scrolls, so any position
        # can be reached without zooming out first.
        edge = 28
        bar = self.verticalScrollBar()
        if pos.y() < edge:
            bar.setValue(bar.value() - (edge - pos.y()))
        elif pos.y() > self.viewport().height() - edge:
            bar.setValue(bar.value() + (pos.y() - self.viewport().height() + edge))

    @property
    def drop_index(self) -> Optional[int]:
        """Where a drag would land now (None: no marker shown)."""
        return self._drop_index

    # -- a drag that started in the palette -----------------------------------------------------

    def external_drag_moved(self, global_pos: QPoint) -> bool:
        """Shows the insertion marker under `global_pos`; False when it is off the canvas."""
        pos = self.viewport().mapFromGlobal(global_pos)
        if not self.viewport().rect().contains(pos):
            self._hide_marker()
            return False
        self._autoscroll(pos)
        self._show_marker(self._index_for(self.mapToScene(pos).y()))
        return True

    def external_drag_finished(self, action_id: str, global_pos: QPoint) -> bool:
        inside = self.external_drag_moved(global_pos)
        index = self._drop_index
        self._hide_marker()
        if inside and index is not None:
            self.sig_insert_requested.emit(action_id, index)
            return True
        return False

    # -- mouse ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        action_id = self.card_at(event.position().toPoint())
        self.select(action_id)
        if action_id:
            self.mode = Mode.PRESSING
            self._press_id = action_id
            self._press_scene = self.mapToScene(event.position().toPoint())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        pos = event.position().toPoint()
        if self.mode is Mode.PRESSING:
            start = self.mapFromScene(self._press_scene)
            if (pos - start).manhattanLength() >= QApplication.startDragDistance():
                self.mode = Mode.DRAGGING
                item = self.cards.get(self._press_id)
                if item is not None:
                    self._drag_origin = item.pos()
                    item.setZValue(10)
                    item.setOpacity(0.85)
                    self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        if self.mode is Mode.DRAGGING:
            self._autoscroll(pos)
            scene = self.mapToScene(pos)
            item = self.cards.get(self._press_id)
            if item is not None:
                item.setPos(self._drag_origin.x(), self._drag_origin.y() + scene.y() - self._press_scene.y())
            self._show_marker(self._index_for(scene.y(), skip=self._press_id), skip=self._press_id)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.mode is Mode.DRAGGING:
            index = self._drop_index
            action_id = self._press_id
            self._end_press()
            self.viewport().unsetCursor()
            old = self.ids().index(action_id) if action_id in self.ids() else -1
            if index is not None and index != old:
                self.sig_move_requested.emit(action_id, index)
            else:
                self._rebuild()  # put the card back where it was
            event.accept()
            return
        self._end_press()
        super().mouseReleaseEvent(event)

    def _end_press(self) -> None:
        self.mode = Mode.IDLE
        self._press_id = ""
        self._hide_marker()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        action_id = self.card_at(event.position().toPoint())
        if action_id and event.button() == Qt.MouseButton.LeftButton:
            self._end_press()
            self.sig_open_requested.emit(action_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def card_menu(self, action_id: str) -> QMenu:
        """The card's context menu (built apart from contextMenuEvent so tests can trigger it)."""
        menu = QMenu(self)
        ids = self.ids()
        index = ids.index(action_id)
        menu.addAction("Open in editor", lambda: self.sig_open_requested.emit(action_id))
        menu.addSeparator()
        up = menu.addAction("Move up\tCtrl+Up", lambda: self.sig_move_requested.emit(action_id, index - 1))
        up.setEnabled(index > 0)
        down = menu.addAction("Move down\tCtrl+Down",
                              lambda: self.sig_move_requested.emit(action_id, index + 1))
        down.setEnabled(index < len(ids) - 1)
        menu.addSeparator()
        menu.addAction("Remove from flow\tDel", lambda: self.sig_remove_requested.emit(action_id))
        return menu

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt's name
        action_id = self.card_at(event.pos())
        if not action_id:
            return
        self.select(action_id)
        menu = self.card_menu(action_id)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())

    # -- keyboard and zoom ----------------------------------------------------------------------

    def _key_command(self, event: QKeyEvent) -> Optional[str]:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & CTRL)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            return ("move_" if ctrl else "select_") + ("up" if key == Qt.Key.Key_Up else "down")
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not ctrl:
            return "remove"
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return "open"
        if ctrl and key == Qt.Key.Key_Z:
            return "redo" if shift else "undo"
        if ctrl and key == Qt.Key.Key_Y:
            return "redo"
        if ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            return "zoom_in"
        if ctrl and key == Qt.Key.Key_Minus:
            return "zoom_out"
        if ctrl and key == Qt.Key.Key_0:
            return "fit"
        return None

    def event(self, event: QEvent) -> bool:
        # The window's Edit menu owns Ctrl+Z/Ctrl+Y: claim them (and our other keys) while the
        # canvas has focus, so they reach keyPressEvent instead of the code editor's undo.
        if event.type() == QEvent.Type.ShortcutOverride and self._key_command(event) is not None:
            event.accept()
            return True
        return super().event(event)

    def cancel_drag(self) -> None:
        """Escape during a drag: the card goes back, nothing changes."""
        dragging = self.mode is Mode.DRAGGING
        self._end_press()
        self.viewport().unsetCursor()
        if dragging:
            self._rebuild()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape and self.mode is not Mode.IDLE:
            self.cancel_drag()
            event.accept()
            return
        command = self._key_command(event)
        if command is None:
            super().keyPressEvent(event)
            return
        event.accept()
        selected = self.selected_id if self.selected_id in self.cards else ""
        if command == "select_up":
            self._select_offset(-1)
        elif command == "select_down":
            self._select_offset(1)
        elif command in ("move_up", "move_down") and selected:
            index = self.ids().index(selected) + (-1 if command == "move_up" else 1)
            if 0 <= index < len(self.states):
                self.sig_move_requested.emit(selected, index)
        elif command == "remove" and selected:
            self.sig_remove_requested.emit(selected)
        elif command == "open" and selected:
            self.sig_open_requested.emit(selected)
        elif command == "undo":
            self.sig_undo_requested.emit()
        elif command == "redo":
            self.sig_redo_requested.emit()
        elif command == "zoom_in":
            self.set_zoom(self._zoom * 1.2)
        elif command == "zoom_out":
            self.set_zoom(self._zoom / 1.2)
        elif command == "fit":
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if event.modifiers() & CTRL:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self._zoom * (1.15 ** steps))
            event.accept()
            return
        super().wheelEvent(event)

    @property
    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        self._fitting = False
        self._scale_to(zoom)

    def _scale_to(self, zoom: float) -> None:
        self._zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.resetTransform()
        self.scale(self._zoom, self._zoom)

    def fit(self) -> None:
        """Zooms so the whole flow shows; never past 100 % (a short flow stays readable size).

        Fit stays on until the user zooms: the validation list or a splitter changing the
        canvas's size re-fits it, so what Fit promised stays true."""
        self._fitting = True
        self._fit_now()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if getattr(self, "_fitting", False):
            self._fit_now()

    def _fit_now(self) -> None:
        rect = self._scene.sceneRect()
        view = self.viewport().rect()
        if rect.isEmpty() or view.isEmpty():
            return
        self._scale_to(min(1.0, view.width() / rect.width(), view.height() / rect.height()))
        self.centerOn(rect.center())

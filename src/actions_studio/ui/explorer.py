"""The explorer: actions grouped by trigger, with a filter box and a marker per action.

Markers: a filled green dot when the deployed version is the draft, an amber dot when the draft
differs from what is deployed, a hollow dot when the action was never deployed. Beside the deployed
version each action shows its language (`py` or `js`, the runtime in its tooltip: issue 16). Items
carry the action id; the explorer emits ids and never edits anything itself.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPen, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from actions_studio.ui.action_dialogs import runtime_label
from actions_studio.ui.session import StudioSession

ID_ROLE = Qt.ItemDataRole.UserRole
TRIGGER_ROLE = Qt.ItemDataRole.UserRole + 1
RUNTIME_ROLE = Qt.ItemDataRole.UserRole + 2
# The file suffix each runtime's code has, as the explorer tags an action with it.
RUNTIME_TAGS = {"python3": "py", "node22": "js"}


def marker_icon(state: str) -> QIcon:
    """state: 'deployed' | 'changed' | 'never'."""
    pixmap = QPixmap(28, 28)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(7, 7, 14, 14)
    if state == "never":
        painter.setPen(QPen(QColor("#8c959f"), 2.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        colour = QColor("#2da44e" if state == "deployed" else "#d4a72c")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
    painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)


MARKER_TIPS = {
    "deployed": "Deployed: the draft is the deployed version",
    "changed": "Draft changed since the last deploy",
    "never": "Never deployed",
}


class Explorer(QWidget):
    sig_action_activated = Signal(str)
    """The user opened an action (double-click or Enter): action id."""
    sig_action_selected = Signal(str)
    """The selection moved to an action: action id."""
    sig_new_requested = Signal(str)
    """New action asked for, optionally under a trigger (trigger id or "")."""
    sig_rename_requested = Signal(str)
    """Rename asked for: action id."""
    sig_delete_requested = Signal(str)
    """Delete asked for: action id."""

    def __init__(self, session: StudioSession, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._session = session
        self._icons = {state: marker_icon(state) for state in MARKER_TIPS}
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter actions")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.on_filter_edit_text_changed)
        self.new_button = QToolButton()
        self.new_button.setText("+")
        self.new_button.setToolTip("New action (Ctrl+N)")
        self.new_button.clicked.connect(lambda: self.sig_new_requested.emit(self.current_trigger() or ""))
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(14)
        self.tree.setIconSize(QSize(14, 14))
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self.on_tree_context_menu)
        self.tree.itemActivated.connect(self.on_tree_item_activated)
        self.tree.currentItemChanged.connect(self.on_tree_current_changed)
        # File-manager keys on the selected action, only while the tree has focus.
        for key, signal in (("F2", self.sig_rename_requested), ("Del", self.sig_delete_requested)):
            shortcut = QShortcut(QKeySequence(key), self.tree)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda s=signal: self.current_action_id() and s.emit(self.current_action_id()))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        session.sig_actions_changed.connect(self.refresh)
        session.sig_action_changed.connect(self.on_session_action_changed)
        self.refresh()

    def refresh(self) -> None:
        """Re-reads every action from the workspace (ids keep the selection)."""
        # The catalog's light index: the event models are not needed to list triggers (issue 12 item 10).
        from actions_studio.triggers.listing import DESCRIPTIONS

        selected = self.current_action_id()
        collapsed = {self.tree.topLevelItem(i).data(0, TRIGGER_ROLE)
                    for i in range(self.tree.topLevelItemCount()) if not self.tree.topLevelItem(i).isExpanded()}
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        # The application's palette, not the widget's: after a theme switch the widget's copy is
        # only updated by a later event, and this runs at once.
        muted = QApplication.palette().placeholderText()
        for trigger_id, description in DESCRIPTIONS.items():
            group = QTreeWidgetItem([trigger_id, ""])
            group.setData(0, TRIGGER_ROLE, trigger_id)
            group.setToolTip(0, description)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            groups[trigger_id] = group
            self.tree.addTopLevelItem(group)
        for record in self._session.list_actions():
            group = groups.get(record.trigger_id)
            if group is None:
                continue
            detail = self._session.detail(record.id)
            differs = detail is None or detail.draft_differs
            state = "never" if record.deployed_number is None else ("changed" if differs else "deployed")
            version = f"v{record.deployed_number}" if record.deployed_number else ""
            tag = RUNTIME_TAGS.get(record.runtime, record.runtime)
            item = QTreeWidgetItem([record.name, f"{version} {tag}".strip()])
            item.setIcon(0, self._icons[state])
            item.setToolTip(0, f"{record.name} ({runtime_label(record.runtime)}) — {MARKER_TIPS[state]}")
            item.setToolTip(1, runtime_label(record.runtime))
            item.setData(0, ID_ROLE, record.id)
            item.setData(0, TRIGGER_ROLE, record.trigger_id)
            item.setData(0, RUNTIME_ROLE, record.runtime)
            item.setData(1, ID_ROLE, state)
            item.setForeground(1, muted)
            group.addChild(item)
        for trigger_id, group in groups.items():
            group.setText(1, str(group.childCount()) if group.childCount() else "")
            group.setForeground(1, muted)
            group.setExpanded(trigger_id not in collapsed)
        self.tree.resizeColumnToContents(1)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, self.tree.header().ResizeMode.Stretch)
        self.on_filter_edit_text_changed(self.filter_edit.text())
        if selected:
            self.select_action(selected)

    def on_session_action_changed(self, _action_id: str) -> None:
        self.refresh()

    def items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(i).child(j) for i in range(self.tree.topLevelItemCount())
                for j in range(self.tree.topLevelItem(i).childCount())]

    def item_for(self, action_id: str) -> Optional[QTreeWidgetItem]:
        return next((it for it in self.items() if it.data(0, ID_ROLE) == action_id), None)

    def runtime_of(self, action_id: str) -> Optional[str]:
        item = self.item_for(action_id)
        return item.data(0, RUNTIME_ROLE) if item else None

    def marker_of(self, action_id: str) -> Optional[str]:
        item = self.item_for(action_id)
        return item.data(1, ID_ROLE) if item else None

    def select_action(self, action_id: str) -> None:
        item = self.item_for(action_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    def current_action_id(self) -> Optional[str]:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def current_trigger(self) -> Optional[str]:
        item = self.tree.currentItem()
        return item.data(0, TRIGGER_ROLE) if item is not None else None

    def on_filter_edit_text_changed(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            shown = 0
            for j in range(group.childCount()):
                child = group.child(j)
                hide = bool(needle) and needle not in child.text(0).lower()
                child.setHidden(hide)
                shown += not hide
            group.setHidden(bool(needle) and shown == 0)

    def visible_action_names(self) -> list[str]:
        return [it.text(0) for it in self.items() if not it.isHidden() and not it.parent().isHidden()]

    def on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        action_id = item.data(0, ID_ROLE)
        if action_id:
            self.sig_action_activated.emit(action_id)

    def on_tree_current_changed(self, current: Optional[QTreeWidgetItem], _previous) -> None:
        if current is not None and current.data(0, ID_ROLE):
            self.sig_action_selected.emit(current.data(0, ID_ROLE))

    def on_tree_context_menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        menu = QMenu(self)
        trigger_id = item.data(0, TRIGGER_ROLE) if item else ""
        menu.addAction("New action…", lambda: self.sig_new_requested.emit(trigger_id or ""))
        action_id = item.data(0, ID_ROLE) if item else None
        if action_id:
            menu.addSeparator()
            menu.addAction("Open", lambda: self.sig_action_activated.emit(action_id))
            menu.addAction("Rename…", lambda: self.sig_rename_requested.emit(action_id))
            delete: QAction = menu.addAction("Delete…", lambda: self.sig_delete_requested.emit(action_id))
            delete.setToolTip("Delete the action, its versions and secrets")
        menu.popup(self.tree.viewport().mapToGlobal(point))

"""Undo commands over a `FlowDesign`: the only way the canvas changes a flow (STYLE.md).

Each command holds action ids, never items; `changed` is called after every redo/undo so the view
re-projects the model. Commands are pushed by the view's presenter from the ids the canvas emits.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand

from actions_studio.services.flow_design import FlowDesign


class _FlowCommand(QUndoCommand):
    def __init__(self, design: FlowDesign, changed: Callable[[], None], text: str) -> None:
        super().__init__(text)
        self.design = design
        self._changed = changed


class InsertCommand(_FlowCommand):
    def __init__(self, design: FlowDesign, changed: Callable[[], None], action_id: str, index: int,
                 name: str) -> None:
        super().__init__(design, changed, f"Add {name}")
        self.action_id = action_id
        self.index = index

    def redo(self) -> None:
        self.index = self.design.insert(self.index, self.action_id)
        self._changed()

    def undo(self) -> None:
        self.design.remove(self.action_id)
        self._changed()


class RemoveCommand(_FlowCommand):
    def __init__(self, design: FlowDesign, changed: Callable[[], None], action_id: str, name: str) -> None:
        super().__init__(design, changed, f"Remove {name}")
        self.action_id = action_id
        self.index = design.index_of(action_id)

    def redo(self) -> None:
        self.index = self.design.remove(self.action_id)
        self._changed()

    def undo(self) -> None:
        self.design.insert(self.index, self.action_id)
        self._changed()


class MoveCommand(_FlowCommand):
    def __init__(self, design: FlowDesign, changed: Callable[[], None], action_id: str, index: int,
                 name: str) -> None:
        super().__init__(design, changed, f"Move {name}")
        self.action_id = action_id
        self.index = index
        self.old = design.index_of(action_id)

    def redo(self) -> None:
        self.old = self.design.move(self.action_id, self.index)
        self._changed()

    def undo(self) -> None:
        self.design.move(self.action_id, self.old)
        self._changed()


class ReplaceCommand(_FlowCommand):
    """Discard as an undoable edit: the pending order goes back to the applied one."""

    def __init__(self, design: FlowDesign, changed: Callable[[], None], action_ids: list[str],
                 text: str) -> None:
        super().__init__(design, changed, text)
        self.before = list(design.pending)
        self.after = list(action_ids)

    def redo(self) -> None:
        self.design.replace_pending(self.after)
        self._changed()

    def undo(self) -> None:
        self.design.replace_pending(self.before)
        self._changed()

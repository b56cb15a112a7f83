"""The find/replace bar under the editor (Ctrl+F finds, Ctrl+H replaces, Esc closes).

Searches as you type from where the search started, marks every match, and says how many there
are; Enter finds the next match, Shift+Enter the previous. All text work goes through the view's
find primitives.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from actions_studio.ui.editor.scintilla_view import ScintillaView


class FindBar(QWidget):
    sig_closed = Signal()
    """The bar was closed (Esc or its close button); focus should return to the text."""

    def __init__(self, view: ScintillaView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self._search_origin = 0
        self.setObjectName("findBar")
        self.find_field = QLineEdit(self)
        self.find_field.setPlaceholderText("Find")
        self.find_field.setClearButtonEnabled(True)
        self.replace_field = QLineEdit(self)
        self.replace_field.setPlaceholderText("Replace")
        self.match_case = self._toggle("Aa", "Match case")
        self.whole_word = self._toggle("W", "Whole words only")
        self.regex = self._toggle(".*", "Regular expression")
        self.previous_button = self._button("↑", "Previous match (Shift+Enter)", self.find_previous)
        self.next_button = self._button("↓", "Next match (Enter)", self.find_next)
        self.close_button = self._button("✕", "Close (Esc)", self.close_bar)
        self.replace_button = self._button("Replace", "Replace this match and find the next", self.replace_one)
        self.replace_all_button = self._button("Replace all", "Replace every match", self.replace_all)
        self.status = QLabel(self)
        self.status.setMinimumWidth(90)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.find_field, 0, 0)
        options = QHBoxLayout()
        options.setSpacing(2)
        for widget in (self.match_case, self.whole_word, self.regex, self.previous_button, self.next_button,
                       self.status, self.close_button):
            options.addWidget(widget)
        grid.addLayout(options, 0, 1)
        grid.addWidget(self.replace_field, 1, 0)
        replace_row = QHBoxLayout()
        replace_row.setSpacing(4)
        replace_row.addWidget(self.replace_button)
        replace_row.addWidget(self.replace_all_button)
        replace_row.addStretch(1)
        grid.addLayout(replace_row, 1, 1)
        grid.setColumnStretch(0, 1)
        self.find_field.textChanged.connect(self.on_find_field_text_changed)
        for toggle in (self.match_case, self.whole_word, self.regex):
            toggle.toggled.connect(self.on_option_toggled)
        self.find_field.installEventFilter(self)
        self.replace_field.installEventFilter(self)
        self.set_replace_visible(False)
        self.hide()

    def _toggle(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setAutoRaise(True)
        return button

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------------------------ opening
    def open_find(self, replace: bool = False) -> None:
        """Show the bar seeded with the selected text (if one line), focus and select the field."""
        selected = self._view.selected_text()
        if selected and "\n" not in selected:
            self.find_field.blockSignals(True)
            self.find_field.setText(selected)
            self.find_field.blockSignals(False)
        self._search_origin = self._view.selection()[0]
        self.set_replace_visible(replace)
        self.show()
        self.find_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_field.selectAll()
        self._mark_matches()

    def set_replace_visible(self, visible: bool) -> None:
        for widget in (self.replace_field, self.replace_button, self.replace_all_button):
            widget.setVisible(visible)

    def replace_visible(self) -> bool:
        return not self.replace_field.isHidden()

    def close_bar(self) -> None:
        self._view.clear_match_highlights()
        self.hide()
        self.sig_closed.emit()

    # ------------------------------------------------------------------------------ finding
    def _options(self) -> dict[str, bool]:
        return {"match_case": self.match_case.isChecked(), "whole_word": self.whole_word.isChecked(),
                "regex": self.regex.isChecked()}

    def _mark_matches(self) -> int:
        count = self._view.highlight_matches(self.find_field.text(), **self._options())
        needle = self.find_field.text()
        if not needle:
            self.status.setText("")
        elif count:
            self.status.setText(f"{count} match" + ("" if count == 1 else "es"))
        else:
            self.status.setText("No results")
        self.status.setStyleSheet("color: #d1242f;" if needle and not count else "")
        return count

    def find_next(self) -> bool:
        return self._view.find(self.find_field.text(), forward=True, **self._options())

    def find_previous(self) -> bool:
        return self._view.find(self.find_field.text(), forward=False, **self._options())

    def on_find_field_text_changed(self, text: str) -> None:
        # Search as you type from where the search began, so the match grows rather than jumps.
        self._view.select(self._search_origin, self._search_origin)
        if self._mark_matches():
            self.find_next()

    def on_option_toggled(self, checked: bool) -> None:
        self.on_find_field_text_changed(self.find_field.text())

    # ---------------------------------------------------------------------------- replacing
    def replace_one(self) -> None:
        """Replace the selected match (if it is one) and move to the next."""
        self._view.replace_selection_match(self.find_field.text(), self.replace_field.text(), **self._options())
        self.find_next()
        self._mark_matches()

    def replace_all(self) -> int:
        count = self._view.replace_all(self.find_field.text(), self.replace_field.text(), **self._options())
        self._mark_matches()
        self.status.setText(f"Replaced {count}")
        return count

    # ------------------------------------------------------------------------------- keys
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            key = key_event.key()
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if watched is self.replace_field:
                    self.replace_one()
                elif key_event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        return super().eventFilter(watched, event)

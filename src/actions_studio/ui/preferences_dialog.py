"""Preferences: the colour theme (follow the system, or force light or dark)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from actions_studio.ui.theme import THEME_CHOICES

LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class PreferencesDialog(QDialog):
    sig_theme_chosen = Signal(str)
    """The user picked a theme: "system" | "light" | "dark"."""

    def __init__(self, current_theme: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.theme_combo = QComboBox()
        for choice in THEME_CHOICES:
            self.theme_combo.addItem(LABELS[choice], choice)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(current_theme)))
        self.theme_combo.currentIndexChanged.connect(
            lambda _i: self.sig_theme_chosen.emit(self.theme_combo.currentData()))
        form = QFormLayout()
        form.addRow("Theme", self.theme_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(340)

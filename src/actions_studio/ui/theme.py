"""Light and dark palettes for the studio chrome (the editor has its own themes in ui/editor/).

The studio follows the system colour scheme unless Preferences overrides it ("system" | "light" |
"dark"). Fusion is used on every platform: it is the one built-in style that honours a full
QPalette, so the dark palette looks the same on Linux, Windows and macOS.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEME_CHOICES = ("system", "light", "dark")


@dataclass(frozen=True)
class StudioColours:
    """Colours the panels use in their own rendering (outcome card, diff, markers)."""

    is_dark: bool
    text: str
    muted: str
    card: str
    border: str
    allowed: str
    allowed_bg: str
    denied: str
    denied_bg: str
    suspended: str
    suspended_bg: str
    error: str
    error_bg: str
    added_bg: str
    removed_bg: str
    changed_bg: str
    link: str
    code_bg: str


LIGHT_COLOURS = StudioColours(
    is_dark=False, text="#1f2328", muted="#656d76", card="#f6f8fa", border="#d0d7de",
    allowed="#1a7f37", allowed_bg="#dafbe1", denied="#cf222e", denied_bg="#ffebe9",
    suspended="#9a6700", suspended_bg="#fff8c5", error="#cf222e", error_bg="#ffebe9",
    added_bg="#dafbe1", removed_bg="#ffebe9", changed_bg="#fff8c5", link="#0969da",
    code_bg="#f6f8fa",
)
DARK_COLOURS = StudioColours(
    is_dark=True, text="#e6edf3", muted="#9198a1", card="#161b22", border="#3d444d",
    allowed="#3fb950", allowed_bg="#12261e", denied="#f85149", denied_bg="#2d1517",
    suspended="#d29922", suspended_bg="#2e2411", error="#f85149", error_bg="#2d1517",
    added_bg="#12261e", removed_bg="#2d1517", changed_bg="#2e2411", link="#4493f8",
    code_bg="#161b22",
)


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve_dark(choice: str) -> bool:
    if choice == "dark":
        return True
    if choice == "light":
        return False
    return system_is_dark()


def _dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1e1f22",
        QPalette.ColorRole.WindowText: "#dfe1e5",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#26282c",
        QPalette.ColorRole.ToolTipBase: "#2b2d30",
        QPalette.ColorRole.ToolTipText: "#dfe1e5",
        QPalette.ColorRole.PlaceholderText: "#8c8f94",
        QPalette.ColorRole.Text: "#dfe1e5",
        QPalette.ColorRole.Button: "#2b2d30",
        QPalette.ColorRole.ButtonText: "#dfe1e5",
        QPalette.ColorRole.BrightText: "#ff6b68",
        QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#4493f8",
        QPalette.ColorRole.Light: "#3c3f41",
        QPalette.ColorRole.Midlight: "#34363a",
        QPalette.ColorRole.Mid: "#2b2d30",
        QPalette.ColorRole.Dark: "#151617",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f737a"))
    return p


def _light_palette() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Window, QColor("#f3f3f3"))
    p.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#f6f8fa"))
    p.setColor(QPalette.ColorRole.Highlight, QColor("#0969da"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def apply_theme(app: QApplication, dark: bool) -> StudioColours:
    """Applies the palette to the whole application and returns the panel colours for it."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(_dark_palette() if dark else _light_palette())
    return DARK_COLOURS if dark else LIGHT_COLOURS

"""The colours panels use in their own rendering (outcome card, diff, markers), light and dark.

Plain data with no Qt import, so the Qt-free renderers (result_html, diff_model's users) and
their tests can use it; theme.py turns the choice into a QPalette.
"""

from __future__ import annotations

from dataclasses import dataclass


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

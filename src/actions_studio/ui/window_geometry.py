"""Where the window opens the first time (issue 12): a share of the screen it opens on, centred,
so it fits a laptop and uses a large monitor. Later starts restore the user's own geometry
(MainWindow._restore); this rule only applies when none was saved or it cannot be restored.

Plain tuples in and out, so the rule is tested without a screen.
"""

from __future__ import annotations

# Of the screen's available area (without panels and docks): room around the window shows it is
# a window, and what is behind it stays reachable.
SCREEN_SHARE = 0.85


def first_start_geometry(available: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """(x, y, width, height) of the available screen area -> the window's frame rectangle."""
    x, y, width, height = available
    w, h = round(width * SCREEN_SHARE), round(height * SCREEN_SHARE)
    return x + (width - w) // 2, y + (height - h) // 2, w, h

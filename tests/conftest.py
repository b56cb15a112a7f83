"""Suite-wide settings: Qt renders offscreen, GUI tests are marked, children are real."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before anything can import Qt: these machines have no display (PITFALLS.md).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # GUI tests are marked automatically so the fast Qt-free tier can run alone (-m "not gui").
    for item in items:
        if "/tests/ui/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def repo_root() -> Path:
    return REPO

"""Every services test gets its own workspace file and vault folder under tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing a test does may reach the real user folders or the real OS keyring.
    monkeypatch.setenv("ACTIONS_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ACTIONS_STUDIO_VAULT", "file")


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config")) as workspace:
        yield workspace

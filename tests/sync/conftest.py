"""Sync tests: an isolated home (no real user folders, no OS keyring) and a workspace per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTIONS_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ACTIONS_STUDIO_VAULT", "file")


def open_workspace(tmp_path: Path, name: str) -> Workspace:
    return Workspace.open(tmp_path / f"{name}.sqlite", vault=FileVault(tmp_path / f"{name}-config"))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with open_workspace(tmp_path, "w") as workspace:
        yield workspace

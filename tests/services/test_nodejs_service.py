"""The workspace setting node.path: checked before it is stored, overridden by $ACTIONS_STUDIO_NODE."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from actions_studio.nodejs import ENV_NODE
from actions_studio.services import nodejs as node_service
from actions_studio.services.errors import InvalidInputError

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the fake Node executables are POSIX shell scripts")


def script(path: Path, version: str) -> Path:
    path.write_text(f"#!/bin/sh\necho v{version}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_NODE, raising=False)


def test_default_is_the_studios_own_node(ws) -> None:
    assert node_service.configured_path(ws) is None
    assert node_service.node_for(ws).source == "bundled"


def test_a_good_path_is_stored_and_used(ws, tmp_path: Path) -> None:
    node = script(tmp_path / "node", "23.0.0")
    assert node_service.set_node_path(ws, f"  {node} ").version == "23.0.0"
    assert node_service.configured_path(ws) == str(node)
    assert node_service.set_node_path(ws, "").source == "bundled"


def test_an_old_node_is_refused_and_not_stored(ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Even while the environment names a good Node, the setting itself is checked.
    monkeypatch.setenv(ENV_NODE, str(script(tmp_path / "good", "22.5.0")))
    with pytest.raises(InvalidInputError, match=r"names Node 18\.0\.0 .* needs Node 22 or newer"):
        node_service.set_node_path(ws, str(script(tmp_path / "old", "18.0.0")))
    assert node_service.configured_path(ws) is None

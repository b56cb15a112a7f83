"""Suite-wide settings: Qt renders offscreen, GUI tests are marked, children are real."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Set before anything can import Qt: these machines have no display (PITFALLS.md).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may touch the user's real workspace, vault, tenant or dependency cache, nor reach a
# package index: set process-wide (subprocesses and session fixtures inherit it) before any
# fixture runs. Tests that need their own home or index settings monkeypatch over these.
os.environ.setdefault("ACTIONS_STUDIO_HOME", tempfile.mkdtemp(prefix="actions-studio-test-home-"))
os.environ.setdefault("ACTIONS_STUDIO_NO_INDEX", "1")
# Nor an npm registry: an install a test did not mean to make fails at once instead of downloading
# (the TypeScript service comes from the setup step's install, analysis/typescript/install.py).
os.environ.setdefault("ACTIONS_STUDIO_NPM_REGISTRY", "http://127.0.0.1:9/")

REPO = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # GUI tests are marked automatically so the fast Qt-free tier can run alone (-m "not gui").
    for item in items:
        if "/tests/ui/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for this session (tests/pg_server.py), or a skip saying how to get one."""
    import pg_server

    try:
        server = pg_server.start()
    except LookupError as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()

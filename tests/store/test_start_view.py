"""store/start_view.py: what the window shows first, read through sqlite3, is exactly what the
repository returns; any file it cannot vouch for is None, so the ordinary open says what is wrong
(issue 12 item 10)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from actions_studio.services import actions
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.store.start_view import read_start_view

V1 = Path(__file__).parent / "data" / "workspace_v1.sqlite"


@pytest.fixture
def workspace(tmp_path) -> Path:
    path = tmp_path / "workspace.sqlite"
    with Workspace.open(path, vault=FileVault(tmp_path / "config")) as ws:
        actions.create_action(ws, "zeta never deployed", "post-login")
        actions.create_action(ws, "alpha deployed", "credentials-exchange")
        actions.deploy(ws, "alpha deployed")
        actions.create_action(ws, "mid edited after deploy", "post-login")
        actions.deploy(ws, "mid edited after deploy")
        actions.save_draft(ws, "mid edited after deploy", code="def on_execute_post_login(event, api):\n    pass  # é ✓\n",
                           dependencies=["requests==2.32.3"])
    return path


def test_the_start_view_is_what_the_repository_returns(workspace, tmp_path) -> None:
    view = read_start_view(workspace)
    assert view is not None
    with Workspace.open(workspace, vault=FileVault(tmp_path / "config")) as ws:
        records = actions.list_actions(ws)
        details = {r.id: actions.open_action_by_id(ws, r.id) for r in records}
    assert list(view.actions) == records  # same records, same (name) order
    assert view.drafts == {i: d.draft for i, d in details.items()}
    assert view.draft_differs == {i: d.draft_differs for i, d in details.items()}
    assert sorted(view.draft_differs.values()) == [False, True, True]


def test_reading_the_start_view_changes_nothing_and_loads_no_sqlalchemy(workspace) -> None:
    import subprocess
    import sys

    before = workspace.read_bytes()
    probe = ("import sys; from actions_studio.store.start_view import read_start_view; "
             f"assert read_start_view({str(workspace)!r}) is not None; "
             "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'sqlmodel'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
    assert workspace.read_bytes() == before


def test_an_older_schema_is_left_to_the_ordinary_open_which_upgrades_it(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(V1, path)
    assert read_start_view(path) is None


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 100])
def test_an_empty_or_foreign_file_is_none_and_untouched(tmp_path, content) -> None:
    path = tmp_path / "workspace.sqlite"
    path.write_bytes(content)
    assert read_start_view(path) is None
    assert path.read_bytes() == content


def test_a_missing_file_or_another_sqlite_database_is_none(tmp_path) -> None:
    assert read_start_view(tmp_path / "absent.sqlite") is None
    assert not (tmp_path / "absent.sqlite").exists()
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    assert read_start_view(other) is None


def test_a_newer_schema_is_none(workspace) -> None:
    with sqlite3.connect(workspace) as conn:
        conn.execute("INSERT INTO schema_version (version) SELECT MAX(version) + 1 FROM schema_version")
    assert read_start_view(workspace) is None

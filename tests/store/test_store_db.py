"""The workspace file: pragmas, transactions, refusing files it cannot trust."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from actions_studio.store import (
    Database,
    SchemaTooNewError,
    WorkspaceBusyError,
    WorkspaceCorruptError,
)
from actions_studio.store import migrations
from actions_studio.store import repository as repo


def _add(db: Database, name: str) -> str:
    with db.write() as s:
        return repo.insert_action(s, name=name, trigger_id="post-login", trigger_version="v3",
                                  runtime="python3", code="pass\n").id


def test_new_workspace_is_wal_with_foreign_keys_and_latest_schema(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "w.sqlite")
    try:
        assert db.schema_version() == migrations.LATEST
        with db.read() as s:
            conn = s.connection()
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
            ws_id = repo.workspace_id(s)
    finally:
        db.close()
    again = Database.open(tmp_path / "w.sqlite")
    with again.read() as s:
        assert repo.workspace_id(s) == ws_id  # reopening never re-initialises
    again.close()


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "w.sqlite")
    with pytest.raises(RuntimeError):
        with db.write() as s:
            repo.insert_action(s, name="half", trigger_id="post-login", trigger_version="v3",
                               runtime="python3", code="pass\n")
            raise RuntimeError("crash in the middle")
    with db.read() as s:
        assert repo.list_actions(s) == []
    db.close()


def test_foreign_keys_cascade_versions_and_flow_bindings(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "w.sqlite")
    action_id = _add(db, "a")
    with db.write() as s:
        repo.insert_version(s, action_id, code="x", dependencies=[], secret_names=[],
                            runtime="python3", note=None)
        repo.set_flow(s, "post-login", [action_id])
    with db.write() as s:
        repo.delete_action(s, action_id)
    with db.read() as s:
        conn = s.connection()
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM version").scalar() == 0
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM draft").scalar() == 0
        assert repo.list_flows(s) == {}
    db.close()


def test_version_numbers_are_never_reused(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "w.sqlite")
    action_id = _add(db, "a")
    with db.write() as s:
        numbers = [repo.insert_version(s, action_id, code=str(i), dependencies=[], secret_names=[],
                                       runtime="python3", note=None).number for i in range(3)]
    assert numbers == [1, 2, 3]
    with db.write() as s, pytest.raises(ValueError, match="already given"):
        repo.insert_version(s, action_id, code="x", dependencies=[], secret_names=[],
                            runtime="python3", note=None, number=2)
    db.close()


def test_test_runs_keep_the_newest_per_fixture(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "w.sqlite")
    with db.write() as s:
        fixture = repo.save_fixture(s, name="f", trigger_id="post-login", action_name=None,
                                    event={}, secret_names=[], expect=None)
        ids = [repo.insert_run(s, fixture_id=fixture.id, action_id=None, target="flow",
                               version_number=None, status="success", passed=None, mismatch=None,
                               result={"n": i}, keep=5).id for i in range(8)]
    with db.read() as s:
        kept = repo.list_runs(s, fixture.id)
    assert [r.result["n"] for r in kept] == [7, 6, 5, 4, 3]
    assert {r.id for r in kept} == set(ids[3:])
    db.close()


def test_a_file_that_is_not_sqlite_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is a text file, not a database" * 100)
    with pytest.raises(WorkspaceCorruptError, match="not a"):
        Database.open(path)


def test_a_foreign_sqlite_file_is_not_taken_for_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER)")
    conn.close()
    with pytest.raises(WorkspaceCorruptError, match="not an Actions Studio workspace"):
        Database.open(path)


def test_a_workspace_from_a_newer_studio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    Database.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (migrations.LATEST + 1,))
    conn.close()
    with pytest.raises(SchemaTooNewError, match="newer than this studio"):
        Database.open(path)


def test_a_writer_that_cannot_get_the_lock_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    Database.open(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    impatient = Database(path, busy_timeout_ms=200)
    try:
        with pytest.raises(WorkspaceBusyError, match="busy"):
            with impatient.write() as s:
                repo.set_setting(s, "k", "v")
        with impatient.read() as s:  # WAL: readers are never blocked by the writer
            assert repo.get_setting(s, "k") is None
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        impatient.close()

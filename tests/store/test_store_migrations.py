"""Schema migrations: a first-schema workspace opens under the latest schema with its data."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlmodel import SQLModel

import actions_studio.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from actions_studio.store import Database, migrations
from actions_studio.store import repository as repo

V1 = Path(__file__).parent / "data" / "workspace_v1.sqlite"


def _columns(path: Path) -> dict[str, set[str]]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        result = {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in tables}
    conn.close()
    return result


def test_the_fixture_really_is_schema_1() -> None:
    with sqlite3.connect(V1) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    conn.close()
    assert migrations.LATEST > 1, "keep at least one step after the fixture's schema"


def test_a_first_schema_workspace_migrates_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(V1, path)
    db = Database.open(path)
    try:
        assert db.schema_version() == migrations.LATEST
        with db.read() as s:
            action = repo.find_action(s, "add-version-claim")
            assert action is not None and action.deployed_number == 2
            assert [v.number for v in repo.list_versions(s, action.id)] == [2, 1]
            assert "{n}" not in repo.get_draft(s, action.id).code
            assert repo.get_draft(s, action.id).secret_names == ("API_KEY",)
            assert [a.name for a in repo.get_flow(s, "post-login")] == ["add-version-claim"]
            assert repo.find_fixture(s, "logs-in").expect == {"status": "success"}
            assert [t.name for t in repo.list_tenants(s)] == ["local"]
            assert repo.get_setting(s, "test_runs_kept_per_fixture") == "50"  # added by step 2
        with db.write() as s:  # and it is writable: the next number follows the old history
            version = repo.insert_version(s, action.id, code="x", dependencies=[],
                                          secret_names=[], runtime="python3", note=None)
        assert version.number == 3
    finally:
        db.close()
    assert _columns(path) == _columns(_fresh(tmp_path))


def _fresh(tmp_path: Path) -> Path:
    path = tmp_path / "fresh.sqlite"
    Database.open(path).close()
    return path


def test_the_models_match_the_migrated_schema(tmp_path: Path) -> None:
    # tables.py is the ORM's view; the migrations are the truth. They must not drift apart.
    on_disk = _columns(_fresh(tmp_path))
    in_models = {t.name: {c.name for c in t.columns} for t in SQLModel.metadata.sorted_tables}
    for name, columns in in_models.items():
        assert on_disk.get(name) == columns, name


def test_a_crash_during_migration_leaves_the_old_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(V1, path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")

    def failing(sql: str) -> None:
        conn.execute(sql)
        if sql.startswith("ALTER TABLE"):
            raise RuntimeError("killed mid-migration")

    try:
        migrations.apply(failing, 1)
    except RuntimeError:
        conn.execute("ROLLBACK")
    conn.close()
    assert "workspace_setting" not in _columns(path)
    db = Database.open(path)  # and the next open finishes the job
    assert db.schema_version() == migrations.LATEST
    db.close()

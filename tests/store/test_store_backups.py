"""A workspace file that is empty or damaged is refused with its backups named, never re-created;
rolling backups (before a migration, the first open of a day) and restoring one (issue 13, item 12).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from actions_studio.store import Database, backups
from actions_studio.store import repository as repo
from actions_studio.store.errors import (
    BackupNotFoundError,
    WorkspaceCorruptError,
    WorkspaceEmptyError,
)

V1 = Path(__file__).parent / "data" / "workspace_v1.sqlite"


def _add(db: Database, name: str) -> None:
    with db.write() as s:
        repo.insert_action(s, name=name, trigger_id="post-login", trigger_version="v3",
                           runtime="python3", code=f"# {name}\n")


def _names(path: Path) -> list[str]:
    db = Database.open(path, backup=False)
    try:
        with db.read() as s:
            return sorted(a.name for a in repo.list_actions(s))
    finally:
        db.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _workspace_with_a_backup(tmp_path: Path) -> Path:
    """A workspace with one action, opened twice: the second open took today's backup."""
    path = tmp_path / "w.sqlite"
    db = Database.open(path)
    _add(db, "kept")
    db.close()
    Database.open(path).close()
    assert [b.kind for b in backups.list_backups(path)] == ["daily"]
    return path


# -- creating ------------------------------------------------------------------------------------


def test_a_new_workspace_and_its_wal_are_private_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    db = Database.open(path)
    try:
        _add(db, "a")
        assert _mode(path) == 0o600
        assert _mode(Path(f"{path}-wal")) == 0o600 and _mode(Path(f"{path}-shm")) == 0o600
    finally:
        db.close()
    # Built aside and linked in complete: no temp file, and no backup of a workspace just made.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.sqlite"]
    assert path.read_bytes().startswith(backups.SQLITE_HEADER)


def test_an_existing_workspace_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    Database.open(path).close()
    os.chmod(path, 0o644)
    Database.open(path).close()
    assert _mode(path) == 0o600


# -- refusing ------------------------------------------------------------------------------------


def test_a_truncated_workspace_is_refused_with_its_backups_and_left_as_it_is(tmp_path: Path) -> None:
    path = _workspace_with_a_backup(tmp_path)
    newest = backups.list_backups(path)[0]
    path.write_bytes(b"")
    with pytest.raises(WorkspaceEmptyError) as caught:
        Database.open(path)
    message = str(caught.value)
    assert "is empty (0 bytes)" in message and "not opened as a new workspace" in message
    assert newest.name in message and "actions-studio workspace restore 1" in message
    assert "\n" not in message
    assert caught.value.backups == (newest,)
    assert path.stat().st_size == 0  # not turned into a new workspace
    assert isinstance(caught.value, WorkspaceCorruptError)  # callers handling damage handle this


def test_a_truncated_workspace_without_backups_says_there_are_none(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    path.write_bytes(b"")
    with pytest.raises(WorkspaceEmptyError, match="no backup of it exists in .*backups"):
        Database.open(path)
    assert path.stat().st_size == 0


def test_a_file_that_is_not_sqlite_names_the_backups_too(tmp_path: Path) -> None:
    path = _workspace_with_a_backup(tmp_path)
    path.write_bytes(b"overwritten by an editor\n" * 200)
    with pytest.raises(WorkspaceCorruptError, match="not a readable workspace file .*workspace restore 1"):
        Database.open(path)


def _damage(path: Path) -> None:
    """Overwrites the pages after the schema with noise, as a failing disk would."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        for offset in range(page_size * 2, size, page_size):
            handle.seek(offset + 8)
            handle.write(b"\xa5" * (page_size - 16))


def test_a_damaged_workspace_is_refused_at_the_first_open_of_the_day(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    db = Database.open(path)
    for i in range(40):
        _add(db, f"action {i}")
    db.close()
    _damage(path)
    before = path.read_bytes()
    # Refused by the day's check or by the first read that meets the damage, whichever comes first.
    with pytest.raises(WorkspaceCorruptError,
                       match=r"(cannot be read safely: SQLite finds it damaged|malformed).*nothing was changed"):
        Database.open(path)
    assert backups.list_backups(path) == []  # the damaged copy did not become a backup
    assert path.read_bytes() == before


def test_damage_met_after_the_days_backup_is_the_same_clear_error(tmp_path: Path) -> None:
    path = _workspace_with_a_backup(tmp_path)
    db = Database.open(path)
    for i in range(40):
        _add(db, f"action {i}")
    db.close()
    _damage(path)

    def read_everything() -> None:  # today's backup exists: no day's check, the reads meet it
        db = Database.open(path)
        try:
            with db.read() as s:
                repo.list_actions(s)
        finally:
            db.close()

    with pytest.raises(WorkspaceCorruptError, match="not a readable workspace file .*restore 1"):
        read_everything()


# -- taking --------------------------------------------------------------------------------------


def test_a_migration_is_preceded_by_a_backup_of_the_old_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(V1, path)
    Database.open(path).close()
    kinds = {b.kind: b for b in backups.list_backups(path)}
    assert set(kinds) == {"migration", "daily"}
    with sqlite3.connect(kinds["migration"].path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
    conn.close()
    assert _mode(kinds["migration"].path) == 0o600
    assert _mode(backups.backup_dir(path)) == 0o700
    assert backups.problem(kinds["daily"].path) is None  # taken after the upgrade: schema LATEST
    Database.open(path).close()
    assert len(backups.list_backups(path)) == 2  # one a day, one per migration


def test_backups_roll_within_their_bounds_and_skip_other_workspaces(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    Database.open(path).close()
    Database.open(tmp_path / "w-2.sqlite").close()
    start = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
    with sqlite3.connect(path) as source:
        for day in range(backups.DAILY_KEPT + 3):
            backups.take(source, path, backups.DAILY, now=start + timedelta(days=day))
        for n in range(backups.MIGRATION_KEPT + 2):
            backups.take(source, path, backups.MIGRATION, now=start + timedelta(minutes=n))
        backups.take(source, tmp_path / "w-2.sqlite", backups.DAILY, now=start)
    source.close()
    listed = backups.list_backups(path)
    daily = [b for b in listed if b.kind == "daily"]
    assert len(daily) == backups.DAILY_KEPT
    assert daily[0].taken_at == start + timedelta(days=backups.DAILY_KEPT + 2)  # newest first
    assert len([b for b in listed if b.kind == "migration"]) == backups.MIGRATION_KEPT
    assert all(b.name.startswith("w-2026") for b in listed)
    assert backups.daily_due(path, now=start + timedelta(days=30))
    assert not backups.daily_due(path, now=daily[0].taken_at)


# -- restoring -----------------------------------------------------------------------------------


def test_restoring_over_a_truncated_workspace_keeps_the_empty_file_aside(tmp_path: Path) -> None:
    path = _workspace_with_a_backup(tmp_path)
    Path(f"{path}-wal").write_bytes(b"")  # a stale, empty -wal beside the truncated file
    path.write_bytes(b"")
    restored, aside = backups.restore(path, "1")
    assert restored.kind == "daily" and aside is not None and aside.kind == "replaced"
    assert aside.path.stat().st_size == 0
    assert _names(path) == ["kept"]
    assert _mode(path) == 0o600
    assert restored.path.exists()  # a restore copies; the backup stays for another time


def test_restoring_a_sound_workspace_by_name_keeps_the_current_one_restorable(tmp_path: Path) -> None:
    path = _workspace_with_a_backup(tmp_path)
    db = Database.open(path)
    _add(db, "added after the backup")
    db.close()
    daily = backups.list_backups(path)[0]
    watcher = Database.open(path)  # a studio that has the workspace open
    try:
        restored, aside = backups.restore(path, daily.name)
        assert restored == daily and aside is not None
        with watcher.read() as s:  # it sees the restored content, not a torn file
            assert [a.name for a in repo.list_actions(s)] == ["kept"]
    finally:
        watcher.close()
    assert _names(aside.path) == ["added after the backup", "kept"]
    # ... and what was set aside can itself be restored.
    backups.restore(path, aside.name)
    assert _names(path) == ["added after the backup", "kept"]


def test_a_bad_choice_or_a_damaged_backup_restores_nothing(tmp_path: Path) -> None:
    path = _workspace_with_a_backup(tmp_path)
    with pytest.raises(BackupNotFoundError, match="no backup '7'.*backups: 1-1"):
        backups.restore(path, "7")
    with pytest.raises(BackupNotFoundError):
        backups.restore(path, "w-20990101-000000-daily.sqlite")
    only = backups.list_backups(path)[0]
    only.path.write_bytes(b"")
    with pytest.raises(WorkspaceCorruptError, match="cannot be restored: it is empty"):
        backups.restore(path, "1")
    assert _names(path) == ["kept"]
    assert [b.kind for b in backups.list_backups(path)] == ["daily"]  # nothing set aside either


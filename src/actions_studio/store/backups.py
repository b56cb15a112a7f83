"""Rolling backups of a workspace file, and restoring one (issue 13, item 12).

Backups are taken with SQLite's online backup API (`sqlite3.Connection.backup`): a consistent
copy of a live WAL database, committed transactions only, with what still sits in `-wal` folded
in — a plain file copy of `workspace.sqlite` alone would miss that, and could tear while another
process writes. They live in `backups/` next to the workspace file, one self-contained file each
(switched to the rollback journal, so reading one leaves no -wal/-shm beside it), mode 0600:

    <folder of the workspace>/backups/<stem>-<YYYYMMDD-HHMMSS>-<kind>.sqlite   (UTC time)

Kinds: `daily` (the first open of each day, DAILY_KEPT kept), `migration` (before a schema upgrade,
MIGRATION_KEPT kept) and `replaced` (what a restore set aside first; never pruned, because a
restore must never lose the file it replaced).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from actions_studio.store.errors import BackupNotFoundError, WorkspaceCorruptError

BACKUP_DIR = "backups"
DAILY, MIGRATION, REPLACED = "daily", "migration", "replaced"
DAILY_KEPT = 7
MIGRATION_KEPT = 5
KEPT = {DAILY: DAILY_KEPT, MIGRATION: MIGRATION_KEPT}  # REPLACED: never pruned
SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_COMMAND = "actions-studio workspace restore"

_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<kind>daily|migration|replaced)"
                   r"(?:-(?P<n>\d+))?\.sqlite$")


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str
    taken_at: datetime  # UTC, from the file name
    size: int
    serial: int = 1     # more than one backup of a kind in the same second

    @property
    def name(self) -> str:
        return self.path.name

    def describe(self) -> str:
        return f"{self.name} ({self.taken_at.astimezone():%Y-%m-%d %H:%M}, {human_size(self.size)})"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def backup_dir(workspace: Path) -> Path:
    return Path(workspace).parent / BACKUP_DIR


def list_backups(workspace: Path) -> list[Backup]:
    """The backups of this workspace file, newest first."""
    folder = backup_dir(workspace)
    stem = Path(workspace).stem
    found: list[Backup] = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        match = _NAME.match(entry.name)
        if match is None or match["stem"] != stem or not entry.is_file():
            continue
        found.append(_record(Path(entry.path)))
    return sorted(found, key=lambda b: (b.taken_at, b.serial), reverse=True)


def advice(workspace: Path) -> tuple[str, tuple[Backup, ...]]:
    """What to say after "the workspace cannot be opened": the backups and the command."""
    items = tuple(list_backups(workspace))
    folder = backup_dir(workspace)
    if not items:
        return (f"no backup of it exists in {folder}; move the file away to start a new "
                "workspace, or restore it from your own copy", ())
    return (f"{len(items)} backup(s) in {folder}, the newest {items[0].describe()}; "
            f"`{RESTORE_COMMAND}` lists them and `{RESTORE_COMMAND} 1` restores the newest "
            "(the current file is kept aside first)", items)


# -- taking backups ------------------------------------------------------------------------------


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _claim_name(folder: Path, stem: str, stamp: str, kind: str, tmp: Path) -> Path:
    """Links `tmp` under the first free name: two processes backing up at once keep both."""
    for serial in range(1, 1000):
        suffix = "" if serial == 1 else f"-{serial}"
        final = folder / f"{stem}-{stamp}-{kind}{suffix}.sqlite"
        try:
            os.link(tmp, final)
            return final
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: rename, checking first
            if final.exists():
                continue
            os.replace(tmp, final)
            return final
    raise OSError(f"no free backup name in {folder}")


def take(source: sqlite3.Connection, workspace: Path, kind: str,
         *, now: Optional[datetime] = None) -> Backup:
    """Copies the database behind `source` into a new backup of `workspace`, then prunes."""
    workspace = Path(workspace)
    folder = backup_dir(workspace)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    when = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    tmp = folder / f".{workspace.stem}-{uuid.uuid4().hex}.tmp"
    _private_file(tmp)
    try:
        with closing(sqlite3.connect(tmp, isolation_level=None)) as target:
            source.backup(target)
            # A backup is one file: out of WAL mode, so opening it leaves nothing beside it.
            target.execute("PRAGMA journal_mode = DELETE")
        final = _claim_name(folder, workspace.stem, when.strftime(_STAMP), kind, tmp)
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    prune(workspace)
    return _record(final)


def _record(path: Path) -> Backup:
    match = _NAME.match(path.name)
    assert match is not None, path
    taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=timezone.utc)
    return Backup(path, match["kind"], taken, path.stat().st_size, int(match["n"] or 1))


def take_from_file(workspace: Path, kind: str, *, now: Optional[datetime] = None) -> Backup:
    with closing(sqlite3.connect(workspace, isolation_level=None)) as source:
        return take(source, workspace, kind, now=now)


def prune(workspace: Path) -> None:
    """Keeps the newest KEPT[kind] backups of each rolling kind."""
    counts: dict[str, int] = {}
    for backup in list_backups(workspace):
        keep = KEPT.get(backup.kind)
        if keep is None:
            continue
        counts[backup.kind] = counts.get(backup.kind, 0) + 1
        if counts[backup.kind] > keep:
            backup.path.unlink(missing_ok=True)


def daily_due(workspace: Path, *, now: Optional[datetime] = None) -> bool:
    today = (now or datetime.now(timezone.utc)).astimezone().date()
    return not any(b.kind == DAILY and b.taken_at.astimezone().date() == today
                   for b in list_backups(workspace))


# -- checking and restoring ----------------------------------------------------------------------


def problem(path: Path) -> Optional[str]:
    """Why `path` is not a sound workspace file, or None. Reads it without changing it."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return exc.strerror or str(exc)
    if not head:
        return "it is empty (0 bytes)"
    if head != SQLITE_HEADER:
        return "it is not an SQLite file"
    try:
        # Read-write but only reading: a read-only connection to a WAL file leaves -wal/-shm behind.
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()
            if verdict is None or verdict[0] != "ok":
                return f"SQLite finds it damaged ({verdict[0] if verdict else 'no answer'})"
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                            "name='schema_version'").fetchone() is None:
                return "it is not an Actions Studio workspace"
    except sqlite3.Error as exc:
        return f"SQLite cannot read it ({exc})"
    return None


def find(workspace: Path, which: str) -> Backup:
    """A backup by its 1-based index in `list_backups` (1 = newest) or by its file name."""
    items = list_backups(workspace)
    text = which.strip()
    if text.isdigit():
        index = int(text)
        if 1 <= index <= len(items):
            return items[index - 1]
    else:
        for backup in items:
            if backup.name == Path(text).name:
                return backup
    listed = f"1-{len(items)} or a name from `{RESTORE_COMMAND}`" if items else "none exist"
    raise BackupNotFoundError(f"no backup {which!r} of {workspace} in {backup_dir(workspace)} "
                              f"(backups: {listed})")


def set_aside(workspace: Path) -> Optional[Backup]:
    """Keeps the current file as a `replaced` backup, whatever its state; None if there is none."""
    workspace = Path(workspace)
    if not workspace.exists():
        return None
    if problem(workspace) is None:
        return take_from_file(workspace, REPLACED)
    # Damaged or empty: the bytes as they are (and its -wal, which SQLite reads beside it).
    folder = backup_dir(workspace)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = folder / f".{workspace.stem}-{uuid.uuid4().hex}.tmp"
    _private_file(tmp)
    try:
        shutil.copyfile(workspace, tmp)
        stamp = datetime.now(timezone.utc).strftime(_STAMP)
        final = _claim_name(folder, workspace.stem, stamp, REPLACED, tmp)
    finally:
        tmp.unlink(missing_ok=True)
    wal = Path(f"{workspace}-wal")
    if wal.exists() and wal.stat().st_size:
        _private_file(Path(f"{final}-wal"))
        shutil.copyfile(wal, f"{final}-wal")
    return _record(final)


def restore(workspace: Path, which: str) -> tuple[Backup, Optional[Backup]]:
    """Puts backup `which` in place of the workspace; returns (restored, kept aside).

    The current file is kept aside first. A sound current file is overwritten through the
    backup API (a studio that has it open sees the restored content, never a torn file); a
    damaged or empty one is replaced by rename, after its stale -wal/-shm are removed — a stale
    WAL left beside a new file would be replayed into it.
    """
    workspace = Path(workspace)
    backup = find(workspace, which)
    why = problem(backup.path)
    if why is not None:
        raise WorkspaceCorruptError(f"backup {backup.name} cannot be restored: {why}")
    sound = workspace.exists() and problem(workspace) is None
    aside = set_aside(workspace)
    with closing(sqlite3.connect(f"{backup.path.resolve().as_uri()}?mode=ro", uri=True)) as source:
        if sound:
            with closing(sqlite3.connect(workspace, isolation_level=None)) as target:
                source.backup(target)
        else:
            workspace.parent.mkdir(parents=True, exist_ok=True)
            tmp = workspace.with_name(f".{workspace.name}.{uuid.uuid4().hex}.restore")
            _private_file(tmp)
            try:
                with closing(sqlite3.connect(tmp, isolation_level=None)) as target:
                    source.backup(target)
                for stale in (Path(f"{workspace}-wal"), Path(f"{workspace}-shm")):
                    stale.unlink(missing_ok=True)
                os.replace(tmp, workspace)
            finally:
                tmp.unlink(missing_ok=True)
                Path(f"{tmp}-journal").unlink(missing_ok=True)
    return backup, aside

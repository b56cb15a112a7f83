"""Opening a workspace file: the SQLite engine, its pragmas, transactions and schema upgrades.

Why the odd lines:
- pysqlite's own transaction handling issues BEGIN lazily, after a SELECT may already have taken a
  read snapshot, so a read-then-write can fail with SQLITE_BUSY that busy_timeout cannot retry.
  Autocommit is turned off at the driver and we emit BEGIN ourselves: BEGIN IMMEDIATE for writes
  (takes the write lock up front, so a second writer waits on busy_timeout instead of failing
  half-way), plain BEGIN for reads (WAL readers never block).
- WAL + synchronous=NORMAL is durable against a killed process (only power loss may drop the last
  commits), which is what the reliability tests check.
- A new workspace is built in a private temp file and linked into place complete (issue 13,
  item 12): the path never holds a zero-length file of ours, so one found there was truncated or
  replaced by something else, and is refused with the backups to restore rather than silently
  taken for a new, empty workspace. The file is 0600; SQLite gives -wal/-shm the file's mode.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

from actions_studio.store import backups, migrations
from actions_studio.store.errors import (
    SchemaTooNewError,
    StoreError,
    WorkspaceBusyError,
    WorkspaceCorruptError,
    WorkspaceEmptyError,
)

BUSY_TIMEOUT_MS = 10_000


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_id() -> str:
    return str(uuid.uuid4())


# Pooled engines, so a forked child can drop (never use, never close) its parent's connections.
_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def _forget_pools_in_child() -> None:
    for engine in list(_ENGINES):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools_in_child)


def _make_engine(path: Path, busy_timeout_ms: int) -> Engine:
    # A small pool, not one connection per transaction: closing the last connection of a WAL
    # database checkpoints and fsyncs, which made every save cost ~3-20 ms (bench_store.py).
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=8,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )
    _ENGINES.add(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (module docstring)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _translate(exc: DatabaseError, path: Path) -> StoreError:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in text or "busy" in text:
        return WorkspaceBusyError(
            f"workspace {path} is busy: another process kept it locked for "
            f"{BUSY_TIMEOUT_MS // 1000} s; try again"
        )
    if "not a database" in text or "malformed" in text:
        return damaged(path, f"is not a readable workspace file ({text})")
    return StoreError(f"workspace {path}: {text}")


def damaged(path: Path, what: str) -> WorkspaceCorruptError:
    """The one message for a workspace that cannot be opened: what happened, then the backups."""
    hint, found = backups.advice(path)
    return WorkspaceCorruptError(f"workspace {path} {what}; nothing was changed; {hint}", found)


def _check_file(path: Path) -> None:
    """Refuses, before SQLite sees it, a file that cannot be a workspace (empty, not SQLite)."""
    with open(path, "rb") as handle:
        head = handle.read(len(backups.SQLITE_HEADER))
    if not head:
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size:
            return  # a first transaction still in the WAL: SQLite reads it from there
        hint, found = backups.advice(path)
        raise WorkspaceEmptyError(
            f"workspace {path} is empty (0 bytes): it was truncated or replaced outside Actions "
            f"Studio, so it was not opened as a new workspace; {hint}", found)
    if head != backups.SQLITE_HEADER:
        raise damaged(path, "is not a readable workspace file (not an SQLite file)")


def _make_private(path: Path) -> None:
    """0600 for the workspace and its -wal/-shm: action code and tenant profiles are the user's."""
    if os.name != "posix":
        return
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if candidate.stat().st_mode & 0o077:
                os.chmod(candidate, 0o600)
        except (FileNotFoundError, PermissionError):
            pass  # gone meanwhile, or not ours to change: SQLite's open says what matters


def _create(path: Path) -> bool:
    """Builds a new workspace beside `path` and links it into place; False if another process
    created one first (theirs is complete too, and is the one opened)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        db = Database(tmp)
        try:
            db._prepare(upgrade=True, backup=False)
        finally:
            db.close()  # the last connection: SQLite checkpoints and removes tmp-wal
        try:
            os.link(tmp, path)
            return True
        except FileExistsError:
            return False
        except OSError:  # no hard links on this file system: rename, checking first
            if path.exists():
                return False
            os.replace(tmp, path)
            return True
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


class Database:
    """One workspace file. Thread-safe: every transaction checks out its own pooled connection."""

    def __init__(self, path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self._engine = _make_engine(self.path, busy_timeout_ms)
        # One-line things the user should hear that did not stop the open (a backup that failed).
        self.notices: list[str] = []

    @classmethod
    def open(cls, path: Path, *, create: bool = True, upgrade: bool = True,
             backup: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> "Database":
        """Opens the workspace at `path`, creating it when absent (and `create`).

        `backup`: take the rolling backups (before a migration; the first open of a day).
        """
        path = Path(path)
        created = False
        if not path.exists():
            if not create:
                raise StoreError(f"no workspace at {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
            created = _create(path)
        if not created:
            _check_file(path)
            _make_private(path)
        db = cls(path, busy_timeout_ms=busy_timeout_ms)
        try:
            db._prepare(upgrade=upgrade, backup=backup)
            if backup and not created:
                db._daily_backup()
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._engine.dispose()

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: everything inside commits together or not at all."""
        with self._transaction("IMMEDIATE") as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._transaction("DEFERRED") as session:
            yield session

    @contextmanager
    def _transaction(self, mode: str) -> Iterator[Session]:
        try:
            with self._engine.connect() as raw:
                conn = raw.execution_options(sqlite_begin=mode)
                with conn.begin():
                    # expire_on_commit=False: rows are converted to records before commit anyway,
                    # and nothing should lazily reload after the connection is gone.
                    with Session(bind=conn, expire_on_commit=False, autoflush=True) as session:
                        yield session
                        session.flush()
        except OperationalError as exc:
            raise _translate(exc, self.path) from None
        except DatabaseError as exc:
            # "file is not a database" surfaces as a plain DatabaseError from the connect pragmas;
            # other DatabaseErrors (integrity) are bugs of ours and propagate as they are.
            translated = _translate(exc, self.path)
            if isinstance(translated, WorkspaceCorruptError):
                raise translated from None
            raise

    # -- schema --------------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.read() as session:
            return _current_version(session.connection())

    def _prepare(self, *, upgrade: bool, backup: bool = True) -> None:
        if upgrade and backup:
            self._migration_backup()
        with self.write() as session:
            conn = session.connection()
            current = _current_version(conn)
            if current > migrations.LATEST:
                raise SchemaTooNewError(
                    f"workspace {self.path} has schema {current}, newer than this studio "
                    f"understands ({migrations.LATEST}); update Actions Studio"
                )
            if current < migrations.LATEST and upgrade:
                migrations.apply(conn.exec_driver_sql, current)
            if current == 0:
                conn.exec_driver_sql(
                    "INSERT INTO workspace_info (id, created_at) VALUES (?, ?)", (new_id(), now_iso())
                )

    def _migration_backup(self) -> None:
        """A copy of the old schema before an upgrade touches it; a failed copy stops the upgrade.

        Taken from a connection of its own before the write transaction: SQLite's backup cannot
        read through a connection that holds the write lock (it answers SQLITE_LOCKED, forever).
        """
        with self.read() as session:
            current = _current_version(session.connection())
        if not 0 < current < migrations.LATEST:
            return
        try:
            backups.take_from_file(self.path, backups.MIGRATION)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"workspace {self.path} needs an upgrade to schema {migrations.LATEST}, and the "
                f"backup taken first failed ({exc}); nothing was changed") from None

    def _daily_backup(self) -> None:
        """The first open of a day keeps a copy (backups.DAILY_KEPT days are kept).

        The copy is checked with `quick_check` (cheaper on the copy than on the live file, and
        once a day): a damaged workspace is refused here, before its damage reaches the backups.
        """
        try:
            if not backups.daily_due(self.path):
                return
            taken = backups.take_from_file(self.path, backups.DAILY)
        except (OSError, sqlite3.Error) as exc:
            self.notices.append(f"the daily backup of {self.path} failed ({exc}); "
                                "the workspace opened normally")
            return
        why = backups.problem(taken.path)
        if why is not None:
            taken.path.unlink(missing_ok=True)
            raise damaged(self.path, f"cannot be read safely: {why}")


def _current_version(conn: Connection) -> int:
    has_table = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).first()
    if not has_table:
        names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").all()
        if names:
            raise WorkspaceCorruptError(
                "this SQLite file is not an Actions Studio workspace (no schema_version table)"
            )
        return 0
    row = conn.exec_driver_sql("SELECT MAX(version) FROM schema_version").first()
    return int(row[0]) if row and row[0] is not None else 0

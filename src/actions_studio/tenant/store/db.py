"""Engine, transactions and time/id helpers of the tenant store.

SQLite (the default, one file in the data dir) or any SQLAlchemy URL (PostgreSQL:
`postgresql+psycopg://user:pass@host/db`). The server process is threaded (FastAPI runs plain `def`
endpoints in a thread pool), so on SQLite writes are serialised by an in-process lock: two
deferred transactions that both upgrade to a write would otherwise fail with "database is locked"
instead of waiting. PostgreSQL does its own locking.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .schema import metadata


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4()}"


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / 'tenant.sqlite'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 (SQLAlchemy event signature)
    cur = dbapi_conn.cursor()
    # WAL: readers never wait for the writer; NORMAL is durable against a killed process.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine: Engine = sa.create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 10},
                pool_size=16, max_overflow=48,
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(url, pool_size=16, max_overflow=32, pool_pre_ping=True)
        self._write_lock = threading.Lock() if self.is_sqlite else None
        metadata.create_all(self.engine)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that may write; committed on success, rolled back on any exception."""
        if self._write_lock is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

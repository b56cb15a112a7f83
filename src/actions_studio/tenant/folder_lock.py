"""One data folder, one server: an exclusive `flock` on `DATA/server.lock`, held for the server's life.

Two servers on one folder would share one store and take turns rewriting `credentials.json`, so
the file would name whichever started last, even after it stopped (issue 12, item 8). The lock
is taken before `credentials.json` is touched; the second server is refused with the first one's
URL, read from the lock file. The kernel drops a `flock` when its holder dies, so a crashed server
never leaves the folder locked.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Optional

LOCK_NAME = "server.lock"


class DataFolderBusy(RuntimeError):
    """Another server holds the folder; the message names it."""


class DataFolderLock:
    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: Optional[int] = fd

    @classmethod
    def acquire(cls, data_dir: Path, base_url: str) -> "DataFolderLock":
        data_dir = Path(data_dir)
        # The folder holds the store and the secrets: only the owner may read it.
        data_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
        path = data_dir / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise DataFolderBusy(
                f"{data_dir} is already served by {holder}: use that server, stop it first, or give "
                "another --data folder") from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "base_url": base_url}).encode(), 0)
        return cls(path, fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the flock


def held_by_a_server(data_dir: Path) -> bool:
    """Whether a running server holds the folder (a probe: takes and drops a shared lock)."""
    try:
        fd = os.open(Path(data_dir) / LOCK_NAME, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _holder(fd: int) -> str:
    """`the tenant at URL (pid N)` from the lock file; the holder writes it right after locking."""
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"the tenant at {info['base_url']} (pid {int(info['pid'])})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another tenant server that is still starting"

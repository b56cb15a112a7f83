"""The "Local tenant": the bundled tenant server as a child process of the studio or the CLI.

Started on demand on a free loopback port with its data in a folder that outlives the process
(the tenant's actions, versions and flows persist, so the sync bases stay valid), it writes
`credentials.json` (`base_url`, `management.client_id/client_secret/audience`) which is read back
here. It is stopped when the holder exits — including at interpreter exit, so a crashed test or
a closed window never leaves a server behind.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

from actions_studio.sync.client import Connection
from actions_studio.sync.errors import LocalTenantError
from actions_studio.tenant.folder_lock import held_by_a_server
from actions_studio.tenant.serve_options import DATABASE_URL_ENV

START_TIMEOUT_S = 30.0


def free_port() -> int:
    # Bound and released: the tenant binds it a moment later. A lost race shows up as a
    # start failure with the tenant's own message, not a hang.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(port: int, data_dir: Path) -> list[str]:
    args = ["tenant", "serve", "--port", str(port), "--data", str(data_dir)]
    if getattr(sys, "frozen", False):  # the packaged studio is its own CLI
        return [sys.executable, *args]
    return [sys.executable, "-m", "actions_studio", *args]


def _tenant_env() -> dict[str, str]:
    # The Local tenant is its folder's SQLite store, whatever database a team server run from the
    # same shell is told to use.
    env = {k: v for k, v in os.environ.items() if k != DATABASE_URL_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    return env


class LocalTenant:
    def __init__(self, data_dir: Path, *, port: Optional[int] = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self._log = self.data_dir / "tenant-process.log"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> Connection:
        if self.running:
            return self.connection()
        borrowed = self._already_serving()
        if borrowed is not None:
            return borrowed
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = self.port or free_port()
        self.port = port
        creds = self.data_dir / "credentials.json"
        before = creds.stat().st_mtime_ns if creds.exists() else None
        log = open(self._log, "ab")
        try:
            self.proc = subprocess.Popen(_command(port, self.data_dir), stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         env=_tenant_env())
        finally:
            log.close()
        atexit.register(self.stop)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if held_by_a_server(self.data_dir):
                    # Lost a start race: the server holding the folder's lock is borrowed once it answers.
                    self.proc = None
                    return self._borrow_before(deadline)
                raise LocalTenantError(f"the local tenant exited at start (code {self.proc.returncode}); "
                                       f"see {self._log}: {self._tail()}")
            fresh = creds.exists() and creds.stat().st_mtime_ns != before
            if fresh and self._answers(port):
                try:
                    conn = self.connection()
                except (OSError, ValueError, KeyError):
                    conn = None  # written but not yet complete
                if conn is not None and conn.base_url.endswith(f":{port}"):
                    return conn
            time.sleep(0.05)
        self.stop()
        raise LocalTenantError(f"the local tenant did not start within {START_TIMEOUT_S:.0f} s; see {self._log}")

    def _already_serving(self) -> Optional[Connection]:
        """A tenant another process started on this data dir (the studio while the CLI runs, or
        `tenant serve` in a terminal): use it rather than start a second server on one store.
        It is not ours to stop. A stale credentials.json whose port now belongs to someone else
        fails the token check and is ignored."""
        try:
            conn = self.connection()
        except (OSError, ValueError, KeyError):
            return None
        port = urlparse(conn.base_url).port
        if port is None or not self._answers(port):
            return None
        from actions_studio.sync.token import ClientCredentials

        try:
            ClientCredentials(conn.base_url, conn.client_id, conn.client_secret, conn.audience,
                              timeout_s=2.0)()
        except Exception:  # noqa: BLE001 - anything but a token means "not our tenant"
            return None
        return conn

    def _borrow_before(self, deadline: float) -> Connection:
        while time.monotonic() < deadline:
            borrowed = self._already_serving()
            if borrowed is not None:
                return borrowed
            time.sleep(0.1)
        raise LocalTenantError(f"another server holds {self.data_dir} but did not answer within "
                               f"{START_TIMEOUT_S:.0f} s; see {self._log}: {self._tail()}")

    def _tail(self) -> str:
        try:
            return self._log.read_text(errors="replace").strip().splitlines()[-1][:300]
        except (OSError, IndexError):
            return ""

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    def connection(self) -> Connection:
        doc = json.loads((self.data_dir / "credentials.json").read_text())
        m = doc["management"]
        return Connection(base_url=doc["base_url"], client_id=m["client_id"],
                          client_secret=m["client_secret"], audience=m.get("audience"))

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        try:
            atexit.unregister(self.stop)
        except Exception:  # noqa: BLE001 - unregistering is best effort
            pass

    def __enter__(self) -> "LocalTenant":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

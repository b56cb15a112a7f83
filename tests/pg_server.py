"""A throwaway PostgreSQL server for the suite (issue 18): a cluster made by `initdb` in a temp
folder, listening on a Unix socket only, started once per test session and removed after it.

Debian's `postgresql` package provides the binaries (`packaging/system-deps.sh PYTHON test`
installs it as root); `initdb` refuses to run as root, so as root the cluster belongs to the
`postgres` user the package creates (or `nobody`). A developer with a server of their own sets
`ACTIONS_STUDIO_TEST_POSTGRES_URL` (a SQLAlchemy URL of a role that may create databases) instead.

Durability is off (fsync, synchronous_commit): the data is thrown away, and the suite runs the
tenant's tests on it; bench/bench_tenant.py makes its own cluster with the default settings.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

URL_ENV = "ACTIONS_STUDIO_TEST_POSTGRES_URL"
HOW_TO = (f"PostgreSQL is not available: install Debian's `postgresql` package (./dev test does it as "
          f"root) or set {URL_ENV}=postgresql+psycopg://USER@HOST/DB to a server of yours")


def find_bindir() -> Optional[Path]:
    """Where initdb/pg_ctl live: on PATH, else Debian's versioned folder (newest first)."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def driver_available() -> bool:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class PostgresServer:
    """A running server and how to reach it. `database()` makes a fresh, empty database."""

    admin_url: str  # SQLAlchemy URL of the maintenance database, as a role that creates databases
    _cluster: Optional["_Cluster"] = None

    def database(self, prefix: str = "t", template: Optional[str] = None) -> str:
        """A new database, empty or a copy of `template` (the URL of a database nobody is connected
        to); its SQLAlchemy URL. Dropped with the cluster, or by `drop`."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        # FILE_COPY: a small database is copied as files, faster than WAL_LOG's page-by-page log.
        copy = f' TEMPLATE "{_name(template)}" STRATEGY FILE_COPY' if template else ""
        with psycopg.connect(_libpq(self.admin_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return _with_database(self.admin_url, name)

    def drop(self, urls: list[str]) -> None:
        """Drops these databases now (a server of the developer's own keeps nothing of the run)."""
        import psycopg

        with psycopg.connect(_libpq(self.admin_url), autocommit=True) as conn:
            for url in urls:
                conn.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')

    def stop(self) -> None:
        if self._cluster is not None:
            self._cluster.stop()


def _libpq(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://…) as psycopg's own conninfo URL."""
    return "postgresql://" + url.split("://", 1)[1]


def _name(url: str) -> str:
    return url.partition("?")[0].rsplit("/", 1)[1]


def _with_database(url: str, name: str) -> str:
    head, _, tail = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{tail}" if tail else "")


class _Cluster:
    def __init__(self, bindir: Path, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="actions-studio-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.logs = self.root / "logs"
        for path in (self.data, self.socket_dir, self.logs):
            path.mkdir()
        self.owner = self._owner()
        if self.owner is not None:
            os.chmod(self.root, 0o755)
            for path in (self.data, self.socket_dir, self.logs):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        self.port = 5432  # only names the socket file: nothing listens on TCP
        try:
            self._start()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "studio", "--auth=trust", "-E", "UTF8",
                  "--no-instructions", "--locale=C.UTF-8")
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
                   f"-c port={self.port} -c max_connections=200")
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.logs / "server.log"),
                  "-w", "-t", "60", "start")

    @staticmethod
    def _owner() -> Optional[pwd.struct_passwd]:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            try:
                return pwd.getpwnam(name)
            except KeyError:
                continue
        raise RuntimeError("running as root with neither a postgres nor a nobody user for initdb")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.owner is not None:
            command = ["setpriv", f"--reuid={self.owner.pw_uid}", f"--regid={self.owner.pw_gid}",
                       "--clear-groups", *command]
        out = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.root)
        if out.returncode != 0:
            log = self.logs / "server.log"
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({out.returncode}): {out.stderr.strip()}\n{detail}")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://studio@/postgres?host={self.socket_dir}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start(durable: bool = False) -> PostgresServer:
    """A server for this session. Raises LookupError (with HOW_TO) when there is none to have.
    `durable`: PostgreSQL's default settings (fsync on), what a benchmark measures."""
    if not driver_available():
        raise LookupError("the psycopg driver is not installed: pip install -e '.[test]'")
    url = os.environ.get(URL_ENV)
    if url:
        return PostgresServer(url)
    bindir = find_bindir()
    if bindir is None:
        raise LookupError(HOW_TO)
    cluster = _Cluster(bindir, durable)
    return PostgresServer(cluster.url, cluster)

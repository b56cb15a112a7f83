"""`tenant serve --workers N` (issue 18): N server processes on one port and one store.

The supervisor (the process the user started) takes the data folder's lock, binds and listens on
the port, prepares the store once (upgrade, first-start records, signing key, credentials.json)
and starts N workers: fresh interpreters (`python -m actions_studio.tenant.workers`, never a
fork of a process that has threads), each given its listening socket's descriptor and the options
on its stdin (a database URL may hold a password: not in argv, where `ps` shows it). On Linux each
worker has a socket of its own on the port (SO_REUSEPORT, `server.bind_per_worker`) and the kernel
spreads new connections over them; every state a login leaves between two requests is in the
store (pending.py, ratelimit.py, attack_protection.py, build_queue.py, keys.py), so any worker
takes any step. A worker that dies is started again; one that cannot start three times in a row
ends the server, with its reason in the log.

Each response says which worker served it (`X-Tenant-Worker: <n>`): what an operator reading a
log, and the tests that prove a login crossing workers, need to know.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Optional

from .serve_options import ServeOptions

log = logging.getLogger("uvicorn.error")
QUICK_EXIT_S = 10.0       # a worker gone this soon after its start did not start
MAX_QUICK_EXITS = 3


def prepare_store(options: ServeOptions, scheme: str) -> None:
    """What only one process should do first: upgrade, first-start records, key, credentials."""
    from .bootstrap import ensure_tenant
    from .config import TenantConfig
    from .keys import load_or_create
    from .passwords import Passwords
    from .serve_options import config_for
    from .store import Database, sqlite_url

    config: TenantConfig = config_for(options, scheme)
    # Sized for the workers to come: a server that allows too few connections for them is refused
    # here, before any worker starts (store/connection_budget.py).
    db = Database(config.database_url or sqlite_url(config.data_dir), processes=config.workers)
    try:
        load_or_create(db)
        ensure_tenant(config, db, Passwords(ttl_s=0, memory_kib=config.argon2_memory_kib,
                                            time_cost=config.argon2_time_cost))
    finally:
        db.close()


class Supervisor:
    def __init__(self, options: ServeOptions, scheme: str, sockets: list[socket.socket]) -> None:
        """``sockets``: worker n's listening socket is ``sockets[n - 1]`` (server.bind_per_worker)."""
        self.options = options
        self.scheme = scheme
        self.sockets = sockets
        self.count = len(sockets)
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.started: dict[int, float] = {}
        self.quick_exits = 0
        self.stopping = False

    def _spawn(self, index: int) -> None:
        fd = self.sockets[index - 1].fileno()
        proc = subprocess.Popen([sys.executable, "-m", "actions_studio.tenant.workers"],
                                stdin=subprocess.PIPE, pass_fds=(fd,), close_fds=True)
        assert proc.stdin is not None
        opts = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self.options).items()}
        proc.stdin.write(json.dumps({"fd": fd, "index": index, "scheme": self.scheme,
                                     "options": opts}).encode())
        proc.stdin.close()
        self.procs[index] = proc
        self.started[index] = time.monotonic()

    def _stop(self, *_: Any) -> None:
        self.stopping = True

    def run(self) -> None:
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for index in range(1, self.count + 1):
                self._spawn(index)
            while not self.stopping:
                time.sleep(0.2)
                for index, proc in list(self.procs.items()):
                    if proc.poll() is None or self.stopping:
                        continue
                    quick = time.monotonic() - self.started[index] < QUICK_EXIT_S
                    self.quick_exits = self.quick_exits + 1 if quick else 0
                    if self.quick_exits >= MAX_QUICK_EXITS:
                        raise RuntimeError(f"tenant worker {index} exited with {proc.returncode} "
                                           f"{MAX_QUICK_EXITS} times right after starting (its reason "
                                           "is logged above)")
                    log.warning("tenant worker %s exited with %s; starting it again", index,
                                proc.returncode)
                    self._spawn(index)
        finally:
            self._end_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _end_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)     # uvicorn's graceful shutdown
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


class WorkerHeader:
    """ASGI middleware: `X-Tenant-Worker: <n>` on every response of worker n."""

    def __init__(self, app: Any, index: int) -> None:
        self.app = app
        self.value = str(index).encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def tagged(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-tenant-worker", self.value)]}
            await send(message)

        await self.app(scope, receive, tagged)


class _HeldBySupervisor:
    """The data folder's lock as a worker sees it: held by its supervisor, never released here."""

    def __init__(self, path: Path) -> None:
        self.path = path

    held = True

    def release(self) -> None:
        pass


def worker_main(spec: dict[str, Any]) -> None:
    import uvicorn

    from .app import create_app
    from .serve_options import config_for

    raw = spec["options"]
    options = ServeOptions(**{**raw, "data_dir": Path(raw["data_dir"]),
                              "tls_cert": Path(raw["tls_cert"]) if raw["tls_cert"] else None,
                              "tls_key": Path(raw["tls_key"]) if raw["tls_key"] else None})
    config = config_for(options, spec["scheme"])
    sock = socket.socket(fileno=spec["fd"])
    app = create_app(config, folder_lock=_HeldBySupervisor(config.data_dir),  # type: ignore[arg-type]
                     freeze_after_start=True)
    server = uvicorn.Server(uvicorn.Config(
        WorkerHeader(app, spec["index"]), log_level="info", access_log=False,
        ssl_certfile=str(options.tls_cert) if options.tls_cert else None,
        ssl_keyfile=str(options.tls_key) if options.tls_key else None,
        proxy_headers=options.insecure_http, lifespan="on"))
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(3)


def main(_args: Optional[list[str]] = None) -> int:
    """`python -m actions_studio.tenant.workers` (and the desktop bundle's packaging/entry.py)."""
    logging.basicConfig(level=logging.INFO)
    worker_main(json.loads(sys.stdin.read()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Running the tenant: the port bound once (and shared by the workers), the data folder's lock and
uvicorn. What may be served, and how, is decided before any of it (serve_options.py)."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .config import TenantConfig
from .serve_options import ServeOptions, check, config_for


class PortUnavailable(RuntimeError):
    """The port cannot be bound (in use, or not allowed); nothing in the data folder was touched."""


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the app starts: uvicorn would start the app (which writes
    credentials.json with this port) before binding, so a busy port would leave the file naming a
    server that never ran (issue 12, item 8)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise PortUnavailable(f"cannot listen on {host}:{port}: {exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def bind_per_worker(sock: socket.socket, count: int) -> list[socket.socket]:
    """One listening socket per worker on the port ``sock`` holds (Linux: SO_REUSEPORT), so the
    kernel spreads new connections over the workers by their addresses' hash. One shared socket
    let whichever worker woke first accept every waiting connection (asyncio accepts up to its
    backlog per wake-up): 14 of a benchmark phase's 16 keep-alive connections on one of 2
    workers, measured, one of them saturated while the other idled.

    ``sock`` was bound without SO_REUSEPORT (`bind`), so it was refused if anything held the port,
    a group of this user's own reuse-port sockets too (which would otherwise share connections
    with this server); it is closed once its address is known. Elsewhere (macOS gives a reused port
    to the last socket bound, no spreading) it stays the one shared socket."""
    if count < 2 or not sys.platform.startswith("linux") or not hasattr(socket, "SO_REUSEPORT"):
        sock.listen(2048)
        return [sock] * count
    address, family = sock.getsockname(), sock.family
    host, port = address[0], address[1]
    sock.close()
    group: list[socket.socket] = []
    try:
        for _ in range(count):
            member = socket.socket(family, socket.SOCK_STREAM)
            group.append(member)
            member.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            member.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            member.bind(address)
            member.listen(2048)
    except OSError as exc:
        for member in group:
            member.close()
        raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return group


def serve(options: ServeOptions) -> None:
    """Raises ServeRefused, DataFolderBusy or PortUnavailable (each with its one-line reason)."""
    import uvicorn

    from .app import create_app
    from .folder_lock import DataFolderLock

    scheme = check(options)
    config = config_for(options, scheme)
    # Lock, then bind, then start the app: only a server that holds the folder and its port ever
    # writes credentials.json.
    lock = DataFolderLock.acquire(config.data_dir, config.base_url)
    try:
        if options.workers == 1 and config.database_url:
            # A server that cannot be reached is one line, as with --workers (prepare_store), not
            # the traceback of a failed application start-up.
            with _store_refusal():
                _reach(config.database_url)
        sock = bind(options.host, options.port)
        if options.workers > 1:
            _serve_workers(options, scheme, config, sock)
            return
        server = uvicorn.Server(uvicorn.Config(
            create_app(config, folder_lock=lock, freeze_after_start=True), host=options.host, port=options.port,
            log_level="info", ssl_certfile=str(options.tls_cert) if options.tls_cert else None,
            ssl_keyfile=str(options.tls_key) if options.tls_key else None,
            proxy_headers=options.insecure_http, access_log=False))
        # uvicorn prints no "running on" line for a socket it did not bind itself.
        logging.getLogger("uvicorn.error").info("tenant at %s, data in %s (Press CTRL+C to quit)",
                                                config.base_url, config.data_dir)
        with sock:
            server.run(sockets=[sock])
        if not server.started:
            raise RuntimeError("the tenant did not start (its reason is logged above)")
    finally:
        lock.release()


@contextmanager
def _store_refusal() -> Iterator[None]:
    """A store that cannot be opened (server down, wrong password, no such database) as the one-line
    RuntimeError the CLI prints."""
    from sqlalchemy import exc as sa_exc

    try:
        yield
    except sa_exc.SQLAlchemyError as exc:
        detail = " ".join(str(exc.orig if getattr(exc, "orig", None) else exc).split())[:300]
        raise RuntimeError(f"the tenant's store cannot be opened: {detail}") from None


def _reach(url: str) -> None:
    import sqlalchemy as sa

    from .store.db import connect_args

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args=connect_args(url))
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    finally:
        engine.dispose()


def _serve_workers(options: ServeOptions, scheme: str, config: TenantConfig, sock: socket.socket) -> None:
    from .workers import Supervisor, prepare_store

    # Listening before the workers start: a connection made meanwhile waits. The supervisor keeps
    # every worker's socket open, so one that waits on a worker being restarted is served by it.
    sockets = bind_per_worker(sock, options.workers)
    try:
        with _store_refusal():
            prepare_store(options, scheme)
        logging.getLogger("uvicorn.error").info(
            "tenant at %s with %d workers, data in %s (Press CTRL+C to quit)", config.base_url,
            options.workers, config.data_dir)
        Supervisor(options, scheme, sockets).run()
    finally:
        for listening in set(sockets):
            listening.close()

"""Running the tenant: the host rules (loopback by default; anything else needs TLS or an explicit
--insecure-http for use behind a TLS-terminating proxy) and uvicorn."""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from .config import TenantConfig


class ServeRefused(ValueError):
    """The options would expose the tenant unsafely; the message says what to add."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8787
    data_dir: Path = Path("tenant-data")
    database_url: Optional[str] = None
    tls_cert: Optional[Path] = None
    tls_key: Optional[Path] = None
    insecure_http: bool = False
    base_url: Optional[str] = None
    record_events: bool = True  # issue 19: each execution's input event, for replay
    event_retention_days: float = 10.0
    # Server processes on the one port (workers.py); every one shares the store's state.
    workers: int = 1
    # The Management API's per-client limit (None: TenantConfig's default).
    rate_limit_per_s: Optional[float] = None
    rate_limit_burst: Optional[int] = None
    # The tenant as a named https domain (Auth0's `TENANT.REGION.auth0.com` or a custom domain):
    # the base URL becomes https://DOMAIN, so the issuer is https://DOMAIN/ and the Management API
    # audience https://DOMAIN/api/v2/ — what Auth0's Node SDK and Deploy CLI request (issue 17).
    domain: Optional[str] = None
    # Logins through an all-Python flow reuse a warm sandbox child of that flow (TenantConfig).
    warm_sandbox: bool = True


# A host name (or IPv4 address) with an optional port, nothing else: no scheme, path or user.
_DOMAIN = re.compile(r"(?=.{1,253}(?::|$))(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                     r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::(?P<port>[0-9]{1,5}))?")


def public_base_url(options: ServeOptions) -> Optional[str]:
    """The base URL the options name (None: derived from host and port); raises ServeRefused."""
    if options.domain is not None and options.base_url is not None:
        raise ServeRefused("--domain and --base-url name the same thing: give one of them")
    if options.domain is not None:
        match = _DOMAIN.fullmatch(options.domain)
        if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
            raise ServeRefused(f"--domain {options.domain!r}: give a host name such as "
                               "tenant.example.com or tenant.test:8443 (no scheme, path or slash)")
        return f"https://{options.domain.lower()}"
    if options.base_url is not None:
        parts = urlsplit(options.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
                or parts.username or parts.password or parts.path not in ("", "/"):
            raise ServeRefused(f"--base-url {options.base_url!r}: give the tenant's origin, such as "
                               "https://tenant.example.com (no path, query or credentials)")
        return options.base_url.rstrip("/")
    return None


def check(options: ServeOptions) -> str:
    """Returns the scheme to serve; raises ServeRefused for an unsafe or incomplete choice."""
    _check_scale(options)
    public_base_url(options)
    if (options.tls_cert is None) != (options.tls_key is None):
        raise ServeRefused("--tls-cert and --tls-key go together: give both or neither")
    for path in (options.tls_cert, options.tls_key):
        if path is not None and not Path(path).is_file():
            raise ServeRefused(f"{path}: no such file")
    if options.tls_cert is not None:
        return "https"
    if not is_loopback(options.host) and not options.insecure_http:
        raise ServeRefused(
            f"refusing to serve plain HTTP on {options.host}: tokens and client secrets would cross "
            "the network in clear text. Give --tls-cert and --tls-key, or --insecure-http when a "
            "TLS-terminating proxy sits in front, or bind to 127.0.0.1")
    if not 0 < options.port < 65536:
        raise ServeRefused(f"--port {options.port}: must be 1-65535")
    if not options.event_retention_days > 0:
        raise ServeRefused("--event-retention-days must be more than 0 (turn recording off with "
                           "--no-event-recording)")
    return "http"


def _check_scale(options: ServeOptions) -> None:
    if not 1 <= options.workers <= 64:
        raise ServeRefused(f"--workers {options.workers}: must be 1-64")
    if options.rate_limit_per_s is not None and options.rate_limit_per_s < 0:
        raise ServeRefused("--rate-limit-per-s: must be 0 (off) or more")
    if options.rate_limit_burst is not None and options.rate_limit_burst < 1:
        raise ServeRefused("--rate-limit-burst: must be 1 or more")


def config_for(options: ServeOptions, scheme: str) -> TenantConfig:
    host = options.host if options.host not in ("0.0.0.0", "::") else "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    base = public_base_url(options) or f"{scheme}://{shown}:{options.port}"
    limits = {k: v for k, v in (("rate_limit_per_s", options.rate_limit_per_s),
                                ("rate_limit_burst", options.rate_limit_burst)) if v is not None}
    return TenantConfig(data_dir=options.data_dir, base_url=base, database_url=options.database_url,
                        record_events=options.record_events, workers=options.workers,
                        warm_sandbox=options.warm_sandbox,
                        event_retention_days=options.event_retention_days, **limits)


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

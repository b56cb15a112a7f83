"""What `tenant serve` is asked for, and whether it may: the options, the host rules (loopback
by default; anything else needs TLS, or an explicit --insecure-http for use behind a
TLS-terminating proxy) and the `TenantConfig` every server process builds from them. Both the
single process (server.py) and each worker (workers.py) read them here."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the CLI and the Local tenant read this module at start: it stays light
    from .config import TenantConfig

# `tenant serve --database-url` from the environment, the place for a URL with the role's password:
# a command line is readable by every user of the machine (ps, /proc/PID/cmdline), a process's
# environment only by its own user and root.
DATABASE_URL_ENV = "ACTIONS_STUDIO_TENANT_DATABASE_URL"


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
    from .config import TenantConfig

    host = options.host if options.host not in ("0.0.0.0", "::") else "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    base = public_base_url(options) or f"{scheme}://{shown}:{options.port}"
    limits = {k: v for k, v in (("rate_limit_per_s", options.rate_limit_per_s),
                                ("rate_limit_burst", options.rate_limit_burst)) if v is not None}
    return TenantConfig(data_dir=options.data_dir, base_url=base, database_url=options.database_url,
                        record_events=options.record_events, workers=options.workers,
                        warm_sandbox=options.warm_sandbox,
                        event_retention_days=options.event_retention_days, **limits)

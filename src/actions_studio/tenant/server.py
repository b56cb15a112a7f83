"""Running the tenant: the host rules (loopback by default; anything else needs TLS or an explicit
--insecure-http for use behind a TLS-terminating proxy) and uvicorn."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

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


def check(options: ServeOptions) -> str:
    """Returns the scheme to serve; raises ServeRefused for an unsafe or incomplete choice."""
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
    return "http"


def config_for(options: ServeOptions, scheme: str) -> TenantConfig:
    host = options.host if options.host not in ("0.0.0.0", "::") else "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    base = options.base_url or f"{scheme}://{shown}:{options.port}"
    return TenantConfig(data_dir=options.data_dir, base_url=base, database_url=options.database_url)


def serve(options: ServeOptions) -> None:
    import uvicorn

    from .app import create_app

    scheme = check(options)
    config = config_for(options, scheme)
    uvicorn.run(create_app(config), host=options.host, port=options.port, log_level="info",
                ssl_certfile=str(options.tls_cert) if options.tls_cert else None,
                ssl_keyfile=str(options.tls_key) if options.tls_key else None,
                proxy_headers=options.insecure_http, access_log=False)

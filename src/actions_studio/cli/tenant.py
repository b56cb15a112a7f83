"""`actions-studio tenant serve`: runs the bundled tenant server (issue 6, docs/tenant.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from actions_studio.cli.common import fail
from actions_studio.tenant.serve_options import DATABASE_URL_ENV

tenant_app = typer.Typer(help="The bundled tenant server (Management API + auth endpoints).",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(tenant_app, name="tenant")


@tenant_app.command("serve", help="Serve the tenant; first start writes DATA/credentials.json.")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8787, "--port", help="TCP port."),
    data: Path = typer.Option(Path("tenant-data"), "--data", help="Data directory (store, credentials)."),
    database_url: Optional[str] = typer.Option(
        None, "--database-url", envvar=DATABASE_URL_ENV, show_envvar=True,
        help="SQLAlchemy URL, e.g. postgresql+psycopg://u:p@host/db (default: SQLite in the data "
        f"directory). With a password, set it in {DATABASE_URL_ENV} instead: a command line is "
        "visible to every user of the machine."),
    tls_cert: Optional[Path] = typer.Option(None, "--tls-cert", help="PEM certificate for HTTPS."),
    tls_key: Optional[Path] = typer.Option(None, "--tls-key", help="PEM private key for HTTPS."),
    insecure_http: bool = typer.Option(
        False, "--insecure-http", help="Allow plain HTTP on a non-loopback host (behind a TLS proxy)."),
    base_url: Optional[str] = typer.Option(
        None, "--base-url", help="Public URL (issuer/audience) when behind a proxy."),
    workers: int = typer.Option(
        1, "--workers", help="Server processes on the one port, sharing the store (docs/tenant.md)."),
    rate_limit_per_s: Optional[float] = typer.Option(
        None, "--rate-limit-per-s", help="Management API requests per second and client (0: no limit)."),
    rate_limit_burst: Optional[int] = typer.Option(
        None, "--rate-limit-burst", help="Management API burst per client."),
    domain: Optional[str] = typer.Option(
        None, "--domain", help="Serve as this https domain (e.g. tenant.example.com): the issuer is "
        "https://DOMAIN/ and the Management API audience https://DOMAIN/api/v2/, as Auth0's clients "
        "expect. Give --tls-cert/--tls-key for that name, or put a TLS proxy in front."),
    no_event_recording: bool = typer.Option(
        False, "--no-event-recording", help="Keep no execution's input event (they hold personal "
        "data); the studio cannot replay executions then."),
    event_retention_days: float = typer.Option(
        10.0, "--event-retention-days", help="Days an execution's input event is kept for replay."),
    no_warm_sandbox: bool = typer.Option(
        False, "--no-warm-sandbox", help="Run every flow execution in a fresh sandbox child: slower, "
        "and no module-level state carries over from one login to the next."),
) -> None:
    from actions_studio.tenant.serve_options import ServeOptions, ServeRefused, check
    from actions_studio.tenant.server import serve

    # Read once: nothing this process starts (workers get the URL on a pipe; builds and the
    # sandbox get environments of their own) inherits it from here.
    os.environ.pop(DATABASE_URL_ENV, None)
    if database_url and any(database_url in arg for arg in sys.argv[1:]) and _has_password(database_url):
        typer.echo(f"warning: --database-url carries a password, and every user of this machine can read "
                   f"this command line (ps); set {DATABASE_URL_ENV} instead", err=True)
    options = ServeOptions(host=host, port=port, data_dir=data, database_url=database_url,
                           tls_cert=tls_cert, tls_key=tls_key, insecure_http=insecure_http,
                           base_url=base_url, domain=domain, record_events=not no_event_recording,
                           event_retention_days=event_retention_days, workers=workers,
                           rate_limit_per_s=rate_limit_per_s, rate_limit_burst=rate_limit_burst,
                           warm_sandbox=not no_warm_sandbox)
    try:
        check(options)
    except ServeRefused as exc:
        fail(str(exc))
    try:
        serve(options)
    except RuntimeError as exc:
        fail(str(exc))


def _has_password(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        return bool(parsed.password or parsed.query.get("password"))  # libpq takes ?password= too
    except (ArgumentError, ValueError):
        return False  # not a URL at all: check() and the store say so

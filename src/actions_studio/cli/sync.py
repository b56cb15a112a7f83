"""`actions-studio sync`, `pull` and `tenants` (issue 7, section 6).

Exit codes: 0 done / in sync; 2 an error (one line on stderr) or an apply that stopped (its
report says what was and was not applied); 3 `--dry-run` with changes pending (CI drift check);
4 a conflict not resolved by `--prefer local|remote`; 5 the tenant did not answer (down or
unreachable: retry later); 6 the tenant refused the client credentials or their permissions
(misconfigured: fix the profile). 5 and 6 hold for a plan and for an apply that stopped on them;
7 the plan refused actions this tenant cannot run (their runtime, e.g. a python3 action for Auth0,
which runs Node only) — everything else was applied (or, with `--dry-run`, is all that pends).
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Optional

import typer

from actions_studio.cli.common import guarded
from actions_studio.cli.common import open_workspace as _workspace

EXIT_ERROR, EXIT_PENDING, EXIT_CONFLICT = 2, 3, 4
EXIT_TENANT_UNREACHABLE, EXIT_CREDENTIALS_REFUSED, EXIT_REFUSED = 5, 6, 7

tenants_app = typer.Typer(help="Sync targets: the built-in Local tenant and your own tenants.",
                          no_args_is_help=True)

CHANGE_STYLE = {"create": "green", "update": "cyan", "deploy": "cyan", "bind": "cyan",
                "reorder": "cyan", "unbind": "yellow", "delete": "red", "pull": "magenta",
                "import": "magenta", "conflict": "bold red", "refused": "bold yellow",
                "nothing": "dim"}


def register(app: typer.Typer) -> None:
    app.command("sync", help="Plan and apply a three-way sync with a tenant.")(sync_command)
    app.command("pull", help="Bring the tenant's actions, versions and flows into the workspace.")(
        pull_command)
    app.add_typer(tenants_app, name="tenants")


@contextmanager
def _session(ctx: typer.Context, tenant: Optional[str]) -> Iterator[Any]:
    from actions_studio.services import sync

    host = sync.LocalTenantHost(sync.default_local_tenant_dir())
    try:
        with _workspace(ctx) as ws:
            profile = sync.find_tenant(ws, tenant) if tenant else sync.get_profile(ws)
            with sync.SyncSession(ws, profile, local_host=host) as session:
                with _tenant_exit_codes():
                    session.on_wait = _say_waiting
                    yield session
    finally:
        host.stop()  # the bundled tenant lives as long as the command


@contextmanager
def _tenant_exit_codes() -> Iterator[None]:
    """"Down" and "misconfigured" get their own exit codes, so CI can tell them apart."""
    from actions_studio.services.sync import CredentialsRefusedError, TenantDownError

    try:
        yield
    except TenantDownError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_TENANT_UNREACHABLE)
    except CredentialsRefusedError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_CREDENTIALS_REFUSED)


def _say_waiting(seconds: float, until: float, why: str) -> None:
    """A plan that waits for the tenant (its rate limit) says so, and until when."""
    import time

    if seconds >= 0.5:
        typer.echo(f"{why}: waiting {seconds:.0f} s, until {time.strftime('%H:%M:%S', time.localtime(until))}",
                   err=True)


def _stopped_exit_code(report: Any) -> int:
    return {"unreachable": EXIT_TENANT_UNREACHABLE,
            "credentials": EXIT_CREDENTIALS_REFUSED}.get(report.cause, EXIT_ERROR)


def _console(err: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=err, highlight=False, soft_wrap=False,
                   width=None if sys.stdout.isatty() else 120)


def print_plan(plan: Any, tenant_name: str, *, show_nothing: bool = False) -> None:
    from rich.table import Table

    table = Table(title=f"sync plan — {tenant_name}", title_justify="left", show_lines=False)
    for header in ("kind", "name", "change", "what happens"):
        table.add_column(header)
    shown = [i for i in plan.items if show_nothing or i.change != "nothing" or i.notes]
    for item in shown:
        what = item.summary + "".join(f"\n  note: {n}" for n in item.notes)
        table.add_row(item.kind, item.name, f"[{CHANGE_STYLE.get(item.change, '')}]{item.change}[/]", what)
    console = _console()
    if shown:
        console.print(table)
    steps = len(plan.steps())
    state = ("in sync" if plan.in_sync else
             f"{len(plan.changes)} change(s), {len(plan.conflicts)} conflict(s), {steps} step(s)"
             + (f", {len(plan.refused)} refused" if plan.refused else ""))
    console.print(f"{tenant_name}: {state}")


def _apply(session: Any, plan: Any) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=_console(), transient=False) as bar:
        task = bar.add_task("applying", total=max(len(plan.steps()), 1))

        def on_progress(p: Any) -> None:
            if p.state == "started":
                bar.update(task, description=p.step.label[:60])
            elif p.state == "waiting":  # a rate limit's reset, a build: said, with until when
                bar.console.print(f"  {p.step.label}: {p.message}")
            elif p.state == "done":
                bar.advance(task)

        report = session.apply(plan, on_progress)
    if not report.ok:
        typer.echo(report.describe(), err=True)
        raise typer.Exit(_stopped_exit_code(report))
    _console().print(f"done: {report.describe()}")


@guarded
def sync_command(
    ctx: typer.Context,
    tenant: Optional[str] = typer.Option(None, "--tenant", help="Tenant profile (default: the active one)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; exit 0 in sync, 3 pending, 4 conflict."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Apply without asking."),
    delete: bool = typer.Option(False, "--delete", help="Delete on the tenant what the workspace deleted or lacks."),
    prefer: Optional[str] = typer.Option(None, "--prefer", help="Resolve every conflict: local or remote."),
    as_json: bool = typer.Option(False, "--json", help="With --dry-run: the plan as JSON."),
) -> None:
    from actions_studio.sync.planner import PlanOptions

    if prefer not in (None, "local", "remote"):
        raise typer.BadParameter("--prefer takes local or remote")
    with _session(ctx, tenant) as session:
        plan = session.plan(PlanOptions(delete=delete, prefer=prefer))  # type: ignore[arg-type]
        if as_json:
            typer.echo(json.dumps(plan.to_doc(), indent=2, ensure_ascii=False))
        else:
            print_plan(plan, session.tenant.name)
        if plan.conflicts:
            typer.echo(f"{len(plan.conflicts)} conflict(s): resolve them in the studio or rerun with "
                       "--prefer local|remote", err=True)
            raise typer.Exit(EXIT_CONFLICT)
        refused = EXIT_REFUSED if plan.refused else 0
        if refused:
            typer.echo(f"{len(plan.refused)} action(s) refused by this tenant (see the plan); the rest "
                       "applies without them", err=True)
        if dry_run:
            raise typer.Exit(EXIT_PENDING if plan.changes else refused)
        if not plan.steps():
            raise typer.Exit(refused)
        if not yes and not typer.confirm("Apply this plan?", default=False):
            raise typer.Exit(1)
        _apply(session, plan)
        raise typer.Exit(refused)


@guarded
def pull_command(
    ctx: typer.Context,
    tenant: Optional[str] = typer.Option(None, "--tenant", help="Tenant profile (default: the active one)."),
) -> None:
    from actions_studio.sync.planner import PlanOptions

    with _session(ctx, tenant) as session:
        plan = session.plan(PlanOptions(mode="pull"))
        print_plan(plan, session.tenant.name)
        if plan.steps():
            _apply(session, plan)
        _say_secrets_without_value(session.ws)
        if plan.conflicts:
            typer.echo(f"{len(plan.conflicts)} conflict(s) were left alone: resolve them with "
                       "`sync --prefer local|remote` or in the studio", err=True)
            raise typer.Exit(EXIT_CONFLICT)


def _say_secrets_without_value(ws: Any) -> None:
    """A tenant never gives a secret's value back: after a pull, say which ones to set here."""
    from actions_studio.services.secrets import names_without_value

    missing = names_without_value(ws)
    if missing:
        listed = ", ".join(f"{action}: {name}" for action, name in missing)
        typer.echo(f"secrets with no value in this workspace (the tenant keeps values to itself): "
                   f"{listed}; set each with `secrets set ACTION NAME`")


# -- tenants -------------------------------------------------------------------------------------


@tenants_app.command("list")
@guarded
def tenants_list(ctx: typer.Context,
                 as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    from actions_studio.services import sync

    with _workspace(ctx) as ws:
        active = sync.active_tenant_name(ws)
        rows = [{"name": t.name, "active": t.name == active,
                 "url": "(bundled, started on demand)" if sync.is_local(t) else t.base_url,
                 "client_id": "" if sync.is_local(t) else t.client_id}
                for t in sync.list_profiles(ws)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        typer.echo(f"{'*' if r['active'] else ' '} {r['name']:<24} {r['url']}  {r['client_id']}".rstrip())


@tenants_app.command("add")
@guarded
def tenants_add(
    ctx: typer.Context, name: str,
    domain: Optional[str] = typer.Option(
        None, "--domain", help="The tenant's domain: TENANT.REGION.auth0.com or a custom domain "
        "(https; audience https://DOMAIN/api/v2/)."),
    url: Optional[str] = typer.Option(None, "--url", help="Base URL instead (http://127.0.0.1:PORT, a proxy)."),
    client_id: str = typer.Option(..., "--client-id", help="A machine-to-machine application's client id."),
    client_secret: Optional[str] = typer.Option(
        None, "--client-secret", help="Asked for when omitted (stored in the vault, never shown)."),
    audience: Optional[str] = typer.Option(None, "--audience", help="Management API audience, if not <url>/api/v2/."),
    use: bool = typer.Option(False, "--use", help="Make it the active tenant."),
) -> None:
    from actions_studio.services import sync

    from actions_studio.cli.common import fail

    if (domain is None) == (url is None):
        fail("give the tenant's --domain (acme.eu.auth0.com) or its --url, one of them")
    address = sync.domain_url(domain) if domain is not None else url
    secret = client_secret if client_secret is not None else getpass.getpass("client secret: ")
    with _workspace(ctx) as ws:
        record = sync.add_profile(ws, name, address, client_id, secret, audience=audience)
        if use:
            sync.set_active_tenant(ws, name)
    typer.echo(f"added tenant {record.name} ({record.base_url}, audience "
               f"{record.audience or record.base_url + '/api/v2/'})")


@tenants_app.command("remove")
@guarded
def tenants_remove(ctx: typer.Context, name: str) -> None:
    from actions_studio.services import sync

    with _workspace(ctx) as ws:
        sync.remove_profile(ws, name)
    typer.echo(f"removed tenant {name} (and its sync history)")


@tenants_app.command("use")
@guarded
def tenants_use(ctx: typer.Context, name: str) -> None:
    from actions_studio.services import sync

    with _workspace(ctx) as ws:
        sync.set_active_tenant(ws, name)
    typer.echo(f"active tenant: {name}")

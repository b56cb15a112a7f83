"""The `actions-studio` Typer application: the subcommands for headless and CI use, and the
studio when none is given (cli/__init__.py opens the studio without loading Typer at all)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from actions_studio import __version__

app = typer.Typer(
    help="Actions Studio: write, test, version and sync identity-platform Actions in Python.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"actions-studio {__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
    workspace: Optional[Path] = typer.Option(
        None, "--workspace", help="Workspace file (default: the one in your user data folder)."
    ),
) -> None:
    # Subcommands read the workspace choice from here (no global accessors: STYLE.md habit 6).
    ctx.obj = {"workspace": workspace}
    if ctx.invoked_subcommand is None:
        # Imported here so `import actions_studio.cli` (every headless command) never loads PySide6.
        from actions_studio.gui import main as open_studio

        raise typer.Exit(open_studio(ctx.obj["workspace"]))


def _register_subcommands() -> None:
    from actions_studio.cli import run as cli_run, stubs as cli_stubs
    from actions_studio.cli import workspace as cli_workspace
    from actions_studio.cli import sync as cli_sync
    from actions_studio.cli import tenant as cli_tenant
    from actions_studio.cli import behaviour as cli_behaviour
    from actions_studio.cli import deps as cli_deps

    cli_run.register(app)
    cli_stubs.register(app)
    cli_workspace.register(app)
    cli_sync.register(app)
    cli_tenant.register(app)
    cli_behaviour.register(app)
    cli_deps.register(app)


_register_subcommands()


"""`actions-studio deps`: an action's dependencies from the command line, for both runtimes —
PyPI packages of a python3 action, npm packages of a node22 one — with the Dependencies dialog's
rules: pinned exactly (a name alone gets the newest version at save), saved before the install so a
refused package loses nothing typed, installed into the shared offline cache.

    actions-studio deps show ACTION [--json]
    actions-studio deps set ACTION [PIN ...]       # lodash@4.17.21, requests==2.32.3; none clears
    actions-studio deps install [ACTION ...]       # build what is missing (every action by default)
    actions-studio deps settings [--npm-registry URL] [--index-url URL] ... [--json]
"""

from __future__ import annotations

import json
from typing import Any, Optional

import typer

from actions_studio.cli.common import fail, guarded, open_workspace

deps_app = typer.Typer(help="Action dependencies: PyPI packages (python3) and npm packages (node22).",
                       no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(deps_app, name="deps")


def _say(line: str) -> None:
    typer.echo(line, err=True)


def _state(ws: Any, runtime: str, pinned: tuple[str, ...]) -> str:
    from actions_studio.services import dependencies

    if not pinned:
        return "none"
    return "installed" if dependencies.editor_paths(ws, pinned, runtime) else "not installed"


@deps_app.command("show")
@guarded
def deps_show(ctx: typer.Context, action: str,
              as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print an action's dependencies (as its runtime writes them) and whether they are installed."""
    from actions_studio.services import actions, dependencies

    with open_workspace(ctx) as ws:
        detail = actions.open_action(ws, action)
        runtime, stored = detail.action.runtime, tuple(detail.draft.dependencies)
        shown = dependencies.display_lines(stored, runtime)
        state = _state(ws, runtime, stored)
        paths = dependencies.editor_paths(ws, stored, runtime)
    if as_json:
        typer.echo(json.dumps({"action": action, "runtime": runtime, "dependencies": shown,
                               "source": "npm" if runtime == dependencies.NODE else "pypi", "state": state,
                               "environment": str(paths[0]) if paths else None}, indent=2))
        return
    _say(f"# {action} ({runtime}): {state}")
    for line in shown:
        typer.echo(line)


@deps_app.command("set")
@guarded
def deps_set(ctx: typer.Context, action: str,
             pins: Optional[list[str]] = typer.Argument(None, help="name@version (npm) or name==version (PyPI); "
                                                        "a name alone gets the newest version.")) -> None:
    """Replace an action's dependencies, then install them (the list is saved even if that fails)."""
    from actions_studio.services import actions, dependencies

    with open_workspace(ctx) as ws:
        runtime = actions.open_action(ws, action).action.runtime
        dependencies.check_lines(pins or [], runtime)  # bad input: nothing saved, nothing asked of the network
        env = dependencies.set_dependencies(ws, action, pins or [], progress=_say)
        saved = dependencies.display_lines(actions.open_action(ws, action).draft.dependencies, runtime)
    if env is None:
        typer.echo(f"{action}: no dependencies")
        return
    typer.echo(f"{action}: {', '.join(saved)} installed ({len(env.packages)} package(s)"
               f"{', reused' if env.reused else ''})")


@deps_app.command("install")
@guarded
def deps_install(ctx: typer.Context,
                 names: Optional[list[str]] = typer.Argument(None, metavar="[ACTION]...",
                                                             help="Actions to install for (default: all).")) -> None:
    """Install the saved dependencies of actions whose environment is not built yet; exit 2 if any fails."""
    from actions_studio.services import actions, dependencies
    from actions_studio.services.errors import ServiceError

    failed = 0
    with open_workspace(ctx) as ws:
        chosen = names or [a.name for a in actions.list_actions(ws)]
        for name in chosen:
            detail = actions.open_action(ws, name)
            stored, runtime = tuple(detail.draft.dependencies), detail.action.runtime
            if not stored:
                continue
            try:
                env = dependencies.ensure_environment(ws, stored, runtime=runtime, progress=_say)
            except ServiceError as exc:
                typer.echo(f"error: {name}: {exc}", err=True)
                failed += 1
                continue
            assert env is not None
            typer.echo(f"{name}: {'reused' if env.reused else 'installed'} "
                       f"{', '.join(dependencies.display_lines(stored, runtime))}")
    if failed:
        raise typer.Exit(2)


@deps_app.command("settings")
@guarded
def deps_settings(
    ctx: typer.Context,
    npm_registry: Optional[str] = typer.Option(None, "--npm-registry", help="npm registry URL (node22)."),
    index_url: Optional[str] = typer.Option(None, "--index-url", help="PyPI index URL (python3)."),
    find_links: Optional[str] = typer.Option(None, "--find-links", help="Extra wheel folders/URLs, space separated."),
    trusted_host: Optional[str] = typer.Option(None, "--trusted-host", help="Hosts pip may reach over http."),
    no_index: Optional[str] = typer.Option(None, "--no-index", help="1: find-links only, no index."),
    timeout_s: Optional[str] = typer.Option(None, "--timeout", help="Seconds a registry may take to answer."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show where packages come from; options store a setting in the workspace ('' clears one).
    The environment variables (ACTIONS_STUDIO_NPM_REGISTRY, ACTIONS_STUDIO_INDEX_URL, ...) win."""
    from actions_studio.services import dependencies

    given = {"npm_registry": npm_registry, "index_url": index_url, "find_links": find_links,
             "trusted_host": trusted_host, "no_index": no_index, "timeout_s": timeout_s}
    changes = {k: v for k, v in given.items() if v is not None}
    if changes.get("timeout_s"):
        try:
            float(changes["timeout_s"])
        except ValueError:
            fail(f"--timeout {changes['timeout_s']!r} is not a number of seconds")
    with open_workspace(ctx) as ws:
        settings = dependencies.set_settings(ws, **changes) if changes else dependencies.settings_for(ws)
    shown = {"npm_registry": settings.npm_registry, "pypi": settings.describe_source(),
             "timeout_s": settings.timeout_s, "cache": str(settings.cache)}
    if as_json:
        typer.echo(json.dumps(shown, indent=2))
        return
    for key, value in shown.items():
        typer.echo(f"{key}: {value}")

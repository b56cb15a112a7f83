"""The workspace commands of `actions-studio` (issue 3, section 5): actions, secrets, fixtures,
flows, test, export, import; `workspace restore` (issue 13: the workspace's backups).

Errors are one line on stderr and exit 2, never a traceback; `test` exits 1 when a test fails.
Every list command takes `--json` (a JSON array or object on stdout, nothing else).
"""

from __future__ import annotations

import getpass
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Optional

import typer

# The commands' one error path and workspace (cli/common.py), under this module's old local names.
from actions_studio.cli.common import fail as _fail
from actions_studio.cli.common import guarded
from actions_studio.cli.common import open_workspace as _workspace
from actions_studio.cli.common import workspace_path as _workspace_path

EXIT_TEST_FAILED, EXIT_ERROR = 1, 2

actions_app = typer.Typer(help="Create, edit, deploy and inspect actions.", no_args_is_help=True)
secrets_app = typer.Typer(help="Action secrets (values live in the vault, never in the workspace).",
                          no_args_is_help=True)
fixtures_app = typer.Typer(help="Named test events, optionally with an expectation.",
                           no_args_is_help=True)
flows_app = typer.Typer(help="The ordered deployed actions of each trigger.", no_args_is_help=True)
workspace_app = typer.Typer(help="The workspace file itself: its backups.", no_args_is_help=True)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


def register(app: typer.Typer) -> None:
    app.add_typer(actions_app, name="actions")
    app.add_typer(secrets_app, name="secrets")
    app.add_typer(fixtures_app, name="fixtures")
    app.add_typer(flows_app, name="flows")
    app.add_typer(workspace_app, name="workspace")
    app.command("test", help="Run every fixture that has an expectation; exit 1 on any failure.")(
        test_command)
    app.command("export", help="Write the workspace as git-friendly files into DIR (--format: the "
                "studio's layout or the Auth0 Deploy CLI's).")(export_command)
    app.command("import", help="Read files written by `export`, or a Deploy CLI tree, from DIR "
                "(idempotent).")(import_command)


# -- plumbing ------------------------------------------------------------------------------------


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    typer.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in cells:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


def _read_code(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError:
        _fail(f"{path} is not UTF-8 text")


def _action_json(action: Any) -> dict[str, Any]:
    return {"id": action.id, "name": action.name, "trigger": action.trigger_id,
            "trigger_version": action.trigger_version, "runtime": action.runtime,
            "deployed_version": action.deployed_number, "latest_version": action.last_number or None,
            "updated_at": action.updated_at}


# -- actions -------------------------------------------------------------------------------------


@actions_app.command("new")
@guarded
def actions_new(
    ctx: typer.Context, name: str,
    trigger: str = typer.Option(..., "--trigger", help="Trigger id, e.g. post-login."),
    code: Optional[Path] = typer.Option(None, "--code", help="Start from this file instead of the template."),
    runtime: Optional[str] = typer.Option(
        None, "--runtime", help="python3 (default) or node22 (node18, which Auth0 deprecated, is "
        "taken as node22); a .js --code file means node22."),
) -> None:
    """Create an action (its draft starts from the trigger's template or --code)."""
    from actions_studio.services import actions
    from actions_studio.services.names import runtime_notice, runtime_of_file

    source = _read_code(code) if code is not None else None
    chosen = runtime or (runtime_of_file(code.name) if code is not None else "python3")
    with _workspace(ctx) as ws:
        detail = actions.create_action(ws, name, trigger, code=source, runtime=chosen)
    notice = runtime_notice(chosen)
    if notice:
        typer.echo(f"note: {notice}; {name} is a {detail.action.runtime} action", err=True)
    typer.echo(f"created {detail.action.name} ({detail.action.trigger_id} "
               f"{detail.action.trigger_version}, {detail.action.runtime}); the draft is not deployed yet")


@actions_app.command("list")
@guarded
def actions_list(
    ctx: typer.Context,
    trigger: Optional[str] = typer.Option(None, "--trigger", help="Only this trigger's actions."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the actions."""
    from actions_studio.services import actions

    with _workspace(ctx) as ws:
        items = actions.list_actions(ws, trigger)
    if as_json:
        _print_json([_action_json(a) for a in items])
        return
    if not items:
        typer.echo("no actions yet; create one with `actions new NAME --trigger post-login`")
        return
    _table(["NAME", "TRIGGER", "DEPLOYED", "LATEST", "UPDATED"],
           [[a.name, a.trigger_id, f"v{a.deployed_number}" if a.deployed_number else "-",
             f"v{a.last_number}" if a.last_number else "-", a.updated_at[:19]] for a in items])


@actions_app.command("show")
@guarded
def actions_show(
    ctx: typer.Context, name: str,
    version: Optional[int] = typer.Option(None, "--version", help="Show this version instead of the draft."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print an action's draft (or one version) code, with its details."""
    from actions_studio.services import actions

    with _workspace(ctx) as ws:
        detail = actions.open_action(ws, name)
        item = actions.get_version(ws, name, version) if version is not None else detail.draft
    label = f"v{version}" if version is not None else "draft"
    if as_json:
        _print_json({**_action_json(detail.action), "showing": label, "code": item.code,
                     "dependencies": list(item.dependencies), "secrets": list(item.secret_names),
                     "draft_differs": detail.draft_differs})
        return
    deployed = f"v{detail.action.deployed_number}" if detail.action.deployed_number else "none"
    state = "differs from the deployed version" if detail.draft_differs else "same as deployed"
    typer.echo(f"# {name} ({detail.action.trigger_id}) — {label}; deployed: {deployed}; "
               f"draft {state}", err=True)
    if item.dependencies:
        typer.echo(f"# dependencies: {', '.join(item.dependencies)}", err=True)
    typer.echo(item.code, nl=not item.code.endswith("\n"))


@actions_app.command("update")
@guarded
def actions_update(
    ctx: typer.Context, name: str,
    code: Path = typer.Option(..., "--code", help="File holding the new draft code."),
) -> None:
    """Save the draft from a file (a .js file makes the action node22, a .py file python3)."""
    from actions_studio.services import actions
    from actions_studio.services.names import CODE_SUFFIX

    source = _read_code(code)
    runtime = next((r for r, suffix in CODE_SUFFIX.items() if code.name.endswith(suffix)), None)
    with _workspace(ctx) as ws:
        actions.save_draft(ws, name, code=source, runtime=runtime)
    typer.echo(f"saved the draft of {name}")


@actions_app.command("deploy")
@guarded
def actions_deploy(
    ctx: typer.Context, name: str,
    note: Optional[str] = typer.Option(None, "--note", help="A note kept with the version."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Snapshot the draft as the next version; says which (`--json`: {"name", "version"})."""
    from actions_studio.services import actions

    with _workspace(ctx) as ws:
        version = actions.deploy(ws, name, note=note)
    if as_json:
        _print_json({"name": name, "version": version.number})
    else:
        typer.echo(f"deployed {name} as v{version.number}")


@actions_app.command("versions")
@guarded
def actions_versions(ctx: typer.Context, name: str, as_json: bool = JSON_OPTION) -> None:
    """List an action's versions, newest first."""
    from actions_studio.services import actions

    with _workspace(ctx) as ws:
        items = actions.list_versions(ws, name)
    if as_json:
        _print_json([{"number": v.number, "deployed": v.deployed, "note": v.note,
                      "created_at": v.created_at} for v in items])
        return
    if not items:
        typer.echo(f"{name} has no versions yet; `actions deploy {name}` makes version 1")
        return
    _table(["VERSION", "DEPLOYED", "CREATED", "NOTE"],
           [[f"v{v.number}", "*" if v.deployed else "", v.created_at[:19], v.note or ""] for v in items])


@actions_app.command("diff")
@guarded
def actions_diff(ctx: typer.Context, name: str, a: str, b: str) -> None:
    """Unified diff between two of: a version number, `draft`."""
    from actions_studio.services import actions

    with _workspace(ctx) as ws:
        text = actions.diff(ws, name, actions.parse_side(a), actions.parse_side(b))
    typer.echo(text, nl=False)


@actions_app.command("revert")
@guarded
def actions_revert(
    ctx: typer.Context, name: str, number: int,
    update_draft: bool = typer.Option(False, "--update-draft", help="Also reset the draft to it."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Deploy a copy of version N as a new version (numbers never repeat)."""
    from actions_studio.services import actions

    with _workspace(ctx) as ws:
        version = actions.revert(ws, name, number, update_draft=update_draft)
    if as_json:
        _print_json({"name": name, "version": version.number, "copy_of": number})
    else:
        typer.echo(f"deployed {name} as v{version.number} (a copy of v{number})")


@actions_app.command("rename")
@guarded
def actions_rename(ctx: typer.Context, name: str, new_name: str) -> None:
    """Rename an action (its fixtures follow)."""
    from actions_studio.services import actions

    with _workspace(ctx) as ws:
        actions.rename(ws, name, new_name)
    typer.echo(f"renamed {name} to {new_name}")


@actions_app.command("delete")
@guarded
def actions_delete(
    ctx: typer.Context, name: str,
    force: bool = typer.Option(False, "--force", help="Also remove it from its flow."),
) -> None:
    """Delete an action with all its versions and secret values."""
    from actions_studio.services import actions

    with _workspace(ctx) as ws:
        actions.delete(ws, name, force=force)
    typer.echo(f"deleted {name}")


# -- secrets -------------------------------------------------------------------------------------


@secrets_app.command("set")
@guarded
def secrets_set(ctx: typer.Context, action: str, name: str) -> None:
    """Set a secret; the value is read from stdin (never from the command line)."""
    from actions_studio.services import secrets

    if sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(f"value of {name}: ")
    else:
        value = sys.stdin.read() if sys.stdin is not None else ""
        # `echo value | ...` adds one newline that is not part of the secret.
        if value.endswith("\r\n"):
            value = value[:-2]
        elif value.endswith("\n"):
            value = value[:-1]
    with _workspace(ctx) as ws:
        secrets.set_secret(ws, action, name, value)
    typer.echo(f"set secret {name} of {action}")


@secrets_app.command("list")
@guarded
def secrets_list(ctx: typer.Context, action: str, as_json: bool = JSON_OPTION) -> None:
    """List an action's secret names and whether this workspace has a value (never the value)."""
    from actions_studio.services import secrets

    with _workspace(ctx) as ws:
        names = secrets.list_secret_names(ws, action)
        missing = {name for _a, name in secrets.names_without_value(ws, action)}
    if as_json:
        _print_json([{"name": n, "has_value": n not in missing} for n in names])
    elif not names:
        typer.echo(f"{action} has no secrets")
    else:
        for name in names:
            typer.echo(name if name not in missing else
                       f"{name}  (no value in this workspace: `secrets set {_quoted(action)} {name}`)")


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


@secrets_app.command("delete")
@guarded
def secrets_delete(ctx: typer.Context, action: str, name: str) -> None:
    """Remove a secret name and its value."""
    from actions_studio.services import secrets

    with _workspace(ctx) as ws:
        secrets.delete_secret(ws, action, name)
    typer.echo(f"deleted secret {name} of {action}")


# -- fixtures ------------------------------------------------------------------------------------


@fixtures_app.command("add")
@guarded
def fixtures_add(ctx: typer.Context, file: Path) -> None:
    """Add (or replace) a fixture from a JSON file."""
    from actions_studio.services import fixtures

    with _workspace(ctx) as ws:
        record, change = fixtures.add_fixture_file(ws, file)
    typer.echo(f"{change} fixture {record.name} ({record.trigger_id})")


@fixtures_app.command("list")
@guarded
def fixtures_list(
    ctx: typer.Context,
    trigger: Optional[str] = typer.Option(None, "--trigger", help="Only this trigger's fixtures."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the fixtures."""
    from actions_studio.services import fixtures

    with _workspace(ctx) as ws:
        items = fixtures.list_fixtures(ws, trigger)
    if as_json:
        _print_json([{"name": f.name, "trigger": f.trigger_id, "action": f.action_name,
                      "has_expectation": f.expect is not None} for f in items])
        return
    if not items:
        typer.echo("no fixtures yet; add one with `fixtures add FILE`")
        return
    _table(["NAME", "TRIGGER", "RUNS", "EXPECTS"],
           [[f.name, f.trigger_id, f"draft of {f.action_name}" if f.action_name else "flow",
             (f.expect or {}).get("status", "outcome") if f.expect is not None else "-"]
            for f in items])


@fixtures_app.command("show")
@guarded
def fixtures_show(ctx: typer.Context, name: str) -> None:
    """Print a fixture in the file format (secret values as null)."""
    from actions_studio.services import fixtures

    with _workspace(ctx) as ws:
        record = fixtures.get_fixture(ws, name)
    _print_json(fixtures.to_document(record))


# -- flows ---------------------------------------------------------------------------------------


@flows_app.command("show")
@guarded
def flows_show(ctx: typer.Context, trigger: str, as_json: bool = JSON_OPTION) -> None:
    """The ordered actions of a trigger's flow."""
    from actions_studio.services import flows

    with _workspace(ctx) as ws:
        items = flows.get_flow(ws, trigger)
    if as_json:
        _print_json([{"name": a.name, "deployed_version": a.deployed_number} for a in items])
    elif not items:
        typer.echo(f"the {trigger} flow is empty")
    else:
        _table(["#", "ACTION", "DEPLOYED"],
               [[i + 1, a.name, f"v{a.deployed_number}"] for i, a in enumerate(items)])


@flows_app.command("set")
@guarded
def flows_set(
    ctx: typer.Context, trigger: str,
    names: Optional[list[str]] = typer.Argument(None, help="Deployed actions, in order (none: empty the flow)."),
) -> None:
    """Set the whole flow of a trigger, in order; says which actions it took out."""
    from actions_studio.services import flows

    with _workspace(ctx) as ws:
        before = flows.get_flow(ws, trigger)
        items = flows.set_flow(ws, trigger, names or [])
    _echo_flow(trigger, items, flows.removed_names(before, items))


@flows_app.command("add")
@guarded
def flows_add(
    ctx: typer.Context, trigger: str, action: str,
    at: Optional[int] = typer.Option(None, "--at", help="1-based step to put it at (default: last); "
                                     "moves an action already in the flow."),
) -> None:
    """Add one deployed action to a trigger's flow, keeping the others."""
    from actions_studio.services import flows

    with _workspace(ctx) as ws:
        items = flows.add_to_flow(ws, trigger, action, at=at)
    _echo_flow(trigger, items, [])


@flows_app.command("remove")
@guarded
def flows_remove(ctx: typer.Context, trigger: str, action: str) -> None:
    """Take one action out of a trigger's flow, keeping the others in order."""
    from actions_studio.services import flows

    with _workspace(ctx) as ws:
        before = flows.get_flow(ws, trigger)
        items = flows.remove_from_flow(ws, trigger, action)
    _echo_flow(trigger, items, flows.removed_names(before, items))


def _echo_flow(trigger: str, items: list[Any], removed: list[str]) -> None:
    typer.echo(f"{trigger} flow: {' -> '.join(a.name for a in items) or '(empty)'}")
    if removed:
        # Issue 12 item 2: `flows set` once dropped four actions with one quiet line.
        typer.echo(f"removed from the flow: {', '.join(removed)} (still deployed; "
                   f"`flows add {trigger} NAME` puts one back)")


# -- test, export, import ------------------------------------------------------------------------


@guarded
def test_command(
    ctx: typer.Context,
    junit: Optional[Path] = typer.Option(None, "--junit", help="Also write JUnit XML here (for CI)."),
    as_json: bool = JSON_OPTION,
) -> None:
    from actions_studio.services import runs

    with _workspace(ctx) as ws:
        reports = runs.run_tests(ws)
    if junit is not None:
        _write_junit(junit, reports)
    failed = [r for r in reports if not r.passed]
    if as_json:
        _print_json([{"fixture": r.fixture, "target": r.target, "status": r.status,
                      "passed": r.passed, "mismatch": r.mismatch} for r in reports])
    elif not reports:
        typer.echo("no fixture has an expectation; nothing to test")
    else:
        _table(["FIXTURE", "RAN", "STATUS", "RESULT", "FIRST MISMATCH"],
               [[r.fixture, r.target, r.status, "PASS" if r.passed else "FAIL", r.mismatch or ""]
                for r in reports])
        typer.echo(f"{len(reports) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(EXIT_TEST_FAILED)


def _write_junit(path: Path, reports: list[Any]) -> None:
    suite = ET.Element("testsuite", name="actions-studio", tests=str(len(reports)),
                       failures=str(sum(1 for r in reports if not r.passed)), errors="0")
    for report in reports:
        case = ET.SubElement(suite, "testcase", classname=report.target, name=report.fixture)
        if not report.passed:
            failure = ET.SubElement(case, "failure", message=report.mismatch or "failed")
            failure.text = f"status: {report.status}\n{report.mismatch or ''}"
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites")
    root.append(suite)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


@guarded
def export_command(
    ctx: typer.Context, directory: Path = typer.Argument(..., metavar="DIR"),
    fmt: str = typer.Option("studio", "--format", help="studio (the studio's own layout), "
                            "deploy-cli-directory or deploy-cli-yaml (the Auth0 Deploy CLI's)."),
) -> None:
    from actions_studio.services import deploy_cli, exchange

    if fmt not in ("studio", *deploy_cli.FORMATS):
        _fail(f"unknown format {fmt!r}; one of studio, {', '.join(deploy_cli.FORMATS)}")
    with _workspace(ctx) as ws:
        report = (exchange.export_workspace(ws, directory) if fmt == "studio"
                  else deploy_cli.export_tree(ws, directory, fmt))  # type: ignore[arg-type]
    for line in getattr(report, "left_out", ()):
        typer.echo(f"left out: {line}", err=True)
    typer.echo(f"exported to {directory}: {len(report.written)} written, "
               f"{len(report.unchanged)} unchanged, {len(report.removed)} removed")


@guarded
def import_command(
    ctx: typer.Context, directory: Path = typer.Argument(..., metavar="DIR"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Reads the studio's own layout, or a Deploy CLI tree (directory or tenant.yaml format)."""
    from actions_studio.services import deploy_cli, exchange

    with _workspace(ctx) as ws:
        fmt = deploy_cli.detect(directory)
        report = (deploy_cli.import_tree(ws, directory, fmt) if fmt is not None
                  else exchange.import_workspace(ws, directory))
    left_out = list(getattr(report, "left_out", ()))
    notes = list(getattr(report, "notes", ()))
    if as_json:
        doc = {"created": report.created, "changed": report.changed, "unchanged": report.unchanged}
        if notes:
            doc["notes"] = notes
        _print_json(doc if fmt is None else {"format": fmt, **doc, "left_out": left_out})
        return
    for line in left_out:
        typer.echo(f"left out: {line}", err=True)
    for line in notes:
        typer.echo(f"note: {line}", err=True)
    if fmt is not None:
        typer.echo(f"read a Deploy CLI tree ({fmt.removeprefix('deploy-cli-')} format)")
    for label, items in (("created", report.created), ("changed", report.changed),
                         ("unchanged", report.unchanged)):
        typer.echo(f"{label} ({len(items)}): {', '.join(items) if items else '-'}")


# -- workspace -----------------------------------------------------------------------------------


@workspace_app.command("restore")
@guarded
def workspace_restore(
    ctx: typer.Context,
    backup: Optional[str] = typer.Argument(
        None, metavar="[NAME_OR_INDEX]", help="The backup to restore (1 = newest); none: list them."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the workspace's backups, or restore one (the current file is kept aside first)."""
    # Works on the file, never through Workspace.open: it is the way out when that refuses.
    from actions_studio.services import workspace as workspace_files

    path = _workspace_path(ctx)
    if backup is None:
        items = workspace_files.list_backups(path)
        if as_json:
            _print_json([_backup_json(i, b) for i, b in enumerate(items, 1)])
        elif not items:
            typer.echo("no backups yet: one is taken at the first open of each day and before "
                       "every upgrade of the workspace")
        else:
            _table(["#", "BACKUP", "TAKEN", "SIZE", "KIND"],
                   [[i, b.name, f"{b.taken_at.astimezone():%Y-%m-%d %H:%M:%S}",
                     _size(b.size), b.kind] for i, b in enumerate(items, 1)])
        return
    restored, aside = workspace_files.restore_backup(backup, path)
    if as_json:
        _print_json({"restored": _backup_json(None, restored),
                     "kept_aside": _backup_json(None, aside) if aside is not None else None})
        return
    typer.echo(f"restored the workspace from {restored.name}"
               + (f"; the file it replaced is kept as {aside.path}" if aside is not None else ""))


def _backup_json(index: Optional[int], backup: Any) -> dict[str, Any]:
    doc = {"name": backup.name, "path": str(backup.path), "kind": backup.kind,
           "taken_at": backup.taken_at.isoformat(), "size": backup.size}
    return {"index": index, **doc} if index is not None else doc


def _size(size: int) -> str:
    from actions_studio.store.backups import human_size

    return human_size(size)

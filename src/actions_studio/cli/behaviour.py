"""`actions-studio diff`, `replay` and `fuzz`: what a change will do, before it goes live (issue 19).

Exit codes, for CI: 0 the behaviour is the same (diff, replay) or nothing was found (fuzz); 1 the
behaviour differs, or fuzzing found an event that breaks the action; 2 bad input, one line on
stderr (cli/common.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from actions_studio.cli.common import fail, guarded, open_workspace

EXIT_SAME, EXIT_DIFFERS = 0, 1


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def print_diff(diff: Any) -> None:
    """The headline, then each differing fixture with its differences, one per line."""
    typer.echo(diff.headline())
    for item in diff.differing:
        where = "" if item.kind == "action" else " (in the flow)"
        typer.echo(f"  {item.fixture}{where}: {item.before.status} → {item.after.status}")
        for difference in item.differences:
            typer.echo(f"    {difference}")


@guarded
def diff_command(
    ctx: typer.Context,
    action: Annotated[str, typer.Argument(help="The action whose behaviour to compare.")],
    before: Annotated[str, typer.Option("--from", help="deployed (default) or vN.")] = "deployed",
    after: Annotated[str, typer.Option("--to", help="draft (default), deployed or vN.")] = "draft",
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    from actions_studio.services.behaviour import behaviour_diff, parse_side

    sides = parse_side(before), parse_side(after)
    with open_workspace(ctx) as ws:
        diff = behaviour_diff(ws, action, before=sides[0], after=sides[1])
    if as_json:
        _print_json(diff.to_json())
    else:
        print_diff(diff)
    raise typer.Exit(EXIT_SAME if diff.same else EXIT_DIFFERS)


@guarded
def fuzz_command(
    ctx: typer.Context,
    action: Annotated[str, typer.Argument(help="The action to fuzz (its draft).")],
    examples: Annotated[int, typer.Option("--examples", help="How many events to generate.")] = 100,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Seed, to repeat a run exactly.")] = None,
    invariant: Annotated[Optional[Path], typer.Option(
        "--invariant", help="Python file of invariant_… functions over (event, result).")] = None,
    version: Annotated[Optional[int], typer.Option("--version", help="Fuzz version N instead of the draft.")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds one example may run.")] = 5.0,
    save: Annotated[bool, typer.Option("--save", help="Save each finding as a fixture of the action.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    from actions_studio.services import fuzz

    invariants = fuzz.load_invariants(invariant) if invariant is not None else None
    with open_workspace(ctx) as ws:
        report = fuzz.fuzz_action(ws, action, examples=examples, seed=seed, invariants=invariants,
                                  version=version, timeout_s=timeout)
        saved = [fuzz.save_finding(ws, action, finding, fuzz.finding_fixture_name(action, finding, i))
                 for i, finding in enumerate(report.findings, 1)] if save else []
    if as_json:
        _print_json({**report.to_json(), "saved": saved})
    else:
        typer.echo(report.headline())
        for finding in report.findings:
            typer.echo(f"  {finding.kind}: {finding.summary}")
            typer.echo(f"    shrunk event: {json.dumps(finding.event, ensure_ascii=False, sort_keys=True)}")
        for name in saved:
            typer.echo(f"saved fixture {name!r}")
    raise typer.Exit(EXIT_DIFFERS if report.findings else EXIT_SAME)


@guarded
def replay_command(
    ctx: typer.Context,
    execution_id: Annotated[str, typer.Argument(help="The execution's id (a tenant log entry names it).")],
    action: Annotated[Optional[str], typer.Option("--action", help="The action to swap in; default: every action of the flow.")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Run the draft instead of the deployed version.")] = False,
    version: Annotated[Optional[int], typer.Option("--version", help="Run version N of --action.")] = None,
    tenant: Annotated[Optional[str], typer.Option("--tenant", help="Tenant profile (default: the active one).")] = None,
    save_fixture: Annotated[Optional[str], typer.Option(
        "--save-fixture", help="Save the event as a fixture with this name (personal data flagged).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    from actions_studio.cli.sync import _session
    from actions_studio.services import replay

    if draft and version is not None:
        fail("--draft and --version are two choices of code: give one")
    if version is not None and action is None:
        fail("--version needs --action: version numbers are per action")
    code: Any = "draft" if draft else version if version is not None else "deployed"
    with _session(ctx, tenant) as session:
        result = replay.replay_execution(session.ws, session.client, execution_id, action=action, code=code)
        saved = (replay.save_as_fixture(session.ws, result, save_fixture, action=action)
                 if save_fixture is not None else None)
    if as_json:
        _print_json({**result.to_json(), "saved_fixture": saved[0] if saved else None})
    else:
        typer.echo(result.headline())
        for difference in result.comparison.differences:
            typer.echo(f"  {difference}")
        if saved:
            flagged = ", ".join(saved[1]) or "none found"
            typer.echo(f"saved fixture {saved[0]!r}; scrub its personal data: {flagged}")
    raise typer.Exit(EXIT_SAME if result.same else EXIT_DIFFERS)


def register(app: typer.Typer) -> None:
    app.command("diff", help="Run the action's fixtures on two versions (deployed and draft by "
                "default) and show where the behaviour differs; exit 1 when it does.")(diff_command)
    app.command("replay", help="Run a tenant execution's recorded event locally (deployed, --draft "
                "or --version N) and compare with what the tenant did; exit 1 when it differs.")(replay_command)
    app.command("fuzz", help="Run the action on generated events of its trigger; exit 1 when one "
                "makes it raise, time out or break an invariant (shrunk to a minimal event).")(fuzz_command)

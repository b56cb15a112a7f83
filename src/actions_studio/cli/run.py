"""`actions-studio run` and `actions-studio flow`: execute Action files in the sandbox.

A `.py` file is a python3 action, a `.js` file a node22 one (Auth0's CommonJS handlers); `--runtime`
overrides the extension for every file. Both go through the one `execution.execute`, so a JS
action's result is the same ExecutionResult a Python one gives.

Bad input (unknown trigger, unreadable or invalid JSON, an event failing validation, no handler)
is exit 2 with one line naming what is wrong; an action error or timeout is exit 1; every completed
execution (success, denied, suspended) is exit 0 — so CI can tell "my Action denied" from "my
Action crashed".
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from actions_studio.cli.common import EXIT_ERROR, fail

EXIT_OK, EXIT_ACTION_FAILED, EXIT_BAD_INPUT = 0, 1, EXIT_ERROR


class BadInput(Exception):
    """Input the user can fix; reported through `fail` (one line, exit 2)."""


def _load_trigger(trigger_id: str) -> Any:
    from actions_studio.triggers import UnknownTriggerError, get_trigger

    try:
        return get_trigger(trigger_id)
    except UnknownTriggerError as exc:
        raise BadInput(str(exc)) from None


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot read {what} file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{what} file {path} is not UTF-8 text") from None


def _read_json(path: Path, what: str) -> Any:
    text = _read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{what} file {path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def _load_event(trigger: Any, event_path: Optional[Path], patch_path: Optional[Path] = None) -> dict:
    from actions_studio.triggers import EventValidationError
    from actions_studio.triggers.event_patch import merge_patch

    if event_path is not None and patch_path is not None:
        raise BadInput("give --event (a whole event) or --event-patch (fields over the sample), not both")
    if patch_path is not None:
        patch = _read_json(patch_path, "event patch")
        if not isinstance(patch, dict):
            raise BadInput(f"event patch file {patch_path} must hold a JSON object of the fields to change")
        payload, source = merge_patch(trigger.sample_event(), patch), f"the sample event patched by {patch_path}"
    elif event_path is not None:
        payload, source = _read_json(event_path, "event"), f"event file {event_path}"
    else:
        return trigger.sample_event()
    try:
        trigger.parse_event(payload)
    except EventValidationError as exc:
        # One headline, then the fields (issue 12 item 6); a partial event is the usual cause.
        count = len(exc.errors)
        hint = ("; --event-patch FILE starts from the sample event"
                if patch_path is None and exc.missing_fields else "")
        raise BadInput(f"{source} does not match the {trigger.id} event "
                       f"({count} field{'s' if count != 1 else ''}{hint}):\n{exc.fields()}") from None
    return payload


def _parse_secrets(pairs: list[str]) -> dict[str, str]:
    secrets: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise BadInput(f"--secret expects NAME=VALUE, got {pair.split('=')[0]!r}")
        secrets[name] = value
    return secrets


def _defines(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
            (alias.asname or alias.name) == name for alias in node.names
        ):
            return True
    return False


def _action_name(path: Path) -> str:
    """The file's stem; in an exported workspace (`actions/<name>/code.js`, `deployed.py`) the
    action's folder, so a flow of exported files gets the actions' own names."""
    if path.stem in ("code", "deployed") and path.suffix in (".py", ".js") and path.parent.name:
        return path.parent.name
    return path.stem


def _load_action(path: Path, trigger: Any, runtime: str) -> tuple[str, str]:
    code = _read_text(path, "action")
    if runtime != "python3":
        return _action_name(path), _checked_javascript(path, code, trigger)
    try:
        tree = ast.parse(code, filename=str(path))
    except SyntaxError:
        # Not bad input: the sandbox reports it as the action's error with its line (exit 1).
        return _action_name(path), code
    if not _defines(tree, trigger.execute_handler):
        raise BadInput(
            f"{path} has no {trigger.execute_handler}(event, api) handler for trigger {trigger.id}"
        )
    return _action_name(path), code


def _checked_javascript(path: Path, code: str, trigger: Any) -> str:
    from actions_studio.triggers.javascript import javascript_view

    handler = javascript_view(trigger.id).execute_handler
    # Whether the module exports the handler is only known once it runs (`exports[name] = …` may
    # be computed); a file that never even names it cannot have it. A syntax error is left to the
    # run: it is the action's error with its line (exit 1), as for Python.
    if handler not in code:
        raise BadInput(f"{path} has no {handler}(event, api) handler for trigger {trigger.id} "
                       f"(export it: exports.{handler} = async (event, api) => {{ … }})")
    return code


def _runtime_of(path: Path, forced: Optional[str]) -> str:
    from actions_studio.services.errors import InvalidInputError
    from actions_studio.services.names import check_runtime, runtime_of_file

    if forced is None:
        return runtime_of_file(path.name)
    try:
        return check_runtime(forced)
    except InvalidInputError as exc:
        raise BadInput(f"--runtime: {exc}") from None


def _require_node(path: Path) -> None:
    """A clear exit 2 before anything runs when a JavaScript file has no Node to run on."""
    from actions_studio import nodejs

    try:
        nodejs.find_node()
    except nodejs.NodeError as exc:
        raise BadInput(f"{path} is a node22 action but the node runtime is missing: {exc}") from None


def execute(
    files: list[Path],
    trigger_id: str,
    event_path: Optional[Path],
    secret_pairs: list[str],
    timeout: Optional[float],
    as_json: bool,
    patch_path: Optional[Path] = None,
    runtime: Optional[str] = None,
) -> int:
    from actions_studio.execution import RunSource, execute as run_pipeline
    from actions_studio.runtime import Sandbox, SandboxLimits
    from actions_studio.services.names import runtime_notice

    try:
        trigger = _load_trigger(trigger_id)
        payload = _load_event(trigger, event_path, patch_path)
        secrets = _parse_secrets(secret_pairs)
        if timeout is not None and timeout <= 0:
            raise BadInput("--timeout must be a positive number of seconds")
        actions = []
        notice = runtime_notice(runtime) if files else None
        if notice:
            typer.echo(f"note: --runtime {runtime}: {notice}", err=True)
        for path in files:
            action_runtime = _runtime_of(path, runtime)
            name, code = _load_action(path, trigger, action_runtime)
            if action_runtime != "python3":
                _require_node(path)
            actions.append(RunSource(name=name, code=code, version=None, secrets=dict(secrets),
                                     runtime=action_runtime))
        names = [a.name for a in actions]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate:
            raise BadInput(f"two action files are named {duplicate!r}; rename one")
    except BadInput as exc:
        fail(str(exc))

    limits = SandboxLimits() if timeout is None else SandboxLimits(wall_time_s=timeout)
    try:
        with Sandbox(limits) as sandbox:
            result = run_pipeline(trigger.id, actions, payload, sandbox=lambda: sandbox)
    except ValueError as exc:  # e.g. more actions than a flow may hold, oversize event
        fail(str(exc))

    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        from actions_studio.cli.summary import print_summary

        print_summary(result)
    return EXIT_ACTION_FAILED if result.status in ("error", "timeout", "stopped") else EXIT_OK


# One declaration of the options `run` and `flow` share, so the two commands cannot drift apart.
TriggerOption = Annotated[str, typer.Option("--trigger", "-t", help="Trigger id, e.g. post-login, credentials-exchange.")]
EventOption = Annotated[Optional[Path], typer.Option(
    "--event", "-e", help="Event JSON file (Auth0 wire shape). Default: the trigger's sample event.")]
SecretOption = Annotated[list[str], typer.Option(
    "--secret", "-s", help="A secret the action can read as event.secrets['NAME']. Repeatable.")]
TimeoutOption = Annotated[Optional[float], typer.Option(
    "--timeout", help="Wall-time budget for the whole execution in seconds (default 20).")]
EventPatchOption = Annotated[Optional[Path], typer.Option(
    "--event-patch", help="JSON file of only the fields to change, deep-merged over the trigger's sample "
    "event (RFC 7396: objects merge, other values replace, null removes).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print exactly the ExecutionResult JSON.")]
RuntimeOption = Annotated[Optional[str], typer.Option(
    "--runtime", help="python3 or node22 for every file (default: .js files node22, others python3); "
    "node18, which Auth0 deprecated, runs on Node 22.")]


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_command(
        action: Annotated[Path, typer.Argument(help="The action's file: Python (.py) or JavaScript (.js).")],
        trigger: TriggerOption,
        event: EventOption = None,
        secret: SecretOption = [],  # noqa: B006 — typer reads the default, never mutates it
        timeout: TimeoutOption = None,
        as_json: JsonOption = False,
        event_patch: EventPatchOption = None,
        runtime: RuntimeOption = None,
    ) -> None:
        """Run one Action file against an event in the sandbox."""
        raise typer.Exit(execute([action], trigger, event, secret, timeout, as_json, event_patch, runtime))

    @app.command("flow")
    def flow_command(
        actions: Annotated[list[Path], typer.Argument(help="Action files (.py, .js; mixed is fine), in flow order.")],
        trigger: TriggerOption,
        event: EventOption = None,
        secret: SecretOption = [],  # noqa: B006
        timeout: TimeoutOption = None,
        as_json: JsonOption = False,
        event_patch: EventPatchOption = None,
        runtime: RuntimeOption = None,
    ) -> None:
        """Run several Action files as one flow, in the order given."""
        raise typer.Exit(execute(actions, trigger, event, secret, timeout, as_json, event_patch, runtime))

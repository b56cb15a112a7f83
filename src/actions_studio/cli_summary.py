"""A short human reading of an ExecutionResult for the terminal (the JSON is for machines)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

STATUS_STYLE = {
    "success": "green",
    "denied": "yellow",
    "suspended": "cyan",
    "error": "red",
    "timeout": "red",
    "stopped": "magenta",
    "skipped": "dim",
}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def outcome_lines(outcome: dict[str, Any]) -> list[str]:
    """The outcome as sentences, most consequential first; empty parts are left out."""
    lines: list[str] = []
    denied = outcome.get("denied")
    if denied:
        detail = ", ".join(f"{k}={v!r}" for k, v in denied.items() if v is not None)
        lines.append(f"denied: {detail}")
    validation = outcome.get("validation_error")
    if validation:
        lines.append(f"validation error: {validation.get('code')}: {validation.get('message')}")
    redirect = outcome.get("redirect")
    if redirect:
        query = f" with {_compact(redirect['query'])}" if redirect.get("query") else ""
        lines.append(f"redirect to {redirect.get('url')}{query}")
    for token in ("access_token", "id_token"):
        part = outcome.get(token) or {}
        for claim, value in (part.get("claims") or {}).items():
            lines.append(f"{token} claim {claim} = {_compact(value)}")
        for scope in part.get("scopes_added") or []:
            lines.append(f"{token} scope added: {scope}")
        for scope in part.get("scopes_removed") or []:
            lines.append(f"{token} scope removed: {scope}")
    user = outcome.get("user") or {}
    for kind in ("app_metadata", "user_metadata"):
        for key, value in (user.get(kind) or {}).items():
            change = "deleted" if value is None else f"= {_compact(value)}"
            lines.append(f"user.{kind}.{key} {change}")
    mfa = outcome.get("multifactor")
    if mfa:
        lines.append(f"MFA required: {mfa.get('provider')}")
    auth = outcome.get("authentication") or {}
    for challenge in auth.get("challenges") or []:
        lines.append(f"challenge: {_compact(challenge)}")
    for enrollment in auth.get("enrollments") or []:
        lines.append(f"enrollment: {_compact(enrollment)}")
    for key, value in (outcome.get("transaction_metadata") or {}).items():
        lines.append(f"transaction metadata {key} = {_compact(value)}")
    return lines


def print_summary(result: Any, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    data = result.model_dump(mode="json")
    status = data["status"]
    stats = data.get("stats") or {}
    header = Text.assemble(
        (f"{data['trigger']}: ", "bold"),
        (status.upper(), f"bold {STATUS_STYLE.get(status, '')}"),
        f"  in {stats.get('duration_ms', 0):.1f} ms",
    )
    console.print(header)

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("action", "status", "ms", "calls"):
        table.add_column(column)
    for action in data["actions"]:
        table.add_row(
            action["name"],
            Text(action["status"], style=STATUS_STYLE.get(action["status"], "")),
            f"{action.get('duration_ms') or 0:.1f}",
            str(len(action.get("calls") or [])),
        )
    console.print(table)

    for line in outcome_lines(data.get("outcome") or {}):
        console.print(f"  • {line}")
    for action in data["actions"]:
        for warning in action.get("warnings") or []:
            console.print(Text(f"  ! {action['name']}: {warning}", style="yellow"))
        if action.get("logs"):
            console.print(Text(f"── console of {action['name']} ──", style="dim"))
            console.print(Text(action["logs"].rstrip("\n")))
        error = action.get("error")
        if error:
            where = f" (line {error['line']})" if error.get("line") else ""
            console.print(Text(f"{action['name']}: {error['type']}: {error['message']}{where}", style="red"))
            if error.get("traceback"):
                console.print(Text(error["traceback"].rstrip("\n"), style="dim"))

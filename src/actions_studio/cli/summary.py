"""A short human reading of an ExecutionResult for the terminal (the JSON is for machines)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from actions_studio.runtime import ExecutionResult
from actions_studio.triggers.outcome_entries import outcome_entries

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
    for entry in outcome_entries(outcome):
        kind, value = entry.kind, entry.value
        if kind == "denied":
            detail = ", ".join(f"{k}={v!r}" for k, v in value.items() if v is not None)
            lines.append(f"denied: {detail}")
        elif kind == "validation_error":
            lines.append(f"validation error: {value.get('code')}: {value.get('message')}")
        elif kind == "redirect":
            query = f" with {_compact(value['query'])}" if value.get("query") else ""
            lines.append(f"redirect to {value.get('url')}{query}")
        elif kind == "claim":
            lines.append(f"{entry.token} claim {entry.key} = {_compact(value)}")
        elif kind in ("scope_added", "scope_removed"):
            lines.append(f"{entry.token} scope {kind.split('_')[1]}: {entry.key}")
        elif kind in ("app_metadata", "user_metadata"):
            change = "deleted" if value is None else f"= {_compact(value)}"
            lines.append(f"user.{kind}.{entry.key} {change}")
        elif kind == "multifactor":
            lines.append(f"MFA required: {value.get('provider')}")
        elif kind in ("challenge", "enrollment"):
            lines.append(f"{kind}: {_compact(value)}")
        elif kind == "transaction_metadata":
            lines.append(f"transaction metadata {entry.key} = {_compact(value)}")
    return lines


def print_summary(result: ExecutionResult, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    status = result.status
    header = Text.assemble(
        (f"{result.trigger}: ", "bold"),
        (status.upper(), f"bold {STATUS_STYLE.get(status, '')}"),
        f"  in {result.stats.duration_ms:.1f} ms",
    )
    console.print(header)

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("action", "status", "ms", "calls"):
        table.add_column(column)
    for action in result.actions:
        table.add_row(
            action.name,
            Text(action.status, style=STATUS_STYLE.get(action.status, "")),
            f"{action.duration_ms or 0:.1f}",
            str(len(action.calls)),
        )
    console.print(table)

    for line in outcome_lines(result.outcome):
        console.print(f"  • {line}")
    for action in result.actions:
        for warning in action.warnings:
            console.print(Text(f"  ! {action.name}: {warning}", style="yellow"))
        if action.logs:
            console.print(Text(f"── console of {action.name} ──", style="dim"))
            console.print(Text(action.logs.rstrip("\n")))
        error = action.error
        if error:
            where = f" (line {error.line})" if error.line else ""
            console.print(Text(f"{action.name}: {error.type}: {error.message}{where}", style="red"))
            if error.traceback:
                console.print(Text(error.traceback.rstrip("\n"), style="dim"))

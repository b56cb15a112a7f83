"""Checking a fixture's event text as the user types: JSON first, then the trigger's event model.

Qt-free: text in, a list of `EventProblem` out (an empty list means valid). Paths are the wire
names the user sees in the JSON, prefixed with `event` (`event.user.email`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from actions_studio.services.catalog import get_trigger


@dataclass(frozen=True)
class EventProblem:
    path: str
    message: str
    line: Optional[int] = None  # 1-based, for JSON syntax errors

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else (f"{self.path}: " if self.path else "")
        return f"{where}{self.message}"


def check_event_text(trigger_id: str, text: str, *, over_sample: bool = False
                     ) -> tuple[Optional[dict[str, Any]], list[EventProblem]]:
    """Returns (the parsed event or None, problems). With `over_sample` the text holds only the
    fields that differ from the trigger's sample (a merge patch, issue 12 item 6): the event
    returned is the sample with it merged in."""
    try:
        event = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [EventProblem("", f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno)]
    from actions_studio.triggers import EventValidationError

    if over_sample:
        from actions_studio.triggers.event_patch import merge_patch

        if not isinstance(event, dict):
            return None, [EventProblem("event", "the changes are a JSON object of the fields to change")]
        event = merge_patch(get_trigger(trigger_id).sample_event(), event)

    try:
        get_trigger(trigger_id).parse_event(event)
    except EventValidationError as exc:
        return None, [EventProblem(f"event.{e.path}" if e.path else "event", e.message) for e in exc.errors]
    return event, []


def event_text(event: dict[str, Any]) -> str:
    return json.dumps(event, indent=2, ensure_ascii=False)


def changes_text(trigger_id: str, event: dict[str, Any]) -> Optional[str]:
    """The event as only what differs from the trigger's sample, or None where a merge patch
    cannot say it exactly (a field set to null that the sample fills)."""
    from actions_studio.triggers.event_patch import make_patch, merge_patch

    sample = get_trigger(trigger_id).sample_event()
    patch = make_patch(sample, event)
    return event_text(patch) if merge_patch(sample, patch) == event else None

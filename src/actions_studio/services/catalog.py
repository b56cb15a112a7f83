"""The services' one door to the trigger catalog: catalog errors become service errors here."""

from __future__ import annotations

from typing import Any

from actions_studio.services.errors import InvalidInputError


def get_trigger(trigger_id: str) -> Any:
    from actions_studio.triggers import UnknownTriggerError
    from actions_studio.triggers import get_trigger as _get

    try:
        return _get(trigger_id)
    except UnknownTriggerError as exc:
        raise InvalidInputError(str(exc)) from None


def validate_event(trigger_id: str, event: dict[str, Any], *, where: str = "event") -> None:
    """Raises InvalidInputError naming the first few bad field paths."""
    from actions_studio.triggers import EventValidationError

    trigger = get_trigger(trigger_id)
    try:
        trigger.parse_event(event)
    except EventValidationError as exc:
        shown = "; ".join(f"{where}.{e.path}: {e.message}" if e.path else f"{where}: {e.message}"
                          for e in exc.errors[:5])
        more = f" (and {len(exc.errors) - 5} more)" if len(exc.errors) > 5 else ""
        raise InvalidInputError(f"the {trigger_id} event is not valid: {shown}{more}") from None

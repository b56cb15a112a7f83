"""The starting code of a new action: `resources/templates/<trigger-id>.py`."""

from __future__ import annotations

from actions_studio.resources import templates_dir
from actions_studio.services.catalog import get_trigger


def template_for(trigger_id: str) -> str:
    trigger = get_trigger(trigger_id)
    path = templates_dir() / f"{trigger.id}.py"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    # A trigger added to the catalog before its template: still give a handler that runs.
    return (
        f'"""{trigger.id} action."""\n\n\n'
        f"def {trigger.execute_handler}(event, api):\n"
        f"    # Called for every {trigger.id} execution; `api` records what the action changes.\n"
        f"    pass\n"
    )

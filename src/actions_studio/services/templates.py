"""The starting code of a new action: `resources/templates/<trigger-id>.py` for python3,
`<trigger-id>.js` for node22."""

from __future__ import annotations

from actions_studio.resources import templates_dir
from actions_studio.services.catalog import get_trigger
from actions_studio.services.names import CODE_SUFFIX, check_runtime


def js_name(snake: str) -> str:
    """Auth0's JavaScript name of a handler: on_execute_post_login → onExecutePostLogin."""
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


def template_for(trigger_id: str, runtime: str = "python3") -> str:
    trigger = get_trigger(trigger_id)
    path = templates_dir() / f"{trigger.id}{CODE_SUFFIX[check_runtime(runtime)]}"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    # A trigger added to the catalog before its template: still give a handler that runs.
    if runtime == "node22":
        return (
            f"/** {trigger.id} action. */\n\n"
            f"exports.{js_name(trigger.execute_handler)} = async (event, api) => {{\n"
            f"  // Called for every {trigger.id} execution; `api` records what the action changes.\n"
            f"}};\n"
        )
    return (
        f'"""{trigger.id} action."""\n\n\n'
        f"def {trigger.execute_handler}(event, api):\n"
        f"    # Called for every {trigger.id} execution; `api` records what the action changes.\n"
        f"    pass\n"
    )

"""The starting code of a new action: `resources/templates/<trigger-id>.py`, or `.js` for a Node
runtime (`node22`; Auth0's CommonJS handlers, typed with JSDoc for editors other than the studio)."""

from __future__ import annotations

from actions_studio.resources import templates_dir
from actions_studio.services.catalog import get_trigger


def is_javascript(runtime: str) -> bool:
    """node22 and node18 (which Auth0 and the tenant run on Node 22) are JavaScript runtimes."""
    return runtime.startswith("node")


def template_for(trigger_id: str, runtime: str = "python3") -> str:
    trigger = get_trigger(trigger_id)
    javascript = is_javascript(runtime)
    path = templates_dir() / f"{trigger.id}.{'js' if javascript else 'py'}"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    # A trigger added to the catalog before its template: still give a handler that runs.
    if javascript:
        # Imported here: the JavaScript view of the catalog costs ~25 ms to build, which the
        # studio's start (this module comes with services.actions) need not pay (issue 12 item 10).
        from actions_studio.triggers.javascript import javascript_view

        return (
            f"// {trigger.id} action.\n\n"
            f"exports.{javascript_view(trigger.id).execute_handler} = async (event, api) => {{\n"
            f"  // Called for every {trigger.id} execution; `api` records what the action changes.\n"
            f"}};\n"
        )
    return (
        f'"""{trigger.id} action."""\n\n\n'
        f"def {trigger.execute_handler}(event, api):\n"
        f"    # Called for every {trigger.id} execution; `api` records what the action changes.\n"
        f"    pass\n"
    )

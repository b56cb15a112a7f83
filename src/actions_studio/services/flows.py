"""Flows: the ordered deployed actions bound to one trigger. "Apply" = `set_flow`."""

from __future__ import annotations

from collections.abc import Sequence

from actions_studio.services.catalog import get_trigger
from actions_studio.services.errors import InvalidInputError, NotFoundError
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store.records import ActionRecord



def get_flow(ws: Workspace, trigger_id: str) -> list[ActionRecord]:
    trigger = get_trigger(trigger_id)
    with ws.db.read() as s:
        return repo.get_flow(s, trigger.id)


def list_flows(ws: Workspace) -> dict[str, list[ActionRecord]]:
    with ws.db.read() as s:
        return repo.list_flows(s)


def set_flow(ws: Workspace, trigger_id: str, action_names: Sequence[str]) -> list[ActionRecord]:
    trigger = get_trigger(trigger_id)
    names = list(action_names)
    if not trigger.has_flow and names:
        raise InvalidInputError(f"{trigger.id} has no flow: {trigger.binding_description}")
    if len(names) > trigger.max_bindings:
        # Auth0's limits, per trigger (20; 4 for password-reset-post-challenge, 1 for the custom providers).
        raise InvalidInputError(
            f"the {trigger.id} flow holds at most {trigger.max_bindings} actions; {len(names)} were given"
        )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInputError(f"an action can appear once in a flow: {', '.join(dupes)}")
    with ws.db.write() as s:
        actions = []
        for name in names:
            action = repo.find_action(s, name)
            if action is None:
                raise NotFoundError(f"no action named {name!r}")
            if action.trigger_id != trigger.id:
                raise InvalidInputError(
                    f"{name} is a {action.trigger_id} action; it cannot join the {trigger.id} flow"
                )
            if action.deployed_number is None:
                raise InvalidInputError(f"{name} has never been deployed; deploy it before adding it to a flow")
            actions.append(action)
        repo.set_flow(s, trigger.id, [a.id for a in actions])
        return repo.get_flow(s, trigger.id)


def add_to_flow(ws: Workspace, trigger_id: str, action_name: str,
                at: int | None = None) -> list[ActionRecord]:
    """Put one deployed action into a trigger's flow at 1-based position `at` (default: last),
    so a script changes one step without retyping the flow (issue 12 item 2). An action already
    in the flow moves to `at`; without `at` that is an error, since nothing would change."""
    current = [a.name for a in get_flow(ws, trigger_id)]
    if action_name in current:
        if at is None:
            raise InvalidInputError(
                f"{action_name} is already in the {trigger_id} flow (step {current.index(action_name) + 1}); "
                f"--at N moves it")
        current.remove(action_name)
    last = len(current) + 1
    if at is not None and not 1 <= at <= last:
        raise InvalidInputError(f"--at must be between 1 and {last} for the {trigger_id} flow; got {at}")
    current.insert((at or last) - 1, action_name)
    return set_flow(ws, trigger_id, current)


def remove_from_flow(ws: Workspace, trigger_id: str, action_name: str) -> list[ActionRecord]:
    """Take one action out of a trigger's flow; the others keep their order."""
    current = [a.name for a in get_flow(ws, trigger_id)]
    if action_name not in current:
        listed = ", ".join(current) or "nothing"
        raise NotFoundError(f"{action_name} is not in the {trigger_id} flow (it holds {listed})")
    current.remove(action_name)
    return set_flow(ws, trigger_id, current)


def removed_names(before: Sequence[ActionRecord], after: Sequence[ActionRecord]) -> list[str]:
    """The actions a change took out of a flow, in their old order."""
    kept = {a.id for a in after}
    return [a.name for a in before if a.id not in kept]

"""Action secrets: names in the draft (and snapshotted into each version), values in the vault.

Limits are Auth0's (reference/TRIGGERS.md): names [A-Za-z0-9_]{1,128}, values ≤ 4096 characters,
at most 30 per action. A value never appears in a message, the workspace file or an export.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from actions_studio.services.errors import InvalidInputError, NotFoundError, VaultError
from actions_studio.services.names import check_secret_name
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo

MAX_VALUE_CHARS = 4096
MAX_PER_ACTION = 30


def action_key(action_id: str, name: str) -> str:
    return f"action:{action_id}:{name}"


def fixture_key(fixture_id: str, name: str) -> str:
    return f"fixture:{fixture_id}:{name}"


def check_value(name: str, value: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"secret {name}: the value must be text")
    if len(value) > MAX_VALUE_CHARS:
        raise InvalidInputError(
            f"secret {name}: the value has {len(value)} characters; the limit is {MAX_VALUE_CHARS}"
        )
    if value == "":
        raise InvalidInputError(f"secret {name}: the value is empty")
    return value


def set_secret(ws: Workspace, action_name: str, name: str, value: str) -> None:
    check_secret_name(name)
    check_value(name, value)
    with ws.db.read() as s:
        action = repo.find_action(s, action_name)
        if action is None:
            raise NotFoundError(f"no action named {action_name!r}")
        names = repo.get_draft(s, action.id).secret_names
    if name not in names and len(names) >= MAX_PER_ACTION:
        raise InvalidInputError(
            f"{action_name} already has {MAX_PER_ACTION} secrets, the most an action may have"
        )
    # Value first: a crash between the two leaves an unreferenced value, never a name whose
    # value is missing.
    ws.vault.set(ws.id, action_key(action.id, name), value)
    if name not in names:
        with ws.db.write() as s:
            current = repo.get_draft(s, action.id).secret_names
            if name not in current:
                if len(current) >= MAX_PER_ACTION:
                    raise InvalidInputError(
                        f"{action_name} already has {MAX_PER_ACTION} secrets, the most an action may have"
                    )
                repo.update_draft(s, action.id, secret_names=sorted((*current, name)))


def list_secret_names(ws: Workspace, action_name: str) -> list[str]:
    with ws.db.read() as s:
        action = repo.find_action(s, action_name)
        if action is None:
            raise NotFoundError(f"no action named {action_name!r}")
        return list(repo.get_draft(s, action.id).secret_names)


def names_without_value(ws: Workspace, action_name: Optional[str] = None) -> list[tuple[str, str]]:
    """(action, secret name) for each secret name with no value in this workspace's vault.

    What a pull leaves behind (a tenant never gives a secret value back, issue 13 item 15), and
    what an export/import or a lost vault does; `action_name` limits it to one action.
    """
    with ws.db.read() as s:
        if action_name is not None:
            action = repo.find_action(s, action_name)
            if action is None:
                raise NotFoundError(f"no action named {action_name!r}")
            actions = [action]
        else:
            actions = repo.list_actions(s)
        wanted = [(a, repo.get_draft(s, a.id).secret_names) for a in actions]
    return [(a.name, name) for a, names in wanted for name in names
            if ws.vault.get(ws.id, action_key(a.id, name)) is None]


def delete_secret(ws: Workspace, action_name: str, name: str) -> None:
    with ws.db.write() as s:
        action = repo.find_action(s, action_name)
        if action is None:
            raise NotFoundError(f"no action named {action_name!r}")
        current = repo.get_draft(s, action.id).secret_names
        if name not in current:
            raise NotFoundError(f"{action_name} has no secret named {name!r}")
        repo.update_draft(s, action.id, secret_names=[n for n in current if n != name])
    ws.vault.delete(ws.id, action_key(action.id, name))


def action_secret_values(ws: Workspace, action_id: str, names: Iterable[str]) -> dict[str, str]:
    """The values to hand to the sandbox; a name whose value is missing is reported, not skipped."""
    values: dict[str, str] = {}
    missing = []
    for name in names:
        value = ws.vault.get(ws.id, action_key(action_id, name))
        if value is None:
            missing.append(name)
        else:
            values[name] = value
    if missing:
        raise VaultError(
            f"no value in the vault ({ws.vault.location()}) for secret(s) {', '.join(missing)}; "
            "set them with `secrets set`"
        )
    return values


def forget_action_secrets(ws: Workspace, action_id: str, names: Iterable[str]) -> None:
    for name in names:
        try:
            ws.vault.delete(ws.id, action_key(action_id, name))
        except VaultError:
            pass  # the action is already gone; an orphan value is unreachable

"""Which Node the workspace runs: the studio's own (the wheel's), or the workspace setting
``node.path``, both overridden by ``$ACTIONS_STUDIO_NODE`` (nodejs.py has the rules)."""

from __future__ import annotations

from actions_studio import nodejs
from actions_studio.services.errors import InvalidInputError, ServiceError
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo


def configured_path(ws: Workspace) -> str | None:
    """The workspace setting ``node.path``; None when unset (the studio's own Node)."""
    with ws.db.read() as s:
        return repo.get_setting(s, nodejs.SETTING_KEY) or None


def node_for(ws: Workspace) -> nodejs.Node:
    """The Node this workspace's JavaScript runs on; ServiceError (one line) when it is unusable."""
    try:
        return nodejs.find_node(configured_path(ws))
    except nodejs.NodeError as exc:
        raise ServiceError(str(exc)) from None


def set_node_path(ws: Workspace, path: str | None) -> nodejs.Node:
    """Stores ``node.path`` once it names a Node >= 22 (an empty value goes back to the studio's
    own); a refused path is not stored."""
    value = (path or "").strip()
    if value:
        try:
            # Checked on its own: $ACTIONS_STUDIO_NODE must not make a bad setting look good.
            nodejs.find_node(value, env={})
        except nodejs.NodeError as exc:
            raise InvalidInputError(str(exc)) from None
    with ws.db.write() as s:
        repo.set_setting(s, nodejs.SETTING_KEY, value)
    return node_for(ws)

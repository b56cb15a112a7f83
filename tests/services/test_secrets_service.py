"""Action secrets: limits, names in the workspace, values only in the vault."""

from __future__ import annotations

import pytest

from actions_studio.services import actions, secrets
from actions_studio.services.errors import InvalidInputError, NotFoundError, VaultError
from actions_studio.services.workspace import Workspace


def test_set_list_delete(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login")
    secrets.set_secret(ws, "a", "API_KEY", "one")
    secrets.set_secret(ws, "a", "API_KEY", "two")  # replacing keeps one name
    secrets.set_secret(ws, "a", "B_TOKEN", "x")
    assert secrets.list_secret_names(ws, "a") == ["API_KEY", "B_TOKEN"]
    detail = actions.open_action(ws, "a")
    assert secrets.action_secret_values(ws, detail.action.id, ["API_KEY"]) == {"API_KEY": "two"}
    secrets.delete_secret(ws, "a", "API_KEY")
    assert secrets.list_secret_names(ws, "a") == ["B_TOKEN"]
    with pytest.raises(VaultError, match="API_KEY"):
        secrets.action_secret_values(ws, detail.action.id, ["API_KEY"])
    with pytest.raises(NotFoundError):
        secrets.delete_secret(ws, "a", "API_KEY")
    with pytest.raises(NotFoundError):
        secrets.set_secret(ws, "ghost", "K", "v")


def test_limits_are_clear(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login")
    for bad in ("", "has-dash", "spa ce", "x" * 129, "é"):
        with pytest.raises(InvalidInputError, match="invalid secret name"):
            secrets.set_secret(ws, "a", bad, "v")
    secrets.set_secret(ws, "a", "X" * 128, "v" * 4096)  # the limits themselves are fine
    with pytest.raises(InvalidInputError, match="4097 characters; the limit is 4096"):
        secrets.set_secret(ws, "a", "BIG", "v" * 4097)
    with pytest.raises(InvalidInputError, match="empty"):
        secrets.set_secret(ws, "a", "EMPTY", "")
    for i in range(29):
        secrets.set_secret(ws, "a", f"S{i}", "v")
    with pytest.raises(InvalidInputError, match="already has 30 secrets"):
        secrets.set_secret(ws, "a", "ONE_TOO_MANY", "v")
    secrets.set_secret(ws, "a", "S0", "new value")  # replacing at the limit is fine
    assert len(secrets.list_secret_names(ws, "a")) == 30


def test_a_deploy_snapshots_the_names_and_delete_forgets_the_values(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login")
    secrets.set_secret(ws, "a", "K", "value-123")
    assert actions.deploy(ws, "a").secret_names == ("K",)
    action_id = actions.open_action(ws, "a").action.id
    actions.delete(ws, "a")
    assert ws.vault.get(ws.id, secrets.action_key(action_id, "K")) is None

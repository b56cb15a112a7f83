"""Flows: only deployed actions of the trigger, at most 20, each once."""

from __future__ import annotations

import pytest

from actions_studio.services import actions, flows
from actions_studio.services.errors import InvalidInputError, NotFoundError
from actions_studio.services.workspace import Workspace


def _deployed(ws: Workspace, name: str, trigger: str = "post-login") -> None:
    actions.create_action(ws, name, trigger)
    actions.deploy(ws, name)


def test_set_and_reorder_a_flow(ws: Workspace) -> None:
    for name in ("a", "b", "c"):
        _deployed(ws, name)
    assert [a.name for a in flows.set_flow(ws, "post-login", ["c", "a"])] == ["c", "a"]
    flows.set_flow(ws, "post-login", ["a", "b", "c"])
    assert [a.name for a in flows.get_flow(ws, "post-login")] == ["a", "b", "c"]
    assert list(flows.list_flows(ws)) == ["post-login"]
    flows.set_flow(ws, "post-login", [])
    assert flows.list_flows(ws) == {}


def test_flow_refusals_name_the_problem(ws: Workspace) -> None:
    _deployed(ws, "login")
    _deployed(ws, "m2m", "credentials-exchange")
    actions.create_action(ws, "draft-only", "post-login")
    with pytest.raises(InvalidInputError, match="m2m is a credentials-exchange action"):
        flows.set_flow(ws, "post-login", ["m2m"])
    with pytest.raises(InvalidInputError, match="never been deployed"):
        flows.set_flow(ws, "post-login", ["draft-only"])
    with pytest.raises(NotFoundError, match="ghost"):
        flows.set_flow(ws, "post-login", ["ghost"])
    with pytest.raises(InvalidInputError, match="once"):
        flows.set_flow(ws, "post-login", ["login", "login"])
    with pytest.raises(InvalidInputError, match="at most 20"):
        flows.set_flow(ws, "post-login", [f"x{i}" for i in range(21)])
    assert flows.get_flow(ws, "post-login") == []  # nothing applied by a refused request


@pytest.mark.parametrize(("trigger", "limit"), [("custom-email-provider", 1), ("custom-phone-provider", 1),
                                                ("password-reset-post-challenge", 4)])
def test_a_flow_holds_at_most_the_triggers_binding_limit(ws: Workspace, trigger: str, limit: int) -> None:
    names = [f"{trigger}-{i}" for i in range(limit + 1)]
    for name in names:
        _deployed(ws, name, trigger)
    assert [a.name for a in flows.set_flow(ws, trigger, names[:limit])] == names[:limit]
    with pytest.raises(InvalidInputError, match=f"the {trigger} flow holds at most {limit} actions; {limit + 1} were"):
        flows.set_flow(ws, trigger, names)
    assert [a.name for a in flows.get_flow(ws, trigger)] == names[:limit]


@pytest.mark.parametrize(("trigger", "entity"), [("custom-token-exchange", "a token exchange profile"),
                                                 ("event-stream", "an event stream")])
def test_an_entity_bound_trigger_has_no_flow(ws: Workspace, trigger: str, entity: str) -> None:
    _deployed(ws, "bound", trigger)
    with pytest.raises(InvalidInputError, match=f"{trigger} has no flow: Not a flow: each action is attached to {entity}"):
        flows.set_flow(ws, trigger, ["bound"])
    assert flows.set_flow(ws, trigger, []) == []

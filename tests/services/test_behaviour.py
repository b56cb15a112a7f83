"""Behavioural diff through the real sandbox: a draft that drops a claim is found, identical code
says so in one line, flow fixtures run with the draft swapped in, and `diff` exits 1 for CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app
from actions_studio.services import actions, behaviour, fixtures, flows
from actions_studio.services.errors import InvalidInputError, NotFoundError
from actions_studio.services.workspace import Workspace

TWO_CLAIMS = """def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://acme/roles", list(event.authorization.roles))
    api.id_token.set_custom_claim("https://acme/plan", "gold")
    print("claims set for", event.user.email)
"""
# The planted regression: the draft drops the roles claim (and logs less).
ONE_CLAIM = """def on_execute_post_login(event, api):
    api.id_token.set_custom_claim("https://acme/plan", "gold")
"""
DENY = """def on_execute_post_login(event, api):
    api.access.deny("no")
"""


def _fixture(ws: Workspace, name: str, action: str | None = None) -> None:
    doc = fixtures.sample_fixture("post-login", name, action)
    doc["event"]["authorization"] = {"roles": ["admin"]}
    fixtures.save_fixture(ws, fixtures.parse_fixture(doc))


@pytest.fixture
def deployed(ws: Workspace) -> Workspace:
    actions.create_action(ws, "roles", "post-login", code=TWO_CLAIMS)
    actions.deploy(ws, "roles")
    _fixture(ws, "admin login", "roles")
    return ws


def test_identical_behaviour_is_one_line(deployed: Workspace) -> None:
    diff = behaviour.behaviour_diff(deployed, "roles")
    assert diff.same and len(diff.fixtures) == 1
    assert diff.headline() == "roles: the fixture behaves the same on v1 and draft"


def test_a_draft_that_drops_a_claim_is_found(deployed: Workspace) -> None:
    actions.save_draft(deployed, "roles", code=ONE_CLAIM)
    diff = behaviour.behaviour_diff(deployed, "roles")
    assert not diff.same
    assert diff.headline() == "1 of 1 fixture behaves differently (v1 → draft)"
    (item,) = diff.differing
    by_aspect = {d.aspect: d for d in item.differences}
    claim = by_aspect["outcome.access_token.claims.https://acme/roles"]
    assert claim.after == behaviour.ABSENT and "admin" in json.dumps(claim.before)
    assert "console of roles" in by_aspect  # the print is gone too
    # The claim both sides set is not a difference.
    assert not any("https://acme/plan" in a for a in by_aspect)
    # Diff runs are not test runs: the fixture's history is untouched.
    from actions_studio.services import runs
    assert runs.list_runs(deployed, "admin login") == []


def test_denied_versus_success_and_errors_are_differences(deployed: Workspace) -> None:
    actions.save_draft(deployed, "roles", code=DENY)
    actions.deploy(deployed, "roles")
    actions.save_draft(deployed, "roles",
                       code="def on_execute_post_login(event, api):\n    raise KeyError('plan')\n")
    diff = behaviour.behaviour_diff(deployed, "roles", before=1, after=2)
    aspects = {d.aspect: (d.before, d.after) for d in diff.fixtures[0].differences}
    assert aspects["status"] == ("success", "denied")
    diff = behaviour.behaviour_diff(deployed, "roles", before="deployed", after="draft")
    aspects = {d.aspect: (d.before, d.after) for d in diff.fixtures[0].differences}
    assert aspects["status"] == ("denied", "error")
    assert aspects["error of roles"] == (behaviour.ABSENT, "KeyError: 'plan'")


def test_flow_fixtures_run_the_flow_with_the_draft_swapped_in(deployed: Workspace) -> None:
    actions.create_action(deployed, "other", "post-login", code=(
        "def on_execute_post_login(event, api):\n"
        "    api.access_token.set_custom_claim('https://acme/other', 1)\n"))
    actions.deploy(deployed, "other")
    flows.set_flow(deployed, "post-login", ["other", "roles"])
    _fixture(deployed, "whole login")
    actions.save_draft(deployed, "roles", code=ONE_CLAIM)
    diff = behaviour.behaviour_diff(deployed, "roles")
    kinds = {f.fixture: f.kind for f in diff.fixtures}
    assert kinds == {"admin login": "action", "whole login": "flow"}
    flow = next(f for f in diff.fixtures if f.kind == "flow")
    assert [a["name"] for a in flow.after.result["actions"]] == ["other", "roles"]
    assert [a["version"] for a in flow.after.result["actions"]] == [1, None]
    assert "outcome.access_token.claims.https://acme/roles" in {d.aspect for d in flow.differences}
    assert not any("acme/other" in d.aspect for d in flow.differences)


def test_a_fixture_for_another_action_or_trigger_is_not_run(deployed: Workspace) -> None:
    actions.create_action(deployed, "else", "post-login")
    _fixture(deployed, "of else", "else")
    _fixture(deployed, "flow without roles")  # roles is not in the flow
    assert [f.fixture for f in behaviour.behaviour_diff(deployed, "roles").fixtures] == ["admin login"]


def test_bad_sides_are_refused_with_what_to_do(ws: Workspace) -> None:
    actions.create_action(ws, "new", "post-login")
    with pytest.raises(InvalidInputError, match="never been deployed.*--from vN"):
        behaviour.behaviour_diff(ws, "new")
    with pytest.raises(NotFoundError, match="no action named 'ghost'"):
        behaviour.behaviour_diff(ws, "ghost")
    actions.deploy(ws, "new")
    with pytest.raises(NotFoundError, match="has no version 7"):
        behaviour.behaviour_diff(ws, "new", before=7)
    with pytest.raises(InvalidInputError, match="not a side"):
        behaviour.parse_side("v0")
    assert behaviour.parse_side("V3") == 3 and behaviour.parse_side("draft") == "draft"


def test_a_side_that_cannot_run_is_shown_not_raised(deployed: Workspace) -> None:
    # The draft needs a secret whose value is gone from the vault: that side did not run, and
    # that is a difference; the deployed side still ran.
    from actions_studio.services import secrets
    secrets.set_secret(deployed, "roles", "API_KEY", "k-123")
    action = actions.open_action(deployed, "roles").action
    deployed.vault.delete(deployed.id, secrets.action_key(action.id, "API_KEY"))
    item = behaviour.behaviour_diff(deployed, "roles").fixtures[0]
    assert item.before.status == "success"
    assert item.after.status == "not run" and "API_KEY" in item.after.not_run
    assert not item.same


def _cli(ws_path: Path, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(ws_path), *args])


def test_cli_diff_exits_1_when_behaviour_differs(tmp_path: Path, deployed: Workspace) -> None:
    path = deployed.path
    same = _cli(path, "diff", "roles")
    assert same.exit_code == 0, same.output
    assert same.stdout.strip() == "roles: the fixture behaves the same on v1 and draft"
    actions.save_draft(deployed, "roles", code=ONE_CLAIM)
    differs = _cli(path, "diff", "roles")
    assert differs.exit_code == 1
    assert differs.stdout.splitlines()[0] == "1 of 1 fixture behaves differently (v1 → draft)"
    assert 'outcome.access_token.claims.https://acme/roles: ["admin"] → (absent)' in differs.stdout
    as_json = _cli(path, "diff", "roles", "--from", "v1", "--to", "draft", "--json")
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and data["differing"] == 1 and data["before"] == "v1"
    bad = _cli(path, "diff", "roles", "--from", "yesterday")
    assert bad.exit_code == 2 and "not a side to compare" in bad.stderr


def test_code_from_elsewhere_is_a_side_the_sync_dialog_compares(deployed: Workspace) -> None:
    tenant = behaviour.CodeSide("tenant", ONE_CLAIM, "python3")
    workspace = behaviour.CodeSide("workspace", TWO_CLAIMS, "python3")
    diff = behaviour.behaviour_diff(deployed, "roles", before=tenant, after=workspace)
    assert (diff.before, diff.after) == ("tenant", "workspace")
    assert diff.headline() == "1 of 1 fixture behaves differently (tenant → workspace)"
    assert diff.fixtures[0].after.result["actions"][0]["version"] is None
    same = behaviour.behaviour_diff(deployed, "roles", before=workspace, after="deployed")
    assert same.same


def test_an_action_without_fixtures_says_so_and_passes(ws: Workspace) -> None:
    actions.create_action(ws, "lonely", "post-login")
    actions.deploy(ws, "lonely")
    diff = behaviour.behaviour_diff(ws, "lonely")
    assert diff.same and diff.headline() == "lonely has no fixtures: no behaviour to compare"
    result = _cli(ws.path, "diff", "lonely")
    assert result.exit_code == 0 and result.stdout.strip() == diff.headline()
    missing = _cli(ws.path, "diff", "ghost")
    assert missing.exit_code == 2 and "no action named 'ghost'" in missing.stderr

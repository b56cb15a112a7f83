"""Save as expectation pins only what the run changed (issue 12 item 7), through the real sandbox
on the bundled acme workspace: no `scopes_added = []`, `challenges = []` or `multifactor = null`,
and an unrelated later change to the flow does not fail the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.services import actions, exchange, fixtures, flows, runs
from actions_studio.services.expectations import (PinnedLine, changed_lines, expectation_from,
                                                   first_mismatch)
from actions_studio.services.workspace import Workspace
from actions_studio.triggers.outcome import aggregate_outcome

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme"


@pytest.fixture
def acme(ws: Workspace) -> Workspace:
    exchange.import_workspace(ws, ACME)
    return ws


def _lines(ws: Workspace, fixture: str) -> list[str]:
    report = runs.run_fixture(ws, fixture)
    return [str(line) for line in changed_lines(report.result.trigger, report.result.model_dump(mode="json"))]


def test_a_post_login_flow_pins_its_changes_and_nothing_empty(acme: Workspace) -> None:
    assert _lines(acme, "admin first login") == [
        'status = "success"',
        'outcome.access_token.claims["https://acme.example/roles"] = ["admin", "editor"]',
        'outcome.id_token.claims["https://acme.example/roles"] = ["admin", "editor"]',
        'outcome.user.app_metadata.onboarding = "pending"',
        'outcome.user.app_metadata.first_login = {"application": "Acme Web", "country": "DE"}',
        'outcome.multifactor = {"allow_remember_browser": false, "provider": "any"}',
    ]


def test_a_denial_pins_the_reason_only(acme: Workspace) -> None:
    assert _lines(acme, "unverified database user") == [
        'status = "denied"',
        'outcome.denied = {"reason": "Please verify your email address before you log in: we sent you '
        'a link when you signed up."}',
    ]


def test_no_acme_fixture_pins_an_empty_part_of_its_outcome(acme: Workspace) -> None:
    for fixture in fixtures.list_fixtures(acme):
        report = runs.run_fixture(acme, fixture.name)
        empty = aggregate_outcome(fixture.trigger_id, [])
        for line in changed_lines(fixture.trigger_id, report.result.model_dump(mode="json"))[1:]:
            node = empty
            for key in line.path[1:-1]:
                node = node.get(key, {}) if isinstance(node, dict) else {}
            assert node.get(line.path[-1], object()) != line.value, (fixture.name, str(line))


def test_the_pinned_expectation_survives_an_unrelated_change_to_the_flow(acme: Workspace) -> None:
    report = runs.run_fixture(acme, "admin first login")
    expect = expectation_from(changed_lines("post-login", report.result.model_dump(mode="json")))
    # Later, someone adds an action that grants a scope: the old whole-outcome pin failed here.
    actions.create_action(acme, "grant-scope", "post-login", code=(
        "def on_execute_post_login(event, api):\n    api.access_token.add_scope('read:reports')\n"))
    actions.deploy(acme, "grant-scope")
    flows.add_to_flow(acme, "post-login", "grant-scope")
    later = runs.run_fixture(acme, "admin first login")
    assert later.result.outcome["access_token"]["scopes_added"] == ["read:reports"]
    assert first_mismatch(expect, later.result.model_dump(mode="json")) is None


def test_removed_lines_are_not_pinned() -> None:
    lines = [PinnedLine(("status",), "success"),
             PinnedLine(("outcome", "access_token", "claims", "https://x/a"), 1),
             PinnedLine(("outcome", "user", "app_metadata", "plan"), "pro")]
    assert expectation_from([lines[0], lines[2]]) == {
        "status": "success", "outcome": {"user": {"app_metadata": {"plan": "pro"}}}}
    assert expectation_from([]) == {}


def test_a_trigger_without_an_outcome_pins_its_status() -> None:
    assert [str(x) for x in changed_lines("post-user-registration", {"status": "success", "outcome": {}})] == [
        'status = "success"']

"""Issue 19 for JavaScript actions: the behavioural diff and fuzzing go through the one run
pipeline, so a node22 action is compared and fuzzed exactly like a Python one."""

from __future__ import annotations

import pytest

from actions_studio.execution.pipeline import RUNTIMES_HERE
from actions_studio.services import actions, behaviour, fixtures, fuzz
from actions_studio.services.workspace import Workspace

from .test_fuzz import MINIMAL_POST_LOGIN

pytestmark = pytest.mark.skipif(
    "node22" not in RUNTIMES_HERE,
    reason="this build's run pipeline has no node22 runtime yet (execution/pipeline.RUNTIMES_HERE)")

TWO_CLAIMS = """exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.setCustomClaim("https://acme/roles", event.authorization.roles);
  api.idToken.setCustomClaim("https://acme/plan", "gold");
};
"""
ONE_CLAIM = """exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim("https://acme/plan", "gold");
};
"""
# The planted bug: app_metadata.plan is missing for most users.
MISSING_PLAN = """exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.setCustomClaim("https://acme/plan", event.user.app_metadata.plan.toUpperCase());
};
"""


def test_a_javascript_draft_that_drops_a_claim_is_found(ws: Workspace) -> None:
    actions.create_action(ws, "roles", "post-login", code=TWO_CLAIMS, runtime="node22")
    actions.deploy(ws, "roles")
    doc = fixtures.sample_fixture("post-login", "admin login", "roles")
    doc["event"]["authorization"] = {"roles": ["admin"]}
    fixtures.save_fixture(ws, fixtures.parse_fixture(doc))
    assert behaviour.behaviour_diff(ws, "roles").same
    actions.save_draft(ws, "roles", code=ONE_CLAIM)
    diff = behaviour.behaviour_diff(ws, "roles")
    assert diff.headline() == "1 of 1 fixture behaves differently (v1 → draft)"
    aspects = {d.aspect for d in diff.differing[0].differences}
    assert "outcome.access_token.claims.https://acme/roles" in aspects


def test_a_javascript_type_error_on_a_missing_field_is_found_and_shrunk(ws: Workspace) -> None:
    actions.create_action(ws, "plan", "post-login", code=MISSING_PLAN, runtime="node22")
    report = fuzz.fuzz_action(ws, "plan", examples=50, seed=7)
    # V8 words the error by the value it met (undefined, null, a boolean's missing method): each
    # wording is its own finding, each shrunk; the missing field's is the required-only skeleton.
    assert report.findings
    assert all(f.kind == "raises" and f.summary.startswith("TypeError") for f in report.findings)
    undefined = [f for f in report.findings if "of undefined" in f.summary]
    assert [f.event for f in undefined] == [MINIMAL_POST_LOGIN]

"""End to end: a JavaScript action requiring its installed npm package runs in the sandbox
through execute() — from the workspace (Run), and from the tenant (/test and a login's flow)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.execution import RunSource, execute
from actions_studio.execution.pipeline import RUNTIMES_HERE
from actions_studio.runtime import Sandbox, SandboxLimits
from actions_studio.services import actions, dependencies, fixtures, runs
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.triggers import get_trigger

# Runs by itself once the Node runtime is in this build (runtime/node/ adds node22 here).
pytestmark = pytest.mark.skipif("node22" not in RUNTIMES_HERE, reason="needs the node22 runtime (runtime/node)")

GREETS = """const { hello } = require('tiny-app');
const { twice } = require('@acme/util');

exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.setCustomClaim('https://acme/greeting', hello());
  api.accessToken.setCustomClaim('https://acme/twice', twice(21));
};
"""
UNDECLARED = """const greet = require('tiny-greet');  // installed, but only as tiny-app's dependency here

exports.onExecutePostLogin = async (event, api) => {};
"""


@pytest.fixture
def ws(tmp_path: Path, npm_env: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config")) as workspace:
        yield workspace


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxLimits(wall_time_s=20)) as box:
        yield box


def test_a_js_action_requires_its_installed_packages_through_execute(ws: Workspace, sandbox: Sandbox) -> None:
    actions.create_action(ws, "greets", "post-login", code=GREETS, runtime="node22")
    dependencies.set_dependencies(ws, "greets", ["tiny-app@2.0.0", "@acme/util@0.1.0"])
    stored = actions.open_action(ws, "greets").draft.dependencies
    source = RunSource(name="greets", code=GREETS, dependencies=stored, runtime="node22")
    result = execute("post-login", [source], get_trigger("post-login").sample_event(), sandbox=lambda: sandbox,
                     environments=dependencies.environments_for(ws))
    assert result.status == "success", result.actions[0].error
    claims = result.outcome["access_token"]["claims"]
    assert claims == {"https://acme/greeting": "hi app", "https://acme/twice": 42}


def test_a_fixture_run_in_the_workspace_builds_then_requires(ws: Workspace) -> None:
    actions.create_action(ws, "greets", "post-login", code=GREETS, runtime="node22")
    actions.save_draft(ws, "greets", dependencies=["tiny-app==2.0.0", "@acme/util==0.1.0"])  # not built yet
    fixtures.save_fixture(ws, fixtures.parse_fixture(fixtures.sample_fixture("post-login", "login", "greets")))
    report = runs.run_fixture(ws, "login")
    assert report.status == "success", report.result.actions[0].error
    assert report.result.outcome["access_token"]["claims"]["https://acme/greeting"] == "hi app"


def test_a_refused_package_is_an_error_result_naming_it_and_nothing_runs(ws: Workspace, sandbox: Sandbox) -> None:
    source = RunSource(name="native", code=GREETS, dependencies=("uses-addon==1.0.0",), runtime="node22")
    result = execute("post-login", [source], get_trigger("post-login").sample_event(), sandbox=lambda: sandbox,
                     environments=dependencies.environments_for(ws))
    assert result.status == "error"
    error = result.actions[0].error
    assert error is not None and error.type == "DependencyError"
    assert "prebuilt-addon@1.0.0 (needed by uses-addon@1.0.0) is refused" in error.message


def test_a_package_that_is_not_declared_cannot_be_required(ws: Workspace, sandbox: Sandbox) -> None:
    dependencies.ensure_environment(ws, ["tiny-greet==1.0.0"], runtime="node22")
    source = RunSource(name="undeclared", code=UNDECLARED, runtime="node22")
    result = execute("post-login", [source], get_trigger("post-login").sample_event(), sandbox=lambda: sandbox,
                     environments=dependencies.environments_for(ws))
    assert result.status == "error"
    assert "tiny-greet" in result.actions[0].error.message

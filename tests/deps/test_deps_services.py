"""Dependencies through the workspace: pinned at save, built before a run, imported in the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.services import actions, dependencies, fixtures, flow_design, flows, runs
from actions_studio.services.errors import InvalidInputError
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace

GREETS = """import tiny_greeter


def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://acme/greeting", tiny_greeter.greet(event.user.email))
"""


@pytest.fixture
def ws(tmp_path: Path, deps_env: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config")) as workspace:
        yield workspace


def _fixture(ws: Workspace, name: str, action: str | None) -> None:
    fixtures.save_fixture(ws, fixtures.parse_fixture(fixtures.sample_fixture("post-login", name, action)))


def test_an_action_imports_its_dependency_in_the_sandbox(ws: Workspace, deps_env: Path) -> None:
    actions.create_action(ws, "greets", "post-login", code=GREETS)
    env = dependencies.set_dependencies(ws, "greets", ["Tiny_Greeter"])  # pinned at save time
    assert actions.open_action(ws, "greets").draft.dependencies == ("tiny-greeter==1.1",)
    assert env is not None and env.path.is_relative_to(deps_env / "environments")
    _fixture(ws, "login", "greets")
    report = runs.run_fixture(ws, "login")
    assert report.status == "success", report.result.actions[0].error
    claim = report.result.outcome["access_token"]["claims"]["https://acme/greeting"]
    assert claim.startswith("hi ")  # 1.1's greeting

    # A second action with the same set shares the environment; the deployed flow runs it too.
    actions.create_action(ws, "greets too", "post-login", code=GREETS, dependencies=["tiny-greeter==1.1"])
    assert dependencies.ensure_environment(ws, ["tiny-greeter==1.1"]).path == env.path
    actions.deploy(ws, "greets")
    actions.deploy(ws, "greets too")
    flows.set_flow(ws, "post-login", ["greets", "greets too"])
    _fixture(ws, "flow", None)
    assert runs.run_fixture(ws, "flow").status == "success"
    ids = [actions.open_action(ws, n).action.id for n in ("greets", "greets too")]
    assert flow_design.run_design(ws, "post-login", ids, "flow", drafts=True).status == "success"  # the canvas
    assert dependencies.editor_paths(ws, ["tiny-greeter==1.1"]) == [env.path]


def test_a_run_whose_environment_cannot_be_built_is_an_error_naming_the_package(ws: Workspace) -> None:
    actions.create_action(ws, "native", "post-login", code=GREETS, dependencies=["needs-native==1.0"])
    _fixture(ws, "login", "native")
    report = runs.run_fixture(ws, "login")
    assert report.status == "error"
    error = report.result.actions[0].error
    assert error.type == "DependencyError"
    assert "fast-native==1.0 (needed by needs-native) is refused" in error.message


def test_a_bad_line_is_refused_before_anything_is_saved(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code=GREETS)
    with pytest.raises(InvalidInputError, match="name==version"):
        dependencies.set_dependencies(ws, "a", ["tiny-greeter>=1"])
    assert actions.open_action(ws, "a").draft.dependencies == ()


def test_settings_come_from_the_workspace_and_the_environment_wins(ws: Workspace, monkeypatch) -> None:
    monkeypatch.delenv("ACTIONS_STUDIO_NO_INDEX")
    monkeypatch.delenv("ACTIONS_STUDIO_FIND_LINKS")
    got = dependencies.set_settings(ws, index_url="https://mirror.example/simple", trusted_host="mirror.example",
                                    find_links="/srv/a /srv/b")
    assert (got.index_url, got.trusted_hosts, got.find_links) == (
        "https://mirror.example/simple", ("mirror.example",), ("/srv/a", "/srv/b"))
    monkeypatch.setenv("ACTIONS_STUDIO_INDEX_URL", "https://other.example/simple")
    assert dependencies.settings_for(ws).index_url == "https://other.example/simple"
    with pytest.raises(InvalidInputError, match="unknown dependency setting"):
        dependencies.set_settings(ws, proxy="x")

"""npm dependencies of node22 actions through the workspace: typed as name@version, pinned at
save, stored as the workspace keeps them, built for a run, found offline; settings as for PyPI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.execution import EnvironmentRefused, RunSource
from actions_studio.services import actions, dependencies
from actions_studio.services.errors import InvalidInputError
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace

from .npm_registry import NpmRegistry

JS = "exports.onExecutePostLogin = async (event, api) => {};\n"


@pytest.fixture
def ws(tmp_path: Path, npm_env: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config")) as workspace:
        yield workspace


def test_a_node22_actions_packages_are_pinned_saved_and_built(ws: Workspace, npm_env: Path) -> None:
    actions.create_action(ws, "greets", "post-login", code=JS, runtime="node22")
    env = dependencies.set_dependencies(ws, "greets", ["tiny-app", "@acme/util@0.1.0"])
    assert actions.open_action(ws, "greets").draft.dependencies == ("tiny-app==2.0.0", "@acme/util==0.1.0")
    assert env is not None and env.path.is_relative_to(npm_env / "environments" / "npm")
    assert (env.path / "node_modules" / "tiny-greet" / "package.json").is_file()
    stored = actions.open_action(ws, "greets").draft.dependencies
    assert dependencies.display_lines(stored, "node22") == ["tiny-app@2.0.0", "@acme/util@0.1.0"]
    assert dependencies.editor_paths(ws, stored, "node22") == [env.path]
    # The run pipeline's callable: the directory that holds node_modules/, built or found.
    source = RunSource(name="greets", code=JS, dependencies=stored, runtime="node22")
    assert dependencies.environments_for(ws)(source) == (str(dependencies.deps.sandbox_path(env.path)),)


def test_a_refused_package_is_reported_and_the_typed_list_is_kept(ws: Workspace) -> None:
    actions.create_action(ws, "native", "post-login", code=JS, runtime="node22")
    with pytest.raises(dependencies.DependencyBuildError) as caught:
        dependencies.set_dependencies(ws, "native", ["tiny-greet@1.0.0", "uses-addon@1.0.0"])
    assert caught.value.package == "prebuilt-addon"
    assert str(caught.value).startswith("prebuilt-addon@1.0.0 (needed by uses-addon@1.0.0) is refused")
    assert actions.open_action(ws, "native").draft.dependencies == ("tiny-greet==1.0.0", "uses-addon==1.0.0")
    source = RunSource(name="native", code=JS, dependencies=("uses-addon==1.0.0",), runtime="node22")
    with pytest.raises(EnvironmentRefused, match="prebuilt-addon@1.0.0 .* is refused"):
        dependencies.environments_for(ws)(source)


def test_lines_are_checked_as_typed_per_runtime(ws: Workspace) -> None:
    assert dependencies.check_lines(["lodash@4.17.21", "@acme/util"], "node22") == ["lodash==4.17.21", "@acme/util"]
    assert not dependencies.all_pinned(["lodash@4.17.21", "@acme/util"], "node22")
    with pytest.raises(InvalidInputError, match="not a range"):
        dependencies.check_lines(["lodash@^4"], "node22")
    with pytest.raises(InvalidInputError):  # PyPI's rules for a python3 action
        dependencies.check_lines(["lodash@4.17.21"])


def test_the_npm_registry_is_a_dependency_setting_and_the_environment_wins(
        ws: Workspace, npm_registry: NpmRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACTIONS_STUDIO_NPM_REGISTRY")
    assert dependencies.settings_for(ws).npm_registry == "https://registry.npmjs.org"
    assert dependencies.set_settings(ws, npm_registry="http://127.0.0.1:9/").npm_registry == "http://127.0.0.1:9"
    actions.create_action(ws, "down", "post-login", code=JS, runtime="node22")
    with pytest.raises(dependencies.DependencyBuildError, match="the npm registry http://127.0.0.1:9 cannot be reached"):
        dependencies.set_dependencies(ws, "down", ["tiny-greet@1.0.0"])
    monkeypatch.setenv("ACTIONS_STUDIO_NPM_REGISTRY", npm_registry.url)
    assert dependencies.set_dependencies(ws, "down", ["tiny-greet@1.0.0"]) is not None

"""A node22 action requires packages from a real npm environment (deps/npm/, built with the npm
that ships with Node from a local registry), through the confined worker: its declared packages
and their own dependencies resolve; an undeclared one is refused even when it sits in the cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actions_studio.deps.npm import build_npm_environment
from actions_studio.deps.settings import DepsSettings
from actions_studio.runtime import Sandbox

from deps.npm_registry import NpmRegistry  # tests/deps: the local registry fixture
from .node_cases import js


@pytest.fixture(scope="module")
def registry() -> Iterator[NpmRegistry]:
    registry = NpmRegistry()
    registry.publish("tiny-greet", "1.0.0", index_js="exports.greet = (name) => 'hello ' + name;\n")
    registry.publish("tiny-app", "2.0.0", dependencies={"tiny-greet": "^1.0.0"},
                     index_js="const { greet } = require('tiny-greet');\nexports.hello = () => greet('app');\n")
    registry.publish("@acme/util", "0.1.0", index_js="exports.twice = (x) => x * 2;\n")
    registry.start()
    yield registry
    registry.stop()


CODE = """
const app = require('tiny-app');
const { twice } = require('@acme/util');
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/app', app.hello());
  api.idToken.setCustomClaim('https://x/twice', twice(21));
  let undeclared;
  try { require('left-pad'); undeclared = 'loaded'; } catch (e) { undeclared = e.code; }
  api.idToken.setCustomClaim('https://x/undeclared', undeclared);
};
"""


def test_declared_npm_packages_are_required_in_a_confined_worker(registry: NpmRegistry, tmp_path: Path,
                                                                 sandbox: Sandbox, event: dict[str, Any]) -> None:
    settings = DepsSettings(npm_registry=registry.url, cache_dir=tmp_path / "cache", timeout_s=30)
    env = build_npm_environment(["tiny-app@2.0.0", "@acme/util@0.1.0"], settings)
    assert env is not None
    result = sandbox.run_action("post-login", js("npm", CODE, sys_path=(str(env.path),)), event)
    assert result.status == "success", result.actions[0].error
    assert result.outcome["id_token"]["claims"] == {
        "https://x/app": "hello app", "https://x/twice": 42, "https://x/undeclared": "MODULE_NOT_FOUND"}

"""A node22 action's completions and hover docs know its installed npm packages (issue 16 with
issue 15): an environment built by the studio's npm from a local registry, a package shipping
its own types, the real TypeScript service — `require` completes from those types."""

from __future__ import annotations

import threading

import pytest

from actions_studio.analysis.typescript.install import find_install
from actions_studio.analysis.typescript.worker import TypeScriptWorker
from actions_studio.deps import DepsSettings
from actions_studio.deps.npm import build_npm_environment

from .npm_registry import NpmRegistry

SOURCE = ('const greeter = require("typed-greeter");\n'
          "exports.onExecutePostLogin = async (event, api) => {\n  greeter.\n};\n")


@pytest.fixture
def typed_settings(npm_registry: NpmRegistry, npm_settings: DepsSettings) -> DepsSettings:
    if find_install() is None:
        pytest.skip("TypeScript is not installed on this machine: the setup step installs it once with "
                    "`python -m actions_studio.analysis.typescript.install --shared`")
    if "typed-greeter" not in npm_registry.packages:
        npm_registry.publish("typed-greeter", "1.0.0", index_js="exports.greet = (name) => `hello ${name}`;\n",
                             extra_files={"index.d.ts": "/** A friendly greeting for `name`. */\n"
                                                        "export declare function greet(name: string): string;\n"},
                             tarball_package_json={"name": "typed-greeter", "version": "1.0.0", "main": "index.js",
                                                   "types": "index.d.ts"})
    return npm_settings


def _ask(method, *args):
    done, got = threading.Event(), []
    method(*args, lambda _id, answer: (got.append(answer), done.set()))
    assert done.wait(120), "no answer"
    return got[0]


def test_require_of_an_installed_package_completes_from_its_own_types(typed_settings: DepsSettings) -> None:
    env = build_npm_environment(["typed-greeter@1.0.0"], typed_settings)
    assert env is not None and (env.path / "node_modules" / "typed-greeter" / "index.d.ts").is_file()
    worker = TypeScriptWorker()
    try:
        without = _ask(worker.complete, "editor:without:complete", SOURCE, 3, len("  greeter."), "post-login")
        assert "greet" not in {c.name for c in without}  # not installed for this editor
        worker.set_extra_paths("editor:with", [env.path])  # what session.dependency_paths gives
        names = {c.name for c in _ask(worker.complete, "editor:with:complete", SOURCE, 3, len("  greeter."),
                                      "post-login")}
        assert "greet" in names
        hover = _ask(worker.hover, "editor:with:hover", SOURCE.replace("greeter.", "greeter.greet('x');"), 3,
                     len("  greeter.gr"), "post-login")
        assert hover is not None and "friendly greeting" in hover.doc
    finally:
        worker.stop()

"""A wheelhouse of hand-made wheels served with --find-links/--no-index, and a local npm registry
on loopback: no test here needs the network (issue 8 §5, issue 15)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.deps import DepsSettings

from .npm_registry import NpmRegistry
from .wheels import make_wheel

GREETER = '''"""A tiny greeting library."""


def greet(name: str) -> str:
    """Return a friendly greeting for `name`."""
    return "hello " + name
'''


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    make_wheel(out, "tiny-greeter", "1.0", GREETER)
    make_wheel(out, "tiny-greeter", "1.1", GREETER.replace("hello ", "hi "))
    make_wheel(out, "tiny-app", "2.0", "from tiny_greeter import greet\n\nGREETING = greet('app')\n",
               requires=("tiny-greeter==1.1",))
    # Compiled-looking wheels: a platform tag, and a pure tag that still says Root-Is-Purelib: false.
    make_wheel(out, "fast-native", "1.0", "SPEED = 1\n", tag="cp311-cp311-linux_x86_64", purelib=False)
    make_wheel(out, "needs-native", "1.0", "import fast_native\n", requires=("fast-native==1.0",))
    make_wheel(out, "sneaky-platlib", "1.0", "X = 1\n", purelib=False)
    return out


@pytest.fixture
def settings(wheelhouse: Path, tmp_path: Path) -> DepsSettings:
    return DepsSettings(no_index=True, find_links=(str(wheelhouse),), cache_dir=tmp_path / "cache", timeout_s=5)


@pytest.fixture
def deps_env(wheelhouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment variables the studio, the CLI and the tenant read: this wheelhouse only."""
    home = tmp_path / "home"
    monkeypatch.setenv("ACTIONS_STUDIO_HOME", str(home))
    monkeypatch.setenv("ACTIONS_STUDIO_VAULT", "file")
    monkeypatch.setenv("ACTIONS_STUDIO_NO_INDEX", "1")
    monkeypatch.setenv("ACTIONS_STUDIO_FIND_LINKS", str(wheelhouse))
    return home


# -- npm (node22 actions): a local registry on loopback, packages built here ----------------------

GREET_JS = "exports.greet = (name) => 'hello ' + name;\n"


@pytest.fixture(scope="session")
def npm_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NpmRegistry]:
    registry = NpmRegistry()
    registry.script_marker = tmp_path_factory.mktemp("npm-scripts") / "sneaky-script-ran"
    registry.publish("tiny-greet", "1.0.0", index_js=GREET_JS)
    registry.publish("tiny-greet", "1.1.0", index_js=GREET_JS.replace("hello ", "hi "))
    registry.publish("tiny-app", "2.0.0", dependencies={"tiny-greet": "^1.0.0"},
                     index_js="const { greet } = require('tiny-greet');\nexports.hello = () => greet('app');\n")
    registry.publish("@acme/util", "0.1.0", index_js="exports.twice = (x) => x * 2;\n")
    # Native code, declared by the registry or only found in the tarball.
    registry.publish("has-postinstall", "1.0.0", scripts={"postinstall": "node build.js"})
    registry.publish("gyp-addon", "1.0.0", extra_files={"binding.gyp": "{'targets': []}\n"})
    registry.publish("prebuilt-addon", "1.0.0", extra_files={"build/Release/addon.node": b"\x7fELF\x02\x01"})
    registry.publish("uses-addon", "1.0.0", dependencies={"prebuilt-addon": "1.0.0"})
    # Tarballs that lie: other bytes than published, an install script the registry does not
    # mention (it would write a file if npm ran it), another name inside.
    registry.publish("tampered", "1.0.0", tampered=True)
    registry.publish("sneaky-script", "1.0.0", tarball_package_json={
        "name": "sneaky-script", "version": "1.0.0",
        "scripts": {"postinstall": f"node -e \"require('fs').writeFileSync('{registry.script_marker}', '')\""}})
    registry.publish("impostor", "1.0.0", tarball_package_json={"name": "lodash", "version": "4.17.21"})
    # Declared sets npm cannot complete.
    registry.publish("needs-ghost", "1.0.0", dependencies={"ghost-package": "^1.0.0"})
    registry.publish("needs-future", "1.0.0", dependencies={"tiny-greet": "^9.0.0"})
    registry.start()
    yield registry
    registry.stop()


@pytest.fixture
def npm_settings(npm_registry: NpmRegistry, tmp_path: Path) -> DepsSettings:
    return DepsSettings(npm_registry=npm_registry.url, cache_dir=tmp_path / "cache", timeout_s=5)


@pytest.fixture
def npm_env(npm_registry: NpmRegistry, deps_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment variables the studio, the CLI and the tenant read: this registry only."""
    monkeypatch.setenv("ACTIONS_STUDIO_NPM_REGISTRY", npm_registry.url)
    return deps_env

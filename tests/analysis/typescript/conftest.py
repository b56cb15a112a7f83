"""The real tsserver for the TypeScript tests: the install the setup step made once (never a
download during a run: tests/conftest.py points npm at a dead registry)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.analysis.typescript.engine import TypeScriptEngine
from actions_studio.analysis.typescript.install import TypeScriptInstall, find_install

NOT_INSTALLED = (
    "TypeScript is not installed on this machine: the setup step (./dev test) installs it once with "
    "`python -m actions_studio.analysis.typescript.install --shared`"
)


@pytest.fixture(scope="session")
def ts_install() -> TypeScriptInstall:
    found = find_install()
    if found is None:
        pytest.skip(NOT_INSTALLED)
    return found


def wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


@pytest.fixture(scope="module")
def engine(ts_install: TypeScriptInstall) -> Iterator[TypeScriptEngine]:
    """An engine whose semantic server has loaded Node's types (the tables ask about them)."""
    started = TypeScriptEngine(ts_install)
    started.start()
    wait_for(started.semantic_ready)
    yield started
    started.stop()


def make_typed_package(env: Path) -> Path:
    """``env/node_modules/tiny-greeter``: a tiny npm package that ships its own ``.d.ts``; the
    ``node_modules`` folder is returned."""
    package = env / "node_modules" / "tiny-greeter"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "tiny-greeter", "version": "1.0.0", "main": "index.js", "types": "index.d.ts"}')
    (package / "index.js").write_text("exports.greet = (name) => `hello ${name}`;\n")
    (package / "index.d.ts").write_text("/** Return a friendly greeting for `name`. */\nexport declare function greet(name: string): string;\n")
    return env / "node_modules"

"""The real tsserver for the TypeScript tests: the install the setup step made once (never a
download during a run: tests/conftest.py points npm at a dead registry)."""

from __future__ import annotations

from collections.abc import Iterator

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


@pytest.fixture(scope="module")
def engine(ts_install: TypeScriptInstall) -> Iterator[TypeScriptEngine]:
    started = TypeScriptEngine(ts_install)
    started.start()
    yield started
    started.stop()

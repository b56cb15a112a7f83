"""A wheelhouse of hand-made wheels served with --find-links/--no-index: no test here needs the
network (issue 8 §5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.deps import DepsSettings

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

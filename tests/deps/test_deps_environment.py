"""Environments: install, reuse, refusal of compiled code, offline, cancel — against the wheelhouse."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from actions_studio.deps import (
    BuildCancelledError,
    CancelToken,
    DepsSettings,
    IndexUnreachableError,
    NotPurePythonError,
    ResolutionError,
    build_environment,
    find_environment,
    pin_latest,
    sandbox_path,
)


def test_the_full_set_is_installed_into_a_content_addressed_dir(settings: DepsSettings) -> None:
    lines: list[str] = []
    env = build_environment(["Tiny_App==2.0"], settings, progress=lines.append)
    assert env is not None and not env.reused
    assert env.packages == ("tiny-app==2.0", "tiny-greeter==1.1")  # the transitive one too
    assert env.path.parent == settings.cache / "envs" and env.path.name == env.key
    assert (env.path / "tiny_greeter.py").is_file() and (env.path / "tiny_app.py").is_file()
    manifest = json.loads((env.path / "actions-env.json").read_text())
    assert manifest["packages"] == list(env.packages)
    assert not [p for p in (settings.cache / "envs").iterdir() if p.name.startswith(".building")]
    assert any("Installing 2 package(s)" in line for line in lines)
    assert (env.path.stat().st_mode & 0o755) == 0o755  # readable by the sandbox's own uid


def test_a_second_action_with_the_same_set_reuses_the_environment(settings: DepsSettings) -> None:
    first = build_environment(["tiny-app==2.0"], settings)
    # Declared differently, resolved the same: one directory for both.
    second = build_environment(["tiny-greeter==1.1", "tiny-app==2.0"], settings)
    assert second.path == first.path and second.reused
    started = time.monotonic()
    again = build_environment(["TINY-APP==2.0"], settings)
    assert again.path == first.path and again.reused
    assert time.monotonic() - started < 0.2  # found through the lookup file: pip is not run
    other = build_environment(["tiny-greeter==1.0"], settings)
    assert other.path != first.path
    assert len(list((settings.cache / "envs").iterdir())) == 2


def test_a_built_environment_is_found_with_no_index_reachable(settings: DepsSettings) -> None:
    built = build_environment(["tiny-greeter==1.0"], settings)
    # Same source, but the wheelhouse is gone: nothing may be fetched again.
    offline = DepsSettings(no_index=True, find_links=settings.find_links, cache_dir=settings.cache)
    for link in settings.find_links:
        for wheel in Path(link).glob("*.whl"):
            assert wheel.exists()
    assert find_environment(["tiny_greeter==1.0"], offline).path == built.path
    assert build_environment(["tiny-greeter==1.0"], offline).path == built.path


@pytest.mark.parametrize("pin, culprit, why", [
    ("fast-native==1.0", "fast-native==1.0", "cp311-cp311-linux_x86_64"),
    ("needs-native==1.0", "fast-native==1.0 (needed by needs-native)", "compiled code"),
    ("sneaky-platlib==1.0", "sneaky-platlib==1.0", "Root-Is-Purelib: false"),
])
def test_compiled_code_is_refused_naming_the_package(settings: DepsSettings, pin: str, culprit: str,
                                                     why: str) -> None:
    with pytest.raises(NotPurePythonError) as caught:
        build_environment([pin], settings)
    assert str(caught.value).startswith(f"{culprit} is refused") and why in str(caught.value)
    envs = settings.cache / "envs"
    assert not envs.exists() or not list(envs.iterdir())  # nothing half-built is left


def test_an_unknown_version_names_the_package_and_what_exists(settings: DepsSettings) -> None:
    with pytest.raises(ResolutionError, match=r"tiny-greeter==9\.9 cannot be installed .*available: 1\.0, 1\.1"):
        build_environment(["tiny-greeter==9.9"], settings)


def test_an_unreachable_index_fails_fast_and_says_so(tmp_path: Path) -> None:
    dead = DepsSettings(index_url="http://127.0.0.1:9/simple", cache_dir=tmp_path / "cache", timeout_s=3)
    started = time.monotonic()
    with pytest.raises(IndexUnreachableError) as caught:
        build_environment(["tiny-greeter==1.0"], dead)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert "tiny-greeter==1.0" in message and "http://127.0.0.1:9/simple cannot be reached" in message
    assert "keep working offline" in message


def test_a_missing_version_is_pinned_to_the_newest(settings: DepsSettings) -> None:
    assert pin_latest(["Tiny_Greeter", "tiny-app==2.0"], settings) == ["tiny-greeter==1.1", "tiny-app==2.0"]


def test_cancel_stops_pip_and_leaves_nothing(settings: DepsSettings) -> None:
    token = CancelToken()

    def cancel_on_first_line(line: str) -> None:
        token.cancel()

    with pytest.raises(BuildCancelledError):
        build_environment(["tiny-app==2.0"], settings, cancel=token, progress=cancel_on_first_line)
    assert find_environment(["tiny-app==2.0"], settings) is None
    envs = settings.cache / "envs"
    assert not envs.exists() or not list(envs.iterdir())


def test_cancel_from_another_thread_terminates_the_running_pip(settings: DepsSettings) -> None:
    with socket.socket() as silent:  # accepts connections and never answers: pip waits its timeout
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        slow = DepsSettings(index_url=f"http://127.0.0.1:{silent.getsockname()[1]}/simple",
                            cache_dir=settings.cache, timeout_s=60)
        token = CancelToken()
        timer = threading.Timer(0.5, token.cancel)
        timer.start()
        started = time.monotonic()
        with pytest.raises(BuildCancelledError):
            build_environment(["tiny-greeter==1.0"], slow, cancel=token)
        timer.join()
        assert time.monotonic() - started < 5


@pytest.mark.skipif(os.geteuid() != 0, reason="the mirror is for the sandbox's per-execution uids (root only)")
def test_a_private_cache_is_mirrored_where_the_sandbox_uid_can_read_it(settings: DepsSettings) -> None:
    env = build_environment(["tiny-greeter==1.0"], settings)
    seen = sandbox_path(env.path)
    assert seen != env.path and (seen / "tiny_greeter.py").read_text() == (env.path / "tiny_greeter.py").read_text()
    assert sandbox_path(env.path) == seen  # made once

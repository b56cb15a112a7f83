"""npm environments against a local registry: built with the studio's npm, keyed by the set,
reused offline; native code and lying tarballs refused by name; bad input one line, nothing lost."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from actions_studio import nodejs
from actions_studio.deps import (
    DependencyError,
    DepsSettings,
    IndexUnreachableError,
    IntegrityError,
    InvalidPinError,
    NativeCodeError,
    ResolutionError,
)
from actions_studio.deps.npm import build_npm_environment, find_npm_environment, parse_npm_pin, pin_npm_latest

from .npm_registry import NpmRegistry


def _require(env_dir: Path, script: str) -> str:
    """What real Node prints when `script` runs with the environment's node_modules to require from."""
    node = nodejs.find_node()
    done = subprocess.run(node.command("-e", script), cwd=env_dir, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "NODE_PATH": str(env_dir / "node_modules")})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _leftovers(settings: DepsSettings) -> list[str]:
    envs = settings.cache / "npm" / "envs"
    return sorted(p.name for p in envs.iterdir()) if envs.is_dir() else []


@pytest.mark.parametrize(("text", "stored"), [
    ("lodash@4.17.21", "lodash==4.17.21"),
    ("@acme/util@0.1.0", "@acme/util==0.1.0"),
    ("tiny-greet==1.0.0", "tiny-greet==1.0.0"),
    (" left-pad@1.3.0-beta.2+build.5 ", "left-pad==1.3.0-beta.2+build.5"),
    ("lodash", "lodash"),
    ("lodash@latest", "lodash"),
])
def test_pins_are_name_at_version_stored_as_the_workspace_keeps_them(text: str, stored: str) -> None:
    assert parse_npm_pin(text).stored() == stored


@pytest.mark.parametrize(("text", "says"), [
    ("lodash@^4.17.0", "pin one exact version (lodash@1.2.3), not a range or a tag"),
    ("lodash@4.x", "not a range"),
    ("lodash@next", "not a range or a tag"),
    ("Lodash@4.17.21", "npm names are lower case"),
    ("../evil@1.0.0", "invalid npm package name"),
    ("@scope@1.0.0", "invalid npm package name"),
    ("", "write it as name@version"),
])
def test_a_pin_that_is_not_one_exact_version_is_refused_in_one_line(text: str, says: str) -> None:
    with pytest.raises(InvalidPinError) as caught:
        parse_npm_pin(text)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_a_set_is_installed_with_its_transitive_packages_and_node_requires_them(npm_settings: DepsSettings) -> None:
    env = build_npm_environment(["tiny-app@2.0.0", "@acme/util==0.1.0"], npm_settings)
    assert env is not None and not env.reused
    assert env.packages == ("@acme/util@0.1.0", "tiny-app@2.0.0", "tiny-greet@1.1.0")
    assert (env.path / "node_modules" / "tiny-app" / "index.js").is_file()
    assert not (env.path / "node_modules" / ".bin").exists()
    assert _require(env.path, "console.log(require('tiny-app').hello(), require('@acme/util').twice(21))") == "hi app 42"
    manifest = json.loads((env.path / "actions-env.json").read_text())
    assert manifest["declared"] == ["@acme/util@0.1.0", "tiny-app@2.0.0"]


def test_the_same_set_is_reused_offline_in_any_order(npm_registry: NpmRegistry, npm_settings: DepsSettings,
                                                     tmp_path: Path) -> None:
    built = build_npm_environment(["tiny-greet@1.0.0", "@acme/util@0.1.0"], npm_settings)
    assert built is not None
    dead = DepsSettings(npm_registry="http://127.0.0.1:9", cache_dir=npm_settings.cache, timeout_s=2)
    asked = len(npm_registry.requests)
    again = build_npm_environment(["@acme/util@0.1.0", "tiny-greet==1.0.0"], dead)
    assert again is not None and again.reused and again.path == built.path
    assert find_npm_environment(["tiny-greet@1.0.0", "@acme/util@0.1.0"], dead) == again
    assert len(npm_registry.requests) == asked  # nothing was asked of any registry
    assert find_npm_environment(["tiny-greet@1.1.0"], dead) is None


def test_a_new_set_with_the_registry_down_fails_fast_and_says_so(npm_settings: DepsSettings) -> None:
    down = DepsSettings(npm_registry="http://127.0.0.1:9", cache_dir=npm_settings.cache, timeout_s=2)
    with pytest.raises(IndexUnreachableError) as caught:
        build_npm_environment(["tiny-greet@1.0.0"], down)
    message = str(caught.value)
    assert message.startswith("tiny-greet@1.0.0: the npm registry http://127.0.0.1:9 cannot be reached (")
    assert "environments already built keep working offline" in message and "\n" not in message
    assert _leftovers(npm_settings) == []


@pytest.mark.parametrize(("pins", "error", "message"), [
    (["ghost-package@1.0.0"], ResolutionError,
     "ghost-package@1.0.0 cannot be installed: the npm registry {url} has no package ghost-package"),
    (["tiny-greet@3.0.0"], ResolutionError,
     "tiny-greet@3.0.0 cannot be installed: tiny-greet has no version 3.0.0 on {url} (newest: 1.1.0, 1.0.0)"),
    (["needs-ghost@1.0.0"], ResolutionError,
     "ghost-package (needed by needs-ghost@1.0.0) cannot be installed: the npm registry {url} has no package "
     "ghost-package"),
    (["needs-future@1.0.0"], ResolutionError,
     "tiny-greet@^9.0.0 (needed by needs-future@1.0.0) has no matching version on {url}"),
    (["has-postinstall@1.0.0"], NativeCodeError,
     "has-postinstall@1.0.0 is refused: it has an install script (postinstall); actions accept packages "
     "without native code only (installs run with --ignore-scripts)"),
    (["gyp-addon@1.0.0"], NativeCodeError, "gyp-addon@1.0.0 is refused: it builds native code (binding.gyp); "),
    (["prebuilt-addon@1.0.0"], NativeCodeError,
     "prebuilt-addon@1.0.0 is refused: it ships a native addon (build/Release/addon.node); "),
    (["tiny-greet@1.0.0", "uses-addon@1.0.0"], NativeCodeError,
     "prebuilt-addon@1.0.0 (needed by uses-addon@1.0.0) is refused: it ships a native addon"),
    (["tampered@1.0.0"], IntegrityError,
     "tampered@1.0.0 is refused: its tarball does not match the checksum the registry published for it "
     "(EINTEGRITY)"),
    (["impostor@1.0.0"], IntegrityError,
     "impostor@1.0.0 is refused: its tarball says it is lodash@4.17.21, not what the registry published"),
    (["tiny-greet"], DependencyError, "npm dependency tiny-greet has no version: pin it as tiny-greet@version"),
])
def test_bad_sets_fail_in_one_line_naming_the_package_and_leave_nothing(
        npm_registry: NpmRegistry, npm_settings: DepsSettings, pins: list[str], error: type, message: str) -> None:
    kept = build_npm_environment(["tiny-greet@1.0.0"], npm_settings)
    assert kept is not None
    with pytest.raises(error) as caught:
        build_npm_environment(pins, npm_settings)
    text = str(caught.value)
    assert text.startswith(message.format(url=npm_registry.url)), text
    assert "\n" not in text
    assert _leftovers(npm_settings) == [kept.key]  # no half-built environment; the other one intact
    assert find_npm_environment(["tiny-greet@1.0.0"], npm_settings).path == kept.path


def test_install_scripts_never_run_even_when_the_registry_hides_them(
        npm_registry: NpmRegistry, npm_settings: DepsSettings) -> None:
    assert npm_registry.script_marker is not None
    with pytest.raises(NativeCodeError) as caught:
        build_npm_environment(["sneaky-script@1.0.0"], npm_settings)
    assert str(caught.value).startswith("sneaky-script@1.0.0 is refused: it has an install script (postinstall)")
    assert not npm_registry.script_marker.exists()


def test_a_name_alone_is_pinned_to_the_registrys_latest(npm_settings: DepsSettings) -> None:
    assert pin_npm_latest(["tiny-greet", "@acme/util@0.1.0", "tiny-app@latest"], npm_settings) == [
        "tiny-greet==1.1.0", "@acme/util==0.1.0", "tiny-app==2.0.0"]
    down = DepsSettings(npm_registry="http://127.0.0.1:9", cache_dir=npm_settings.cache, timeout_s=2)
    assert pin_npm_latest(["tiny-greet@1.0.0"], down) == ["tiny-greet==1.0.0"]  # pinned: no network
    with pytest.raises(IndexUnreachableError):
        pin_npm_latest(["tiny-greet"], down)


def test_cancel_returns_at_once_from_a_silent_registry(npm_settings: DepsSettings) -> None:
    import socket
    import threading

    from actions_studio.deps import BuildCancelledError, CancelToken

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        waiting = DepsSettings(npm_registry=f"http://127.0.0.1:{silent.getsockname()[1]}",
                               cache_dir=npm_settings.cache, timeout_s=120)
        token = CancelToken()
        threading.Timer(0.3, token.cancel).start()
        with pytest.raises(BuildCancelledError):
            build_npm_environment(["tiny-greet@1.0.0"], waiting, cancel=token)
        token = CancelToken()
        threading.Timer(0.3, token.cancel).start()
        with pytest.raises(BuildCancelledError):
            pin_npm_latest(["tiny-greet"], waiting, cancel=token)
    assert _leftovers(npm_settings) == []

"""The TypeScript language service's files: the npm ``typescript`` package (tsserver) and
``@types/node``, pinned, installed once with the project's npm and offline after that.

Where an install is looked for, first match wins (docs/architecture.md, "The TypeScript service"):

1. ``$ACTIONS_STUDIO_TYPESCRIPT``: a folder holding ``node_modules/typescript`` (an install made
   elsewhere, e.g. by a packager or a company mirror);
2. the studio's data folder, ``<data>/typescript/<versions>`` (``$ACTIONS_STUDIO_HOME/typescript``
   when set): the user's copy, written on first use by the studio (with progress shown) or by
   ``python -m actions_studio.analysis.typescript.install``;
3. the machine's shared cache, ``<user cache>/actions-studio/typescript/<versions>``: what the setup
   step (``./dev studio``, ``./dev test``) fills with ``install --shared``. It is never under
   ``$ACTIONS_STUDIO_HOME``, so the test suite's isolated home still finds it and no test run
   ever downloads.

An install is built in a ``.building-*`` folder beside its final place and renamed into it, with
``actions-studio-typescript.json`` last: a half-done or interrupted install never counts, and two
processes installing at once cannot mix their files (the later rename loses and is dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from actions_studio import nodejs

TYPESCRIPT_VERSION = "5.9.3"
# Node's own types for `require("crypto")`, `process.env`, `fetch`, `Buffer`: the runtime is Node 22.
NODE_TYPES_VERSION = "22.20.7"
VERSIONS_KEY = f"typescript-{TYPESCRIPT_VERSION}-node-types-{NODE_TYPES_VERSION}"
MARKER = "actions-studio-typescript.json"

ENV_INSTALL = "ACTIONS_STUDIO_TYPESCRIPT"
ENV_REGISTRY = "ACTIONS_STUDIO_NPM_REGISTRY"
HOME_ENV = "ACTIONS_STUDIO_HOME"
APP_NAME = "actions-studio"
# npm gives up on a dead registry after its own retries; this bounds the whole install.
INSTALL_TIMEOUT_S = 600.0

Progress = Callable[[str], None]


class TypeScriptInstallError(RuntimeError):
    """The language service's files cannot be installed; one line saying why and what still works."""


@dataclass(frozen=True)
class TypeScriptInstall:
    root: Path  # holds node_modules/typescript and node_modules/@types/node
    typescript_version: str

    @property
    def tsserver(self) -> Path:
        return self.root / "node_modules" / "typescript" / "lib" / "tsserver.js"

    @property
    def typescript_module(self) -> Path:
        """What ``require()`` of the typescript package loads (the compiler API)."""
        return self.root / "node_modules" / "typescript"

    @property
    def types_root(self) -> Path:
        return self.root / "node_modules" / "@types"

    def describe(self) -> str:
        return f"TypeScript {self.typescript_version} ({self.root})"


def data_location(env: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """The user's copy: ``$ACTIONS_STUDIO_HOME/typescript/<versions>`` or the user data folder's."""
    env = os.environ if env is None else env
    home = env.get(HOME_ENV)
    base = Path(home) if home else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return base / "typescript" / VERSIONS_KEY


def shared_location() -> Path:
    """The machine's copy the setup step fills; deliberately not moved by ``$ACTIONS_STUDIO_HOME``."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "typescript" / VERSIONS_KEY


def candidate_locations(env: dict[str, str] | os._Environ[str] | None = None) -> list[Path]:
    env = os.environ if env is None else env
    found = [Path(env[ENV_INSTALL]).expanduser()] if env.get(ENV_INSTALL, "").strip() else []
    return found + [data_location(env), shared_location()]


def find_install(env: dict[str, str] | os._Environ[str] | None = None) -> TypeScriptInstall | None:
    """The first complete install of the pinned versions, or None (nothing is downloaded here)."""
    for root in candidate_locations(env):
        found = _read(root)
        if found is not None:
            return found
    return None


def _read(root: Path, *, finished: bool = True) -> TypeScriptInstall | None:
    """The install under ``root`` when its files are there. One the studio made (its folder is
    named by the versions) counts only once its marker exists, unless ``finished`` is False (the
    check before writing the marker); one named by ``$ACTIONS_STUDIO_TYPESCRIPT`` was made
    elsewhere and is taken as it is."""
    try:
        manifest = json.loads((root / "node_modules" / "typescript" / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    install = TypeScriptInstall(root=root, typescript_version=str(manifest.get("version", "")))
    if not install.tsserver.is_file() or not (install.types_root / "node" / "package.json").is_file():
        return None
    ours = root.name == VERSIONS_KEY or not finished
    if ours and (install.typescript_version != TYPESCRIPT_VERSION or (finished and not (root / MARKER).is_file())):
        return None
    return install


def install(
    target: Path | None = None,
    *,
    node: nodejs.Node | None = None,
    progress: Progress | None = None,
    registry: str | None = None,
    offline: bool = False,
    npm_cache: Path | None = None,
    timeout_s: float = INSTALL_TIMEOUT_S,
) -> TypeScriptInstall:
    """Install the pinned packages into ``target`` (default: the data folder's location) and
    return it; an install already there is returned at once. ``progress`` gets npm's lines as they
    come (one fetched package per line). TypeScriptInstallError says why it failed."""
    target = Path(target) if target is not None else data_location()
    existing = _read(target)
    if existing is not None:
        return existing
    report = progress or (lambda _line: None)
    try:
        node = node or nodejs.find_node()
        command = node.npm_command(
            "install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-update-notifier",
            "--no-package-lock", "--loglevel=http",
        )
    except nodejs.NodeError as exc:
        raise TypeScriptInstallError(f"TypeScript cannot be installed: {exc}") from None
    registry = registry or os.environ.get(ENV_REGISTRY) or None
    if registry:
        command.append(f"--registry={registry}")
    if offline:
        command.append("--offline")
    if npm_cache is not None:
        command.append(f"--cache={npm_cache}")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        manifest = {"private": True, "dependencies": {"typescript": TYPESCRIPT_VERSION, "@types/node": NODE_TYPES_VERSION}}
        (staging / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        report(f"installing TypeScript {TYPESCRIPT_VERSION} and Node's types {NODE_TYPES_VERSION} with npm {node.describe()}")
        output = _run_npm(command, staging, report, timeout_s)
        found = _read(staging, finished=False)
        if found is None:
            last = next((line for line in reversed(output) if line.strip()), "no output")
            raise TypeScriptInstallError(
                f"TypeScript {TYPESCRIPT_VERSION} could not be installed (npm: {last.strip()}); "
                "the JavaScript editor works without completions until it is"
            )
        (staging / MARKER).write_text(
            json.dumps({"typescript": TYPESCRIPT_VERSION, "@types/node": NODE_TYPES_VERSION, "node": node.version}) + "\n",
            encoding="utf-8",
        )
        try:
            os.rename(staging, target)
        except OSError:
            if _read(target) is None:  # not a concurrent install that won the race: a real failure
                raise
        report(f"installed TypeScript {TYPESCRIPT_VERSION} in {target}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    installed = _read(target)
    assert installed is not None
    return installed


def _run_npm(command: list[str], cwd: Path, report: Progress, timeout_s: float) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("npm_config_") and k != "NODE_OPTIONS"}
    try:
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace", env=env)
    except OSError as exc:
        raise TypeScriptInstallError(f"TypeScript cannot be installed: npm did not start ({exc})") from None
    timer = threading.Timer(timeout_s, proc.kill)
    timer.start()
    lines: list[str] = []
    with proc:
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip("\n"))
                report(line.rstrip("\n"))
        finally:
            timer.cancel()
    return lines


def ensure_install(progress: Progress | None = None) -> TypeScriptInstall:
    """The install to use, installing into the data folder on first use (with ``progress``)."""
    return find_install() or install(progress=progress)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m actions_studio.analysis.typescript.install",
        description=f"Install TypeScript {TYPESCRIPT_VERSION} (tsserver) for the studio's JavaScript editor.",
    )
    parser.add_argument("--shared", action="store_true",
                        help=f"into the machine's shared cache ({shared_location()}) instead of the data folder")
    parser.add_argument("--check", action="store_true", help="only say where the install is (exit 1 when absent)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    args = parser.parse_args(argv)
    say = (lambda _line: None) if args.quiet else print
    if args.check:
        found = find_install()
        print(found.describe() if found else f"TypeScript {TYPESCRIPT_VERSION} is not installed")
        return 0 if found else 1
    found = find_install()
    if found is not None and not args.shared:
        say(found.describe())
        return 0
    try:
        done = install(shared_location() if args.shared else None, progress=say)
    except TypeScriptInstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    say(done.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

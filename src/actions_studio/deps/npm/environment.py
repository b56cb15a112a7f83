"""npm environments for node22 actions: one directory per declared set, holding `node_modules/`,
shared by every action that declares that set, built atomically and usable with no network.

Layout under the cache dir (the same one the PyPI environments use):
- `npm/envs/<key>/` — `node_modules/`, the `package.json` and `package-lock.json` npm wrote, and
  `actions-env.json` (the set, for people; its presence marks a complete build). `<key>` is sha256
  of the sorted `name@version` pins alone: npm versions are immutable on a registry, so the key needs
  no lookup file and a login finds its environment with one `stat`, no registry, no Node.
- `npm/cache/` — npm's own download cache, so a second set sharing packages downloads less.

A build: every declared pin is checked against the registry (unknown package, missing version,
declared install script: one-line errors before any download); npm installs the set with
`--ignore-scripts`; the tree npm wrote is then read file by file and refused if any package has
native code or a tarball that names itself differently from the registry's manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, TypeVar
from urllib.parse import unquote

from actions_studio import nodejs

from ..environment import Environment, _open_up, _write_atomically
from ..errors import DependencyError, IndexUnreachableError, IntegrityError, NativeCodeError, ResolutionError
from ..pip_runner import CancelToken, Progress
from ..settings import DepsSettings
from . import native, registry
from .pins import NpmPin, parse_npm_pins
from .runner import NpmRun, run_npm

MANIFEST = "actions-env.json"
T = TypeVar("T")
_UNREACHABLE = {"ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH",
                "ENETUNREACH", "ERR_SOCKET_TIMEOUT"}


def set_key(pins: Iterable[NpmPin]) -> str:
    text = "\n".join(["npm", *sorted(p.spec() for p in pins)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _envs(settings: DepsSettings) -> Path:
    return settings.cache / "npm" / "envs"


def _pinned(dependencies: Iterable[str]) -> list[NpmPin]:
    pins = parse_npm_pins(list(dependencies))
    loose = [p.name for p in pins if p.version is None]
    if loose:
        raise DependencyError(f"npm dependency {loose[0]} has no version: pin it as {loose[0]}@version", loose[0])
    return pins


def find_npm_environment(dependencies: Iterable[str], settings: DepsSettings) -> Optional[Environment]:
    """The built environment of these pins, without network or Node; None when never built here."""
    pins = _pinned(dependencies)
    if not pins:
        return None
    key = set_key(pins)
    env_dir = _envs(settings) / key
    try:
        recorded = json.loads((env_dir / MANIFEST).read_text(encoding="utf-8"))
        packages = tuple(str(p) for p in recorded["packages"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Environment(env_dir, key, packages, reused=True)


def build_npm_environment(dependencies: Iterable[str], settings: DepsSettings, *,
                          node: Optional[nodejs.Node] = None, cancel: Optional[CancelToken] = None,
                          progress: Optional[Progress] = None) -> Optional[Environment]:
    """The environment of these npm pins: found offline if built before, else checked against the
    registry, installed by npm and checked for native code. None for no dependencies. Raises
    DependencyError subclasses (one line, naming the package)."""
    pins = _pinned(dependencies)
    if not pins:
        return None
    found = find_npm_environment([p.spec() for p in pins], settings)
    if found is not None:
        return found
    cancel = cancel or CancelToken()
    say = progress or (lambda _line: None)
    specs = ", ".join(p.spec() for p in pins)
    say(f"Checking {specs} on {settings.npm_registry}")
    for pin in pins:
        _cancellable(lambda pin=pin: registry.check_published(pin, settings), cancel)
    try:
        node = node or nodejs.find_node()
    except nodejs.NodeError as exc:
        raise DependencyError(f"npm packages cannot be installed: {exc}") from None
    say(f"Installing {specs} with npm (Node {node.version})")
    env_dir = _install(pins, settings, node, cancel, progress)
    built = find_npm_environment([p.spec() for p in pins], settings)
    assert built is not None, env_dir
    say(f"Environment ready: {', '.join(built.packages)}")
    return Environment(built.path, built.key, built.packages, reused=False)


def pin_npm_latest(dependencies: Iterable[str], settings: DepsSettings, *,
                   cancel: Optional[CancelToken] = None) -> list[str]:
    """Each line as stored (`name==version`); an unpinned one gets the registry's `latest`.
    No network when all are pinned."""
    out = []
    for pin in parse_npm_pins(list(dependencies)):
        if pin.version is None:
            pin = NpmPin(pin.name, _cancellable(lambda pin=pin: registry.latest_version(pin, settings), cancel))
        out.append(pin.stored())
    return out


def _cancellable(ask: Callable[[], T], cancel: Optional[CancelToken]) -> T:
    """`ask()` (a registry request) in a thread of its own, so Cancel returns at once even while a
    silent registry holds the socket; the request itself ends at its timeout, its answer dropped."""
    cancel = cancel or CancelToken()
    cancel.check()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = ask()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="npm-registry-request", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.05)
        cancel.check()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _install(pins: list[NpmPin], settings: DepsSettings, node: nodejs.Node, cancel: CancelToken,
             progress: Optional[Progress]) -> Path:
    envs = _envs(settings)
    envs.mkdir(parents=True, exist_ok=True)
    key = set_key(pins)
    final = envs / key
    tmp = Path(tempfile.mkdtemp(prefix=f".building-{key[:8]}-", dir=envs))
    try:
        (tmp / "package.json").write_text(json.dumps({
            "name": "actions-environment", "version": "0.0.0", "private": True,
            "dependencies": {p.name: p.version for p in pins}}, indent=1) + "\n", encoding="utf-8")
        # --no-bin-links: no .bin symlinks (an action cannot run programs); --save-exact keeps the
        # lock's root as declared; --omit=dev/peer: only what require() of the set can reach.
        run = run_npm(node, ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-bin-links",
                             "--omit=dev", "--registry", settings.npm_registry,
                             "--cache", str(settings.cache / "npm" / "cache")],
                      cwd=tmp, timeout_s=settings.timeout_s, cancel=cancel, progress=progress)
        if run.returncode != 0:
            raise explain_failure(run, pins, settings)
        _check_tree(tmp, pins)
        packages = native.installed(tmp)
        (tmp / MANIFEST).write_text(json.dumps(
            {"declared": sorted(p.spec() for p in pins), "packages": list(packages), "node": node.version,
             "registry": settings.npm_registry}, indent=1) + "\n", encoding="utf-8")
        _open_up(tmp)
        try:
            tmp.rename(final)
        except OSError:
            if not (final / MANIFEST).is_file():  # not a twin build that won the race: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _check_tree(env_dir: Path, pins: list[NpmPin]) -> None:
    declared = {p.name: p.spec() for p in pins}
    impostor = native.find_impostor(env_dir)
    if impostor is not None:
        raise IntegrityError(f"{impostor.package} is refused: {impostor.why}, not what the registry "
                             "published", impostor.name)
    found = native.find_native(env_dir)
    if found is not None:
        via = () if found.name in declared else native.needed_by(env_dir, found.name)
        raise NativeCodeError(registry.native_message(found.package, found.why, via), found.name)


_TARBALL_OF = re.compile(r"tarball data for (\S+?)@(?:https?:|file:)")
_NOT_FOUND_URL = re.compile(r"GET (\S+) - Not found", re.IGNORECASE)
_NO_MATCH = re.compile(r"No matching version found for (\S+?)\.?$", re.MULTILINE)


def explain_failure(run: NpmRun, pins: list[NpmPin], settings: DepsSettings) -> DependencyError:
    """npm's failure as one line naming the package."""
    error = run.result.get("error") if isinstance(run.result.get("error"), dict) else {}
    code = str(error.get("code") or "")
    summary = str(error.get("summary") or "").strip()
    specs = ", ".join(p.spec() for p in pins)
    declared = {p.name for p in pins}
    if code in _UNREACHABLE or any(c in run.log for c in ("ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN")):
        return IndexUnreachableError(
            f"{specs}: the npm registry {settings.npm_registry} cannot be reached ({code or 'no answer'}); a new "
            "environment needs the registry, environments already built keep working offline", pins[0].name)
    if code == "EINTEGRITY":
        match = _TARBALL_OF.search(run.log)
        name = match.group(1) if match else None
        package = next((p.spec() for p in pins if p.name == name), name) if name else specs
        return IntegrityError(f"{package} is refused: its tarball does not match the checksum the registry "
                              "published for it (EINTEGRITY)", name)
    if code == "E404":
        match = _NOT_FOUND_URL.search(summary)
        name = unquote(match.group(1).rstrip("/").rsplit("/", 1)[-1]) if match else "?"
        needed = "" if name in declared else f" (needed by {specs})"
        return ResolutionError(f"{name}{needed} cannot be installed: the npm registry {settings.npm_registry} "
                               f"has no package {name}", None if name == "?" else name)
    if code == "ETARGET":
        match = _NO_MATCH.search(summary)
        wanted = match.group(1) if match else "?"
        return ResolutionError(f"{wanted} (needed by {specs}) has no matching version on {settings.npm_registry}",
                               wanted.rsplit("@", 1)[0] if match else None)
    first = summary.splitlines()[0] if summary else (run.log.strip().splitlines()[-1:] or ["npm failed"])[0]
    return ResolutionError(f"npm could not install {specs}: {code + ': ' if code else ''}{first}", None)

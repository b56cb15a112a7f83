"""Content-addressed environments: one directory per fully resolved set, shared by every action
that needs that set, built atomically (temp dir, then rename) and usable with no network.

Layout under the cache dir:
- `envs/<hash>/` — `pip install --target` output plus `actions-env.json` (the set, for people);
  `<hash>` is sha256 of the interpreter's `X.Y` and the sorted `name==version` lines of the whole
  resolved set (transitive ones included). The interpreter is part of it because markers and the
  wheels chosen depend on it.
- `lookup/<key>.json` — declared pins + source → the resolved set, written after a build, so a
  later run finds its environment without asking the index (issue 8 §3: offline).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from .errors import DependencyError, NotPurePythonError
from .pins import Pin, parse_pins
from .pip_runner import CancelToken, Progress, run_pip
from .resolve import Resolved, explain_failure, resolve
from .settings import DepsSettings

MANIFEST = "actions-env.json"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True)
class Environment:
    path: Path
    key: str
    packages: tuple[str, ...]  # the resolved set, "name==version", sorted
    reused: bool = False       # found in the cache: nothing was downloaded


def set_hash(resolved: Iterable[str]) -> str:
    text = "\n".join([f"python {PYTHON}", *sorted(resolved)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _lookup_key(pins: list[Pin], settings: DepsSettings) -> str:
    text = "\n".join([f"python {PYTHON}", settings.source_key(), *sorted(p.requirement() for p in pins)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _lookup_file(pins: list[Pin], settings: DepsSettings) -> Path:
    return settings.cache / "lookup" / f"{_lookup_key(pins, settings)}.json"


def _complete(env_dir: Path) -> bool:
    return (env_dir / MANIFEST).is_file()


def find_environment(dependencies: Iterable[str], settings: DepsSettings) -> Optional[Environment]:
    """The built environment of these pins, without any network; None when it was never built
    here (or the cache was cleared)."""
    pins = parse_pins(dependencies)
    if not pins:
        return None
    try:
        recorded = json.loads(_lookup_file(pins, settings).read_text(encoding="utf-8"))
        env_dir = settings.cache / "envs" / recorded["env"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _complete(env_dir):
        return None
    return Environment(env_dir, recorded["env"], tuple(recorded["packages"]), reused=True)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _check_purelib(target: Path, resolved: list[Resolved]) -> None:
    """A wheel tagged pure can still say `Root-Is-Purelib: false` (it installs into platlib, the
    place for compiled code): refused too."""
    by_name = {r.name: r for r in resolved}
    for wheel_file in target.glob("*.dist-info/WHEEL"):
        text = wheel_file.read_text(encoding="utf-8", errors="replace")
        if any(line.split(":", 1)[1].strip().lower() == "false" for line in text.splitlines()
               if line.lower().startswith("root-is-purelib:")):
            dist = wheel_file.parent.name[: -len(".dist-info")].rsplit("-", 1)[0]
            from packaging.utils import canonicalize_name

            name = canonicalize_name(dist)
            pin = by_name[name].pin if name in by_name else name
            raise NotPurePythonError(f"{pin} is refused: its wheel says Root-Is-Purelib: false (it installs "
                                     "platform-specific files); actions accept pure-Python packages only", name)


def _open_up(root: Path) -> None:
    """Readable by every uid: as root the sandbox runs each execution under a uid of its own."""
    for dirpath, dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


def _install(resolved: list[Resolved], settings: DepsSettings, key: str, cancel: CancelToken,
             progress: Optional[Progress]) -> Path:
    envs = settings.cache / "envs"
    envs.mkdir(parents=True, exist_ok=True)
    final = envs / key
    tmp = Path(tempfile.mkdtemp(prefix=f".building-{key[:8]}-", dir=envs))
    try:
        # --no-deps: the set is already complete and checked; pip installs exactly it.
        run = run_pip(["install", "--target", str(tmp), "--only-binary=:all:", "--no-deps", "--ignore-installed",
                       "--no-warn-script-location", *settings.pip_source_args(), *(r.pin for r in resolved)],
                      timeout_s=settings.timeout_s, cancel=cancel, progress=progress)
        if run.returncode != 0:
            raise explain_failure(run.output, [Pin(r.name, r.version) for r in resolved], settings)
        _check_purelib(tmp, resolved)
        shutil.rmtree(tmp / "bin", ignore_errors=True)  # console scripts: an action cannot run them
        (tmp / MANIFEST).write_text(json.dumps(
            {"python": PYTHON, "packages": [r.pin for r in resolved]}, indent=1) + "\n", encoding="utf-8")
        _open_up(tmp)
        try:
            os.rename(tmp, final)
        except OSError:
            if not _complete(final):  # not a twin build that won the race: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def build_environment(dependencies: Iterable[str], settings: DepsSettings, *,
                      cancel: Optional[CancelToken] = None, progress: Optional[Progress] = None
                      ) -> Optional[Environment]:
    """The environment of these pins: found offline if it was built before, else resolved, checked
    pure and installed. None for no dependencies. Raises DependencyError subclasses."""
    pins = parse_pins(dependencies)
    if not pins:
        return None
    unpinned = [p.name for p in pins if p.version is None]
    if unpinned:
        raise DependencyError(f"dependency {unpinned[0]} has no version: pin it as name==version", unpinned[0])
    found = find_environment([p.requirement() for p in pins], settings)
    if found is not None:
        return found
    cancel = cancel or CancelToken()
    say = progress or (lambda _line: None)
    say(f"Resolving {', '.join(p.requirement() for p in pins)} from {settings.describe_source()}")
    resolved = resolve(pins, settings, cancel=cancel, progress=progress)
    packages = tuple(r.pin for r in resolved)
    key = set_hash(packages)
    env_dir = settings.cache / "envs" / key
    reused = _complete(env_dir)
    if reused:
        say(f"Reusing the environment {key[:12]} ({len(packages)} packages)")
    else:
        say(f"Installing {len(packages)} package(s): {', '.join(packages)}")
        env_dir = _install(resolved, settings, key, cancel, progress)
    _write_atomically(_lookup_file(pins, settings), json.dumps({"env": key, "packages": list(packages)}) + "\n")
    say(f"Environment ready: {', '.join(packages)}")
    return Environment(env_dir, key, packages, reused=reused)


def pin_latest(dependencies: Iterable[str], settings: DepsSettings, *, cancel: Optional[CancelToken] = None,
               progress: Optional[Progress] = None) -> list[str]:
    """Each line as `name==version`; a line without a version gets the newest pure-Python wheel the
    index has (Auth0 pins `latest` at save time the same way). No network when all are pinned."""
    pins = parse_pins(dependencies)
    loose = [p for p in pins if p.version is None]
    if loose:
        chosen = {r.name: r.version for r in resolve(loose, settings, cancel=cancel, progress=progress, no_deps=True)}
        missing = [p.name for p in loose if p.name not in chosen]
        if missing:
            raise DependencyError(f"no version of {missing[0]} was found", missing[0])
        pins = [Pin(p.name, p.version or chosen[p.name], p.extras) for p in pins]
    return [p.requirement() for p in pins]

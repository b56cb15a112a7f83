"""Whether ``.venv`` already holds what ``pip install -e ".[EXTRAS]"`` would give it, so ``./dev``
can skip pip on every start (pip's resolver alone took most of the time from ``./dev studio`` to a
window, even with nothing to install).

``./dev`` runs this with the venv's own Python, so ``importlib.metadata`` sees the venv:

    .venv/bin/python tools/venv_stamp.py check ROOT --extras test   # rc 0: up to date; 1: install
    .venv/bin/python tools/venv_stamp.py write ROOT --extras test   # after a successful install

The stamp (``<venv>/actions-studio-install.json``) holds a hash of each file that decides what pip
installs (pyproject.toml, setup.py, and any requirements/constraints/lock file at the top of the
checkout), the extras, the checkout's path (an editable install points at it) and the venv's Python
version. It is written only after pip succeeded and the install checks out. ``check`` says "install"
when the stamp is missing, unreadable or differs, and also when the venv itself is damaged: the
project's distribution is missing or points at another checkout, a requirement (followed through
its own requirements) is missing or at a version its dependant refuses, or the entry script is gone.
Files deleted from inside an installed package are not looked for: that would cost what pip costs.

Only the standard library is imported before the install check; the check itself uses the venv's
``packaging`` (a dependency of the project), and a venv without it is damaged.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import sys
from pathlib import Path

STAMP = "actions-studio-install.json"
FORMAT = 1
PROJECT = "actions-studio"
ENTRY_SCRIPT = "actions-studio"
# The files whose content decides what pip installs. Globs, so a lock or constraints file added
# later counts without editing this list.
INPUT_GLOBS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements*.txt", "constraints*.txt", "*.lock")


def inputs(root: Path) -> dict[str, str]:
    """Each input file's name and the sha256 of its bytes."""
    found: dict[str, str] = {}
    for pattern in INPUT_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def fingerprint(root: Path, extras: list[str]) -> dict[str, object]:
    """What the stamp records: everything that, changed, must re-run the install."""
    return {
        "format": FORMAT,
        "root": str(root.resolve()),
        "extras": sorted(extras),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "inputs": inputs(root),
    }


def stamp_path(venv: Path | None = None) -> Path:
    return (venv or Path(sys.prefix)) / STAMP


def stale_reason(recorded: object, current: dict[str, object]) -> str | None:
    """Why a recorded fingerprint no longer matches, in a user's words; None when it does."""
    if not isinstance(recorded, dict) or recorded.get("format") != FORMAT:
        return "the install stamp is unreadable"
    if recorded == current:
        return None
    old, new = recorded.get("inputs"), current["inputs"]
    if isinstance(old, dict) and isinstance(new, dict) and old != new:
        changed = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
        return ", ".join(changed) + " changed"
    for key, what in (("root", "the checkout moved"), ("python", "the venv's Python changed"),
                      ("extras", "other extras are wanted")):
        if recorded.get(key) != current.get(key):
            return what
    return "the install stamp differs"


def install_problem(root: Path, extras: list[str]) -> str | None:
    """Why the running interpreter's environment lacks the project's install, or None."""
    try:
        dist = importlib.metadata.distribution(PROJECT)
    except importlib.metadata.PackageNotFoundError:
        return f"{PROJECT} is not installed in the venv"
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        direct = {}
    if direct.get("url") != root.resolve().as_uri() or not direct.get("dir_info", {}).get("editable"):
        return f"the venv's {PROJECT} is not the editable install of {root.resolve()}"
    scripts = Path(sys.prefix) / ("Scripts" if os.name == "nt" else "bin")
    if not any((scripts / (ENTRY_SCRIPT + suffix)).is_file() for suffix in ("", ".exe")):
        return f"the {ENTRY_SCRIPT} command is missing from the venv"
    try:
        from packaging.requirements import InvalidRequirement, Requirement
        from packaging.utils import canonicalize_name
    except ImportError:
        return "the venv lacks the packaging library"
    # Walk the requirements as pip resolved them: each distribution's own, with the extras asked of
    # it. Each METADATA is parsed once (the parse is what this check costs).
    parsed: dict[str, tuple[str, list[str]] | None] = {}

    def lookup(name: str) -> tuple[str, list[str]] | None:
        key = canonicalize_name(name)
        if key not in parsed:
            try:
                metadata = importlib.metadata.distribution(name).metadata
                parsed[key] = (metadata["Version"], metadata.get_all("Requires-Dist") or [])
            except importlib.metadata.PackageNotFoundError:
                parsed[key] = None
        return parsed[key]

    wanted: list[tuple[str, frozenset[str]]] = [(PROJECT, frozenset(extras))]
    seen: set[tuple[str, frozenset[str]]] = set()
    while wanted:
        name, asked = wanted.pop()
        if (canonicalize_name(name), asked) in seen:
            continue
        seen.add((canonicalize_name(name), asked))
        found = lookup(name)
        assert found is not None  # checked before it was queued
        for text in found[1]:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue  # a distribution's own metadata quirk is not ours to judge
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in ("", *asked)):
                continue
            needed = lookup(req.name)
            if needed is None:
                return f"{req.name} (needed by {name}) is not installed"
            if req.specifier and not req.specifier.contains(needed[0], prereleases=True):
                return f"{req.name} {needed[0]} is installed but {name} needs {req.specifier}"
            wanted.append((req.name, frozenset(req.extras)))
    return None


def check(root: Path, extras: list[str], stamp: Path) -> str | None:
    """None when the venv is up to date; otherwise why it must be installed again."""
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "the venv has no install stamp yet"
    except (OSError, ValueError):
        return "the install stamp is unreadable"
    reason = stale_reason(recorded, fingerprint(root, extras))
    return reason or install_problem(root, extras)


def write(root: Path, extras: list[str], stamp: Path) -> str | None:
    """Record the install; refuses (and returns why) when the install does not check out, so a
    stamp never vouches for a venv that the next start would have to repair anyway."""
    problem = install_problem(root, extras)
    if problem is not None:
        return problem
    tmp = stamp.with_name(stamp.name + ".tmp")
    tmp.write_text(json.dumps(fingerprint(root, extras), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, stamp)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("check", "write"))
    parser.add_argument("root", type=Path, help="the checkout pip installs from")
    parser.add_argument("--extras", action="append", default=[], help="an extra installed with it")
    parser.add_argument("--stamp", type=Path, default=None, help="the stamp file (default: in the venv)")
    args = parser.parse_args(argv)
    stamp = args.stamp or stamp_path()
    if args.action == "check":
        reason = check(args.root, args.extras, stamp)
        if reason is not None:
            print(f"dev: installing into the venv: {reason}", file=sys.stderr)
            return 1
        return 0
    problem = write(args.root, args.extras, stamp)
    if problem is not None:
        print(f"dev: pip finished but {problem}; the next start installs again", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

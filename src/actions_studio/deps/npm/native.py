"""What an installed tree really holds, read from its files rather than from the registry's word:
native code (an install script, `binding.gyp`, a `.node` addon) and packages whose tarball named
itself differently from the registry's manifest. Runs on the tree npm wrote, before it is kept."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

from .registry import declared_native

LOCKFILE = "package-lock.json"


@dataclass(frozen=True)
class Finding:
    package: str  # "name@version" as installed
    name: str
    why: str


def _read_json(path: Path) -> Optional[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _package_root(modules: Path, path: Path) -> Optional[Path]:
    """The package folder a file belongs to: the innermost `node_modules/<name>` (or `@scope/name`)."""
    parts = path.relative_to(modules.parent).parts
    last = max((i for i, p in enumerate(parts[:-1]) if p == "node_modules"), default=None)
    if last is None or last + 1 >= len(parts):
        return None
    end = last + 3 if parts[last + 1].startswith("@") else last + 2
    if end > len(parts):
        return None
    return modules.parent.joinpath(*parts[:end])


def _files(root: Path) -> Iterator[Path]:
    # Symlinks are not followed: npm writes none with --no-bin-links, and a tree must not reach out.
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            yield Path(dirpath) / name


def lock_packages(env_dir: Path) -> dict[str, dict[str, Any]]:
    """package-lock.json's "packages": install path -> entry (the root project is left out)."""
    lock = _read_json(env_dir / LOCKFILE) or {}
    packages = lock.get("packages") if isinstance(lock.get("packages"), dict) else {}
    return {k: v for k, v in packages.items() if k and isinstance(v, dict)}


def _name_of(install_path: str) -> str:
    tail = install_path.rsplit("node_modules/", 1)[-1]
    return tail


def needed_by(env_dir: Path, name: str) -> tuple[str, ...]:
    """The installed packages that depend on `name` (empty when only the declared set does)."""
    parents = []
    for path, entry in lock_packages(env_dir).items():
        wanted = {**(entry.get("dependencies") or {}), **(entry.get("optionalDependencies") or {})}
        if name in wanted:
            parents.append(f"{_name_of(path)}@{entry.get('version', '?')}")
    return tuple(sorted(set(parents)))


def find_native(env_dir: Path) -> Optional[Finding]:
    """The first package of the tree with native code, or None."""
    modules = env_dir / "node_modules"
    if not modules.is_dir():
        return None
    for file in sorted(_files(modules)):
        root = _package_root(modules, file)
        if root is None:
            continue
        why = None
        if file.name.endswith(".node"):
            why = f"it ships a native addon ({file.relative_to(root)})"
        elif file.name == "binding.gyp":
            why = "it builds native code (binding.gyp)"
        elif file == root / "package.json":
            why = declared_native(_read_json(file) or {})
        if why is not None:
            manifest = _read_json(root / "package.json") or {}
            name = str(manifest.get("name") or root.relative_to(modules).as_posix().rsplit("node_modules/", 1)[-1])
            return Finding(f"{name}@{manifest.get('version', '?')}", name, why)
    return None


def find_impostor(env_dir: Path) -> Optional[Finding]:
    """A package whose own package.json names another package or version than the lockfile
    (which npm wrote from the registry's manifest): its tarball is not what was published."""
    for path, entry in sorted(lock_packages(env_dir).items()):
        if entry.get("link"):
            continue
        expected_name, expected_version = entry.get("name") or _name_of(path), entry.get("version")
        manifest = _read_json(env_dir / path / "package.json")
        if manifest is None:
            return Finding(f"{expected_name}@{expected_version}", expected_name, "its tarball has no package.json")
        if manifest.get("name") != expected_name or manifest.get("version") != expected_version:
            return Finding(f"{expected_name}@{expected_version}", expected_name,
                           f"its tarball says it is {manifest.get('name')}@{manifest.get('version')}")
    return None


def installed(env_dir: Path) -> tuple[str, ...]:
    """Every installed package as `name@version`, sorted (nested duplicates once)."""
    return tuple(sorted({f"{v.get('name') or _name_of(k)}@{v.get('version')}" for k, v in lock_packages(env_dir).items()}))

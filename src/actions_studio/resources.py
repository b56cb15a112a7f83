"""Where the shipped resources (stubs, templates, icons, Node scripts) are, in every way the studio is run.

Three layouts, checked in this order:
- a frozen bundle (PyInstaller): ``<bundle>/resources``;
- an installed wheel: ``actions_studio/resources`` (setup.py copies the folder in at build time);
- a source checkout or editable install: the repository's top-level ``resources/``.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


class ResourcesNotFoundError(RuntimeError):
    pass


def _candidates() -> list[Path]:
    here = Path(__file__).resolve().parent
    found: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "resources")
    found.append(here / "resources")
    found.append(here.parent.parent / "resources")
    return found


@cache
def resources_dir() -> Path:
    for candidate in _candidates():
        if (candidate / "stubs").is_dir():
            return candidate
    tried = ", ".join(str(c) for c in _candidates())
    raise ResourcesNotFoundError(f"the studio's resources folder is missing (looked in: {tried})")


def stubs_dir() -> Path:
    return resources_dir() / "stubs"


def templates_dir() -> Path:
    return resources_dir() / "templates"


def node_scripts_dir() -> Path:
    """Small Node programs the studio runs (e.g. the JavaScript effect analysis)."""
    return resources_dir() / "node"

"""triggers/ stands alone: it imports nothing of the project but resources, and nothing heavy."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import actions_studio.triggers

PACKAGE = Path(actions_studio.triggers.__file__).parent
HEAVY = ("jedi", "sqlmodel", "sqlalchemy", "fastapi", "uvicorn", "PySide6", "typer", "rich", "auth0", "jwt", "httpx")


def test_sources_import_only_resources_from_the_project() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("actions_studio") and not name.startswith(("actions_studio.triggers", "actions_studio.resources")):
                    offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert offenders == []


def test_importing_the_catalog_loads_nothing_heavy() -> None:
    probe = "import json, sys; from actions_studio.triggers import TRIGGERS; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    project = {m for m in loaded if m.startswith("actions_studio.")}
    assert {m for m in project if not m.startswith("actions_studio.triggers")} == set()
    assert "actions_studio.triggers.stubs" not in project  # only loaded when stubs are written
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []


def test_every_module_is_small() -> None:
    # STYLE.md: a file past ~600 lines is a sign to split by responsibility.
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 600} == {}

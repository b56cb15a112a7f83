"""The layering rule of DESIGN.md, checked in fresh interpreters rather than hoped for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import actions_studio

PACKAGE_DIR = Path(actions_studio.__file__).parent

# The GUI entry point and ui/ are the only places allowed to load PySide6.
UI_MODULES = ("actions_studio.ui", "actions_studio.gui")


def _all_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[-1] == "__main__":
            continue
        if rel.parts[:4] == ("actions_studio", "tenant", "store", "migrations"):
            continue  # Alembic's scripts: Alembic runs them inside its migration context, nothing imports them
        names.append(".".join(parts))
    return names


def _loaded_after_import(*modules: str) -> list[str]:
    """sys.modules of a fresh interpreter after importing `modules` (in order)."""
    probe = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(out.stdout)


def _engines(loaded: list[str], forbidden: tuple[str, ...]) -> set[str]:
    return {m.split(".")[0] for m in loaded if m.split(".")[0] in forbidden}


def _offenders(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, set[str]]:
    # One fresh interpreter for the whole group; only when it loads a forbidden engine, one per
    # module to name the culprits (an interpreter per module always would cost a minute).
    if not _engines(_loaded_after_import(*modules), forbidden):
        return {}
    found = {m: _engines(_loaded_after_import(m), forbidden) for m in modules}
    return {m: engines for m, engines in found.items() if engines}


def test_non_ui_modules_do_not_load_pyside6_and_only_analysis_loads_jedi() -> None:
    modules = [m for m in _all_modules() if not m.startswith(UI_MODULES)]
    assert "actions_studio.cli" in modules and "actions_studio.triggers" in modules
    analysis = [m for m in modules if m.startswith("actions_studio.analysis")]
    others = [m for m in modules if m not in analysis]
    offenders = _offenders(others, ("PySide6", "jedi")) | _offenders(analysis, ("PySide6",))
    assert offenders == {}, f"modules loading UI/analysis engines outside their layer: {offenders}"


def test_probe_detects_a_module_that_loads_pyside6() -> None:
    # Guards the guard: the probe must see PySide6 when something does load it, and name it.
    assert _offenders(["json", "PySide6.QtCore"], ("PySide6",)) == {"PySide6.QtCore": {"PySide6"}}

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
        names.append(".".join(parts))
    return names


def _loaded_after_import(module: str) -> list[str]:
    probe = (
        "import importlib, json, sys;"
        f"importlib.import_module({module!r});"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout)


def test_non_ui_modules_do_not_load_pyside6_and_only_analysis_loads_jedi() -> None:
    modules = [m for m in _all_modules() if not m.startswith(UI_MODULES)]
    assert "actions_studio.cli" in modules and "actions_studio.triggers" in modules
    offenders = {}
    for module in modules:
        loaded = _loaded_after_import(module)
        bad = [m for m in loaded if m.split(".")[0] == "PySide6"]
        if not module.startswith("actions_studio.analysis"):
            bad += [m for m in loaded if m.split(".")[0] == "jedi"]
        if bad:
            offenders[module] = sorted({m.split(".")[0] for m in bad})
    assert offenders == {}, f"modules loading UI/analysis engines outside their layer: {offenders}"


def test_probe_detects_a_module_that_loads_pyside6() -> None:
    # Guards the guard: the probe must see PySide6 when something does load it.
    loaded = _loaded_after_import("PySide6.QtCore")
    assert "PySide6" in loaded

"""Resources are found from a source checkout (editable install) and from an installed wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from actions_studio.resources import resources_dir, stubs_dir

PROBE = "from actions_studio.resources import resources_dir; print(resources_dir())"


def test_editable_install_uses_the_repository_resources(repo_root: Path) -> None:
    assert resources_dir() == repo_root / "resources"
    assert any(stubs_dir().rglob("*.pyi"))


@pytest.mark.slow
def test_installed_wheel_carries_and_finds_its_resources(repo_root: Path, tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path / "dist"), str(repo_root)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("actions_studio-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("actions_studio/resources/stubs/") and n.endswith(".pyi") for n in names)
    assert any(n.startswith("actions_studio/resources/templates/") for n in names)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    # -I -S: no site-packages, so the editable install cannot answer; only the wheel's copy is importable.
    env_path = f"import sys; sys.path.insert(0, {str(target)!r}); {PROBE}"
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", env_path], capture_output=True, text=True, check=True, timeout=60
    )
    found = Path(out.stdout.strip())
    assert found == target / "actions_studio" / "resources"
    assert any((found / "stubs").rglob("*.pyi"))

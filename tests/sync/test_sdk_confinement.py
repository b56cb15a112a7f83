"""Only sync/ talks to auth0-python (DESIGN.md: one module owns each outside engine)."""

from __future__ import annotations

import re
from pathlib import Path

import actions_studio

PACKAGE = Path(actions_studio.__file__).parent
IMPORT = re.compile(r"^\s*(from|import)\s+auth0\b", re.MULTILINE)


def test_only_the_sync_package_imports_the_sdk() -> None:
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p.parent != PACKAGE / "sync" and IMPORT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert any(IMPORT.search(p.read_text(encoding="utf-8")) for p in (PACKAGE / "sync").glob("*.py"))

"""docs/actions-reference.md is what tools/gen_reference.py renders from the catalog, and says
what the shipped stubs say (issue 9: the same text as the stubs)."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "docs" / "actions-reference.md"
STUBS = REPO / "resources" / "stubs" / "actions_types"


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_reference", REPO / "tools" / "gen_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def words(text: str) -> str:
    return " ".join(text.replace("\\<", "<").split())


def test_committed_reference_is_the_rendered_one() -> None:
    rendered = load_generator().render_reference()
    assert REFERENCE.read_text(encoding="utf-8") == rendered, "stale: run tools/gen_reference.py"


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "reference.md"
    stale.write_text("# old\n", encoding="utf-8")
    script = str(REPO / "tools" / "gen_reference.py")
    done = subprocess.run([sys.executable, script, "--check", "--out", str(stale)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "stale" in done.stderr
    subprocess.run([sys.executable, script, "--out", str(stale)], check=True, capture_output=True,
                   timeout=120)
    done = subprocess.run([sys.executable, script, "--check", "--out", str(stale)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def stub_docstrings(path: Path) -> list[tuple[str, str]]:
    """(where, text) of every class, field and method docstring of a stub module."""
    found: list[tuple[str, str]] = []
    for cls in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(cls, ast.ClassDef):
            continue
        found.append((cls.name, ast.get_docstring(cls, clean=True) or ""))
        body = cls.body
        for i, node in enumerate(body):
            nxt = body[i + 1] if i + 1 < len(body) else None
            if isinstance(node, ast.AnnAssign) and isinstance(nxt, ast.Expr) \
                    and isinstance(nxt.value, ast.Constant):
                text = nxt.value.value
                # the api class documents a namespace attribute as "api.NAME: <namespace doc>"
                text = re.sub(r"^api\.\w+: ", "", text)
                found.append((f"{cls.name}.{node.target.id}", text))
            elif isinstance(node, ast.FunctionDef) and path.name != "_common.pyi":
                found.append((f"{cls.name}.{node.name}()", ast.get_docstring(node, clean=True) or ""))
    return found


@pytest.mark.parametrize("stub", sorted(p.name for p in STUBS.glob("*.pyi") if p.name != "__init__.pyi"))
def test_every_stub_docstring_is_in_the_reference(stub: str) -> None:
    reference = words(REFERENCE.read_text(encoding="utf-8"))
    documented = stub_docstrings(STUBS / stub)
    assert documented, f"no docstrings found in {stub}"
    missing = [where for where, text in documented if words(text) not in reference]
    assert missing == [], f"{stub}: not in docs/actions-reference.md: {missing[:10]}"


def test_reference_names_every_api_method() -> None:
    from actions_studio.triggers import TRIGGERS
    from actions_studio.triggers.api import api_methods_of

    reference = REFERENCE.read_text(encoding="utf-8")
    for trigger in TRIGGERS.values():
        section = reference.split(f"\n## {trigger.id}\n", 1)[1].split("\n## ", 1)[0]
        for attribute, namespace in trigger.api_class.NAMESPACES.items():
            for method in api_methods_of(namespace):
                assert f"##### `api.{attribute}.{method}(" in section, (trigger.id, attribute, method)


def test_reference_says_how_each_trigger_binds_and_what_its_outcome_holds() -> None:
    from actions_studio.triggers import TRIGGERS

    reference = REFERENCE.read_text(encoding="utf-8")
    for trigger in TRIGGERS.values():
        section = reference.split(f"\n## {trigger.id}\n", 1)[1].split("\n## ", 1)[0]
        assert trigger.binding_description in words(section), trigger.id
        outcome = section.split("\n### outcome\n", 1)[1]
        for key in trigger.aggregate_outcome([]):
            assert f"`{key}`" in outcome, (trigger.id, key)

"""What a trigger's api offers, read from its shipped stub, so diagnostics match completions."""

from __future__ import annotations

import ast
from functools import cache

from actions_studio.analysis.injection import stub_class_prefix
from actions_studio.resources import stubs_dir


def handler_names(trigger_id: str) -> tuple[str, ...]:
    # The catalog loads with the first diagnostics (on the engine's thread), not with the
    # editor's import at the studio's start (issue 12 item 10).
    from actions_studio.triggers import get_trigger

    trigger = get_trigger(trigger_id)
    return tuple(n for n in (trigger.execute_handler, trigger.continue_handler) if n)


@cache
def api_methods(trigger_id: str) -> frozenset[str]:
    """Dotted method names (``access_token.set_custom_claim``) of the trigger's api stub class."""
    package = stubs_dir() / "actions_types"
    classes: dict[str, ast.ClassDef] = {}
    # shared classes first, so the trigger's own module wins on a name clash
    for path in (package / "_common.pyi", package / f"{trigger_id.replace('-', '_')}.pyi"):
        if path.exists():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            classes.update({n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)})
    methods: set[str] = set()

    def walk(class_name: str, prefix: str, seen: frozenset[str]) -> None:
        node = classes.get(class_name)
        if node is None or class_name in seen:
            return
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                is_property = any(ast.unparse(d) == "property" for d in item.decorator_list)
                if is_property and item.returns is not None:  # a namespace exposed as a property
                    annotation = ast.unparse(item.returns).strip("'\"")
                    walk(annotation.split(".")[-1], f"{prefix}{item.name}.", seen | {class_name})
                else:
                    methods.add(prefix + item.name)
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                annotation = ast.unparse(item.annotation).strip("'\"")
                walk(annotation.split(".")[-1], f"{prefix}{item.target.id}.", seen | {class_name})

    walk(f"{stub_class_prefix(trigger_id)}Api", "", frozenset())
    return frozenset(methods)

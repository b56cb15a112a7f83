"""The tenant's "build" of a draft: Python must compile it and its dependencies must be importable.

A real tenant packages node modules here; for the python3 runtime a build is a compile check (the
same check the studio's deploy does, services/actions.check_compiles) plus a lookup of each
dependency in the sandbox's interpreter, which is the only one the action will ever run in.
"""

from __future__ import annotations

import importlib.util
from typing import Any

DOCS_URL = "https://docs.python.org/3/reference/lexical_analysis.html"


def build_errors(name: str, code: str, dependencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    try:
        compile(code, f"<action:{name}>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        errors.append({"id": "syntax_error", "msg": f"{name} does not compile: {exc.msg}{where}",
                       "url": DOCS_URL})
    except ValueError as exc:  # e.g. NUL bytes in the source
        errors.append({"id": "syntax_error", "msg": f"{name} does not compile: {exc}", "url": DOCS_URL})
    for dep in dependencies:
        module = dep["name"].replace("-", "_").lower()
        try:
            found = module.isidentifier() and importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            errors.append({"id": "dependency_unresolvable",
                           "msg": f"dependency {dep['name']}=={dep['version']} is not installed "
                                  "in this tenant's runtime", "url": ""})
    return errors

"""Diagnostics while typing: syntax errors, undefined names, and Action-specific mistakes.

Plain function, plain data: `diagnose(source, trigger_id, secret_names)` → sorted Diagnostics.
Undefined names come from pyflakes (a well-kept checker; jedi has none). The Action checks use
the trigger's stub (what its api really offers) so they can never disagree with completions.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterable

from pyflakes import checker as flakes
from pyflakes import messages as flake_messages

from actions_studio.analysis.api_surface import api_methods, handler_names
from actions_studio.analysis.model import Diagnostic
from actions_studio.analysis.positions import line_byte_column_to_column

# Claims a custom-claim call must not set (Auth0 ignores or rejects them).
RESERVED_CLAIMS = frozenset(
    {"sub", "iss", "aud", "exp", "iat", "nbf", "jti", "azp", "scope", "nonce", "auth_time", "amr", "acr", "at_hash", "c_hash", "sid"}
)
_NAMESPACED = re.compile(r"^https?://")
_CLAIM_METHODS = {"access_token.set_custom_claim", "id_token.set_custom_claim"}
# pyflakes reports worth a squiggle while typing (not style nits like unused imports)
_FLAKES_ERRORS = (flake_messages.UndefinedName, flake_messages.UndefinedLocal)


def diagnose(source: str, trigger_id: str | None, secret_names: Iterable[str] | None = None) -> list[Diagnostic]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [_syntax_diagnostic(source, exc)]
    found = list(_undefined_names(tree))
    if trigger_id:
        found += _handler_problems(tree, trigger_id)
        found += _api_problems(tree, trigger_id)
        if secret_names is not None:
            found += _secret_problems(tree, set(secret_names))
    return sorted((_to_code_points(source, d) for d in found), key=lambda d: (d.line, d.column, d.message))


def _to_code_points(source: str, found: Diagnostic) -> Diagnostic:
    """ast and pyflakes count columns in UTF-8 bytes; Diagnostic promises code points."""
    lines = source.split("\n")

    def column(line: int, byte_column: int) -> int:
        return line_byte_column_to_column(lines[line - 1], byte_column) if 0 < line <= len(lines) else byte_column

    return Diagnostic(found.line, column(found.line, found.column), found.end_line,
                      column(found.end_line, found.end_column), found.severity, found.message, found.source)


def _syntax_diagnostic(source: str, exc: SyntaxError) -> Diagnostic:
    line = exc.lineno or 1
    column = max(0, (exc.offset or 1) - 1)
    lines = source.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    column = min(column, len(text))
    end = max(column + 1, min(len(text), (exc.end_offset or 0) - 1)) if exc.end_lineno == line else column + 1
    return Diagnostic(line, column, line, end, "error", f"SyntaxError: {exc.msg}", "syntax")


def _undefined_names(tree: ast.Module) -> Iterable[Diagnostic]:
    for message in flakes.Checker(tree).messages:
        if isinstance(message, _FLAKES_ERRORS):
            name = message.message_args[0]
            column = message.col
            yield Diagnostic(message.lineno, column, message.lineno, column + len(name), "error",
                             message.message % message.message_args, "names")


def _handler_problems(tree: ast.Module, trigger_id: str) -> list[Diagnostic]:
    expected = handler_names(trigger_id)
    defined = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if any(d.name == expected[0] for d in defined):
        return []
    for func in defined:
        if difflib.get_close_matches(func.name, expected, n=1, cutoff=0.75):
            return [Diagnostic(func.lineno, func.col_offset, func.lineno, func.col_offset + len("def ") + len(func.name),
                               "warning", f"{func.name} looks like a misspelling of {expected[0]}: the {trigger_id} "
                               f"trigger calls {expected[0]}(event, api)", "actions")]
    return [Diagnostic(1, 0, 1, 0, "warning",
                       f"no {expected[0]}(event, api) handler: the {trigger_id} trigger will not run this action",
                       "actions")]


def _dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _api_param_names(tree: ast.Module, trigger_id: str) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in handler_names(trigger_id):
            if len(node.args.args) >= 2:
                names.add(node.args.args[1].arg)
    return names or {"api"}


def _api_problems(tree: ast.Module, trigger_id: str) -> list[Diagnostic]:
    methods = api_methods(trigger_id)
    api_names = _api_param_names(tree, trigger_id)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        chain = _dotted(node.func)
        if not chain or chain[0] not in api_names or len(chain) < 2:
            continue
        method = ".".join(chain[1:])
        end = node.func.end_col_offset or node.col_offset
        if method not in methods:
            close = difflib.get_close_matches(method, sorted(methods), n=1)
            hint = f"; did you mean api.{close[0]}?" if close else ""
            found.append(Diagnostic(node.lineno, node.col_offset, node.lineno, end, "warning",
                                    f"the {trigger_id} trigger has no api.{method}{hint}", "actions"))
        elif method in _CLAIM_METHODS and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            claim = node.args[0].value
            arg = node.args[0]
            if claim in RESERVED_CLAIMS:
                found.append(Diagnostic(arg.lineno, arg.col_offset, arg.lineno, arg.end_col_offset or arg.col_offset,
                                        "warning", f"'{claim}' is a reserved claim and cannot be set", "actions"))
            elif not _NAMESPACED.match(claim):
                found.append(Diagnostic(arg.lineno, arg.col_offset, arg.lineno, arg.end_col_offset or arg.col_offset,
                                        "warning", f"claim '{claim}' is not namespaced: use a URL such as "
                                        f"'https://example.com/{claim}' or some tokens drop it", "actions"))
    return found


def _secret_problems(tree: ast.Module, defined: set[str]) -> list[Diagnostic]:
    found = []
    for node in ast.walk(tree):
        name_node = None
        if isinstance(node, ast.Subscript) and _dotted(node.value) and _dotted(node.value)[-1] == "secrets":
            name_node = node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and _dotted(node.func.value) and _dotted(node.func.value)[-1] == "secrets" and node.args:
            name_node = node.args[0]
        if isinstance(name_node, ast.Constant) and isinstance(name_node.value, str) and name_node.value not in defined:
            found.append(Diagnostic(name_node.lineno, name_node.col_offset, name_node.lineno,
                                    name_node.end_col_offset or name_node.col_offset, "warning",
                                    f"secret '{name_node.value}' is not defined for this action", "actions"))
    return found

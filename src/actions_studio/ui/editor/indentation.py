"""Where Enter puts the caret: the editor's indentation rules, as a Qt-free function.

Python IDEs agree on these: keep the line's indent, one level more after a block opener (`:`) or
inside an unclosed bracket (hanging indent), one level less after a statement that ends a block
(return, pass, raise, break, continue).
"""

from __future__ import annotations

import re

INDENT = 4
DEDENT_AFTER = frozenset({"return", "pass", "raise", "break", "continue"})
# string literals, so brackets inside them are not counted
_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""")


def open_brackets(code: str) -> int:
    """How many ( [ { the code leaves open (never negative)."""
    depth = 0
    for char in _STRING.sub("", code):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
    return depth


def indent_after_enter(head: str, code: str, indent: int, unit: int = INDENT) -> int:
    """Indentation (in columns) of the line that Enter opens.

    `head` is the line up to the caret, `code` the same without its comment, `indent` the
    indentation of that line.
    """
    if not head.strip():
        return min(indent, len(head.expandtabs(unit)))  # a blank line keeps what is typed
    code = code.rstrip()
    if not code.strip():
        return indent  # a comment line
    if code.endswith(":") or open_brackets(code):
        return indent + unit
    if code.split(None, 1)[0] in DEDENT_AFTER:
        return max(0, indent - unit)
    return indent

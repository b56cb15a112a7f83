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


# JavaScript: Auth0's templates and Node's style guides indent by two; blocks are braces, so only
# unclosed brackets (and an arrow with its body on the next line) open a level.
JS_INDENT = 2
_JS_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`""")


def js_open_brackets(code: str) -> int:
    """How many ( [ { a line of JavaScript leaves open (never negative)."""
    return open_brackets(_JS_STRING.sub("", code))


def js_indent_after_enter(head: str, code: str, indent: int, unit: int = JS_INDENT) -> int:
    """indent_after_enter for JavaScript (same arguments; `code` is `head` without its comment)."""
    if not head.strip():
        return min(indent, len(head.expandtabs(unit)))
    code = code.rstrip()
    if not code.strip():
        return indent
    if js_open_brackets(code) or code.endswith("=>"):
        return indent + unit
    return indent


def closing_indent(line_text: str, indent: int, opener_indent: int | None) -> int | None:
    """A `}`, `)` or `]` typed as the first character of a line goes back to its opener's line's
    indentation; None leaves the line as it is."""
    if opener_indent is None or line_text.strip() not in ("}", ")", "]"):
        return None
    return opener_indent if opener_indent != indent else None

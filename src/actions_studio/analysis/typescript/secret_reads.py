"""A JavaScript action's reads of secrets it does not define: the warning the Python editor gives
(analysis/diagnostics.py, `secret 'X' is not defined for this action`), for node22 actions.

The trigger's declarations type `event.secrets` as a string map, so TypeScript accepts any name;
the action's own list of secret names is what says which exist. Read here from the text, not
TypeScript's tree (that needs a Node round trip, and this runs with every diagnostics answer):
``event.secrets.NAME``, ``secrets["NAME"]`` and ``const { NAME, OTHER: alias } = event.secrets``.
A name computed at run time is not judged. Comments and string contents are blanked first, so a
read mentioned in a comment or a string is not one.

Cost, on the service's thread once per typing pause: nothing for code that never says `secrets`;
~12 ms for a 3,000-line action that does (one tokenizing pass; the first version's regex scans
of the whole file took 70 ms).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from actions_studio.analysis.model import Diagnostic

# One pass over comments and strings, in order: `"http://x"` holds no comment, `// "x"` no string.
_TOKEN = re.compile(r"(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<string>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
                    r"|`(?:[^`\\]|\\.)*`)", re.DOTALL)
# Each matched at a `secrets` of the code (found with str.find: the whole file is never scanned by
# these, which keeps a 3,000-line action's check to a few milliseconds per typing pause).
_DOTTED = re.compile(r"secrets\s*\??\.\s*([A-Za-z_$][\w$]*)")
_INDEXED = re.compile(r"secrets\s*(?:\?\.)?\[\s*([\"'])([^\"'\\\n]*)\1\s*\]")
# `{ A, B: alias } = event.` just before a `secrets`
_DESTRUCTURED = re.compile(r"\{([^{}]*)\}\s*=\s*(?:[A-Za-z_$][\w$]*\s*\??\.\s*)*")
_PROPERTY = re.compile(r"([A-Za-z_$][\w$]*)\s*(?::[^,]*)?(?:,|$)")
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _masks(source: str) -> tuple[str, str]:
    """(the source without comments, the source without comments and strings): blanked to
    spaces, newlines kept, so offsets and lines stay put."""
    no_comments: list[str] = []
    code: list[str] = []
    last = 0
    for match in _TOKEN.finditer(source):
        start, end = match.span()
        no_comments.append(source[last:start])
        code.append(source[last:start])
        text = match.group(0)
        blank = re.sub(r"[^\n]", " ", text) if "\n" in text else " " * len(text)
        no_comments.append(blank if match.lastgroup == "comment" else text)
        code.append(blank)
        last = end
    no_comments.append(source[last:])
    code.append(source[last:])
    return "".join(no_comments), "".join(code)


def secret_problems(source: str, defined: Iterable[str]) -> list[Diagnostic]:
    if "secrets" not in source:
        return []
    names = set(defined)
    no_comments, code = _masks(source)
    found: list[tuple[int, str]] = []
    at = code.find("secrets")
    while at != -1:
        if at == 0 or code[at - 1] not in _IDENTIFIER_CHARS:
            dotted = _DOTTED.match(code, at)
            indexed = _INDEXED.match(no_comments, at)
            if dotted:
                found.append((dotted.start(1), dotted.group(1)))
            elif indexed:
                found.append((indexed.start(2), indexed.group(2)))
            else:
                brace = code.rfind("{", 0, at)
                pattern = _DESTRUCTURED.fullmatch(code, brace, at) if brace != -1 else None
                if pattern:
                    inner = pattern.start(1)
                    for prop in _PROPERTY.finditer(pattern.group(1)):
                        found.append((inner + prop.start(1), prop.group(1)))
        at = code.find("secrets", at + 1)
    problems = []
    unknown = [(index, name) for index, name in sorted(set(found)) if name not in names]
    line_starts = [0, *(m.end() for m in re.finditer("\n", source))] if unknown else []
    for index, name in unknown:
        line = bisect.bisect_right(line_starts, index)
        column = index - line_starts[line - 1]
        problems.append(Diagnostic(line, column, line, column + len(name), "warning",
                                   f"secret '{name}' is not defined for this action", "actions"))
    return problems

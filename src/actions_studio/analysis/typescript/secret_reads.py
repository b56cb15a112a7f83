"""A JavaScript action's reads of secrets it does not define: the warning the Python editor gives
(analysis/diagnostics.py, `secret 'X' is not defined for this action`), for node22 actions.

The trigger's declarations type `event.secrets` as a string map, so TypeScript accepts any name;
the action's own list of secret names is what says which exist. Read here from the text, not
TypeScript's tree (that needs a Node round trip, and this runs with every diagnostics answer):
``event.secrets.NAME``, ``secrets["NAME"]`` and ``const { NAME, OTHER: alias } = event.secrets``.
A name computed at run time is not judged. Comments and string contents are blanked first, so a
read mentioned in a comment or a string is not one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from actions_studio.analysis.model import Diagnostic

# One pass over comments and strings, in order: `"http://x"` holds no comment, `// "x"` no string.
_TOKEN = re.compile(r"(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<string>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
                    r"|`(?:[^`\\]|\\.)*`)", re.DOTALL)
_DOTTED = re.compile(r"\bsecrets\s*\??\.\s*([A-Za-z_$][\w$]*)")
_INDEXED = re.compile(r"\bsecrets\s*(?:\?\.)?\[\s*([\"'])([^\"'\\\n]*)\1\s*\]")
_DESTRUCTURED = re.compile(r"\{([^{}]*)\}\s*=\s*(?:[A-Za-z_$][\w$]*\s*\.\s*)*secrets\b")
_PROPERTY = re.compile(r"([A-Za-z_$][\w$]*)\s*(?::[^,]*)?(?:,|$)")


def _spaces(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)  # newlines kept: offsets and lines stay put


def secret_problems(source: str, defined: Iterable[str]) -> list[Diagnostic]:
    names = set(defined)
    no_comments = _TOKEN.sub(lambda m: _spaces(m.group(0)) if m.group("comment") else m.group(0), source)
    code = _TOKEN.sub(lambda m: _spaces(m.group(0)), source)  # neither comment nor string
    found: list[tuple[int, str]] = []
    for match in _DOTTED.finditer(code):
        found.append((match.start(1), match.group(1)))
    for match in _INDEXED.finditer(no_comments):
        if code.startswith("secrets", match.start()):  # the `secrets` itself is code
            found.append((match.start(2), match.group(2)))
    for match in _DESTRUCTURED.finditer(code):
        inner_start = match.start(1)
        for prop in _PROPERTY.finditer(match.group(1)):
            found.append((inner_start + prop.start(1), prop.group(1)))
    problems = []
    for index, name in sorted(set(found)):
        if name in names:
            continue
        line = source.count("\n", 0, index) + 1
        column = index - (source.rfind("\n", 0, index) + 1)
        problems.append(Diagnostic(line, column, line, column + len(name), "warning",
                                   f"secret '{name}' is not defined for this action", "actions"))
    return problems

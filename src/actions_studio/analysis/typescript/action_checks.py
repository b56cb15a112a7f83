"""The Python editor's action warnings (analysis/diagnostics.py) for node22 actions, which
TypeScript's checking cannot give:

- a secret read that the action does not define (`secret 'X' is not defined for this action`):
  the trigger's declarations type `event.secrets` as a string map, so TypeScript accepts any
  name; the action's own list of secret names says which exist. Reads: ``event.secrets.NAME``,
  ``secrets["NAME"]`` and ``const { NAME, OTHER: alias } = event.secrets``;
- a custom claim set under a reserved name or without a URL namespace
  (``api.idToken.setCustomClaim("roles", …)``): legal JavaScript Auth0 drops.

Read from the text, not TypeScript's tree (that needs a Node round trip, and this runs with
every diagnostics answer). A name computed at run time (a variable, a template literal) is not
judged. Comments and string contents are blanked first, so what a comment or a string mentions
is not code.

Cost, on the service's thread once per typing pause: nothing for code that never says `secrets`
or `setCustomClaim`; ~12 ms for a 3,000-line action that does (one tokenizing pass; the first
version's regex scans of the whole file took 70 ms).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from actions_studio.analysis.diagnostics import RESERVED_CLAIMS
from actions_studio.analysis.model import Diagnostic
from actions_studio.analysis.positions import editor_line_starts, position_of_index

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
    unknown = [(index, name) for index, name in sorted(set(found)) if name not in names]
    return [_at(source, index, len(name), f"secret '{name}' is not defined for this action")
            for index, name in unknown]


_CLAIM_CALL = re.compile(r"setCustomClaim\s*\(\s*([\"'])([^\"'\\\n]*)\1\s*[,)]")
_NAMESPACED = re.compile(r"^https?://")


def claim_problems(source: str) -> list[Diagnostic]:
    """Literal claim names that are reserved or not namespaced (the span is the string)."""
    if "setCustomClaim" not in source:
        return []
    no_comments, code = _masks(source)
    problems = []
    at = code.find("setCustomClaim")
    while at != -1:
        call = _CLAIM_CALL.match(no_comments, at)
        if call and (at == 0 or code[at - 1] not in _IDENTIFIER_CHARS):
            claim, start = call.group(2), call.start(1)
            if claim in RESERVED_CLAIMS:
                problems.append(_at(source, start, len(claim) + 2, f"'{claim}' is a reserved claim and cannot be set"))
            elif not _NAMESPACED.match(claim):
                problems.append(_at(source, start, len(claim) + 2,
                                    f"claim '{claim}' is not namespaced: use a URL such as "
                                    f"'https://example.com/{claim}' or some tokens drop it"))
        at = code.find("setCustomClaim", at + 1)
    return problems


def _at(source: str, index: int, length: int, message: str) -> Diagnostic:
    # The editor's lines (a lone \r ends one too): the span is a name or a string on one line.
    at = position_of_index(source, editor_line_starts(source), index)
    return Diagnostic(at.line, at.column, at.line, at.column + length, "warning", message, "actions")

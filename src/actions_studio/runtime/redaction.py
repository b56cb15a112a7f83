"""The one redaction rule: where a secret value is shown or stored, its name is shown instead.

Applied by the runtime to logs, error messages, tracebacks and warnings, and by the services to
the whole result they store (calls and outcome too: an action may put a secret into a claim). It
rewrites string *values* only: the keys of a JSON object are field names and are never touched
(a one-character secret "s" must not turn ``{"status": …}`` into garbage).

The rule, by the length of the value:
- 4 characters or more: every occurrence, also inside a longer word;
- 1 to 3 characters: only where it stands alone — not glued to a letter, digit or underscore on
  either side (``print("pin", pin)`` with pin "42" is redacted; "1420" and "status" are left as
  they are). Replacing every "s" or "42" would shred the logs; leaving a short secret printed on
  its own in plain sight would leak it. A short value is a weak secret either way.
- empty: nothing.

Redacting twice is the same as once: an existing ``[redacted secret NAME]`` is never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MIN_SUBSTRING_CHARS = 4
_MARKER = r"\[redacted secret [^\]\n]*\]"


def marker(name: str) -> str:
    return f"[redacted secret {name}]"


def merge_secrets(actions: Iterable[tuple[str, Mapping[str, str]]]) -> dict[str, str]:
    """Every secret of a flow's ``(action name, secrets)``, to redact with (a leak between actions
    is hidden too); a name two actions use for different values is told apart as ``ACTION.NAME``."""
    secrets: dict[str, str] = {}
    for action, values in actions:
        for name, value in values.items():
            secrets[f"{action}.{name}" if name in secrets and secrets[name] != value else name] = value
    return secrets


class Redactor:
    """The rule for one set of ``{name: value}`` secrets, compiled once."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        self._names: dict[str, str] = {}
        for name, value in sorted(secrets.items(), key=lambda kv: -len(kv[1])):
            if value:
                self._names.setdefault(value, name)
        self._pattern = None
        if self._names:
            # Longest first, so a secret containing another is replaced whole; existing markers
            # first of all, so they are matched (and kept) before any secret inside them.
            alternatives = [_MARKER] + [
                re.escape(v) if len(v) >= MIN_SUBSTRING_CHARS else rf"(?<!\w){re.escape(v)}(?!\w)"
                for v in self._names
            ]
            self._pattern = re.compile("|".join(alternatives))

    def __bool__(self) -> bool:
        return self._pattern is not None

    def _replace(self, match: re.Match[str]) -> str:
        found = match.group(0)
        name = self._names.get(found)
        return found if name is None else marker(name)

    def text(self, text: str) -> str:
        if self._pattern is None or not text or not any(v in text for v in self._names):
            return text
        return self._pattern.sub(self._replace, text)

    def json(self, value: Any) -> Any:
        """A copy of JSON data with every string value redacted; object keys are kept as they are."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v) for v in value]
        return value


NO_SECRETS = Redactor({})

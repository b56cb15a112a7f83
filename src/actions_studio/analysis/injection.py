"""Give jedi the trigger's types on a plain `def on_execute_post_login(event, api):`.

An unannotated handler leaves jedi nothing to infer from (PITFALLS.md). Rather than make users
annotate, the analysis layer annotates a private copy of the source for jedi only:

- an import of the trigger's stub module is appended after the last line (jedi resolves module
  names lazily, so annotations may name it; appending keeps every user line and column true);
- each handler signature with bare `event`/`api` parameters gets the stub classes as annotations
  (columns after the insertion shift on that line only).

`InjectedSource.to_jedi(line, column)` maps a user position into the copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STUB_PACKAGE = "actions_types"
_ALIAS = "__actions_types__"

# `def on_execute_post_login(event, api):` with any spacing, optionally async, bare params only.
_HANDLER = re.compile(
    r"^(?P<head>\s*(?:async\s+)?def\s+(?P<name>on_(?:execute|continue)_\w+)\s*\(\s*)"
    r"(?P<event>[A-Za-z_]\w*)(?P<sep>\s*,\s*)(?P<api>[A-Za-z_]\w*)\s*\)"
)


def stub_module(trigger_id: str) -> str:
    return f"{STUB_PACKAGE}.{trigger_id.replace('-', '_')}"


def stub_class_prefix(trigger_id: str) -> str:
    return "".join(part.capitalize() for part in trigger_id.split("-"))


@dataclass(frozen=True)
class InjectedSource:
    text: str
    # (line, column, inserted length) of every insertion, in order along each line
    _shifts: tuple[tuple[int, int, int], ...] = field(default=())

    def to_jedi(self, line: int, column: int) -> tuple[int, int]:
        shifted = column
        for at_line, at_column, length in self._shifts:
            if at_line == line and column >= at_column:
                shifted += length
        return line, shifted


def inject_trigger_types(source: str, trigger_id: str | None) -> InjectedSource:
    if not trigger_id:
        return InjectedSource(source)
    prefix = stub_class_prefix(trigger_id)
    lines = source.split("\n")
    shifts: list[tuple[int, int, int]] = []
    for index, text in enumerate(lines):
        match = _HANDLER.match(text)
        if not match:
            continue
        event_end = match.end("event")
        api_end = match.end("api")
        event_note = f": {_ALIAS}.{prefix}Event"
        api_note = f": {_ALIAS}.{prefix}Api"
        lines[index] = text[:event_end] + event_note + text[event_end:api_end] + api_note + text[api_end:]
        shifts.append((index + 1, event_end, len(event_note)))
        # the api insertion point is measured in the original line; to_jedi adds both shifts
        shifts.append((index + 1, api_end, len(api_note)))
    lines.append(f"import {stub_module(trigger_id)} as {_ALIAS}")
    return InjectedSource("\n".join(lines), tuple(shifts))

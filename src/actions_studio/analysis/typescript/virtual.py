"""Give the TypeScript language service the trigger's types on a plain, unannotated handler.

``exports.onExecutePostLogin = async (event, api) => {`` leaves TypeScript nothing to type
``event`` and ``api`` with. Rather than make users annotate, the service sees a private copy of
the source (the *virtual* source) where each handler definition carries Auth0's JSDoc type
annotation, inserted at the start of its line, and the user's text is never touched::

    /** @type {import("actions-types/post-login").OnExecutePostLogin} */ exports.onExecutePostLogin = …

The forms of Auth0's programming model are recognised: ``exports.NAME =`` and
``module.exports.NAME =``, ``module.exports = {…}`` (typed as the trigger's handlers object),
``function NAME(`` and ``const NAME =`` for a handler name. An insertion only shifts columns on its
own line, after it; `VirtualSource` maps positions both ways (code-point columns, 0-based, like
the editor's), and a position inside inserted text has no user position. The annotation wins over
a JSDoc ``@param`` the user wrote (Auth0's own template names ``{Event}`` and ``{PostLoginAPI}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions_studio.triggers.javascript import javascript_view
from actions_studio.triggers.ts_stubs import PACKAGE, handler_type, handlers_interface
from actions_studio.triggers import get_trigger

_EXPORT = re.compile(r"^\s*(?:module\.)?exports\.(?P<name>[A-Za-z_$][\w$]*)\s*=(?!=)")
_MODULE_EXPORTS = re.compile(r"^\s*module\.exports\s*=(?!=)")
_FUNCTION = re.compile(r"^\s*(?:export\s+)?(?:async\s+)?function\s*\*?\s*(?P<name>[A-Za-z_$][\w$]*)\s*\(")
_VARIABLE = re.compile(r"^\s*(?:const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)\s*=(?!=)")


@dataclass(frozen=True, slots=True)
class Insertion:
    line: int  # 1-based
    column: int  # code points, in the user's line
    text: str


@dataclass(frozen=True)
class VirtualSource:
    text: str
    insertions: tuple[Insertion, ...] = ()

    def to_virtual(self, line: int, column: int) -> int:
        """The virtual column of a user position (lines are the same in both)."""
        shifted = column
        for insertion in self.insertions:
            if insertion.line == line and column >= insertion.column:
                shifted += len(insertion.text)
        return shifted

    def to_user(self, line: int, column: int) -> int | None:
        """The user column of a virtual position; None inside inserted text."""
        shift = 0
        for insertion in self.insertions:
            if insertion.line != line:
                continue
            start = insertion.column + shift
            if column < start:
                break
            if column < start + len(insertion.text):
                return None
            shift += len(insertion.text)
        return column - shift


def annotation(trigger_id: str, type_name: str) -> str:
    return f'/** @type {{import("{PACKAGE}/{trigger_id}").{type_name}}} */ '


def inject_trigger_types(source: str, trigger_id: str | None) -> VirtualSource:
    """The virtual source of ``source`` for ``trigger_id`` (None: no injection)."""
    if not trigger_id:
        return VirtualSource(source)
    view = javascript_view(trigger_id)
    handlers = set(view.handler_names())
    module_type = handlers_interface(get_trigger(trigger_id))
    lines = source.split("\n")
    insertions: list[Insertion] = []
    for index, text in enumerate(lines):
        type_name = None
        if match := _EXPORT.match(text) or _FUNCTION.match(text) or _VARIABLE.match(text):
            if match["name"] in handlers:
                type_name = handler_type(match["name"])
        elif _MODULE_EXPORTS.match(text):
            type_name = module_type
        if type_name is None:
            continue
        column = len(text) - len(text.lstrip())
        note = annotation(trigger_id, type_name)
        lines[index] = text[:column] + note + text[column:]
        insertions.append(Insertion(index + 1, column, note))
    return VirtualSource("\n".join(lines), tuple(insertions))

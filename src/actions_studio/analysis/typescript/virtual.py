"""Give the TypeScript language service the trigger's types on a plain, unannotated handler.

``exports.onExecutePostLogin = async (event, api) => {`` leaves TypeScript nothing to type
``event`` and ``api`` with. Rather than make users annotate, the service sees a private copy of
the source (the *virtual* source) where each handler definition carries Auth0's JSDoc type
annotation, inserted at the start of its line, and the user's text is never touched::

    /** @type {import("actions-types/post-login").OnExecutePostLogin} */ exports.onExecutePostLogin = …

The forms of Auth0's programming model are recognised: ``exports.NAME =`` and
``module.exports.NAME =``, ``module.exports = {…}`` (typed as the trigger's handlers object),
``function NAME(`` and ``const NAME =`` for a handler name, at the start of any of JavaScript's
lines (after ``\n``, ``\r`` or U+2028 alike: locations.py). An insertion only shifts the text
after it; `VirtualSource` maps string indices both ways, and an index inside inserted text has no
user index. The annotation wins over a JSDoc ``@param`` the user wrote (Auth0's own template
names ``{Event}`` and ``{PostLoginAPI}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from actions_studio.analysis.typescript.locations import line_starts, only_lf
from actions_studio.triggers.javascript import javascript_view
from actions_studio.triggers.ts_stubs import PACKAGE, handler_type, handlers_interface
from actions_studio.triggers import get_trigger

# A handler's definition starts one of JavaScript's lines; it is found in the whole text at once,
# each line break a candidate (a regex per line cost ~3 ms on a 3,000-line action; one anchored
# by a lookbehind, tried at every character, more; one led by the literal \n, which the regex
# engine finds at C speed, ~1 ms). Blanks stay within the line.
_BLANK = r"[^\S\r\n\u2028\u2029]"
_HANDLER = (
    rf"(?P<indent>{_BLANK}*)(?:"
    rf"(?:module\.)?exports\.(?P<export>[A-Za-z_$][\w$]*){_BLANK}*=(?!=)"
    rf"|(?:export{_BLANK}+)?(?:async{_BLANK}+)?function{_BLANK}*\*?{_BLANK}*(?P<function>[A-Za-z_$][\w$]*){_BLANK}*\("
    rf"|(?:const|let|var){_BLANK}+(?P<variable>[A-Za-z_$][\w$]*){_BLANK}*=(?!=)"
    rf"|(?P<module>module\.exports{_BLANK}*=(?!=)))"
)
_FIRST_LINE_HANDLER = re.compile(_HANDLER)
_LATER_LINE_HANDLER = re.compile("[\r\n\u2028\u2029]" + _HANDLER)
_LATER_LF_LINE_HANDLER = re.compile("\n" + _HANDLER)

@dataclass(frozen=True, slots=True)
class Insertion:
    index: int  # where in the user's source (a string index) the text goes
    text: str


@dataclass(frozen=True)
class VirtualSource:
    text: str
    insertions: tuple[Insertion, ...] = ()  # in source order

    @cached_property
    def line_starts(self) -> tuple[int, ...]:
        """TypeScript's line starts of the virtual text (what tsserver's locations count)."""
        return line_starts(self.text)

    def to_virtual(self, index: int) -> int:
        """The virtual index of a user index (text inserted at it comes before it)."""
        return index + sum(len(insertion.text) for insertion in self.insertions if index >= insertion.index)

    def to_user(self, index: int) -> int | None:
        """The user index of a virtual index; None inside inserted text."""
        shift = 0
        for insertion in self.insertions:
            start = insertion.index + shift
            if index < start:
                break
            if index < start + len(insertion.text):
                return None
            shift += len(insertion.text)
        return index - shift


def annotation(trigger_id: str, type_name: str) -> str:
    return f'/** @type {{import("{PACKAGE}/{trigger_id}").{type_name}}} */ '


def inject_trigger_types(source: str, trigger_id: str | None) -> VirtualSource:
    """The virtual source of ``source`` for ``trigger_id`` (None: no injection)."""
    if not trigger_id:
        return VirtualSource(source)
    view = javascript_view(trigger_id)
    handlers = set(view.handler_names())
    module_type = handlers_interface(get_trigger(trigger_id))
    insertions: list[Insertion] = []
    first = _FIRST_LINE_HANDLER.match(source)
    later = _LATER_LF_LINE_HANDLER if only_lf(source) else _LATER_LINE_HANDLER
    for match in ([first] if first else []) + list(later.finditer(source)):
        name = match["export"] or match["function"] or match["variable"]
        if name is not None:
            type_name = handler_type(name) if name in handlers else None
        else:
            type_name = module_type
        if type_name is None:
            continue
        note = annotation(trigger_id, type_name)
        line_start = match.start("indent")
        if line_start > 0 and source[line_start - 1] in "\u2028\u2029":
            # TypeScript attaches a JSDoc comment only after \n or \r (scanner.ts,
            # iterateCommentRanges: U+2028 and U+2029 do not start collecting): the inserted
            # \n is a line of the virtual text alone, and positions map through indices.
            note = "\n" + note
        insertions.append(Insertion(match.end("indent"), note))
    pieces, last = [], 0
    for insertion in insertions:
        pieces += [source[last:insertion.index], insertion.text]
        last = insertion.index
    pieces.append(source[last:])
    return VirtualSource("".join(pieces), tuple(insertions))

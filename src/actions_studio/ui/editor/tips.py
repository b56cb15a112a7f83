"""Text of call tips and hover cards, built from the analysis layer's plain answers.

Pure functions (no Qt): a tip is its text plus the code-point range the view draws in accent
colour (the current parameter of a call).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from actions_studio.analysis.model import Diagnostic, HoverDoc, SignatureHelp

WIDTH = 80
MAX_DOC_LINES = 10
_LITERAL = re.compile(r"``([^`]+)``")
# a sentence (or ;-clause) ends at . or ; before a space, but not inside "e.g." or "i.e."
_SENTENCE_END = re.compile(r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.;])\s+")


@dataclass(frozen=True, slots=True)
class Tip:
    text: str
    highlight: tuple[int, int] | None = None


def plain(doc: str) -> str:
    """A stub docstring as a reader sees it: ``name`` literals without their backquotes."""
    return _LITERAL.sub(r"\1", doc)


def reflow(doc: str, width: int = WIDTH, max_lines: int = MAX_DOC_LINES) -> list[str]:
    """Paragraphs re-wrapped to `width`, blank lines between them, cut (with …) at `max_lines`."""
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", plain(doc).strip()):
        if lines:
            lines.append("")
        lines.extend(textwrap.wrap(" ".join(paragraph.split()), width) or [""])
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip() + " …"
    return lines


def parameter_doc(doc: str, parameter: str) -> str | None:
    """What the docstring says about `parameter`: its Args/:param: entry, else its first sentence."""
    for pattern in (rf"^\s*:param\s+(?:\w+\s+)?{re.escape(parameter)}:\s*(.+)$",
                    rf"^\s*{re.escape(parameter)}\s*(?:\([^)]*\))?\s*:\s*(.+)$"):
        match = re.search(pattern, doc, re.MULTILINE)
        if match:
            return match.group(1).strip()
    literal = f"``{parameter}``"
    for sentence in _SENTENCE_END.split(" ".join(doc.split())):
        if literal in sentence:
            return plain(sentence).rstrip(";")
    return None


def _without_sentence(doc: str, shown: str) -> str:
    """`doc` without the sentence `shown` (keeping the paragraph breaks of the rest)."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", doc.strip()):
        flat = " ".join(paragraph.split())
        if shown in flat:
            flat = flat.replace(shown, "", 1).strip()
            if flat.endswith(";"):  # the shown sentence was the end of a "…; …." pair
                flat = flat[:-1] + "."
        if flat:
            paragraphs.append(flat)
    return "\n\n".join(paragraphs)


def parameter_name(parameter: str) -> str:
    """`key: str = 'x'` → `key`; `*args` → `args`."""
    return re.split(r"[:=]", parameter, maxsplit=1)[0].strip().lstrip("*")


def signature_tip(help: SignatureHelp) -> Tip:
    """`name(a, b)` with the current parameter highlighted, that parameter's doc, then the doc."""
    head = f"{help.name}("
    highlight = None
    for index, parameter in enumerate(help.params):
        if index:
            head += ", "
        if index == help.index:
            highlight = (len(head), len(head) + len(parameter))
        head += parameter
    head += ")"
    lines = [head]
    body_doc = plain(help.doc)
    if help.index is not None and 0 <= help.index < len(help.params):
        name = parameter_name(help.params[help.index])
        about = parameter_doc(help.doc, name)
        if about:
            lines.extend(textwrap.wrap(about if about.startswith(name) else f"{name}: {about}", WIDTH))
            if about.endswith("."):  # a whole sentence, said just above: not twice
                body_doc = _without_sentence(body_doc, about)
    body = reflow(body_doc)
    if body and body != [""]:
        lines.append("")
        lines.extend(body)
    return Tip("\n".join(lines), highlight)


def hover_tip(doc: HoverDoc | None, problems: Sequence[Diagnostic] = ()) -> Tip | None:
    """Problems under the mouse first (their text is what the squiggle means), then the doc."""
    lines = [f"{d.severity}: {d.message}" for d in problems]
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, WIDTH) or [line])
    if doc is not None:
        if wrapped:
            wrapped.append("")
        wrapped.append(doc.title)
        body = reflow(doc.doc)
        if body and body != [""]:
            wrapped.append("")
            wrapped.extend(body)
    if not wrapped:
        return None
    return Tip("\n".join(wrapped), (0, len(doc.title)) if doc is not None and not problems else None)

"""The one adapter around jedi: plain inputs in, the project's frozen dataclasses out.

Not thread-safe, like jedi itself: `AnalysisWorker` (worker.py) owns the only instance and calls it
from one thread. Every jedi call is guarded; a jedi failure on half-typed code means "no answer",
never an exception in the editor.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import jedi

from actions_studio.analysis.injection import inject_trigger_types
from actions_studio.analysis.model import Completion, HoverDoc, SignatureHelp
from actions_studio.resources import stubs_dir

log = logging.getLogger(__name__)

WARM_UP_SOURCE = "import os\nos.path.\n"


class JediEngine:
    def __init__(self, extra_paths: Sequence[Path] = ()) -> None:
        self._stubs = stubs_dir()
        self.set_extra_paths(extra_paths)

    def set_extra_paths(self, extra_paths: Sequence[Path]) -> None:
        """Paths jedi searches besides the stubs (an action's installed dependencies)."""
        paths = [str(self._stubs), *(str(p) for p in extra_paths)]
        if paths == getattr(self, "_paths", None):
            return  # unchanged: keep the project and what jedi cached for it
        self._paths = paths
        self._project = jedi.Project(path=self._stubs, added_sys_path=paths)

    def warm_up(self) -> None:
        # The first completion in a process costs ~1.5 s (builtins, typeshed): pay it off-screen.
        self.complete(WARM_UP_SOURCE, 2, 8, None)
        self.complete("def on_execute_post_login(event, api):\n    event.\n", 2, 10, "post-login")

    def _script(self, source: str, line: int, column: int, trigger_id: str | None):
        injected = inject_trigger_types(source, trigger_id)
        jedi_line, jedi_column = injected.to_jedi(line, column)
        lines = injected.text.split("\n")
        if not 1 <= jedi_line <= len(lines):
            return None, 0, 0
        # A cursor past the end of its line (python-lsp-server's column-1000 case) clamps.
        jedi_column = max(0, min(jedi_column, len(lines[jedi_line - 1])))
        return jedi.Script(injected.text, project=self._project), jedi_line, jedi_column

    def complete(self, source: str, line: int, column: int, trigger_id: str | None) -> list[Completion]:
        try:
            script, jl, jc = self._script(source, line, column, trigger_id)
            if script is None:
                return []
            found = script.complete(jl, jc)
        except Exception:  # jedi on half-typed code: no answer rather than a broken editor
            log.debug("completion failed", exc_info=True)
            return []
        typed = _typed_prefix(source, line, column)
        results = []
        for item in found:
            name = item.name
            if name.startswith("__") and not typed.startswith("_"):
                continue  # dunders only when asked for; they drown event./api. fields
            results.append(Completion(name, item.complete or "", item.type, item.description))
        return results

    def signatures(self, source: str, line: int, column: int, trigger_id: str | None) -> SignatureHelp | None:
        try:
            script, jl, jc = self._script(source, line, column, trigger_id)
            if script is None:
                return None
            found = script.get_signatures(jl, jc)
            if not found:
                return None
            sig = found[0]
            params = tuple(p.to_string() for p in sig.params if p.name != "self")
            return SignatureHelp(sig.name, params, sig.index, sig.docstring(raw=True))
        except Exception:
            log.debug("signature help failed", exc_info=True)
            return None

    def hover(self, source: str, line: int, column: int, trigger_id: str | None) -> HoverDoc | None:
        try:
            script, jl, jc = self._script(source, line, column, trigger_id)
            if script is None:
                return None
            for name in script.help(jl, jc):
                doc = name.docstring(raw=True).strip()
                if not doc or name.type == "keyword":
                    continue
                title = name.description if name.type != "module" else name.full_name or name.name
                return HoverDoc(title=_hover_title(name) or title, doc=doc)
            # A bare parameter (`event`, `api`) has no docstring of its own: show its type's.
            for inferred in script.infer(jl, jc):
                doc = inferred.docstring(raw=True).strip()
                if doc and inferred.type in ("instance", "class"):
                    word = _word_at(source, line, column)
                    return HoverDoc(title=f"{word}: {inferred.name}" if word else inferred.name, doc=doc)
        except Exception:
            log.debug("hover failed", exc_info=True)
        return None


def _typed_prefix(source: str, line: int, column: int) -> str:
    lines = source.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    head = lines[line - 1][:column]
    index = len(head)
    while index > 0 and (head[index - 1].isalnum() or head[index - 1] == "_"):
        index -= 1
    return head[index:]


def _word_at(source: str, line: int, column: int) -> str:
    lines = source.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    start = end = max(0, min(column, len(text)))
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end]


def _hover_title(name) -> str:
    """`set_custom_claim(key: str, value: Any) -> None` for callables, `email: str | None` for fields.

    Only callables get a signature title: jedi offers "signatures" for a field too (the signature
    of whatever its value is, e.g. `NoneType()` for an optional field), which reads as nonsense.
    """
    try:
        if name.type in ("function", "class"):
            sigs = name.get_signatures()
            if sigs:
                return sigs[0].to_string()
        if name.type == "statement" and ":" in name.description:
            return name.description
        hint = name.get_type_hint()
        return f"{name.name}: {hint}" if hint else name.name
    except Exception:
        return name.name

"""Plain, frozen answers of the analysis layer; nothing jedi-typed leaves analysis/ (Thonny's habit)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Completion:
    name: str
    complete: str  # the text to insert after what is already typed
    kind: str  # jedi's type: "function", "instance", "module", "keyword", "param", …
    description: str = ""


@dataclass(frozen=True, slots=True)
class SignatureHelp:
    name: str
    params: tuple[str, ...]
    index: int | None  # the parameter the cursor is in, if any
    doc: str


@dataclass(frozen=True, slots=True)
class HoverDoc:
    title: str
    doc: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    line: int  # 1-based
    column: int  # 0-based code points
    end_line: int
    end_column: int
    severity: str  # "error" | "warning"
    message: str
    source: str  # "syntax", "names", "actions"

"""Colour themes of the Action editor: plain data, applied by scintilla_view.py.

Colours are ``#rrggbb`` strings so a theme reads like a stylesheet and never names a Scintilla
style number; the view maps each role to the lexer's styles. The palettes follow two well-liked
IDE themes (GitHub Light, VS Code Dark+) for contrast that stays readable on a laptop screen.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EditorTheme:
    name: str
    is_dark: bool
    # text area
    background: str
    foreground: str
    caret: str
    current_line: str
    selection: str
    indent_guide: str
    whitespace: str
    # margins
    margin_background: str
    line_number: str
    fold_marker: str
    fold_marker_fill: str
    # syntax roles
    keyword: str
    builtin: str
    string: str
    fstring: str
    comment: str
    number: str
    decorator: str
    def_name: str
    class_name: str
    operator: str
    unclosed_string_background: str
    # brace matching
    brace_match_foreground: str
    brace_match_background: str
    brace_bad: str
    # diagnostics squiggles
    error: str
    warning: str
    # find: every match of the current search
    find_match: str
    # popups: completion list and call tip
    popup_background: str
    popup_foreground: str
    popup_selected_background: str
    popup_selected_foreground: str
    popup_highlight: str
    popup_border: str


LIGHT = EditorTheme(
    name="light",
    is_dark=False,
    background="#ffffff",
    foreground="#1f2328",
    caret="#0550ae",
    current_line="#f3f6fb",
    selection="#b6d7ff",
    indent_guide="#d8dee4",
    whitespace="#c0c4c8",
    margin_background="#f6f8fa",
    line_number="#8c959f",
    fold_marker="#8c959f",
    fold_marker_fill="#ffffff",
    keyword="#cf222e",
    builtin="#8250df",
    string="#0a3069",
    fstring="#0a3069",
    comment="#6e7781",
    number="#0550ae",
    decorator="#953800",
    def_name="#8250df",
    class_name="#953800",
    operator="#1f2328",
    unclosed_string_background="#ffebe9",
    brace_match_foreground="#0550ae",
    brace_match_background="#dbe9ff",
    brace_bad="#cf222e",
    error="#d1242f",
    warning="#bf8700",
    find_match="#fff1a8",
    popup_background="#ffffff",
    popup_foreground="#1f2328",
    popup_selected_background="#0969da",
    popup_selected_foreground="#ffffff",
    popup_highlight="#0969da",
    popup_border="#d0d7de",
)

DARK = EditorTheme(
    name="dark",
    is_dark=True,
    background="#1e1e1e",
    foreground="#d4d4d4",
    caret="#aeafad",
    current_line="#2a2d2e",
    selection="#264f78",
    indent_guide="#404040",
    whitespace="#505050",
    margin_background="#1e1e1e",
    line_number="#858585",
    fold_marker="#858585",
    fold_marker_fill="#1e1e1e",
    keyword="#569cd6",
    builtin="#4ec9b0",
    string="#ce9178",
    fstring="#d7ba7d",
    comment="#6a9955",
    number="#b5cea8",
    decorator="#dcdcaa",
    def_name="#dcdcaa",
    class_name="#4ec9b0",
    operator="#d4d4d4",
    unclosed_string_background="#4b1818",
    brace_match_foreground="#ffffff",
    brace_match_background="#3b514d",
    brace_bad="#f44747",
    error="#f14c4c",
    warning="#cca700",
    find_match="#623315",
    popup_background="#252526",
    popup_foreground="#d4d4d4",
    popup_selected_background="#04395e",
    popup_selected_foreground="#ffffff",
    popup_highlight="#4fc1ff",
    popup_border="#454545",
)

THEMES = {theme.name: theme for theme in (LIGHT, DARK)}

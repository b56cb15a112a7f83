"""The two languages the editor writes, as data: which Lexilla lexer, its styles' roles, the
comment prefix, the indent unit and the Enter rule (issue 16: JavaScript Actions).

Style numbers are Lexilla's (SCE_P_* for Python, SCE_C_* of the "cpp" lexer, which also lexes
JavaScript); tests check them against the lexer's own style names. Nothing here calls Scintilla:
scintilla_view.py applies a `Language` and stays the only module that does.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Callable
from dataclasses import dataclass, field

from actions_studio.ui.editor import indentation

# Lexilla's Python lexer styles (SCE_P_*).
P_DEFAULT, P_COMMENTLINE, P_NUMBER, P_STRING, P_CHARACTER, P_WORD = 0, 1, 2, 3, 4, 5
P_TRIPLE, P_TRIPLEDOUBLE, P_CLASSNAME, P_DEFNAME, P_OPERATOR, P_IDENTIFIER = 6, 7, 8, 9, 10, 11
P_COMMENTBLOCK, P_STRINGEOL, P_WORD2, P_DECORATOR = 12, 13, 14, 15
P_FSTRING, P_FCHARACTER, P_FTRIPLE, P_FTRIPLEDOUBLE, P_ATTRIBUTE = 16, 17, 18, 19, 20

# Lexilla's C-family lexer styles (SCE_C_*) as they fall on JavaScript.
C_DEFAULT, C_COMMENT, C_COMMENTLINE, C_COMMENTDOC, C_NUMBER, C_WORD = 0, 1, 2, 3, 4, 5
C_STRING, C_CHARACTER, C_OPERATOR, C_IDENTIFIER, C_STRINGEOL, C_REGEX = 6, 7, 10, 11, 12, 14
C_COMMENTLINEDOC, C_WORD2, C_COMMENTDOCKEYWORD, C_COMMENTDOCKEYWORDERROR = 15, 16, 17, 18
C_STRINGRAW, C_ESCAPESEQUENCE = 20, 27  # STRINGRAW: a template literal with backquoted.strings=2

JS_KEYWORDS = (
    "async await break case catch class const continue debugger default delete do else export extends "
    "false finally for function if import in instanceof let new null of return static super switch this "
    "throw true try typeof undefined var void while with yield"
)
# What a Node 22 CommonJS action has in scope besides the language (shown like Python's builtins).
JS_GLOBALS = (
    "Array Boolean Buffer Date Error JSON Map Math Number Object Promise Proxy Reflect RegExp Set String "
    "Symbol URL URLSearchParams WeakMap __dirname __filename clearTimeout console exports fetch globalThis "
    "isNaN module parseFloat parseInt process require setTimeout structuredClone"
)

# JSDoc tags (the lexer's "documentation comment keywords"; an unknown one is styled as an error).
JSDOC_TAGS = (
    "async callback class constant default deprecated description example exports file function "
    "import link module namespace param private property public readonly returns return see since "
    "template this throws todo type typedef version"
)


@dataclass(frozen=True)
class Language:
    name: str  # "python" | "javascript"
    lexer: str  # Lexilla's lexer name
    properties: dict[str, str]
    keywords: tuple[str, ...]  # Scintilla's keyword sets 0, 1, …
    comment_prefix: str  # what Ctrl+/ puts in front of a line
    indent: int  # columns per level
    indent_after_enter: Callable[..., int]
    # theme role (an EditorTheme attribute) -> the styles painted in it
    roles: dict[str, tuple[int, ...]]
    bold: tuple[int, ...]
    italic: tuple[int, ...]
    string_eol: int
    operator: int  # only brackets in this style are matched (not those in strings or comments)
    comments: frozenset[int]  # where the code part of a line ends
    not_code: frozenset[int] = field(default_factory=frozenset)  # no completion popping up there
    split_brackets: bool = False  # Enter between `{` and `}` puts the `}` on a line of its own


PYTHON = Language(
    name="python",
    lexer="python",
    properties={
        "fold": "1",
        "fold.compact": "0",  # blank lines after a block stay outside its fold
        "fold.quotes.python": "1",
        "lexer.python.keywords2.no.sub.identifiers": "1",  # `user.id` is not the builtin id()
        "lexer.python.decorator.attributes": "1",
    },
    keywords=(
        " ".join(sorted(set(keyword.kwlist) | set(keyword.softkwlist) - {"_"})),
        " ".join(sorted(n for n in dir(builtins) if not n.startswith("_"))),
    ),
    comment_prefix="#",
    indent=indentation.INDENT,
    indent_after_enter=indentation.indent_after_enter,
    roles={
        "foreground": (P_DEFAULT, P_IDENTIFIER, P_ATTRIBUTE),
        "comment": (P_COMMENTLINE, P_COMMENTBLOCK),
        "number": (P_NUMBER,),
        "string": (P_STRING, P_CHARACTER, P_TRIPLE, P_TRIPLEDOUBLE, P_STRINGEOL),
        "fstring": (P_FSTRING, P_FCHARACTER, P_FTRIPLE, P_FTRIPLEDOUBLE),
        "keyword": (P_WORD,),
        "builtin": (P_WORD2,),
        "decorator": (P_DECORATOR,),
        "def_name": (P_DEFNAME,),
        "class_name": (P_CLASSNAME,),
        "operator": (P_OPERATOR,),
    },
    bold=(P_WORD, P_DEFNAME, P_CLASSNAME),
    italic=(P_COMMENTLINE, P_COMMENTBLOCK),
    string_eol=P_STRINGEOL,
    operator=P_OPERATOR,
    comments=frozenset({P_COMMENTLINE, P_COMMENTBLOCK}),
    not_code=frozenset({P_COMMENTLINE, P_COMMENTBLOCK, P_STRING, P_CHARACTER, P_TRIPLE, P_TRIPLEDOUBLE,
                        P_STRINGEOL, P_FSTRING, P_FCHARACTER, P_FTRIPLE, P_FTRIPLEDOUBLE, P_NUMBER}),
)

_JS_COMMENTS = frozenset({C_COMMENT, C_COMMENTLINE, C_COMMENTDOC, C_COMMENTLINEDOC, C_COMMENTDOCKEYWORD,
                          C_COMMENTDOCKEYWORDERROR})

JAVASCRIPT = Language(
    name="javascript",
    lexer="cpp",
    properties={
        "fold": "1",
        "fold.compact": "0",
        "fold.comment": "1",  # JSDoc blocks fold
        "lexer.cpp.backquoted.strings": "2",  # `…${x}…` as JavaScript template literals
        "lexer.cpp.allow.dollars": "1",
        "lexer.cpp.enable.preprocessor": "0",  # `#` means nothing to JavaScript
        "lexer.cpp.track.preprocessor": "0",
        "lexer.cpp.escape.sequence": "1",
    },
    keywords=(JS_KEYWORDS, JS_GLOBALS, JSDOC_TAGS),
    comment_prefix="//",
    indent=indentation.JS_INDENT,
    indent_after_enter=indentation.js_indent_after_enter,
    roles={
        "foreground": (C_DEFAULT, C_IDENTIFIER),
        "comment": tuple(sorted(_JS_COMMENTS - {C_COMMENTDOCKEYWORD, C_COMMENTDOCKEYWORDERROR})),
        "decorator": (C_COMMENTDOCKEYWORD, C_COMMENTDOCKEYWORDERROR),  # @param, @returns in JSDoc
        "number": (C_NUMBER,),
        "string": (C_STRING, C_CHARACTER, C_STRINGEOL, C_REGEX, C_ESCAPESEQUENCE),
        "fstring": (C_STRINGRAW,),
        "keyword": (C_WORD,),
        "builtin": (C_WORD2,),
        "operator": (C_OPERATOR,),
    },
    bold=(C_WORD,),
    italic=tuple(sorted(_JS_COMMENTS)),
    string_eol=C_STRINGEOL,
    operator=C_OPERATOR,
    comments=_JS_COMMENTS,
    not_code=_JS_COMMENTS | {C_STRING, C_CHARACTER, C_STRINGEOL, C_REGEX, C_STRINGRAW, C_NUMBER},
    split_brackets=True,
)


def language_for(runtime: str | None) -> Language:
    """The editor's language for an action's runtime (`node22` → JavaScript; else Python), as
    services/templates.is_javascript decides (not imported: the trigger catalog costs start-up)."""
    return JAVASCRIPT if runtime and runtime.startswith("node") else PYTHON

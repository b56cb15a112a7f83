"""YAML as the Deploy CLI reads and writes it: `load` and `dump` for `tenant.yaml`.

The Deploy CLI parses with js-yaml (YAML 1.2 core schema) and writes `yaml.dump(assets)` with
js-yaml's defaults (2-space indent, sequences indented under their key, single quotes only where
a plain scalar would not read back as the same string, 80-column folding). A round trip must give
the same bytes, so:

- `load` is PyYAML's parser with YAML 1.2's implicit types instead of 1.1's (`on`, `no`, `0777`
  and `1:30` stay strings, as js-yaml reads them);
- `dump` is not PyYAML's emitter, whose quoting and layout choices differ from js-yaml's: it is
  js-yaml's own algorithm (`lib/dumper.js`: writeBlockMapping, writeBlockSequence,
  chooseScalarStyle) for the values a tenant file holds — mappings, sequences, strings, numbers,
  booleans and null. Keys whose value is None are written as `null`, as js-yaml does; there is no
  `undefined` here (the caller leaves such keys out).
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

# -- loading ---------------------------------------------------------------------------------------


class _Core12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core schema scalars (js-yaml's DEFAULT_SCHEMA minus its extras)."""


_Core12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?0b[0-1]+|[-+]?0o[0-7]+|[-+]?0x[0-9a-fA-F]+|[-+]?[0-9]+)$",
     list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
):
    _Core12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2], 10)
    return sign * int(digits[2:] if base != 10 else digits, base)


_Core12Loader.add_constructor("tag:yaml.org,2002:int", _int)


def load(text: str) -> Any:
    """Parses a YAML document (`yaml.YAMLError` on bad input, with its line)."""
    return yaml.load(text, Loader=_Core12Loader)  # noqa: S506 - a SafeLoader subclass


# -- dumping (js-yaml's dumper, for plain data) ---------------------------------------------------

INDENT = 2
LINE_WIDTH = 80
_DEPRECATED_BOOLEANS = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
                        "n", "N", "no", "No", "NO", "off", "Off", "OFF"}
_BASE60 = re.compile(r"^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$")
_AMBIGUOUS = [
    re.compile(r"^(?:~|null|Null|NULL)$"),
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    re.compile(r"^[-+]?(?:0|0b[01]+|0x[0-9a-fA-F]+|0o[0-7]+|[0-9]+)$"),
    re.compile(r"^(?:[-+]?(?:[0-9]+)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
               r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$"),
    re.compile(r"^<<$"),
]
_ESCAPES = {0x00: "\\0", 0x07: "\\a", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v",
            0x0C: "\\f", 0x0D: "\\r", 0x1B: "\\e", 0x22: '\\"', 0x5C: "\\\\", 0x85: "\\N",
            0xA0: "\\_", 0x2028: "\\L", 0x2029: "\\P"}
_FIRST_NOT_PLAIN = set("-?:,[]{}#&*!|=>'\"%@`")
_FLOW_INDICATORS = set(",[]{}")
PLAIN, SINGLE, LITERAL, FOLDED, DOUBLE = range(1, 6)


def _printable(c: int) -> bool:
    return (0x20 <= c <= 0x7E or (0xA1 <= c <= 0xD7FF and c not in (0x2028, 0x2029))
            or (0xE000 <= c <= 0xFFFD and c != 0xFEFF) or 0x10000 <= c <= 0x10FFFF)


def _ns_or_white(c: int) -> bool:
    return _printable(c) and c not in (0xFEFF, 0x0D, 0x0A)


def _white(c: int) -> bool:
    return c in (0x20, 0x09)


def _plain_safe(c: int, prev: int | None, inblock: bool) -> bool:
    ns_or_white = _ns_or_white(c)
    ns = ns_or_white and not _white(c)
    return (((ns_or_white if inblock else ns_or_white and chr(c) not in _FLOW_INDICATORS)
             and c != ord("#") and not (prev == ord(":") and not ns))
            or (prev is not None and _ns_or_white(prev) and not _white(prev) and c == ord("#"))
            or (prev == ord(":") and ns))


def _plain_first(c: int) -> bool:
    return _printable(c) and c != 0xFEFF and not _white(c) and chr(c) not in _FIRST_NOT_PLAIN


def _plain_last(c: int) -> bool:
    return not _white(c) and c != ord(":")


def _choose_style(s: str, single_line: bool, line_width: int, inblock: bool) -> int:
    chars = [ord(ch) for ch in s]
    plain = _plain_first(chars[0]) and _plain_last(chars[-1])
    has_break = foldable = False
    prev_break = -1
    prev: int | None = None
    for i, c in enumerate(chars):
        if not single_line and c == 0x0A:
            has_break = True
            foldable = foldable or (i - prev_break - 1 > line_width and s[prev_break + 1] != " ")
            prev_break = i
        elif not _printable(c):
            return DOUBLE
        plain = plain and _plain_safe(c, prev, inblock)
        prev = c
    if not single_line:
        foldable = foldable or (len(chars) - prev_break - 1 > line_width and s[prev_break + 1] != " ")
    if not has_break and not foldable:
        if plain and not any(p.match(s) for p in _AMBIGUOUS):
            return PLAIN
        return SINGLE
    if single_line:
        return SINGLE
    return FOLDED if foldable else LITERAL


def _indent_lines(s: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line and line != "\n" else line for line in s.splitlines(keepends=True))


def _block_header(s: str) -> str:
    indicator = str(INDENT) if re.match(r"^\n* ", s) else ""
    clip = s.endswith("\n")
    keep = clip and (s[-2:-1] == "\n" or s == "\n")
    return indicator + ("+" if keep else "" if clip else "-") + "\n"


def _fold(s: str, width: int) -> str:
    """js-yaml's foldString: folds long lines at spaces, keeping every line break's meaning."""
    def fold_line(line: str) -> str:
        if line == "" or line[0] == " ":
            return line
        out, start, last, matches = "", 0, 0, [m.start() for m in re.finditer(" [^ ]", line)]
        end = 0
        for pos in matches:
            if pos - start > width:
                end = last if last > start else pos
                out += "\n" + line[start:end]
                start = end + 1
            last = pos
        out += "\n"
        if len(line) - start > width and last > start:
            out += line[start:last] + "\n" + line[last + 1:]
        else:
            out += line[start:]
        return out[1:]

    first_end = s.find("\n")
    first_end = len(s) if first_end == -1 else first_end
    result = fold_line(s[:first_end])
    prev_more_indented = s[0:1] in ("\n", " ")
    for m in re.finditer(r"(\n+)([^\n]*)", s):
        prefix, line = m.group(1), m.group(2)
        more_indented = line[:1] == " "
        result += prefix + ("\n" if not prev_more_indented and not more_indented and line != "" else "") \
            + fold_line(line)
        prev_more_indented = more_indented
    return result


def _scalar(s: str, level: int, iskey: bool, inblock: bool) -> str:
    if s == "":
        return "''"
    if s in _DEPRECATED_BOOLEANS or _BASE60.match(s):
        return f"'{s}'"
    indent = INDENT * max(1, level)
    width = max(min(LINE_WIDTH, 40), LINE_WIDTH - indent)
    style = _choose_style(s, iskey, width, inblock)
    if style == PLAIN:
        return s
    if style == SINGLE:
        return "'" + s.replace("'", "''") + "'"
    if style == DOUBLE:
        return '"' + "".join(_ESCAPES.get(ord(ch)) or (ch if _printable(ord(ch)) else _hex(ord(ch)))
                             for ch in s) + '"'
    body = _fold(s, width) if style == FOLDED else s
    text = _indent_lines(body, indent)
    return (">" if style == FOLDED else "|") + _block_header(s) + (text[:-1] if text.endswith("\n") else text)


def _hex(c: int) -> str:
    if c <= 0xFF:
        return f"\\x{c:02X}"
    return f"\\u{c:04X}" if c <= 0xFFFF else f"\\U{c:08X}"


def _number(value: float | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))  # JavaScript prints 2.0 as 2
    return repr(value)


def _node(value: Any, level: int, block: bool, compact: bool, iskey: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return _number(value)
    if isinstance(value, str):
        return _scalar(value, level, iskey, block)
    if isinstance(value, dict):
        if not value:
            return "{}"
        return _mapping(value, level, compact)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return _sequence(list(value), level, compact)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _newline(level: int) -> str:
    return "\n" + " " * (INDENT * level)


def _mapping(value: dict[str, Any], level: int, compact: bool) -> str:
    out = ""
    for key, item in value.items():
        pair = _newline(level) if not compact or out else ""
        key_text = _node(str(key), level + 1, True, True, iskey=True)
        explicit = len(key_text) > 1024
        pair += ("? " if explicit else "") + key_text + (_newline(level) if explicit else "")
        dumped = _node(item, level + 1, True, explicit)
        pair += (":" if dumped.startswith("\n") else ": ") + dumped
        out += pair
    return out


def _sequence(value: list[Any], level: int, compact: bool) -> str:
    out = ""
    for item in value:
        dumped = _node(item, level + 1, True, True)
        if not compact or out:
            out += _newline(level)
        out += ("-" if dumped.startswith("\n") else "- ") + dumped
    return out


def dump(data: Any) -> str:
    """`yaml.dump(data)` of js-yaml 4 with its default options, for plain data."""
    text = _node(data, 0, True, True)
    return text + "\n"

"""Qt-free: where Enter puts the caret."""

from __future__ import annotations

import pytest

from actions_studio.ui.editor.indentation import indent_after_enter, open_brackets


@pytest.mark.parametrize(("head", "code", "indent", "expected"), [
    ("    x = 1", "    x = 1", 4, 4),
    ("    if event.user.email_verified:", "    if event.user.email_verified:", 4, 8),
    ("    if x:  # why", "    if x:  ", 4, 8),
    ("def on_execute_post_login(event, api):", "def on_execute_post_login(event, api):", 0, 4),
    ("        return", "        return", 8, 4),
    ("        return roles", "        return roles", 8, 4),
    ("        raise ValueError('x')", "        raise ValueError('x')", 8, 4),
    ("    returned = 1", "    returned = 1", 4, 4),
    ("    api.access.deny(", "    api.access.deny(", 4, 8),
    ("    roles = [", "    roles = [", 4, 8),
    ("    s = '(' + x", "    s = '(' + x", 4, 4),
    ("    return (", "    return (", 4, 8),
    ("    # a note", "    ", 4, 4),
    ("        ", "        ", 8, 8),
    ("  ", "  ", 8, 2),
    ("", "", 0, 0),
])
def test_indent_after_enter(head, code, indent, expected) -> None:
    assert indent_after_enter(head, code, indent) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("f(a, [b", 2), ("f(a)", 0), (")", 0), ('x = "((" + y', 0), ("d = {'k': (1,", 2), (r"s = '\'(' + (", 1),
])
def test_open_brackets(code, expected) -> None:
    assert open_brackets(code) == expected

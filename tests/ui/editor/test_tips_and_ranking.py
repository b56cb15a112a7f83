"""Qt-free: the text of call tips and hover cards, and how a completion list narrows as you type."""

from __future__ import annotations

import pytest

from actions_studio.analysis.model import Completion, Diagnostic, HoverDoc, SignatureHelp
from actions_studio.ui.editor.completion_filter import is_identifier_text, rank
from actions_studio.ui.editor.tips import hover_tip, parameter_doc, reflow, signature_tip

CLAIM_DOC = ('Set claim ``key`` to ``value`` (JSON data) in the access token.\n\nUse a namespaced key (a URL such '
             'as "https://example.com/roles"); non-namespaced and\nreserved claims (sub, iss, aud, exp, iat, '
             'scope, ...) give a warning. A later call or action\noverrides the value.')
MFA_DOC = ('Require MFA with ``provider``: "any", "guardian", "google-authenticator", "duo" or "none".\n\nThe '
           'challenge happens at the end of the flow. ``allow_remember_browser`` lets the user skip\nMFA on this '
           'browser for a while; ``provider_options`` (a dict) configures e.g. Duo.')
MFA_PARAMS = ("provider: str", "allow_remember_browser: bool=False", "provider_options: dict | None=None")


def _highlighted(tip) -> str:
    return tip.text[tip.highlight[0]:tip.highlight[1]]


@pytest.mark.parametrize(("index", "highlighted", "about"), [
    (0, "key: str", "key: Set claim key to value (JSON data) in the access token."),
    (1, "value: Any", "value: Set claim key to value (JSON data) in the access token."),
])
def test_signature_tip_highlights_the_current_parameter_and_says_what_it_is(index, highlighted, about) -> None:
    tip = signature_tip(SignatureHelp("set_custom_claim", ("key: str", "value: Any"), index, CLAIM_DOC))
    lines = tip.text.splitlines()
    assert lines[0] == "set_custom_claim(key: str, value: Any)"
    assert _highlighted(tip) == highlighted
    assert lines[1] == about
    assert tip.text.count("Set claim key to value") == 1, "the parameter's sentence is not repeated"
    assert "``" not in tip.text


@pytest.mark.parametrize(("index", "about"), [
    (0, 'provider: Require MFA with provider: "any"'),
    (1, "allow_remember_browser lets the user skip MFA on this browser for a while"),
    (2, "provider_options (a dict) configures e.g. Duo."),  # "e.g." does not end the sentence
])
def test_parameter_sentences_of_a_prose_docstring(index, about) -> None:
    tip = signature_tip(SignatureHelp("enable", MFA_PARAMS, index, MFA_DOC))
    assert tip.text.splitlines()[1].startswith(about)
    assert ";." not in tip.text and "; ." not in tip.text


def test_signature_without_a_current_parameter_or_doc() -> None:
    tip = signature_tip(SignatureHelp("deny", ("reason: str",), None, ""))
    assert tip.text == "deny(reason: str)" and tip.highlight is None


@pytest.mark.parametrize(("doc", "parameter", "expected"), [
    ("Do it.\n\nArgs:\n    reason (str): Why the login is denied.\n", "reason", "Why the login is denied."),
    ("Do it.\n\n:param reason: Why.\n", "reason", "Why."),
    ("Deny with ``reason``. Later actions do not run.", "reason", "Deny with reason."),
    ("Nothing about it.", "reason", None),
])
def test_parameter_doc_styles(doc, parameter, expected) -> None:
    assert parameter_doc(doc, parameter) == expected


def test_reflow_wraps_paragraphs_and_cuts_long_docs() -> None:
    lines = reflow("word " * 400, width=40, max_lines=5)
    assert len(lines) == 5 and lines[-1].endswith("…") and all(len(line) <= 42 for line in lines)
    assert reflow("a\nb\n\nc") == ["a b", "", "c"]


def test_hover_tip_puts_problems_first() -> None:
    problem = Diagnostic(2, 4, 2, 9, "error", "undefined name 'contry'", "names")
    assert hover_tip(None, [problem]).text == "error: undefined name 'contry'"
    tip = hover_tip(HoverDoc("email_verified: bool", "True once the email address has been verified."))
    assert tip.text == "email_verified: bool\n\nTrue once the email address has been verified."
    assert _highlighted(tip) == "email_verified: bool"
    assert hover_tip(None, []) is None


def _items(*names: str) -> list[Completion]:
    return [Completion(name, name, "instance") for name in names]


@pytest.mark.parametrize(("typed", "expected"), [
    ("", ["city_name", "country_code", "set_custom_claim", "_private", "__init__"]),
    ("c", ["city_name", "country_code", "set_custom_claim"]),   # prefix first, then substring
    ("CO", ["country_code"]),   # any case
    ("claim", ["set_custom_claim"]),
    ("zz", []),
])
def test_rank(typed, expected) -> None:
    items = _items("__init__", "_private", "city_name", "country_code", "set_custom_claim")
    assert [c.name for c in rank(items, typed)] == expected


def test_exact_case_prefix_beats_other_case() -> None:
    assert [c.name for c in rank(_items("Path", "path"), "pa")] == ["path", "Path"]


@pytest.mark.parametrize(("text", "expected"), [("", True), ("user_id2", True), ("é", True), ("a.b", False),
                                                 ("a b", False)])
def test_identifier_text(text, expected) -> None:
    assert is_identifier_text(text) is expected

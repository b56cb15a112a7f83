"""Issue 13 item 7: one redaction rule, in runtime/redaction.py, for values only."""

from __future__ import annotations

import pytest

from actions_studio.runtime.redaction import Redactor, merge_secrets


def test_a_one_character_secret_never_rewrites_keys_or_words() -> None:
    redactor = Redactor({"K": "s"})
    stored = {"status": "success", "actions": [{"status": "success", "logs": "s\nit is s, not sss\n",
                                                "calls": [{"args": ["https://x/s", "s"]}]}]}
    assert redactor.json(stored) == {
        "status": "success",
        "actions": [{"status": "success", "logs": "[redacted secret K]\nit is [redacted secret K], not sss\n",
                     "calls": [{"args": ["https://x/[redacted secret K]", "[redacted secret K]"]}]}],
    }


@pytest.mark.parametrize(("text", "expected"), [
    ("pin 4a2", "pin [redacted secret PIN]"),
    ("4a2", "[redacted secret PIN]"),
    ("(4a2)", "([redacted secret PIN])"),
    ("x4a2 and 4a2x and _4a2", "x4a2 and 4a2x and _4a2"),  # glued to a word: left alone
    ("", ""),
])
def test_a_three_character_secret_is_redacted_where_it_stands_alone(text: str, expected: str) -> None:
    assert Redactor({"PIN": "4a2"}).text(text) == expected


def test_four_characters_and_more_are_redacted_everywhere_longest_first() -> None:
    redactor = Redactor({"SHORTER": "abcd", "LONGER": "abcdef"})
    assert redactor.text("xabcdefx abcdx") == "x[redacted secret LONGER]x [redacted secret SHORTER]x"


def test_redacting_twice_is_redacting_once() -> None:
    # "secret" is also part of the marker itself.
    redactor = Redactor({"K": "secret", "S": "s"})
    once = redactor.text("my secret is s")
    assert once == "my [redacted secret K] is [redacted secret S]"
    assert redactor.text(once) == once
    assert redactor.json({"logs": once}) == {"logs": once}


def test_an_empty_value_redacts_nothing_and_non_strings_are_kept() -> None:
    redactor = Redactor({"EMPTY": "", "N": "12"})
    assert redactor.json({"a": 12, "b": [None, True, 1.5], "c": "12 apples"}) == {
        "a": 12, "b": [None, True, 1.5], "c": "[redacted secret N] apples"}
    assert not Redactor({"EMPTY": ""})


def test_two_actions_with_one_name_for_two_values_are_told_apart() -> None:
    merged = merge_secrets([("a", {"K": "value-one"}), ("b", {"K": "value-two"}), ("c", {"K": "value-one"})])
    assert merged == {"K": "value-one", "b.K": "value-two"}
    assert Redactor(merged).text("value-two") == "[redacted secret b.K]"

"""expect.outcome is a subset match; the first mismatch names path, expected and actual."""

from __future__ import annotations

import pytest

from actions_studio.services.expectations import first_mismatch

RESULT = {
    "status": "success",
    "outcome": {
        "denied": None,
        "access_token": {"claims": {"https://acme/roles": ["admin"], "https://acme/n": 1},
                         "scopes_added": []},
        "user": {"app_metadata": {"plan": "pro"}},
    },
}


@pytest.mark.parametrize("expect", [
    {},
    {"status": "success"},
    {"outcome": {}},
    {"outcome": {"denied": None}},
    {"outcome": {"access_token": {"claims": {"https://acme/roles": ["admin"]}}}},
    {"status": "success", "outcome": {"user": {"app_metadata": {"plan": "pro"}}}},
])
def test_subsets_match(expect: dict) -> None:
    assert first_mismatch(expect, RESULT) is None


@pytest.mark.parametrize(("expect", "text"), [
    ({"status": "denied"}, 'status: expected "denied", got "success"'),
    ({"outcome": {"denied": {"reason": "x"}}}, 'outcome.denied: expected {"reason": "x"}, got null'),
    ({"outcome": {"access_token": {"claims": {"https://acme/roles": ["admin", "x"]}}}},
     'outcome.access_token.claims.https://acme/roles: expected ["admin", "x"], got ["admin"]'),
    ({"outcome": {"access_token": {"claims": {"https://acme/team": "a"}}}},
     "outcome.access_token.claims.https://acme/team: expected \"a\", got nothing (the key is missing)"),
    ({"outcome": {"user": {"app_metadata": "pro"}}},
     'outcome.user.app_metadata: expected "pro", got {"plan": "pro"}'),
    ({"outcome": {"access_token": {"claims": {"https://acme/n": True}}}},
     "outcome.access_token.claims.https://acme/n: expected true, got 1"),
])
def test_the_first_mismatch_is_described(expect: dict, text: str) -> None:
    mismatch = first_mismatch(expect, RESULT)
    assert mismatch is not None and str(mismatch) == text


def test_status_is_reported_before_outcome() -> None:
    mismatch = first_mismatch({"status": "denied", "outcome": {"denied": {"reason": "x"}}}, RESULT)
    assert mismatch is not None and mismatch.path == "status"

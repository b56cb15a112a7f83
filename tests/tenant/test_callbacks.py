"""Allowed Callback URLs (issue 13, item 8): Auth0's registration rules and its exact matching,
as tables, without a server."""

from __future__ import annotations

import pytest

from actions_studio.tenant.callbacks import InvalidCallback, matches, validate

REGISTERED = ["https://app.example.com/callback", "http://localhost:3000/callback",
              "https://*.preview.example.com/cb", "https://pr-*-web.example.org/login?from=auth0"]


@pytest.mark.parametrize("redirect_uri, ok", [
    ("https://app.example.com/callback", True),
    ("https://app.example.com/callback/", False),          # trailing slash
    ("http://app.example.com/callback", False),            # scheme
    ("https://app.example.com:443/callback", False),       # port written out
    ("https://app.example.com/callback?next=/", False),    # query
    ("https://app.example.com/Callback", False),           # path case
    ("https://APP.example.com/callback", False),           # exact, as Auth0 compares
    ("https://app.example.com/callback#x", False),
    ("http://localhost:3000/callback", True),
    ("http://localhost:3001/callback", False),             # another port, even on loopback
    ("http://127.0.0.1:3000/callback", False),
    ("https://attacker.example/steal", False),
    ("https://pr-42.preview.example.com/cb", True),        # one label in place of the wildcard
    ("https://a.b.preview.example.com/cb", False),         # never more than one level
    ("https://.preview.example.com/cb", False),            # never none
    ("https://evil.com/.preview.example.com/cb", False),
    ("https://x.preview.example.com.evil.com/cb", False),
    ("https://x.preview.example.com/cb/more", False),
    ("https://*.preview.example.com/cb", False),           # the pattern itself is no host
    ("https://pr-7-web.example.org/login?from=auth0", True),
    ("https://pr--web.example.org/login?from=auth0", False),
    ("https://pr-7-web.example.org/login", False),
])
def test_redirect_uri_matching_is_exact_but_for_one_subdomain_wildcard(redirect_uri, ok) -> None:
    assert matches(redirect_uri, REGISTERED) is ok


def test_no_callbacks_match_nothing() -> None:
    assert not matches("http://localhost:3000/callback", [])


@pytest.mark.parametrize("url", ["https://app.example.com/cb", "http://127.0.0.1:8080/", "https://*.example.com",
                                 "https://pre-*-suf.example.com:8443/cb?a=1", "http://localhost/cb"])
def test_valid_callbacks_are_kept_verbatim(url) -> None:
    assert validate(url) == url


@pytest.mark.parametrize("url, rule", [
    ("", "printable"), ("https://app.example.com/a b", "printable"), ("x" * 2049, "printable"),
    ("com.example.app://callback", "http:// or https://"), ("javascript:alert(1)", "http:// or https://"),
    ("/relative/callback", "http:// or https://"), ("https:/one-slash.example.com", "http:// or https://"),
    ("https://app.example.com/cb#frag", "fragment"),
    ("https://*.com/cb", "subdomain"), ("https://sub.*.example.com", "left-most"),
    ("https://*.*.example.com", "one wildcard"), ("https://example.com/*", "host name's subdomain"),
    ("https://user@*.example.com", "host name's subdomain"),
])
def test_invalid_callbacks_are_refused_naming_the_rule(url, rule) -> None:
    with pytest.raises(InvalidCallback, match=rule.replace("*", r"\*").replace("(", r"\(")):
        validate(url)


def test_the_grammar_is_one_regex_the_server_and_the_document_share() -> None:
    import re

    from actions_studio.tenant.callbacks import PATTERN

    for url in ("https://app.example.com/cb", "https://pre-*-suf.example.com:8443/cb?a=1"):
        assert re.fullmatch(PATTERN, url)
    with pytest.raises(InvalidCallback):
        validate("https://app.example.com/cb\n")     # Python's `$` alone would let this through

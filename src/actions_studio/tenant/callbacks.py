"""An application's Allowed Callback URLs: what may be registered, and whether a `redirect_uri` matches.

Auth0's rule (issue 13, item 8): the `redirect_uri` of `/authorize` must match one of the
application's callbacks **exactly** — scheme, host, port, path, query and trailing slash — except
for a `*` subdomain wildcard, which Auth0 allows only in the left-most label of the host (with an
optional prefix and suffix in that label, e.g. `https://pr-*-app.example.com/cb`), never in
`https://*.com`, never twice, and which stands for exactly one label (`https://*.example.com` does
not match `https://a.b.example.com`). Callbacks are http(s) URLs without a fragment (RFC 6749
§3.1.2); this tenant has no native-app flows, so custom schemes are refused.
"""

from __future__ import annotations

import re
from typing import Iterable

MAX_CALLBACKS = 100
MAX_LENGTH = 2048
# The whole grammar as one regex, which is also what /openapi.json states (so the document and the
# server agree to the character). ASCII printable without space, '#' or '*', then:
#   an exact URL:    http(s)://NETLOC[/ or ? REST]
#   a wildcard URL:  http(s)://LABEL*LABEL.LABEL.LABEL…[:PORT][/ or ? REST]
_REST = r'[!-"$-)+-~]'      # printable ASCII but space, '#' and '*'
_NETLOC = r'[!-"$-)+-.0->@-~]'  # ... and neither '/' nor '?'
_LABEL = r"[A-Za-z0-9-]"
PATTERN = (rf"^https?://(?:{_NETLOC}+|{_LABEL}*\*{_LABEL}*(?:\.{_LABEL}+){{2,}}(?::[0-9]*)?)"
           rf"(?:[/?]{_REST}*)?$")
_GRAMMAR = re.compile(PATTERN)
_WILDCARD_LABEL = "[A-Za-z0-9-]+"  # one host label: no dot, so one subdomain level only


class InvalidCallback(ValueError):
    """The message says which rule the URL breaks."""


def validate(url: str) -> str:
    """The URL unchanged (matching is exact), or InvalidCallback naming the rule it breaks."""
    # fullmatch: Python's `$` would also accept a trailing newline, which JSON Schema's does not.
    if isinstance(url, str) and len(url) <= MAX_LENGTH and _GRAMMAR.fullmatch(url):
        return url
    raise InvalidCallback(_broken_rule(url))


def _broken_rule(url: object) -> str:
    if not isinstance(url, str) or not url or len(url) > MAX_LENGTH or not re.fullmatch(r"[!-~]+", url):
        return f"must be a URL of at most {MAX_LENGTH} printable characters without spaces"
    if not re.match(r"https?://[^/?#]", url):
        return "must be an absolute http:// or https:// URL"
    if "#" in url:
        return "must not have a fragment (#…)"
    if url.count("*") > 1:
        return "may hold one wildcard (*) only"
    netloc = re.split(r"[/?]", url.split("://", 1)[1], maxsplit=1)[0]
    if "*" not in netloc or "@" in netloc:
        return "may hold a wildcard (*) only in the host name's subdomain"
    labels = netloc.rsplit(":", 1)[0].split(".")
    if "*" not in labels[0]:
        return "may hold a wildcard (*) only in the left-most label of the host name"
    if len(labels) < 3:
        return "may hold a wildcard (*) only in a subdomain (https://*.example.com, not https://*.com)"
    return ("may hold a wildcard (*) only in a host name of letters, digits and '-' "
            "(https://pr-*.example.com/callback)")


def matches(redirect_uri: str, callbacks: Iterable[str]) -> bool:
    for callback in callbacks:
        if "*" not in callback:
            if redirect_uri == callback:
                return True
            continue
        before, _, after = callback.partition("*")
        if re.fullmatch(re.escape(before) + _WILDCARD_LABEL + re.escape(after), redirect_uri):
            return True
    return False


def any_of(registered: Iterable[str]) -> str:
    """A regex that exactly the redirect URIs `matches` accepts for these callbacks fulfil (what
    /openapi.json states for `redirect_uri`); "" when there are none."""
    alternatives = []
    for callback in sorted(set(registered)):
        before, star, after = callback.partition("*")
        alternatives.append(_escape(before) + (_WILDCARD_LABEL + _escape(after) if star else ""))
    return f"^(?:{'|'.join(alternatives)})$" if alternatives else ""


def _escape(text: str) -> str:
    # Only the metacharacters: re.escape's `\:` or `\/` are not valid in every regex dialect.
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", text)

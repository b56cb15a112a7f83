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
from urllib.parse import urlsplit

MAX_CALLBACKS = 100
MAX_LENGTH = 2048
# What a URL's characters may be here: printable ASCII without spaces (a browser sends it encoded).
_URL_CHARS = re.compile(r"^[!-~]+$")
_LABEL = re.compile(r"^[A-Za-z0-9-]*\*[A-Za-z0-9-]*$")
_WILDCARD_LABEL = "[A-Za-z0-9-]+"  # one host label: no dot, so one subdomain level only


class InvalidCallback(ValueError):
    """The message says which rule the URL breaks."""


def validate(url: str) -> str:
    """The URL unchanged (matching is exact), or InvalidCallback naming the rule it breaks."""
    if not isinstance(url, str) or not url or len(url) > MAX_LENGTH or not _URL_CHARS.match(url):
        raise InvalidCallback(f"must be a URL of at most {MAX_LENGTH} printable characters without spaces")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not url.startswith(f"{parts.scheme}://") or not parts.netloc:
        raise InvalidCallback("must be an absolute http:// or https:// URL")
    if "#" in url:
        raise InvalidCallback("must not have a fragment (#…)")
    if "*" not in url:
        return url
    host = parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0] if "]" not in parts.netloc else ""
    labels = host.split(".")
    if url.count("*") > 1:
        raise InvalidCallback("may hold one wildcard (*) only")
    if "@" in parts.netloc or "*" not in host:
        raise InvalidCallback("may hold a wildcard (*) only in the host name's subdomain")
    if not _LABEL.match(labels[0]) or "*" in ".".join(labels[1:]):
        raise InvalidCallback("may hold a wildcard (*) only in the left-most label of the host name")
    if len(labels) < 3 or not all(labels[1:]):
        raise InvalidCallback("may hold a wildcard (*) only in a subdomain (https://*.example.com, "
                              "not https://*.com)")
    return url


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

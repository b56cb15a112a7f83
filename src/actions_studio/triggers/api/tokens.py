"""api.access_token and api.id_token: custom claims and scopes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..errors import ApiUsageError
from ..limits import RESERVED_CLAIMS, RESTRICTED_CLAIM_DOMAINS
from .recording import Namespace, api_method, json_safe, require_str


def check_claim(ns: Namespace, key: Any, value: Any) -> None:
    """Validate a custom claim; warn (not fail) where Auth0 would silently drop or refuse it."""
    method = f"{ns._name}.set_custom_claim"
    require_str(method, "key", key)
    json_safe(value, where=f"api.{method}: value of claim {key!r}")
    if key in RESERVED_CLAIMS:
        ns._warn(f"api.{method}: {key!r} is a reserved claim; Auth0 sets it itself and ignores this value")
        return
    parts = urlsplit(key)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        ns._warn(
            f"api.{method}: claim {key!r} is not namespaced; Auth0 may drop it from the token — "
            f"use a URL such as 'https://example.com/{key}'"
        )
        return
    host = (parts.hostname or "").lower()
    if any(host == d or host.endswith("." + d) for d in RESTRICTED_CLAIM_DOMAINS):
        ns._warn(f"api.{method}: claim {key!r} uses a namespace Auth0 reserves ({host}); Auth0 drops it")


def check_scope(method: str, scope: Any) -> None:
    require_str(method, "scope", scope)
    if any(ch.isspace() for ch in scope):
        raise ApiUsageError(f"api.{method}: scope must be one scope without spaces, got {scope!r}")


class PostLoginAccessTokenApi(Namespace):
    """Change the access token issued at the end of the login."""

    _name = "access_token"

    @api_method
    def set_custom_claim(self, key: str, value: Any) -> None:
        """Set claim ``key`` to ``value`` (JSON data) in the access token.

        Use a namespaced key (a URL such as "https://example.com/roles"); non-namespaced and reserved
        claims (sub, iss, aud, exp, iat, scope, ...) give a warning. A later call or action overrides
        the value.
        """
        check_claim(self, key, value)

    @api_method
    def add_scope(self, scope: str) -> None:
        """Add ``scope`` (one scope, no spaces) to the access token."""
        check_scope("access_token.add_scope", scope)

    @api_method
    def remove_scope(self, scope: str) -> None:
        """Remove ``scope`` (one scope, no spaces) from the access token."""
        check_scope("access_token.remove_scope", scope)


class CredentialsExchangeAccessTokenApi(Namespace):
    """Change the access token being issued."""

    _name = "access_token"

    @api_method
    def set_custom_claim(self, key: str, value: Any) -> None:
        """Set claim ``key`` to ``value`` (JSON data) in the access token.

        Use a namespaced key (a URL such as "https://example.com/tier"); non-namespaced and reserved
        claims (sub, iss, aud, exp, iat, scope, ...) give a warning. A later call or action overrides
        the value.
        """
        check_claim(self, key, value)


class IdTokenApi(Namespace):
    """Change the ID token issued at the end of the login."""

    _name = "id_token"

    @api_method
    def set_custom_claim(self, key: str, value: Any) -> None:
        """Set claim ``key`` to ``value`` (JSON data) in the ID token.

        Use a namespaced key (a URL such as "https://example.com/roles"); non-namespaced and reserved
        claims (sub, iss, aud, exp, iat, ...) give a warning. A later call or action overrides the value.
        """
        check_claim(self, key, value)

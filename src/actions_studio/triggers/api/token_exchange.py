"""The api of custom-token-exchange: deny the exchange, say who the subject is, set metadata.

From Auth0's generated reference (auth0/docs-v2, main/docs/actions/reference/custom-token-exchange/
custom-token-exchange-api-object.mdx). There is no api.access_token: claims are added by the
post-login actions that run after the exchange (docs-v2, explore-triggers/custom-token-exchange.mdx,
"Custom Token Exchange vs Post Login Actions").
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ApiUsageError
from ..limits import ACTOR_MAX_CUSTOM_PROPERTIES, ACTOR_MAX_DEPTH
from .recording import Namespace, api_method, json_safe, require_str
from .user import check_metadata_key

CREATION_BEHAVIORS = ("create_if_not_exists", "none")
UPDATE_BEHAVIORS = ("none", "replace")
# api.authentication.setUserByConnection's user_attributes: name → the type Auth0 documents.
USER_ATTRIBUTES: dict[str, type] = {
    "user_id": str, "email": str, "email_verified": bool, "username": str, "name": str, "given_name": str,
    "family_name": str, "nickname": str, "picture": str, "phone_number": str, "phone_verified": bool,
    "verify_email": bool,
}


class CustomTokenExchangeAccessApi(Namespace):
    """Reject the token exchange."""

    _name = "access"

    @api_method
    def deny(self, code: str, reason: str) -> None:
        """Deny the exchange with an error ``code`` ("invalid_request", "server_error" or your own) and a ``reason``.

        The application gets ``code`` as the OAuth2 error and ``reason`` as its description. For a
        subject token that does not validate, use reject_invalid_subject_token instead, so Auth0's
        attack protection counts the attempt.
        """
        require_str("access.deny", "code", code)
        require_str("access.deny", "reason", reason)

    @api_method
    def reject_invalid_subject_token(self, reason: str) -> None:
        """Reject the exchange because the subject token is invalid: an "invalid_request" error with ``reason``.

        Auth0's attack protection counts these, to stop brute force on subject tokens.
        """
        require_str("access.reject_invalid_subject_token", "reason", reason)


def _check_actor(method: str, actor: Any, where: str, depth: int) -> None:
    if not isinstance(actor, dict):
        raise ApiUsageError(f"api.{method}: {where} must be a dict like {{'sub': 'client-id'}}, got {type(actor).__name__}")
    if depth > ACTOR_MAX_DEPTH:
        raise ApiUsageError(f"api.{method}: {where}: at most {ACTOR_MAX_DEPTH} actors may be nested")
    require_str(method, f"{where}['sub']", actor.get("sub"))
    custom = [k for k in actor if k not in ("sub", "act")]
    if len(custom) > ACTOR_MAX_CUSTOM_PROPERTIES:
        raise ApiUsageError(
            f"api.{method}: {where} has {len(custom)} custom properties; at most {ACTOR_MAX_CUSTOM_PROPERTIES} are allowed"
        )
    for key in custom:
        value = actor[key]
        if not isinstance(key, str) or not isinstance(value, (str, bool, int, float)) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise ApiUsageError(
                f"api.{method}: {where}[{key!r}] must be a str, number or bool, got {type(value).__name__} {value!r}"
            )
    if actor.get("act") is not None:
        _check_actor(method, actor["act"], f"{where}['act']", depth + 1)


class CustomTokenExchangeAuthenticationApi(Namespace):
    """Say whom the subject token stands for: the user the tokens are issued to, and who acts for them."""

    _name = "authentication"
    _user_set_by: str | None = None

    def _set_user_once(self, method: str) -> None:
        # Auth0: "Exactly one of api.authentication.setUserByConnection api.authentication.setUserById
        # must be called by the Custom Token Exchange action."
        if self._user_set_by is not None:
            raise ApiUsageError(
                f"api.authentication.{method}: the user is already set by api.authentication.{self._user_set_by}; "
                "call exactly one of set_user_by_id and set_user_by_connection, once"
            )
        self._user_set_by = method

    @api_method
    def set_user_by_id(self, user_id: str) -> None:
        """Issue the tokens to the existing user ``user_id`` (e.g. "auth0|5f7c8ec7c33c6c004bbafe82").

        Call exactly one of set_user_by_id and set_user_by_connection, once; without either the
        exchange fails. The post-login flow then runs for this user.
        """
        require_str("authentication.set_user_by_id", "user_id", user_id)
        self._set_user_once("set_user_by_id")

    @api_method
    def set_user_by_connection(
        self, connection_name: str, user_attributes: dict[str, Any], creation_behavior: str, update_behavior: str
    ) -> None:
        """Issue the tokens to the user of ``connection_name`` whose ``user_attributes["user_id"]`` matches.

        ``user_attributes`` holds user_id (required: the id within the connection) and optionally
        email, email_verified, username, name, given_name, family_name, nickname, picture,
        phone_number, phone_verified, verify_email. ``creation_behavior`` is "create_if_not_exists"
        (create a missing user) or "none" (fail instead); ``update_behavior`` is "replace" (overwrite
        an existing user's attributes; email, phone and username cannot change) or "none". Call
        exactly one of set_user_by_id and set_user_by_connection, once.
        """
        method = "authentication.set_user_by_connection"
        require_str(method, "connection_name", connection_name)
        if not isinstance(user_attributes, dict):
            raise ApiUsageError(
                f"api.{method}: user_attributes must be a dict with at least 'user_id', got {type(user_attributes).__name__}"
            )
        unknown = sorted(str(k) for k in user_attributes if k not in USER_ATTRIBUTES)
        if unknown:
            raise ApiUsageError(
                f"api.{method}: user_attributes has unknown attributes {', '.join(unknown)}; "
                f"allowed: {', '.join(USER_ATTRIBUTES)}"
            )
        require_str(method, "user_attributes['user_id']", user_attributes.get("user_id"))
        for key, value in user_attributes.items():
            expected = USER_ATTRIBUTES[key]
            if not isinstance(value, expected) or (expected is str and not value):
                kind = "a non-empty str" if expected is str else "a bool"
                raise ApiUsageError(
                    f"api.{method}: user_attributes[{key!r}] must be {kind}, got {type(value).__name__} {value!r}"
                )
        for name, value, allowed in (("creation_behavior", creation_behavior, CREATION_BEHAVIORS),
                                     ("update_behavior", update_behavior, UPDATE_BEHAVIORS)):
            if value not in allowed:
                raise ApiUsageError(f"api.{method}: {name} {value!r} is not allowed; use one of: {', '.join(allowed)}")
        self._set_user_once("set_user_by_connection")

    @api_method
    def set_organization(self, organization_id_or_name: str) -> None:
        """Issue the tokens in the organization ``organization_id_or_name`` (e.g. "org_xS525r979AS33MSf")."""
        require_str("authentication.set_organization", "organization_id_or_name", organization_id_or_name)

    @api_method
    def set_actor(self, actor: dict[str, Any]) -> None:
        """Put an act claim in the tokens: ``actor`` acts on behalf of the user (delegation).

        ``actor`` is {{"sub": ...}} plus at most {ACTOR_MAX_CUSTOM_PROPERTIES} custom str/number/bool
        properties and an optional nested "act" (the actor's own actor), at most {ACTOR_MAX_DEPTH}
        actors deep. Use it with set_user_by_id or set_user_by_connection; no refresh token is issued
        when an actor is set. A later call replaces the actor.
        """
        _check_actor("authentication.set_actor", actor, "actor", 1)
        json_safe(actor, where="api.authentication.set_actor: actor")


class CustomTokenExchangeUserApi(Namespace):
    """Change the metadata of the user the tokens are issued to."""

    _name = "user"

    @api_method
    def set_app_metadata(self, key: str, value: Any) -> None:
        """Set app_metadata[``key``] of the user the subject token stands for to ``value`` (JSON data); None deletes the key.

        Written when the exchange succeeds. Keys must not contain "." nor start with "$".
        """
        check_metadata_key("user.set_app_metadata", key)
        json_safe(value, where=f"api.user.set_app_metadata: value of {key!r}")

    @api_method
    def set_user_metadata(self, key: str, value: Any) -> None:
        """Set user_metadata[``key``] of the user the subject token stands for to ``value`` (JSON data); None deletes the key.

        Written when the exchange succeeds. Keys must not contain "." nor start with "$".
        """
        check_metadata_key("user.set_user_metadata", key)
        json_safe(value, where=f"api.user.set_user_metadata: value of {key!r}")

"""api.authentication: challenge or enroll factors, record a method, switch the primary user."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..errors import ApiUsageError
from .recording import Namespace, api_method, json_safe, require_str

# Factor types of Auth0's customizable MFA (api.authentication.challengeWith & co).
FACTOR_TYPES = (
    "otp", "recovery-code", "email", "phone", "push-notification", "webauthn-platform", "webauthn-roaming",
)


def check_factor(method: str, name: str, factor: Any) -> None:
    if not isinstance(factor, dict):
        raise ApiUsageError(
            f"api.{method}: {name} must be a dict like {{'type': 'otp'}}, got {type(factor).__name__} {factor!r}"
        )
    kind = factor.get("type")
    if kind not in FACTOR_TYPES:
        raise ApiUsageError(
            f"api.{method}: {name} has unknown type {kind!r}; use one of: {', '.join(FACTOR_TYPES)}"
        )
    json_safe(factor, where=f"api.{method}: {name}")


def check_factors(method: str, name: str, factors: Any, *, allow_empty: bool = False) -> None:
    if not isinstance(factors, (list, tuple)):
        raise ApiUsageError(f"api.{method}: {name} must be a list of factors, got {type(factors).__name__}")
    if not factors and not allow_empty:
        raise ApiUsageError(f"api.{method}: {name} must list at least one factor")
    for i, factor in enumerate(factors):
        check_factor(method, f"{name}[{i}]", factor)


class ChallengeApi(Namespace):
    """Challenge the user with a second factor (the part of api.authentication two triggers share)."""

    _name = "authentication"

    @api_method
    def challenge_with(self, factor: dict[str, Any], additional_factors: list[dict[str, Any]] | None = None) -> None:
        """Challenge the user with ``factor`` (e.g. {{"type": "otp"}}) at the end of the flow.

        ``additional_factors`` are offered as alternatives. Factor types: otp, recovery-code, email,
        phone, push-notification, webauthn-platform, webauthn-roaming.
        """
        check_factor("authentication.challenge_with", "factor", factor)
        if additional_factors is not None:
            check_factors("authentication.challenge_with", "additional_factors", additional_factors, allow_empty=True)

    @api_method
    def challenge_with_any(self, factors: list[dict[str, Any]]) -> None:
        """Challenge the user with any one of ``factors`` (the user chooses) at the end of the flow."""
        check_factors("authentication.challenge_with_any", "factors", factors)


class AuthenticationApi(ChallengeApi):
    """Customize how the user authenticates (MFA factors, external methods, account linking)."""

    @api_method
    def enroll_with(self, factor: dict[str, Any]) -> None:
        """Have the user enroll ``factor`` (e.g. {{"type": "webauthn-platform"}}) at the end of the flow."""
        check_factor("authentication.enroll_with", "factor", factor)

    @api_method
    def enroll_with_any(self, factors: list[dict[str, Any]]) -> None:
        """Have the user enroll any one of ``factors`` (the user chooses) at the end of the flow."""
        check_factors("authentication.enroll_with_any", "factors", factors)

    @api_method
    def record_method(self, provider_url: str) -> None:
        """Record that the user completed an external authentication method identified by ``provider_url``.

        Only allowed in on_continue_post_login (after a redirect); the method then appears in
        event.authentication.methods and the token's amr claim.
        """
        require_str("authentication.record_method", "provider_url", provider_url)
        if self._context.phase != "continue":
            raise ApiUsageError(
                "api.authentication.record_method: only allowed in on_continue_post_login (after a redirect), "
                "not in on_execute_post_login"
            )
        parts = urlsplit(provider_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ApiUsageError(
                f"api.authentication.record_method: provider_url must be an http(s) URL, got {provider_url!r}"
            )

    @api_method
    def set_primary_user(self, user_id: str) -> None:
        """Switch the login to ``user_id`` (the primary user after linking accounts)."""
        require_str("authentication.set_primary_user", "user_id", user_id)

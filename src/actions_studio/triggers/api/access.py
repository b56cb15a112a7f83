"""api.access: deny the transaction (each blocking trigger has its own signature)."""

from __future__ import annotations

from ..errors import ApiUsageError
from .recording import Namespace, api_method, require_str

CREDENTIALS_EXCHANGE_DENY_CODES = ("invalid_scope", "invalid_request", "server_error")


class PostLoginAccessApi(Namespace):
    """Deny the login."""

    _name = "access"

    @api_method
    def deny(self, reason: str) -> None:
        """Deny the login with ``reason`` (shown to the application as error_description).

        The flow stops: later actions do not run. Metadata writes queued before the deny are still
        applied.
        """
        require_str("access.deny", "reason", reason)


class CredentialsExchangeAccessApi(Namespace):
    """Deny the token request."""

    _name = "access"

    @api_method
    def deny(self, code: str, reason: str) -> None:
        """Deny the token request with an OAuth2 error ``code`` and a ``reason``.

        ``code`` is one of "invalid_scope", "invalid_request", "server_error". The flow stops: later
        actions do not run.
        """
        require_str("access.deny", "code", code)
        if code not in CREDENTIALS_EXCHANGE_DENY_CODES:
            raise ApiUsageError(
                f"api.access.deny: code {code!r} is not allowed; use one of: "
                f"{', '.join(CREDENTIALS_EXCHANGE_DENY_CODES)}"
            )
        require_str("access.deny", "reason", reason)


class PreUserRegistrationAccessApi(Namespace):
    """Deny the signup."""

    _name = "access"

    @api_method
    def deny(self, reason: str, user_message: str) -> None:
        """Deny the signup: ``reason`` goes to the tenant logs, ``user_message`` is shown to the user.

        The flow stops: later actions do not run and the user is not created.
        """
        require_str("access.deny", "reason", reason)
        require_str("access.deny", "user_message", user_message)

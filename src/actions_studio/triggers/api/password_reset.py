"""The api namespaces of password-reset-post-challenge that differ from post-login's.

From Auth0's generated reference (auth0/docs-v2, main/docs/actions/reference/
password-reset-post-challenge/password-reset-post-challenge-api-object.mdx): access.deny(reason),
authentication.challengeWith / challengeWithAny, redirect.sendUserTo / encodeToken / validateToken
(no canRedirect: a password reset always runs in a browser), cache, transaction.setResultUrl.
api.prompt.render (Forms) is not modelled, as for post-login.
"""

from __future__ import annotations

from typing import Any

from .authentication import ChallengeApi
from .recording import Namespace, api_method, require_str
from .redirect import RedirectApi, check_target


class PasswordResetAccessApi(Namespace):
    """Deny the password reset."""

    _name = "access"

    @api_method
    def deny(self, reason: str) -> None:
        """Deny the password reset with ``reason`` (it may be shown to the user).

        The user cannot set a new password. The flow stops: later actions do not run.
        """
        require_str("access.deny", "reason", reason)


class PasswordResetAuthenticationApi(ChallengeApi):
    """Challenge the user with a second factor before they may set a new password."""


class PasswordResetRedirectApi(Namespace):
    """Redirect the user during the password reset (e.g. to an identity verification service)."""

    _name = "redirect"

    @api_method
    def send_user_to(self, url: str, query: dict[str, Any] | None = None) -> None:
        """Redirect the user to ``url`` (http or https) with optional ``query`` parameters.

        The flow suspends after this action and resumes in its on_continue_post_challenge when the
        user comes back to /continue?state=...; later actions run after that. A second call replaces
        the first.
        """
        check_target("redirect.send_user_to", url, query)

    # The token helpers are post-login's very methods (same checks, same records).
    encode_token = RedirectApi.encode_token
    validate_token = RedirectApi.validate_token


class PasswordResetTransactionApi(Namespace):
    """Where the user goes once the password is reset."""

    _name = "transaction"

    @api_method
    def set_result_url(self, url: str, query: dict[str, Any] | None = None) -> None:
        """Send the user to ``url`` (http or https, with optional ``query`` parameters) after the new password is set.

        Instead of the tenant's default result page. A later call or action overrides it.
        """
        check_target("transaction.set_result_url", url, query)

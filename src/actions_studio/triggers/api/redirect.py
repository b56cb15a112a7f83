"""api.redirect: send the user to an external page and resume in on_continue_post_login."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..errors import ApiUsageError
from ..limits import REDIRECT_TOKEN_DEFAULT_EXPIRES_IN_S
from ..mappings import thaw
from . import hs256
from .recording import Namespace, api_method, json_safe, require_str

# Grants with no browser to redirect (TRIGGERS.md).
NON_INTERACTIVE_PROTOCOLS = ("oauth2-resource-owner", "oauth2-refresh-token", "oauth2-password")


def check_target(method: str, url: Any, query: Any) -> None:
    """An absolute http(s) ``url`` and an optional ``query`` of scalar parameters, or ApiUsageError."""
    require_str(method, "url", url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiUsageError(f"api.{method}: url must be an absolute http(s) URL, got {url!r}")
    if query is not None:
        if not isinstance(query, dict):
            raise ApiUsageError(f"api.{method}: query must be a dict or None, got {type(query).__name__}")
        for key, value in query.items():
            if not isinstance(key, str) or not isinstance(value, (str, int, float, bool)):
                raise ApiUsageError(
                    f"api.{method}: query parameters must map str to str/number/bool, got {key!r}: {value!r}"
                )


class RedirectApi(Namespace):
    """Redirect the user during the login."""

    _name = "redirect"

    @api_method
    def send_user_to(self, url: str, query: dict[str, Any] | None = None) -> None:
        """Redirect the user to ``url`` (http or https) with optional ``query`` parameters.

        The flow suspends after this action and resumes in its on_continue_post_login when the user
        comes back to /continue?state=...; later actions run after that. A second call replaces the
        first.
        """
        method = "redirect.send_user_to"
        check_target(method, url, query)
        if not self._allowed():
            self._warn(
                f"api.{method}: this transaction cannot redirect (protocol or prompt=none); "
                "check api.redirect.can_redirect() first — Auth0 fails the login"
            )

    @api_method
    def encode_token(
        self, payload: dict[str, Any], secret: str, expires_in_seconds: int = REDIRECT_TOKEN_DEFAULT_EXPIRES_IN_S
    ) -> str:
        """A signed HS256 JWT carrying ``payload`` plus iat, exp and sub (the user id), to pass to the redirect page.

        ``expires_in_seconds`` defaults to {REDIRECT_TOKEN_DEFAULT_EXPIRES_IN_S} (15 min). Keep ``secret`` in
        event.secrets; it is masked in the recorded calls.
        """
        method = "redirect.encode_token"
        if not isinstance(payload, dict):
            raise ApiUsageError(f"api.{method}: payload must be a dict, got {type(payload).__name__}")
        claims = json_safe(payload, where=f"api.{method}: payload")
        require_str(method, "secret", secret)
        if isinstance(expires_in_seconds, bool) or not isinstance(expires_in_seconds, int) or expires_in_seconds <= 0:
            raise ApiUsageError(f"api.{method}: expires_in_seconds must be a positive int, got {expires_in_seconds!r}")
        now_s = self._context.current_ms() // 1000
        user_id = getattr(getattr(self._event, "user", None), "user_id", None)
        if user_id is not None:
            claims.setdefault("sub", user_id)
        claims.update(iat=now_s, exp=now_s + expires_in_seconds)
        return hs256.encode(claims, secret)

    @api_method
    def validate_token(self, secret: str, token_parameter_name: str = "session_token") -> dict[str, Any]:
        """The payload of the token the redirect page sent back, after checking it.

        Reads ``token_parameter_name`` from event.request.query, else event.request.body; checks the
        HS256 signature with ``secret``, that the token has not expired and, when it carries a state
        claim, that it matches the request's state. Raises ApiUsageError naming the problem (missing,
        malformed, bad signature, expired, state mismatch).
        """
        method = "redirect.validate_token"
        require_str(method, "secret", secret)
        require_str(method, "token_parameter_name", token_parameter_name)
        request = getattr(self._event, "request", None)
        token = None
        for source in ("query", "body"):
            params = getattr(request, source, None)
            if params is not None and params.get(token_parameter_name) is not None:
                token = params.get(token_parameter_name)
                break
        if token is None:
            raise ApiUsageError(
                f"api.{method}: no {token_parameter_name!r} parameter in event.request.query or event.request.body"
            )
        if not isinstance(token, str):
            raise ApiUsageError(f"api.{method}: the {token_parameter_name!r} parameter is not a string")
        try:
            claims = hs256.decode(token, secret, now_s=self._context.current_ms() // 1000)
        except hs256.TokenError as exc:
            raise ApiUsageError(f"api.{method}: invalid {token_parameter_name!r}: {exc}") from None
        # The page must send back the state it was given; a token minted for another login is refused.
        state = request.query.get("state") if request is not None and hasattr(request, "query") else None
        if "state" in claims and state is not None and claims["state"] != state:
            raise ApiUsageError(
                f"api.{method}: invalid {token_parameter_name!r}: its state claim does not match the request's state"
            )
        return thaw(claims)

    @api_method
    def can_redirect(self) -> bool:
        """False when this transaction cannot redirect.

        That is the resource-owner, refresh-token and password grants, and prompt=none.
        """
        return self._allowed()

    def _allowed(self) -> bool:
        transaction = getattr(self._event, "transaction", None)
        if transaction is None:
            return True
        if transaction.protocol in NON_INTERACTIVE_PROTOCOLS:
            return False
        return "none" not in (transaction.prompt or ())

"""api.multifactor: require a second factor at the end of the login."""

from __future__ import annotations

from typing import Any

from ..errors import ApiUsageError
from .recording import Namespace, api_method, json_safe, require_str

MFA_PROVIDERS = ("any", "guardian", "google-authenticator", "duo", "none")


class MultifactorApi(Namespace):
    """Require multi-factor authentication."""

    _name = "multifactor"

    @api_method
    def enable(
        self,
        provider: str,
        allow_remember_browser: bool = False,
        provider_options: dict[str, Any] | None = None,
    ) -> None:
        """Require MFA with ``provider``: "any", "guardian", "google-authenticator", "duo" or "none".

        The challenge happens at the end of the flow. ``allow_remember_browser`` lets the user skip
        MFA on this browser for a while; ``provider_options`` (a dict) configures e.g. Duo.
        """
        require_str("multifactor.enable", "provider", provider)
        if provider not in MFA_PROVIDERS:
            raise ApiUsageError(
                f"api.multifactor.enable: unknown provider {provider!r}; use one of: {', '.join(MFA_PROVIDERS)}"
            )
        if not isinstance(allow_remember_browser, bool):
            raise ApiUsageError(
                "api.multifactor.enable: allow_remember_browser must be a bool, "
                f"got {type(allow_remember_browser).__name__}"
            )
        if provider_options is not None:
            if not isinstance(provider_options, dict):
                raise ApiUsageError(
                    "api.multifactor.enable: provider_options must be a dict or None, "
                    f"got {type(provider_options).__name__}"
                )
            json_safe(provider_options, where="api.multifactor.enable: provider_options")

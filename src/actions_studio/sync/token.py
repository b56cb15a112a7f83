"""Management API tokens by the client-credentials grant, renewed before they expire.

The SDK's own `TokenProvider` builds `https://{domain}/oauth/token` and cannot reach a tenant on
plain-http loopback, so the token comes from `auth0.authentication.GetToken`, which takes
`protocol="http"` (PITFALLS.md). The Management client calls `__call__` before every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from actions_studio.sync.errors import TenantAuthError, TenantRefusedError, TenantUnreachableError

# Renew this long before `expires_in` runs out, so a request never leaves with a token that
# expires in flight (a long apply outlives a short-lived token).
RENEW_BEFORE_S = 60.0


class ClientCredentials:
    def __init__(self, base_url: str, client_id: str, client_secret: str, audience: str | None = None,
                 *, timeout_s: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        parsed = urlparse(base_url)
        self._protocol = parsed.scheme or "https"
        self._domain = parsed.netloc or base_url
        self._client_id = client_id
        self._client_secret = client_secret
        self.audience = audience or f"{base_url.rstrip('/')}/api/v2/"
        self._timeout_s = timeout_s
        self._clock = clock
        self._token: str | None = None
        self.renew_at = 0.0
        self.lifetime_s = 0.0
        self._lock = threading.Lock()
        self.fetches = 0  # how many tokens were requested (tests check renewal)

    def __call__(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self.renew_at:
                self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _fetch(self) -> None:
        from auth0.authentication import GetToken
        from auth0.authentication.exceptions import Auth0Error

        getter = GetToken(self._domain, self._client_id, self._client_secret,
                          protocol=self._protocol, timeout=self._timeout_s, telemetry=False)
        try:
            answer: Any = getter.client_credentials(self.audience)
        except Auth0Error as exc:
            status = getattr(exc, "status_code", None)
            cls = TenantAuthError if status in (401, 403) else TenantRefusedError
            raise cls(f"the tenant refused the client credentials ({status}: {exc.message})",
                      status) from None
        except Exception as exc:  # requests' connection errors; the SDK does not wrap them
            raise TenantUnreachableError(
                f"no answer from {self._protocol}://{self._domain} for a token ({type(exc).__name__})"
            ) from None
        self._token = answer["access_token"]
        lifetime = float(answer.get("expires_in", 3600))
        self.lifetime_s = lifetime
        self.renew_at = self._clock() + max(lifetime - RENEW_BEFORE_S, lifetime / 2)
        self.fetches += 1

"""Management API tokens by the client-credentials grant, renewed before they expire.

`POST {base}/oauth/token` with `grant_type=client_credentials` and the audience — what the SDK's
`GetToken` sends — made with the `TenantClient`'s own httpx client, so the token request goes
through the same transport, TLS trust and rate-limit policy as every Management API call. (The
SDK's `GetToken` posts through `requests` with its own connection settings, and its
`TokenProvider` forces `https://{domain}`, which the bundled tenant on plain-http loopback is not.)
For an Auth0 domain the base is `https://DOMAIN` and the audience `https://DOMAIN/api/v2/`, as
Auth0's own clients request it. The Management client calls `__call__` before every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Optional

from actions_studio.sync.errors import (
    RateLimitedError,
    TenantAuthError,
    TenantRefusedError,
    TenantUnreachableError,
)

# Renew this long before `expires_in` runs out, so a request never leaves with a token that
# expires in flight (a long apply outlives a short-lived token).
RENEW_BEFORE_S = 60.0


class ClientCredentials:
    def __init__(self, base_url: str, client_id: str, client_secret: str, audience: str | None = None,
                 *, timeout_s: float = 10.0, clock: Callable[[], float] = time.monotonic,
                 http: Optional[Any] = None) -> None:
        """`http`: the httpx client to post with (the TenantClient's); None makes one per fetch."""
        self.base_url = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self.audience = audience or f"{self.base_url}/api/v2/"
        self._timeout_s = timeout_s
        self._clock = clock
        self._http = http
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

    def _post(self, body: dict[str, str]) -> Any:
        import httpx

        url = f"{self.base_url}/oauth/token"
        if self._http is not None:
            return self._http.post(url, json=body, timeout=self._timeout_s)
        with httpx.Client(timeout=self._timeout_s) as http:
            return http.post(url, json=body)

    def _fetch(self) -> None:
        import httpx

        body = {"grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._client_secret, "audience": self.audience}
        try:
            response = self._post(body)
        except httpx.TimeoutException:
            raise TenantUnreachableError(f"no answer from {self.base_url} for a token in time") from None
        except httpx.TransportError as exc:
            raise TenantUnreachableError(
                f"no answer from {self.base_url} for a token ({type(exc).__name__})") from None
        status = response.status_code
        if status == 429:
            # Auth0 limits the token endpoint too; TenantClient waits for the reset and retries.
            raise RateLimitedError("the tenant is rate limiting token requests", dict(response.headers))
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if status >= 400 or not isinstance(answer, dict) or "access_token" not in answer:
            why = (answer.get("error_description") or answer.get("error") or answer.get("message")
                   if isinstance(answer, dict) else None) or response.text[:200]
            cls = TenantAuthError if status in (401, 403) else TenantRefusedError
            raise cls(f"the tenant refused the client credentials ({status}: {why})", status)
        self._token = str(answer["access_token"])
        lifetime = float(answer.get("expires_in", 3600))
        self.lifetime_s = lifetime
        self.renew_at = self._clock() + max(lifetime - RENEW_BEFORE_S, lifetime / 2)
        self.fetches += 1

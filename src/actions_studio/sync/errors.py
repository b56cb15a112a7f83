"""Errors of the sync layer. `str(error)` is one line a user can act on."""

from __future__ import annotations

from typing import Optional


class SyncError(Exception):
    """Base of every sync failure explained to the user."""


class TenantUnreachableError(SyncError):
    """No answer from the tenant (refused, reset, timed out): a rerun later completes the job."""


class TenantRefusedError(SyncError):
    """The tenant answered with an error status."""

    def __init__(self, message: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.status = status


class TenantAuthError(TenantRefusedError):
    """The client credentials or the token were refused."""


class BuildFailedError(SyncError):
    """The tenant could not build a draft (a syntax error, an unresolvable dependency)."""


class LocalTenantError(SyncError):
    """The bundled tenant did not start or did not write its credentials."""


class RateLimitedError(TenantRefusedError):
    """A 429 outside the SDK (the token request): `TenantClient` waits for its reset and retries."""

    def __init__(self, message: str, headers: dict[str, str]) -> None:
        super().__init__(message, 429)
        self.headers = headers

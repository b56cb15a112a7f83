"""Bearer tokens of the Management API: verified, scoped and rate-limited per client."""

from __future__ import annotations

from typing import Any, Callable, Optional

import jwt
from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2

from .bootstrap import MANAGEMENT_SCOPES
from .context import TenantContext, get_ctx
from .errors import ApiError
from .ratelimit import RateLimiter

Claims = dict[str, Any]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing authentication: send 'Authorization: Bearer <access token>'",
                       "missing_token", headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


# What /openapi.json says of the Management API's tokens, and of the scope each operation needs
# (`Security(..., scopes=[scope])` below). auto_error=False: `_bearer` gives the 401 in Auth0's shape.
MANAGEMENT_API = OAuth2(
    flows=OAuthFlows(clientCredentials=OAuthFlowClientCredentials(
        tokenUrl="/oauth/token", scopes={scope: scope for scope in MANAGEMENT_SCOPES})),
    scheme_name="managementApi", auto_error=False,
    description="a bearer access token from POST /oauth/token (grant client_credentials, audience "
                "<base URL>/api/v2/)")


def require(scope: str) -> Callable[..., Claims]:
    """A dependency: 401 without a valid token, 403 without `scope`, 429 past the client's rate."""

    # async on purpose: an RS256 check is ~50 µs, cheaper than a hop to the thread pool.
    async def dependency(request: Request, ctx: TenantContext = Depends(get_ctx),
                         _documented: Optional[str] = Security(MANAGEMENT_API, scopes=[scope])) -> Claims:
        token = _bearer(request)
        try:
            claims = ctx.key.verify(token, audience=ctx.config.management_audience,
                                    issuer=ctx.config.issuer)
        except jwt.ExpiredSignatureError:
            raise ApiError(401, "Expired token", "token_expired",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        except (jwt.InvalidTokenError, ValueError):
            raise ApiError(401, "Invalid token", "invalid_token",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        wait = ctx.limiter.take(str(claims.get('azp') or claims.get('sub')))
        if wait:
            raise ApiError(429, "Global limit has been reached", "too_many_requests",
                           headers={"Retry-After": RateLimiter.retry_after(wait)})
        granted = str(claims.get("scope", "")).split()
        if scope not in granted:
            raise ApiError(403, f"Insufficient scope, expected any of: {scope}", "insufficient_scope")
        return claims

    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    return dependency

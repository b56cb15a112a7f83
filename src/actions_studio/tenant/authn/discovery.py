"""`/.well-known/jwks.json` and `/.well-known/openid-configuration`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ..context import TenantContext, get_ctx

router = APIRouter(tags=["discovery"])


@router.get("/.well-known/jwks.json")
async def jwks(ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    return {"keys": [ctx.key.public_jwk]}


@router.get("/.well-known/openid-configuration")
async def openid_configuration(ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    base = ctx.config.base_url
    return {
        "issuer": ctx.config.issuer,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "grant_types_supported": ["client_credentials", "password",
                                  "http://auth0.com/oauth/grant-type/password-realm",
                                  "authorization_code"],
        "scopes_supported": ["openid", "profile", "email"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "email", "email_verified", "name",
                             "nickname", "picture"],
    }

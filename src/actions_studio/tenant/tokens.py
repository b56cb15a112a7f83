"""Access and ID tokens (RS256 JWTs signed with the tenant's key)."""

from __future__ import annotations

import secrets
from typing import Any, Optional

from .context import TenantContext
from .keys import epoch

# Claims an action may not set: Auth0 silently ignores them (TRIGGERS.md, custom claims).
RESERVED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "scope",
                             "gty", "auth_time", "nonce", "acr", "amr", "at_hash", "c_hash",
                             "sid", "org_id", "permissions"})


def custom(claims: Optional[dict[str, Any]]) -> dict[str, Any]:
    return {k: v for k, v in (claims or {}).items() if k not in RESERVED_CLAIMS}


def access_token(ctx: TenantContext, *, sub: str, audience: str | list[str], client_id: str,
                 scope: list[str], gty: str, claims: Optional[dict[str, Any]] = None,
                 lifetime_s: Optional[int] = None) -> tuple[str, int]:
    now = epoch()
    lifetime = lifetime_s or ctx.config.token_lifetime_s
    body = {**custom(claims), "iss": ctx.config.issuer, "sub": sub, "aud": audience, "iat": now,
            "exp": now + lifetime, "scope": " ".join(scope), "gty": gty, "azp": client_id,
            "jti": secrets.token_hex(8)}
    return ctx.key.sign(body, typ="at+jwt"), lifetime


def id_token(ctx: TenantContext, *, user: dict[str, Any], client_id: str,
             claims: Optional[dict[str, Any]] = None, nonce: Optional[str] = None) -> str:
    now = epoch()
    profile = {k: user.get(k) for k in ("email", "email_verified", "name", "nickname", "picture",
                                        "updated_at") if user.get(k) is not None}
    body = {**profile, **custom(claims), "iss": ctx.config.issuer, "sub": user["user_id"],
            "aud": client_id, "iat": now, "exp": now + 36000, "auth_time": now}
    if nonce:
        body["nonce"] = nonce
    return ctx.key.sign(body)

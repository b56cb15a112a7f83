"""The one object every endpoint reaches the tenant through (no global accessors: STYLE.md habit 6)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from actions_studio.runtime import Sandbox

from .config import TenantConfig
from .keys import SigningKey
from .passwords import Passwords
from .pending import Pending
from .ratelimit import RateLimiter
from .store import Database


@dataclass
class TenantContext:
    config: TenantConfig
    db: Database
    key: SigningKey
    passwords: Passwords
    sandbox: Sandbox
    limiter: RateLimiter            # Management API, per client
    auth_limiter: RateLimiter       # authentication endpoints, per client
    credentials: dict[str, Any]
    tenant_id: str
    # Pending logins, suspended flows, codes (pending.py says why they live in memory only).
    pending: Pending = field(default_factory=Pending)


async def get_ctx(request: Request) -> TenantContext:
    # async: a plain `def` dependency would cost a thread-pool hop on every request.
    return request.app.state.ctx

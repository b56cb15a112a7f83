"""The one object every endpoint reaches the tenant through (no global accessors: STYLE.md habit 6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from fastapi import Request

from actions_studio.runtime import Sandbox

from .attack_protection import AttackProtection
from .build_queue import BuildQueue
from .config import TenantConfig
from .flow_cache import FlowCache
from .folder_lock import DataFolderLock
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
    protection: AttackProtection    # brute-force counters and IP throttling, in the store
    # Pending logins, suspended flows, codes: in the store, shared by every process (pending.py).
    pending: Pending
    # The dependency build queue, in the store too; this process's builders run from it.
    builds: BuildQueue
    # The data folder's lock when this context took it (folder_lock.py); released on close.
    folder_lock: Optional[DataFolderLock] = None
    # The bound flows this process loaded, kept while the store's flow generation is unchanged.
    flows: FlowCache = field(default_factory=FlowCache)

    def close(self) -> None:
        self.builds.close()
        self.db.close()
        if self.folder_lock is not None:
            self.folder_lock.release()


async def get_ctx(request: Request) -> TenantContext:
    # async: a plain `def` dependency would cost a thread-pool hop on every request.
    return request.app.state.ctx

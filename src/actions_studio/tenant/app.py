"""The tenant's FastAPI application: store, key, bootstrap, sandbox and routers wired together."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Optional

import anyio.to_thread
import sqlalchemy as sa
from fastapi import FastAPI

from actions_studio.runtime import Sandbox

from . import callbacks, health, keys, openapi
from .attack_protection import AttackProtection
from .build import dependency_errors
from .build_queue import BuildQueue
from .authn import authorize, discovery, oauth, passwordless, signup
from .authn import email_verification, password_reset
from .bodylimit import BodyLimit
from .bootstrap import DB_CONNECTION, DEMO_CALLBACKS, SMS_CONNECTION, ensure_tenant
from .config import TenantConfig
from .context import TenantContext
from .errors import install_handlers
from .folder_lock import DataFolderLock
from .management import actions, clients, executions, logs, triggers, user_blocks, users
from .management import token_exchange_profiles
from .passwords import Passwords
from .pending import Pending
from .ratelimit import RateLimiter
from .store import Database, schema, sqlite_url

log = logging.getLogger("actions_studio.tenant")


def open_context(config: TenantConfig, sandbox: Optional[Sandbox] = None,
                 folder_lock: Optional[DataFolderLock] = None) -> TenantContext:
    """`folder_lock`: the data folder's lock when the caller took it (`serve` does, to refuse a second
    server before binding); otherwise it is taken here and released by `TenantContext.close`."""
    owned = folder_lock is None
    lock = DataFolderLock.acquire(config.data_dir, config.base_url) if folder_lock is None else folder_lock
    try:
        return _open(config, sandbox, lock if owned else None)
    except BaseException:
        if owned:
            lock.release()
        raise


def _open(config: TenantConfig, sandbox: Optional[Sandbox], owned_lock: Optional[DataFolderLock]
          ) -> TenantContext:
    db = Database(config.database_url or sqlite_url(config.data_dir), processes=config.workers)
    passwords = Passwords(ttl_s=config.password_memo_ttl_s, memory_kib=config.argon2_memory_kib,
                          time_cost=config.argon2_time_cost)
    try:
        key = keys.load_or_create(db)
        credentials = ensure_tenant(config, db, passwords)
        with db.read() as conn:
            tenant_id = conn.execute(sa.select(schema.setting.c.value)
                                     .where(schema.setting.c.key == "tenant_id")).scalar_one()
    except BaseException:
        db.close()
        raise
    return TenantContext(config=config, db=db, key=key, passwords=passwords,
                         sandbox=sandbox or Sandbox(config.sandbox_limits, warm=config.warm_sandbox),
                         limiter=RateLimiter(db, "mgmt", config.rate_limit_per_s, config.rate_limit_burst),
                         auth_limiter=RateLimiter(db, "auth", config.auth_rate_limit_per_s,
                                                  config.auth_rate_limit_burst),
                         credentials=credentials, tenant_id=str(tenant_id),
                         protection=AttackProtection(config.attack_protection), pending=Pending(db),
                         builds=BuildQueue(db, dependency_errors).start(), folder_lock=owned_lock)


def freeze_startup_objects() -> None:
    """Moves everything alive once the server has started (modules, routes, schemas, the store's
    engine: ~150,000 objects) out of the cyclic garbage collector's reach for good. Left in, they
    are traversed by every full collection: 95-140 ms with the GIL held, once every ~8 s at
    saturation — a pause every in-flight login waits out, and the p99 of a paced run
    (bench/bench_tenant.py --teams). Refcounting still frees them. For a server process only: a
    process that creates and drops many apps (the test suite) would keep their cycles forever."""
    gc.collect()
    gc.freeze()


def create_app(config: TenantConfig, sandbox: Optional[Sandbox] = None,
               folder_lock: Optional[DataFolderLock] = None, *,
               freeze_after_start: bool = False) -> FastAPI:
    """`sandbox`: an existing one to share (tests); otherwise the app starts and stops its own.
    `folder_lock`: the data folder's lock, already held by the caller (see `open_context`).
    `freeze_after_start`: a server process's app (`freeze_startup_objects`)."""
    owns_sandbox = sandbox is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Flows block a worker thread for their whole duration; the default 40 would cap
        # concurrent logins below the 50.
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.worker_threads
        ctx = await anyio.to_thread.run_sync(open_context, config, sandbox, folder_lock)
        app.state.ctx = ctx
        if freeze_after_start:
            freeze_startup_objects()
        log.info("tenant ready at %s (data: %s)", config.base_url, config.data_dir)
        try:
            yield
        finally:
            if owns_sandbox:
                await anyio.to_thread.run_sync(ctx.sandbox.close)
            ctx.close()

    app = FastAPI(title="Actions Studio tenant",
                  description="Auth0 Management API v2 (Actions, users, logs) and the authentication "
                              "endpoints that run the bound flows.",
                  version="1", lifespan=lifespan)
    install_handlers(app)
    for module in (health, discovery, oauth, authorize, signup, passwordless, password_reset, email_verification, actions, triggers, executions, users,
                   user_blocks, clients, logs, token_exchange_profiles):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, limit=config.max_body_bytes)
    openapi.install(app, lambda: _tenant_values(app),
                    {**_by_strategy([(DB_CONNECTION, "auth0"), (SMS_CONNECTION, "sms")]),
                     "redirect_uris": callbacks.any_of(DEMO_CALLBACKS)})
    return app


def _tenant_values(app: FastAPI) -> Optional[dict[str, Any]]:
    """What /openapi.json says of `connection`/`realm` fields and of `redirect_uri` (openapi.py)."""
    ctx = getattr(app.state, "ctx", None)
    if ctx is None:
        return None
    with ctx.db.read() as conn:
        connections = conn.execute(sa.select(schema.connection.c.name, schema.connection.c.strategy)
                                   .order_by(schema.connection.c.name)).all()
        clients = conn.execute(sa.select(schema.client.c.grant_types, schema.client.c.callbacks)).all()
    registered = [cb for c in clients if "authorization_code" in c.grant_types for cb in c.callbacks]
    return {**_by_strategy([(r.name, r.strategy) for r in connections]),
            "redirect_uris": callbacks.any_of(registered)}


def _by_strategy(connections: list[tuple[str, str]]) -> dict[str, list[str]]:
    return {"connections": [n for n, _ in connections],
            "database_connections": [n for n, s in connections if s == "auth0"],
            "other_connections": [n for n, s in connections if s != "auth0"],
            "sms_connections": [n for n, s in connections if s == "sms"]}

"""tenant layer: the bundled tenant server (docs/tenant.md).

FastAPI on uvicorn: the Management API v2 (Actions, users, logs), authentication endpoints that run
the bound flows in the runtime's sandbox, executions and logs. Its own store (SQLite by default, any
SQLAlchemy URL). Importing this package loads nothing heavy; `create_app` builds the application.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .config import TenantConfig


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app
        return create_app
    if name == "TenantConfig":
        from .config import TenantConfig
        return TenantConfig
    raise AttributeError(name)


__all__ = ["TenantConfig", "create_app"]

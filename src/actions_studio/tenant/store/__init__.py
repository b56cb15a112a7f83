"""The tenant server's own store (not the studio's workspace)."""

from . import schema
from .db import Database, new_id, now_iso, sqlite_url

__all__ = ["Database", "new_id", "now_iso", "schema", "sqlite_url"]

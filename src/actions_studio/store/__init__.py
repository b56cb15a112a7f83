"""The workspace store: one SQLite file, SQLModel tables, migrations, repository functions.

The only importer of sqlmodel for the workspace (DESIGN.md). Services open a `Database`, run
repository functions inside `db.read()` / `db.write()` transactions and get frozen records back.

`Database` is loaded on first use rather than with the package: importing it loads SQLAlchemy and
SQLModel (~0.3 s), and the studio's start reads the actions it shows through `start_view`
(the standard library's sqlite3) before that (issue 12 item 10).
"""

from typing import TYPE_CHECKING, Any

from actions_studio.store.errors import (
    SchemaTooNewError,
    StoreError,
    WorkspaceBusyError,
    WorkspaceCorruptError,
)

if TYPE_CHECKING:
    from actions_studio.store.db import Database

__all__ = ["Database", "SchemaTooNewError", "StoreError", "WorkspaceBusyError",
           "WorkspaceCorruptError"]


def __getattr__(name: str) -> Any:
    if name == "Database":
        from actions_studio.store.db import Database

        return Database
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

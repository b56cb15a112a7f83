"""The workspace store: one SQLite file, SQLModel tables, migrations, repository functions.

The only importer of sqlmodel for the workspace (DESIGN.md). Services open a `Database`, run
repository functions inside `db.read()` / `db.write()` transactions and get frozen records back.
"""

from actions_studio.store.db import Database
from actions_studio.store.errors import (
    SchemaTooNewError,
    StoreError,
    WorkspaceBusyError,
    WorkspaceCorruptError,
)

__all__ = ["Database", "SchemaTooNewError", "StoreError", "WorkspaceBusyError",
           "WorkspaceCorruptError"]

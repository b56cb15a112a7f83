"""The tenant upgrades its own store on start (issue 18): Alembic's `upgrade head`, on one
connection, in one transaction.

The revisions live in `migrations/versions/`; the first is the schema from before Alembic (it
creates only the tables a store lacks), so a store of any earlier version and an empty database take
the same path. Several processes may start at once on one PostgreSQL database (`serve --workers`,
or servers on several hosts): an advisory lock lets one upgrade while the others wait and then find
nothing to do. On SQLite, `BEGIN IMMEDIATE` does the same.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x5EED_A1E3  # the advisory lock's key (any constant other than the writers')


def _config():  # noqa: ANN202 - alembic.config.Config, imported late (it costs ~0.3 s)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None
    return found


def current(engine: Engine) -> str | None:
    """The store's revision (None: never versioned, or empty)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class StoreTooNew(RuntimeError):
    """The store was upgraded by a newer version of the tenant: this one cannot know its schema."""


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    config = _config()
    known = {r.revision for r in ScriptDirectory.from_config(config).walk_revisions()}
    stored = current(engine)
    if stored is not None and stored not in known:
        raise StoreTooNew(
            f"the tenant's store is at revision '{stored}', which this version does not know: a newer "
            "version of Actions Studio upgraded it. Run that version (or newer), or give this one "
            "another store; nothing was changed")
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(writer=True)     # BEGIN IMMEDIATE (db._sqlite_begin)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, target)

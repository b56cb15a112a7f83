"""Alembic's environment for the tenant's store: always run through `store/migrate.py`, on the
connection it passes (the tenant upgrades its own store on start; there is no alembic.ini)."""

from alembic import context

from actions_studio.tenant.store.schema import metadata

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

"""Alembic versions the tenant's store (issue 18): the revisions build exactly the schema the code
declares, and a store from before Alembic — with data in it — upgrades on start and keeps it all.
Both run on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from actions_studio.tenant.store import migrate, schema

from .conftest import deploy_flow, start_tenant


def test_the_revisions_build_exactly_the_declared_schema(tmp_path, store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = store.database(store.url(), tmp_path)
    try:
        with db.read() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), schema.metadata)
        assert differences == [], "schema.py and migrations/versions disagree: add a revision"
        assert migrate.current(db.engine) == migrate.head()
    finally:
        db.close()


def test_a_store_from_before_alembic_upgrades_on_start_and_keeps_its_data(tmp_path, sandbox, store) -> None:
    url, data = store.url(), tmp_path / "data"
    first = start_tenant(data, sandbox, database_url=url)
    try:
        mgmt = first.sdk()
        deploy_flow(mgmt, "post-login", [("stamp", '''
def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://kept/plan", "pro")
''')])
        demo = first.creds["demo_user"]
        before = first.app_tokens().login(demo["email"], demo["password"], realm=first.creds["connection"])
    finally:
        first.stop()
    # What a tenant from before Alembic (and before attack protection's table) left behind: the
    # baseline's tables but attack_counter, no alembic_version, nothing a later revision added.
    baseline = _baseline_tables(tmp_path)
    db = store.database(url, data)
    with db.write() as conn:
        for name in sa.inspect(conn).get_table_names():
            if name not in baseline or name == "attack_counter":
                conn.execute(sa.text(f'DROP TABLE "{name}"'))
    db.engine.dispose()
    second = start_tenant(data, sandbox, database_url=url)
    try:
        demo = second.creds["demo_user"]
        after = second.app_tokens().login(demo["email"], demo["password"], realm=second.creds["connection"])
        claims = __import__("jwt").decode(after["access_token"], options={"verify_signature": False})
        assert claims["https://kept/plan"] == "pro"        # the deployed flow survived
        assert before["access_token"] != after["access_token"]
        [user] = second.sdk().users.list_users_by_email(email=demo["email"])
        assert user.logins_count == 2                      # the user's history too
    finally:
        second.stop()
    db = store.database(url, data)
    try:
        assert migrate.current(db.engine) == migrate.head()
        assert "attack_counter" in sa.inspect(db.engine).get_table_names()
    finally:
        db.close()


def test_a_store_of_a_newer_version_is_refused_naming_the_revision(tmp_path, store) -> None:
    url = store.url()
    db = store.database(url, tmp_path)
    with db.write() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    db.close()
    with pytest.raises(RuntimeError, match="revision 'from_the_future'.*newer version"):
        store.database(url, tmp_path)


def _baseline_tables(tmp_path) -> set[str]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'baseline.sqlite'}")
    try:
        migrate.upgrade(engine, "0001_baseline")
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()

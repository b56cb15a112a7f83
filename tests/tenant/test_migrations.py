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


FLOW_GENERATION = "0004_flow_generation"


def _generation(conn) -> list[tuple[int, int]]:
    return [tuple(row) for row in conn.execute(sa.text("SELECT id, generation FROM flow_generation"))]


def _bump_by_one_write(db, name: str) -> tuple[int, int]:
    """The generation before and after inserting one action."""
    with db.write() as conn:
        [(_, before)] = _generation(conn)
        now = "2026-12-07T00:00:00.000Z"
        conn.execute(schema.action.insert().values(
            id=f"act_{name}", name=name, supported_triggers=[], code="", dependencies=[], runtime="python3",
            secrets=[], status="built", errors=[], last_number=0, all_changes_deployed=True,
            created_at=now, updated_at=now))
        [(_, after)] = _generation(conn)
    return before, after


@pytest.mark.parametrize("row", ["kept", "deleted"])
def test_the_flow_generation_revision_runs_again_over_its_own_table_and_triggers(tmp_path, store, row) -> None:
    # A store that has revision 0004's table, row and triggers but is stamped before it (its
    # revision record restored from an older backup, an operator's replay): 0004 runs again and
    # keeps what is there — no "table already exists", the generation not reset, no trigger twice.
    url = store.url()
    db = store.database(url, tmp_path)
    try:
        assert _bump_by_one_write(db, "first") == (1, 2)
        with db.write() as conn:
            if row == "deleted":
                conn.execute(sa.text("DELETE FROM flow_generation"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0003_execution_events'"))
    finally:
        db.close()
    db = store.database(url, tmp_path)           # upgrades on open: 0004 again
    try:
        assert migrate.current(db.engine) == migrate.head()
        with db.read() as conn:
            assert _generation(conn) == ([(1, 2)] if row == "kept" else [(1, 1)])
        before, after = _bump_by_one_write(db, "second")
        assert after == before + 1                # each trigger once
        third = _bump_by_one_write(db, "third")[1]
        assert third == after + 1
        with db.write() as conn:                  # 0005's triggers, made again: once each too
            conn.execute(schema.client.insert().values(client_id="cli_again", name="again", secret_sha256="x",
                                                       app_type="spa", grant_types=[], metadata={}, callbacks=[]))
            assert _generation(conn) == [(1, third + 1)]
    finally:
        db.close()


def test_the_flow_generation_revision_upgrades_a_store_that_has_its_table(tmp_path, store) -> None:
    # The table alone already there (made by schema.py's create_all, say): 0004 adds the row and
    # the triggers around it.
    url = store.url()
    db = store.database(url, tmp_path)
    try:
        with db.write() as conn:
            for name in sa.inspect(conn).get_table_names():
                conn.execute(sa.text(f'DROP TABLE "{name}" CASCADE' if store.is_postgresql else f'DROP TABLE "{name}"'))
        migrate.upgrade(db.engine, "0003_execution_events")
        schema.flow_generation.create(db.engine)
        migrate.upgrade(db.engine)
        assert migrate.current(db.engine) == migrate.head()
        with db.read() as conn:
            assert _generation(conn) == [(1, 1)]
        assert _bump_by_one_write(db, "first") == (1, 2)
    finally:
        db.close()


def _baseline_tables(tmp_path) -> set[str]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'baseline.sqlite'}")
    try:
        migrate.upgrade(engine, "0001_baseline")
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()

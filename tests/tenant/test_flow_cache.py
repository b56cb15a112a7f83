"""The flows a server process keeps (tenant/flow_cache.py, issue 18): read once per flow
generation, and every deploy, bind, secret change or delete — made through another server process,
or by SQL behind every server — is seen by the next read. A `FlowCache` on a `Database` of its own
stands for a second worker beside the running tenant; both halves of the suite run it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error

from actions_studio.tenant.bootstrap import secret_sha256
from actions_studio.tenant.flow_cache import FlowCache, generation
from actions_studio.tenant.store import schema

from .conftest import deploy_flow

CLAIM = '''
def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://cache/v", "{v}")
'''


def _other_worker(tenant_factory, store, tmp_path):
    running = tenant_factory()
    db = store.database(running.database_url, running.data_dir)
    return running, db, FlowCache()


def _flow(db, cache: FlowCache) -> list:
    with db.read() as conn:
        return cache.flow(conn, "post-login")


def test_a_kept_flow_is_read_once_and_every_change_by_another_process_is_seen(tenant_factory, store,
                                                                               tmp_path) -> None:
    running, db, cache = _other_worker(tenant_factory, store, tmp_path)
    try:
        mgmt = running.sdk()
        assert _flow(db, cache) == [] and cache.loads == 1
        [action_id] = deploy_flow(mgmt, "post-login", [("cached", CLAIM.format(v="one"))])
        [source] = _flow(db, cache)                       # the bind, made by the other process
        assert (source.version, "one" in source.code) == (1, True) and cache.loads == 2
        assert [s.code for s in _flow(db, cache)] == [source.code] and cache.loads == 2   # kept

        mgmt.actions.update(action_id, code=CLAIM.format(v="two"))   # a draft edit: deployed code stays
        assert [(s.version, "one" in s.code) for s in _flow(db, cache)] == [(1, True)]
        mgmt.actions.deploy(action_id)                    # a deploy of a new version
        assert [(s.version, "two" in s.code) for s in _flow(db, cache)] == [(2, True)]

        mgmt.actions.update(action_id, secrets=[{"name": "API_KEY", "value": "first"}])
        assert [dict(s.secrets) for s in _flow(db, cache)] == [{"API_KEY": "first"}]
        mgmt.actions.update(action_id, secrets=[{"name": "API_KEY", "value": "second"}])
        assert [dict(s.secrets) for s in _flow(db, cache)] == [{"API_KEY": "second"}]

        loads = cache.loads
        with db.write() as conn:                          # an operator's SQL, behind every server
            conn.execute(sa.delete(schema.binding).where(schema.binding.c.trigger_id == "post-login"))
        assert _flow(db, cache) == [] and cache.loads == loads + 1
    finally:
        db.close()


def test_a_kept_source_cannot_be_changed_in_place_by_a_caller(tenant_factory, store, tmp_path) -> None:
    running, db, cache = _other_worker(tenant_factory, store, tmp_path)
    try:
        [action_id] = deploy_flow(running.sdk(), "post-login", [("frozen", CLAIM.format(v="x"))])
        running.sdk().actions.update(action_id, secrets=[{"name": "K", "value": "v"}])
        [source] = _flow(db, cache)
        try:
            source.secrets["K"] = "changed"               # type: ignore[index]
        except TypeError:
            pass
        assert dict(_flow(db, cache)[0].secrets) == {"K": "v"}
        assert dict(source.for_sandbox(()).secrets) == {"K": "v"}   # the sandbox gets a copy of its own
    finally:
        db.close()


def test_every_write_to_the_flow_tables_bumps_the_generation(tmp_path, store) -> None:
    db = store.database(store.url(), tmp_path)
    try:
        with db.read() as conn:
            start = generation(conn)
        stamp = "2026-01-01T00:00:00.000Z"
        action = {"id": "act_gen", "name": "gen", "supported_triggers": [], "code": "", "dependencies": [],
                  "runtime": "python3", "secrets": [], "status": "built", "errors": [], "last_number": 0,
                  "all_changes_deployed": False, "created_at": stamp, "updated_at": stamp}
        writes = [
            sa.insert(schema.action).values(**action),
            sa.insert(schema.action_version).values(
                id="ver_gen", action_id="act_gen", number=1, code="", dependencies=[], runtime="python3",
                secret_names=[], supported_triggers=[], status="built", errors=[], created_at=stamp,
                updated_at=stamp),
            sa.update(schema.action).where(schema.action.c.id == "act_gen").values(deployed_version_id="ver_gen"),
            sa.insert(schema.binding).values(id="bnd_gen", trigger_id="post-login", position=0,
                                             action_id="act_gen", display_name="gen", created_at=stamp,
                                             updated_at=stamp),
            sa.update(schema.binding).where(schema.binding.c.id == "bnd_gen").values(position=1),
            sa.delete(schema.binding).where(schema.binding.c.id == "bnd_gen"),
            sa.update(schema.action_version).where(schema.action_version.c.id == "ver_gen").values(status="x"),
            sa.delete(schema.action).where(schema.action.c.id == "act_gen"),   # its version goes with it
        ]
        seen = [start]
        for statement in writes:
            with db.write() as conn:
                conn.execute(statement)
            with db.read() as conn:
                seen.append(generation(conn))
        assert all(later > earlier for earlier, later in zip(seen, seen[1:])), seen
        directory = [
            sa.insert(schema.client).values(client_id="cli_gen", name="gen", secret_sha256="x", app_type="spa",
                                            grant_types=[], metadata={}, callbacks=[]),
            sa.update(schema.client).where(schema.client.c.client_id == "cli_gen").values(name="gen 2"),
            sa.delete(schema.client).where(schema.client.c.client_id == "cli_gen"),
            sa.insert(schema.connection).values(id="con_gen", name="gen", strategy="auth0", metadata={}),
            sa.update(schema.connection).where(schema.connection.c.id == "con_gen").values(metadata={"a": 1}),
            sa.delete(schema.connection).where(schema.connection.c.id == "con_gen"),
        ]
        for statement in directory:                       # what a login keeps besides its flow
            with db.write() as conn:
                conn.execute(statement)
            with db.read() as conn:
                seen.append(generation(conn))
        assert all(later > earlier for earlier, later in zip(seen, seen[1:])), seen
        with db.write() as conn:                          # other tables leave it alone
            conn.execute(sa.update(schema.user).values(logins_count=schema.user.c.logins_count))
        with db.read() as conn:
            assert generation(conn) == seen[-1]
    finally:
        db.close()


def test_a_kept_application_and_connection_are_read_once_and_every_change_is_seen(tenant_factory, store,
                                                                                  tmp_path) -> None:
    running, db, cache = _other_worker(tenant_factory, store, tmp_path)
    app_id, realm = running.creds["application"]["client_id"], running.creds["connection"]
    try:
        with db.read() as conn:
            kept = cache.at(conn)
            client, connection = kept.client(app_id), kept.connection(realm)
            assert (client["client_id"], connection["name"], cache.row_loads) == (app_id, realm, 2)
            client["grant_types"].clear()                 # a caller's own copy, nested lists too
            assert kept.client(app_id)["grant_types"] and cache.row_loads == 2     # kept
            assert kept.client("no-such-client") is None and kept.client("no-such-client") is None
            assert cache.row_loads == 4                   # what is not found is read each time
        running.sdk().clients.update(app_id, name="renamed by the other process")
        with db.read() as conn:
            assert cache.at(conn).client(app_id)["name"] == "renamed by the other process"
        with db.write() as conn:                          # an operator's SQL, behind every server
            conn.execute(sa.update(schema.connection).where(schema.connection.c.name == realm)
                         .values(metadata={"region": "eu"}))
        with db.read() as conn:
            assert cache.at(conn).connection(realm)["metadata"] == {"region": "eu"}
            assert cache.row_loads == 6
    finally:
        db.close()


def test_a_login_sees_a_rotated_secret_and_a_removed_grant_at_once(tenant_factory, store, tmp_path) -> None:
    # The running tenant keeps its application after the first login; a change made behind it (SQL
    # through a Database of its own, as another worker or an operator would) holds at the next.
    running, db, _ = _other_worker(tenant_factory, store, tmp_path)
    creds, app = running.creds, running.creds["application"]
    user = creds["demo_user"]

    def login(secret: str) -> dict:
        return GetToken(running.domain, app["client_id"], client_secret=secret, protocol="http").login(
            user["email"], user["password"], realm=creds["connection"])

    def change(**values) -> None:
        with db.write() as conn:
            conn.execute(sa.update(schema.client).where(schema.client.c.client_id == app["client_id"])
                         .values(**values))

    try:
        assert login(app["client_secret"])["access_token"]
        change(secret_sha256=secret_sha256("a rotated secret"))
        with pytest.raises(Auth0Error) as old:
            login(app["client_secret"])
        assert old.value.status_code == 401
        assert login("a rotated secret")["access_token"]
        with db.read() as conn:
            grants = conn.execute(sa.select(schema.client.c.grant_types)
                                  .where(schema.client.c.client_id == app["client_id"])).scalar_one()
        change(grant_types=[g for g in grants if "password" not in g])
        with pytest.raises(Auth0Error) as refused:
            login("a rotated secret")
        assert (refused.value.status_code, refused.value.error_code) == (403, "unauthorized_client")
    finally:
        db.close()

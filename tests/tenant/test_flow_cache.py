"""The flows a server process keeps (tenant/flow_cache.py, issue 18): read once per flow
generation, and every deploy, bind, secret change or delete — made through another server process,
or by SQL behind every server — is seen by the next read. A `FlowCache` on a `Database` of its own
stands for a second worker beside the running tenant; both halves of the suite run it."""

from __future__ import annotations

import sqlalchemy as sa

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
        with db.write() as conn:                          # other tables leave it alone
            conn.execute(sa.update(schema.user).values(logins_count=schema.user.c.logins_count))
        with db.read() as conn:
            assert generation(conn) == seen[-1]
    finally:
        db.close()

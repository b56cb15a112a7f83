"""A login's writes — the flow's metadata changes, the user's login count, the execution, its
recorded event and the log — are one transaction (issue 18): when the store refuses any of them,
none is kept, no token is issued, and the answer says so. The refusal is the database's own (a
trigger that refuses the login's log line), on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import httpx
import jwt
import sqlalchemy as sa

from actions_studio.tenant.store import schema

from .conftest import deploy_flow

FLOW = '''
def on_execute_post_login(event, api):
    api.user.set_app_metadata("plan", "pro")
    api.access_token.set_custom_claim("https://write/plan", "pro")
'''

REFUSE = {
    "sqlite": ["CREATE TRIGGER refuse_login_log BEFORE INSERT ON log_event WHEN NEW.type = 's' "
               "BEGIN SELECT RAISE(ABORT, 'the log refuses this login'); END"],
    "postgresql": ["CREATE FUNCTION refuse_login_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "IF NEW.type = 's' THEN RAISE EXCEPTION 'the log refuses this login'; END IF; "
                   "RETURN NEW; END $$",
                   "CREATE TRIGGER refuse_login_log BEFORE INSERT ON log_event FOR EACH ROW "
                   "EXECUTE FUNCTION refuse_login_log()"],
}
ALLOW = {"sqlite": ["DROP TRIGGER refuse_login_log"],
         "postgresql": ["DROP TRIGGER refuse_login_log ON log_event", "DROP FUNCTION refuse_login_log()"]}


def _stored(db, user_id: str) -> dict:
    with db.read() as conn:
        user = conn.execute(sa.select(schema.user.c.logins_count, schema.user.c.app_metadata)
                            .where(schema.user.c.user_id == user_id)).one()
        count = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                 for t in (schema.execution, schema.execution_event, schema.log_event)}
    return {"logins_count": user.logins_count, "app_metadata": user.app_metadata, **count}


def _run(db, statements: list[str]) -> None:
    with db.write() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))


def test_a_login_whose_write_fails_keeps_nothing_and_says_so(tenant_factory, store) -> None:
    running = tenant_factory()
    deploy_flow(running.sdk(), "post-login", [("plan-writer", FLOW)])
    app, demo = running.creds["application"], running.creds["demo_user"]
    form = {"grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": demo["email"], "password": demo["password"],
            "realm": running.creds["connection"], "scope": "openid"}
    db = store.database(running.database_url, running.data_dir)
    try:
        with db.read() as conn:
            user_id = conn.execute(sa.select(schema.user.c.user_id)
                                   .where(schema.user.c.email == demo["email"])).scalar_one()
        before = _stored(db, user_id)
        assert "plan" not in before["app_metadata"]
        _run(db, REFUSE[store.kind])
        with httpx.Client(base_url=running.base_url, timeout=30) as http:
            refused = http.post("/oauth/token", data=form)
            assert refused.status_code == 500, refused.text
            body = refused.json()
            assert body["error"] == "server_error" and "access_token" not in body
            assert "the log refuses this login" in body["error_description"]
            assert "nothing of it was kept" in body["error_description"]
            # Not the user's count, not the flow's metadata, not the execution, its event or any log.
            assert _stored(db, user_id) == before

            _run(db, ALLOW[store.kind])
            accepted = http.post("/oauth/token", data=form)
            assert accepted.status_code == 200, accepted.text
        claims = jwt.decode(accepted.json()["access_token"], options={"verify_signature": False})
        assert claims["https://write/plan"] == "pro"
        after = _stored(db, user_id)
        assert after == {"logins_count": before["logins_count"] + 1,
                         "app_metadata": {**before["app_metadata"], "plan": "pro"},
                         schema.execution.name: before[schema.execution.name] + 1,
                         schema.execution_event.name: before[schema.execution_event.name] + 1,
                         schema.log_event.name: before[schema.log_event.name] + 1}
    finally:
        db.close()


def test_a_password_login_reads_in_one_connection_and_writes_in_one(tenant_factory, store) -> None:
    """What a password login takes from the store's pool: one connection for every read (the client,
    its connection, the attack counters, the user, the flow's generation), one for its write, and on
    SQLite one more for the rate-limit take (on PostgreSQL that is the short-lived state's pool)."""
    running = tenant_factory()
    ctx = running.server.config.app.state.ctx
    app, demo = running.creds["application"], running.creds["demo_user"]
    form = {"grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": demo["email"], "password": demo["password"],
            "realm": running.creds["connection"], "scope": "openid"}
    taken: list[str] = []

    def checkout(_dbapi, _record, _proxy) -> None:
        if not threading.current_thread().name.startswith("tenant-dependency-build"):
            taken.append(threading.current_thread().name)

    with running.http() as http:
        assert http.post("/oauth/token", data=form).status_code == 200   # the once-a-minute sweeps
        sa.event.listen(ctx.db.engine.pool, "checkout", checkout)
        try:
            assert http.post("/oauth/token", data=form).status_code == 200
        finally:
            sa.event.remove(ctx.db.engine.pool, "checkout", checkout)
    assert len(taken) == (2 if store.is_postgresql else 3), taken


MERGE = '''
def on_execute_post_login(event, api):
    api.user.set_app_metadata("t_" + event.transaction.id, event.stats.logins_count)
    api.user.set_app_metadata("drop", None)
    api.user.set_user_metadata("old", None)
    api.user.set_user_metadata("lang", "fr")
'''


def test_concurrent_logins_merge_their_metadata_into_the_row_as_it_is_under_its_lock(tenant_factory, store) -> None:
    # Each login adds a key of its own and deletes others: ten at once must leave all ten keys (a
    # merge into the row as read before the lock would lose some), on SQLite (one writer) and on
    # PostgreSQL (the merge is the UPDATE's own, login_row.py).
    running = tenant_factory()
    mgmt = running.sdk()
    email, password = "merge@example.com", "merge password 1"
    created = mgmt.users.create(connection=running.creds["connection"], email=email, password=password,
                                app_metadata={"keep": {"nested": [1, 2]}, "drop": "x"},
                                user_metadata={"theme": "dark", "old": True})
    deploy_flow(mgmt, "post-login", [("merger", MERGE)])
    app = running.creds["application"]
    form = {"grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": email, "password": password,
            "realm": running.creds["connection"], "scope": "openid"}
    statuses: list[int] = []

    def login() -> None:
        with running.http() as http:
            statuses.append(http.post("/oauth/token", data=form).status_code)

    login()                                              # the password checked once, then ten at once
    threads = [threading.Thread(target=login) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 11
    user = mgmt.users.get(created.user_id)
    added = {k: v for k, v in user.app_metadata.items() if k.startswith("t_")}
    assert len(added) == 11        # (the values are each login's stats as it began: they may repeat)
    assert {k: v for k, v in user.app_metadata.items() if not k.startswith("t_")} == {"keep": {"nested": [1, 2]}}
    assert user.user_metadata == {"theme": "dark", "lang": "fr"} and user.logins_count == 11


def test_metadata_holding_a_nul_character_is_merged_too(tenant_factory, store) -> None:
    # PostgreSQL's `json` column keeps U+0000 (as an escape) where `jsonb`, which the one-statement
    # merge uses, refuses it: such a login takes the read-merge-write way instead of failing.
    running = tenant_factory()
    mgmt = running.sdk()
    email, password = "nul@example.com", "nul password 1"
    created = mgmt.users.create(connection=running.creds["connection"], email=email, password=password,
                                app_metadata={"note": "before\x00after"})
    deploy_flow(mgmt, "post-login", [("plan-writer", FLOW)])
    assert running.app_tokens().login(email, password, realm=running.creds["connection"])["access_token"]
    user = mgmt.users.get(created.user_id)
    assert user.app_metadata == {"note": "before\x00after", "plan": "pro"} and user.logins_count == 1

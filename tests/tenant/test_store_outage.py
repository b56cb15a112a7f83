"""A tenant whose database cannot serve (issue 18: a team's PostgreSQL restarts, fails over, fills
its disk; a laptop's SQLite file is held by another program's write lock) answers 503 with
Retry-After in Auth0's shapes, keeps the client's connection, logs the outage once rather than once
per request, and serves again as soon as the database does, with nothing half-written.

The outage is real on both halves: on PostgreSQL the tenant's database stops accepting connections
and its sessions are terminated (what a restart does to them); on SQLite another connection holds
the write lock past the tenant's busy timeout (10 s)."""

from __future__ import annotations

import http.client
import json
import logging
import sqlite3
import time
from contextlib import contextmanager
from urllib.parse import urlencode

import psycopg
import sqlalchemy as sa

from actions_studio.tenant.store import schema
from actions_studio.tenant.store.db import PING_IDLE_S
from actions_studio.tenant.store.outage import outage_reason

OUTAGE_LINE = "the database is unavailable"


@contextmanager
def _outage(store, running):
    if store.is_postgresql:
        name = running.database_url.partition("?")[0].rsplit("/", 1)[1]
        admin = "postgresql://" + store._server.admin_url.split("://", 1)[1]
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            try:
                # Longer than a pooled connection may idle unpinged (store/db.py): a pool's dead
                # connection is then found by its ping once the server is back, as after any real
                # outage, rather than by a request.
                time.sleep(PING_IDLE_S + 0.2)
                yield
            finally:
                conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        return
    holder = sqlite3.connect(running.data_dir / "tenant.sqlite", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")     # the write lock, as a sqlite3 shell's open write would
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _login_form(running) -> bytes:
    app, demo = running.creds["application"], running.creds["demo_user"]
    return urlencode({"grant_type": "http://auth0.com/oauth/grant-type/password-realm",
                      "client_id": app["client_id"], "client_secret": app["client_secret"],
                      "username": demo["email"], "password": demo["password"],
                      "realm": running.creds["connection"], "scope": "openid"}).encode()


def _post(conn: http.client.HTTPConnection, path: str, body: bytes, **headers: str):
    conn.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded", **headers})
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(response.read())


def _connection_after_a_login(running) -> tuple[http.client.HTTPConnection, bytes]:
    """A keep-alive connection to the tenant that has served one password login, and its form."""
    port = int(running.base_url.rsplit(":", 1)[1])
    form = _login_form(running)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        assert _post(conn, "/oauth/token", form)[0] == 200
    except BaseException:
        conn.close()
        raise
    return conn, form


def _logins_count(store, running) -> int:
    db = store.database(running.database_url, running.data_dir)
    try:
        with db.read() as conn:
            return conn.execute(sa.select(schema.user.c.logins_count)
                                .where(schema.user.c.email == running.creds["demo_user"]["email"])).scalar_one()
    finally:
        db.close()


def test_an_unavailable_database_is_a_503_that_keeps_the_connection_and_is_logged_once(
        tenant_factory, store, caplog) -> None:
    running = tenant_factory()
    conn, form = _connection_after_a_login(running)
    try:
        socket_before = conn.sock
        caplog.set_level(logging.WARNING, logger="actions_studio.tenant")
        with _outage(store, running):
            status, headers, body = _post(conn, "/oauth/token", form)
            assert status == 503, body
            assert headers.get("retry-after") == "2"
            assert body["error"] == "temporarily_unavailable" and "access_token" not in body
            assert "database is unavailable" in body["error_description"]
            # The driver's reason (a socket path, a host, the data folder) stays in the log.
            text = json.dumps(body).lower()
            assert not any(word in text for word in ("psycopg", "sqlite", "socket", str(running.data_dir).lower()))
        # Served again at once, on the very connection that was refused.
        status, _, body = _post(conn, "/oauth/token", form)
        assert status == 200, body
        assert conn.sock is socket_before
        # The refused login left nothing: two logins counted, not three.
        assert _logins_count(store, running) == 2
        lines = [r for r in caplog.records if OUTAGE_LINE in r.getMessage()]
        assert len(lines) == 1, [r.getMessage() for r in lines]
        assert "traceback" not in (lines[0].exc_text or "").lower() and lines[0].exc_info is None
    finally:
        conn.close()


def test_the_management_api_answers_an_outage_in_its_own_shape(tenant_factory, store) -> None:
    running = tenant_factory()
    token = running.management_token()
    with running.http(token) as http:
        assert http.get("/api/v2/actions/actions").status_code == 200
        with _outage(store, running):
            refused = http.post("/api/v2/actions/actions", json={
                "name": "during-the-outage", "code": "def on_execute_post_login(event, api):\n    pass\n",
                "supported_triggers": [{"id": "post-login", "version": "v3"}], "runtime": "python3.12"})
        assert refused.status_code == 503, refused.text
        assert refused.headers["Retry-After"] == "2"
        assert refused.json() == {"statusCode": 503, "error": "Service Unavailable",
                                  "message": "the tenant's database is unavailable; try again in a moment",
                                  "errorCode": "database_unavailable"}
        # Nothing of the refused request was kept.
        names = [a["name"] for a in http.get("/api/v2/actions/actions").json()["actions"]]
        assert "during-the-outage" not in names


def _sqlite_errors(path) -> tuple[sa.exc.DBAPIError, sa.exc.DBAPIError, sa.exc.DBAPIError]:
    """Real driver errors: a missing table, a broken constraint, and the file's write lock held
    by another connection past the busy timeout."""
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05})
    caught: list[sa.exc.DBAPIError] = []
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE t (x UNIQUE)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        for statement in ("SELECT * FROM no_such_table", "INSERT INTO t VALUES (1)"):
            try:
                with engine.begin() as conn:
                    conn.execute(sa.text(statement))
            except sa.exc.DBAPIError as exc:
                caught.append(exc)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO t VALUES (2)"))
        except sa.exc.DBAPIError as exc:
            caught.append(exc)
        finally:
            holder.close()
    finally:
        engine.dispose()
    missing, constraint, locked = caught
    return missing, constraint, locked


def test_health_says_whether_the_database_answers(tenant_factory, store) -> None:
    running = tenant_factory()
    with running.http() as http:   # no token: a load balancer's probe has none
        up = http.get("/health")
        assert (up.status_code, up.json()) == (200, {"status": "ok"})
        with _outage(store, running):
            during = http.get("/health")
        after = http.get("/health")
    if store.is_postgresql:
        assert during.status_code == 503 and during.json()["errorCode"] == "database_unavailable"
        assert during.headers["Retry-After"] == "2"
    else:
        # SQLite in WAL mode: another program's write lock stops writers, not readers, and this
        # worker still reads its store (logins wait for the lock, the test above).
        assert during.status_code == 200
    assert (after.status_code, after.json()) == (200, {"status": "ok"})


def test_a_fault_of_the_statement_is_not_called_an_outage(tmp_path) -> None:
    # sqlite3 raises OperationalError for a missing table too: that is the tenant's fault (a 500),
    # not the database being away.
    missing, constraint, locked = _sqlite_errors(tmp_path / "x.sqlite")
    assert isinstance(missing, sa.exc.OperationalError) and outage_reason(missing) is None
    assert outage_reason(constraint) is None
    assert outage_reason(locked) == "OperationalError: database is locked"


def test_a_login_whose_write_meets_an_outage_says_try_again_without_the_drivers_words(tmp_path) -> None:
    from actions_studio.tenant.authn.login import _unrecorded

    missing, constraint, locked = _sqlite_errors(tmp_path / "x.sqlite")
    refused = _unrecorded(locked)
    assert (refused.status, refused.error, refused.headers) == (503, "temporarily_unavailable",
                                                                 {"Retry-After": "2"})
    assert "database is unavailable" in refused.description and "locked" not in refused.description
    # A write the database refused for what it holds is the tenant's fault, named as before.
    faulty = _unrecorded(constraint)
    assert (faulty.status, faulty.error) == (500, "server_error")
    assert "UNIQUE constraint failed" in faulty.description and "nothing of it was kept" in faulty.description

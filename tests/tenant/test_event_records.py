"""Issue 19 part 2: the tenant records each execution's input event for replay — secrets never
stored, a retention setting (default 10 days), and a switch to record none at all."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from actions_studio.tenant import event_records
from actions_studio.tenant.config import TenantConfig
from actions_studio.tenant.store import Database, schema, sqlite_url

from .conftest import clear_flow

SECRET = "sk-live-4f9a1c77e2"
ACTION = '''
def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://acme/k", len(event.secrets["API_KEY"]))
'''


def _login(tenant):
    c = tenant.creds
    return tenant.app_tokens().login(c["demo_user"]["email"], c["demo_user"]["password"],
                                     realm=c["connection"])


def _deploy_with_secret(mgmt, name: str) -> None:
    action = mgmt.actions.create(name=name, supported_triggers=[{"id": "post-login", "version": "v3"}],
                                 code=ACTION, runtime="python3",
                                 secrets=[{"name": "API_KEY", "value": SECRET}])
    mgmt.actions.deploy(action.id)
    mgmt.actions.triggers.bindings.update_many(
        "post-login", bindings=[{"ref": {"type": "action_id", "value": action.id}}])


def _last_execution_id(mgmt) -> str:
    entry = next(e for e in mgmt.logs.list(per_page=10) if e.type == "s")
    return entry.details["actions"]["executions"][0]


def test_the_event_of_a_login_is_recorded_without_its_secrets(tenant, mgmt, unique) -> None:
    user_id = next(u for u in mgmt.users.list() if u.email == tenant.creds["demo_user"]["email"]).user_id
    # A user who pasted the action's key into their metadata: redacted there too.
    mgmt.users.update(user_id, user_metadata={"note": f"my key is {SECRET}"})
    _deploy_with_secret(mgmt, unique("recorded"))
    _login(tenant)
    execution_id = _last_execution_id(mgmt)
    with tenant.http(tenant.management_token()) as http:
        body = http.get(f"/api/v2/actions/executions/{execution_id}/event").json()
        execution = http.get(f"/api/v2/actions/executions/{execution_id}").json()
    assert body["execution_id"] == execution_id and body["trigger_id"] == "post-login"
    event = body["event"]
    assert event["user"]["email"] == tenant.creds["demo_user"]["email"]
    assert "secrets" not in event
    # Nor the user's credentials: the event's request body never carries them.
    assert tenant.creds["demo_user"]["password"] not in str(body)
    assert tenant.creds["application"]["client_secret"] not in str(body)
    assert SECRET not in str(body) and "[redacted secret" in event["user"]["user_metadata"]["note"]
    assert "__recorded_event__" not in execution  # the execution record never carries it
    # Nor is the secret anywhere in the stored row.
    db = Database(tenant.database_url or sqlite_url(tenant.data_dir))  # the store this tenant runs on
    try:
        with db.read() as conn:
            row = conn.execute(sa.select(schema.execution_event)
                               .where(schema.execution_event.c.execution_id == execution_id)).one()
        assert SECRET not in str(row.event)
    finally:
        db.close()
    mgmt.users.update(user_id, user_metadata={"note": None})
    clear_flow(mgmt, "post-login")


def test_an_execution_without_a_recorded_event_is_a_404_that_says_why(tenant, tenant_factory, unique) -> None:
    with tenant.http(tenant.management_token()) as http:
        missing = http.get("/api/v2/actions/executions/nope/event")
    assert missing.status_code == 404 and "kept 10 days" in missing.json()["message"]
    off = tenant_factory(record_events=False)
    mgmt = off.sdk()
    _deploy_with_secret(mgmt, unique("unrecorded"))
    _login(off)
    execution_id = _last_execution_id(mgmt)
    with off.http(off.management_token()) as http:
        assert http.get(f"/api/v2/actions/executions/{execution_id}").status_code == 200
        refused = http.get(f"/api/v2/actions/executions/{execution_id}/event")
    assert refused.status_code == 404 and "records no events" in refused.json()["message"]
    db = Database(off.database_url or sqlite_url(off.data_dir))
    try:
        with db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(schema.execution_event)).scalar() == 0
    finally:
        db.close()  # a PostgreSQL connection left to the garbage collector warns in a later test


def test_events_past_their_retention_are_not_read_and_are_purged(tmp_path: Path) -> None:
    assert TenantConfig(data_dir=tmp_path).event_retention_days == 10
    db = Database(sqlite_url(tmp_path))
    try:
        def at(days_ago: float) -> str:
            moment = datetime.now(timezone.utc) - timedelta(days=days_ago)
            return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

        with db.write() as conn:
            for ident, age in (("old", 11), ("recent", 9)):
                conn.execute(sa.insert(schema.execution_event).values(
                    execution_id=ident, trigger_id="post-login", event={"user": {}}, recorded_at=at(age)))
        with db.read() as conn:
            assert event_records.read(conn, "old", 10) is None
            assert event_records.read(conn, "recent", 10)["event"] == {"user": {}}
        with db.write() as conn:
            assert event_records.purge(conn, 10) == 1
        with db.read() as conn:
            left = conn.execute(sa.select(schema.execution_event.c.execution_id)).scalars().all()
        assert left == ["recent"]
    finally:
        db.close()


def test_serve_options_reach_the_config_and_a_bad_retention_is_refused(tmp_path: Path) -> None:
    import pytest

    from actions_studio.tenant.serve_options import ServeOptions, ServeRefused, check, config_for

    options = ServeOptions(data_dir=tmp_path, record_events=False, event_retention_days=3)
    config = config_for(options, check(options))
    assert (config.record_events, config.event_retention_days) == (False, 3)
    with pytest.raises(ServeRefused, match="--event-retention-days must be more than 0"):
        check(ServeOptions(data_dir=tmp_path, event_retention_days=0))

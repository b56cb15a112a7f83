"""A login's execution, its recorded event and its log (tenant/login_records.py): one statement
on PostgreSQL, three on SQLite, the same rows on both — and a resumed flow's execution completed,
not duplicated. Both halves of the suite run it."""

from __future__ import annotations

import sqlalchemy as sa

from actions_studio.tenant import event_records, login_records
from actions_studio.tenant.store import schema


def _execution(execution_id: str, results: list[dict], status: str = "final") -> dict:
    return {"id": execution_id, "trigger_id": "post-login", "status": status, "results": results,
            "created_at": "2026-12-07T10:00:00.000Z", "updated_at": "2026-12-07T10:00:01.000Z"}


def _with_event(execution: dict) -> dict:
    execution[event_records._EVENT_KEY] = {"event": {"user": {"user_id": "auth0|1"}}, "retention_days": 10}
    return execution


def _statements(db) -> list[str]:
    seen: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_the_execution_its_event_and_the_log_are_written_together(tmp_path, store) -> None:
    db = store.database(store.url(), tmp_path)
    seen = _statements(db)
    try:
        with db.write() as conn:
            log_id = login_records.write(conn, _with_event(_execution("exe_1", [{"status": "final"}])), "s",
                                         user_id="auth0|1", client_id="cli_1", execution_ids=["exe_1"])
        written = [s for s in seen if not s.startswith("DELETE FROM execution_event")]   # the purge, when due
        assert len(written) == (2 if store.is_postgresql else 4), written   # the writers' order + one; or three
        with db.read() as conn:
            execution = conn.execute(sa.select(schema.execution)).one()
            event = conn.execute(sa.select(schema.execution_event)).one()
            log = conn.execute(sa.select(schema.log_event)).one()
        assert (execution.id, execution.status, execution.result["results"]) == ("exe_1", "final", [{"status": "final"}])
        assert event_records._EVENT_KEY not in execution.result       # the event is its own row
        assert (event.execution_id, event.event) == ("exe_1", {"user": {"user_id": "auth0|1"}})
        assert (log.log_id, log.type, log.data["user_id"], log.data["client_id"]) == (log_id, "s", "auth0|1", "cli_1")
        assert log.data["details"] == {"actions": {"executions": ["exe_1"]}}

        with db.write() as conn:                          # no event recorded, no flow run
            login_records.write(conn, _execution("exe_2", []), "s", user_id="auth0|1")
            login_records.write(conn, None, "f", description="Wrong email or password.")
        with db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(schema.execution_event)).scalar() == 1
            assert sorted(conn.execute(sa.select(schema.execution.c.id)).scalars()) == ["exe_1", "exe_2"]
            assert [r.type for r in conn.execute(sa.select(schema.log_event).order_by(schema.log_event.c.seq))] \
                == ["s", "s", "f"]
    finally:
        db.close()


def test_a_resumed_flows_execution_is_completed_not_written_twice(tmp_path, store) -> None:
    db = store.database(store.url(), tmp_path)
    try:
        with db.write() as conn:                          # the suspension wrote it
            login_records.write(conn, _with_event(_execution("exe_r", [{"status": "final", "n": 1},
                                                                          {"status": "suspended", "n": 2}],
                                                                 status="suspended")), "s")
        with db.write() as conn:                          # the resumed flow's own record
            login_records.write(conn, _with_event(_execution("exe_r", [{"status": "final", "n": 2}])), "s")
        with db.read() as conn:
            [execution] = conn.execute(sa.select(schema.execution)).all()
            assert conn.execute(sa.select(sa.func.count()).select_from(schema.execution_event)).scalar() == 1
        assert execution.status == "final"
        assert [r["n"] for r in execution.result["results"]] == [1, 2]
    finally:
        db.close()

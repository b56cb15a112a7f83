"""What a login writes besides the user's row: its execution, the execution's recorded event and
the login's log — on PostgreSQL in one statement.

Three inserts are three round trips, each a statement for the tenant to send and read back and
for the server to parse, plan and run (issue 18: a PostgreSQL login was fifteen statements, and
one worker is bound by their CPU). As data-modifying CTEs they are one:

    WITH new_execution AS (INSERT INTO execution … ON CONFLICT (id) DO NOTHING RETURNING id),
         new_event AS (INSERT INTO execution_event … ON CONFLICT (execution_id) DO NOTHING)
    INSERT INTO log_event … RETURNING seq, (SELECT count(*) FROM new_execution)

The count says whether the execution was new: a resumed flow's execution exists already (its
suspension wrote it), and is then completed as `flows.store_execution` does. SQLite has no
data-modifying CTEs; there the three statements stay (`flows.store_execution`, `logs.write_log`),
and their rows are the same ones (`execution_row`, `event_row`, `log_row`).
"""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from . import event_records
from .flows import complete_resumed, execution_row, store_execution
from .logs import log_row, write_log
from .store import schema

X, E, L = schema.execution, schema.execution_event, schema.log_event


def _binds(table: sa.Table, prefix: str, columns: tuple[str, ...]) -> dict[str, Any]:
    # Typed binds: the JSON columns' values are serialised by the column type, as in an insert.
    return {c: sa.bindparam(f"{prefix}{c}", type_=table.c[c].type) for c in columns}


def _statement(with_event: bool) -> Any:
    new_execution = (pg_insert(X).values(_binds(X, "x_", tuple(X.c.keys())))
                     .on_conflict_do_nothing(index_elements=[X.c.id]).returning(X.c.id)
                     .cte("new_execution"))
    log_binds = _binds(L, "l_", ("log_id", "date", "type", "data"))
    inserted = sa.select(sa.func.count()).select_from(new_execution).scalar_subquery()
    statement = (sa.insert(L).from_select(list(log_binds), sa.select(*log_binds.values()))
                 .returning(L.c.seq, inserted.label("executions_inserted"))
                 .add_cte(new_execution))
    if with_event:
        statement = statement.add_cte(
            pg_insert(E).values(_binds(E, "e_", tuple(E.c.keys())))
            .on_conflict_do_nothing(index_elements=[E.c.execution_id]).cte("new_event"))
    return statement


# Built once each (constructing a statement costs more than running it).
_WITH_EVENT, _WITHOUT_EVENT = _statement(True), _statement(False)


def write(conn: Connection, execution: Optional[dict[str, Any]], log_type: str, **log_fields: Any) -> str:
    """Stores `execution` (None: no flow ran) and writes the log; returns the log's id."""
    if execution is None or conn.dialect.name != "postgresql":
        store_execution(conn, execution)
        return write_log(conn, log_type, **log_fields)
    attached = event_records.take(execution)
    log = log_row(log_type, **log_fields)
    params = {**{f"x_{k}": v for k, v in execution_row(execution).items()},
              **{f"l_{k}": v for k, v in log.items()}}
    if attached is not None:
        params.update({f"e_{k}": v for k, v in event_records.event_row(execution, attached).items()})
    row = conn.execute(_WITH_EVENT if attached is not None else _WITHOUT_EVENT, params).one()
    if not row.executions_inserted:
        complete_resumed(conn, execution)
    if attached is not None:
        event_records.purge_when_due(conn, attached["retention_days"])
    return log["log_id"]

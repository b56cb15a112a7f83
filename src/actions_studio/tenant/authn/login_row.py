"""A login's change to its user's row — the flow's metadata changes, `logins_count`, `last_login` —
on PostgreSQL in one statement that also takes the writers' order and the row's lock.

Read, merge, write back is three round trips in the login's write transaction (the shared
advisory lock, `SELECT … FOR UPDATE`, `UPDATE`). PostgreSQL merges the metadata itself:

    WITH writers_order AS (SELECT pg_advisory_xact_lock_shared(…))
    UPDATE tenant_user SET app_metadata = CASE WHEN :changed
                                THEN ((app_metadata::jsonb || :sets) - :deleted)::json
                                ELSE app_metadata END, …,
           logins_count = logins_count + :increment, …
     WHERE user_id = :id AND EXISTS (SELECT FROM writers_order) RETURNING tenant_user.*

`||` then `-` is `users.apply_metadata` (a flow's outcome holds only the keys it changed, None
deletes one) on the row as it is under its lock, so a concurrent login of the same user or an
administrator's edit is never lost. A user deleted meanwhile updates nothing: the order is then
taken again by a statement of its own, and the login goes on with the row it read, as on SQLite.

SQLite's writer is alone, so there the row is read, merged here and written back (`_as_read`);
PostgreSQL does the same for a login whose metadata holds a NUL character (U+0000), which `json`
stores and `jsonb` refuses.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Connection

from ..store import schema
from ..store.directory import get_user
from ..store.db import take_writers_order_shared, writers_order_shared_cte
from ..users import apply_metadata

U = schema.user
METADATA = ("app_metadata", "user_metadata")


def changes(user: dict[str, Any], outcome_user: dict[str, Any], *, success: bool, stamp: str) -> dict[str, Any]:
    """The columns a login changes on `user` as read (SQLite's way, and a deleted user's)."""
    values: dict[str, Any] = {c: apply_metadata(user[c], outcome_user[c]) for c in METADATA
                              if outcome_user.get(c)}
    if success:
        values.update(logins_count=user["logins_count"] + 1, last_login=stamp)
    return values


def _merged(column: str) -> Any:
    current = sa.func.coalesce(sa.cast(U.c[column], JSONB), sa.cast(sa.literal("{}"), JSONB))
    new = (current.op("||")(sa.bindparam(f"{column}_sets", type_=JSONB))
           .op("-")(sa.bindparam(f"{column}_deleted", type_=ARRAY(sa.Text))))
    return sa.case((sa.bindparam(f"{column}_changed", type_=sa.Boolean), sa.cast(new, sa.JSON)),
                   else_=U.c[column])


def _statement() -> Any:
    order = writers_order_shared_cte()
    return (sa.update(U)
            .where(U.c.user_id == sa.bindparam("target_user_id"), sa.exists(sa.select(order.c.taken)))
            .values(**{c: _merged(c) for c in METADATA},
                    logins_count=U.c.logins_count + sa.bindparam("increment", type_=sa.Integer),
                    last_login=sa.case((sa.bindparam("success", type_=sa.Boolean), sa.bindparam("stamp")),
                                       else_=U.c.last_login),
                    updated_at=sa.bindparam("stamp"))
            .returning(*U.c))


_UPDATE = _statement()   # built once: constructing it costs more than running it


_COLUMNS = ("app_metadata", "user_metadata", "logins_count", "last_login", "updated_at")
# Every login-written column, unchanged ones as read under the lock: one shape, built once.
_WRITE_BACK = (sa.update(U).where(U.c.user_id == sa.bindparam("target_user_id"))
               .values({c: sa.bindparam(f"new_{c}") for c in _COLUMNS}))


def write(conn: Connection, read: dict[str, Any], outcome_user: dict[str, Any], *, success: bool,
          stamp: str, in_sql: bool) -> dict[str, Any]:
    """Applies the login to the user's row; returns the row as written. `read`: the user as the
    login read it. `in_sql` (PostgreSQL, in a `write(row_locks=True,
    order_in_first_statement=True)`): the one statement; otherwise read, merge, write back."""
    changed = {c: outcome_user[c] for c in METADATA if outcome_user.get(c)}
    if in_sql and _holds_nul([changed, *(read[c] for c in changed)]):
        take_writers_order_shared(conn)
        in_sql = False
    if not in_sql:
        return _as_read(conn, read, outcome_user, success=success, stamp=stamp)
    if not changed and not success:          # nothing to write: only the order, for the inserts
        take_writers_order_shared(conn)
        return dict(read)
    params: dict[str, Any] = {"target_user_id": read["user_id"], "increment": 1 if success else 0,
                              "success": success, "stamp": stamp}
    for column in METADATA:
        given = changed.get(column) or {}
        params.update({f"{column}_changed": column in changed,
                       f"{column}_sets": {k: v for k, v in given.items() if v is not None},
                       f"{column}_deleted": [k for k, v in given.items() if v is None]})
    row = conn.execute(_UPDATE, params).first()
    if row is not None:
        return dict(row._mapping)
    # The user is gone: no row written. The plan's one-time filter took the order already; taken
    # again explicitly all the same (a second take only counts), so no plan can leave the inserts without it.
    take_writers_order_shared(conn)
    user = dict(read)
    user.update(changes(user, outcome_user, success=success, stamp=stamp))
    return user


def _as_read(conn: Connection, read: dict[str, Any], outcome_user: dict[str, Any], *, success: bool,
             stamp: str) -> dict[str, Any]:
    row = get_user(conn, read["user_id"], for_update=True)
    user = row if row is not None else dict(read)
    values = changes(user, outcome_user, success=success, stamp=stamp)
    if values and row is not None:
        values["updated_at"] = stamp
        conn.execute(_WRITE_BACK, {"target_user_id": user["user_id"],
                                   **{f"new_{c}": values.get(c, user[c]) for c in _COLUMNS}})
    user.update(values)
    return user


def _holds_nul(values: Any) -> bool:
    # As the JSON column stores it: json.dumps writes U+0000 as the escape jsonb refuses.
    return "\\u0000" in json.dumps(values)

"""Tenant logs with Auth0's type codes (`GET /api/v2/logs`).

Codes used: s / f (login), ss / fs (signup), seccft / feccft (client-credentials exchange),
scp / fcp (password change), sapi / fapi (management API), slo, gd_send_sms / gd_send_sms_failure,
`actions_execution_failed` for a failing action (with `error_class`), and attack protection's
limit_wc (an identifier blocked from one IP) / limit_mu (an IP throttled).
"""

from __future__ import annotations

import secrets
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .store import now_iso, schema

DESCRIPTIONS = {
    "s": "Success Login", "f": "Failed Login", "ss": "Success Signup", "fs": "Failed Signup",
    "seccft": "Success Exchange", "feccft": "Failed Exchange",
    "scp": "Success Change Password", "fcp": "Failed Change Password",
    "gd_send_sms": "Phone message sent", "gd_send_sms_failure": "Failed sending phone message",
    "actions_execution_failed": "Action execution failed", "sapi": "Success API Operation",
    "limit_wc": "Blocked Account", "limit_mu": "Blocked IP Address",
    "svr": "Success Verification Email Request", "fvr": "Failed Verification Email Request",
    "sv": "Success Verification Email", "scpr": "Success Change Password Request",
    "fcpr": "Failed Change Password Request",
}

# runtime ExecutionResult status of a failed action -> Auth0's error_class.
ERROR_CLASS = {"error": "action_error", "timeout": "action_timeout", "stopped": "action_error"}


# Built once: every login writes one (constructing it costs more than running it).
_INSERT = sa.insert(schema.log_event)


def new_log_id() -> str:
    # Auth0 log ids are long opaque strings that sort by time; the seq column orders ours.
    return f"9002{secrets.token_hex(24)}"


def write_log(conn: Connection, type_: str, **fields: Any) -> str:
    """Writes one log event (`log_row`'s fields); returns its log id."""
    row = log_row(type_, **fields)
    conn.execute(_INSERT, row)
    return row["log_id"]


def log_row(type_: str, *, description: Optional[str] = None,
            client_id: Optional[str] = None, client_name: Optional[str] = None,
            user_id: Optional[str] = None, user_name: Optional[str] = None,
            connection: Optional[str] = None, ip: Optional[str] = None,
            user_agent: Optional[str] = None, details: Optional[dict[str, Any]] = None,
            execution_ids: Optional[list[str]] = None) -> dict[str, Any]:
    """The `log_event` row of one log: log_id, date, type and the Auth0-shaped data."""
    log_id, date = new_log_id(), now_iso()
    details = dict(details or {})
    if execution_ids:
        details["actions"] = {"executions": execution_ids}
    data = {"date": date, "type": type_, "description": description or DESCRIPTIONS.get(type_, type_),
            "client_id": client_id, "client_name": client_name, "user_id": user_id,
            "user_name": user_name, "connection": connection, "ip": ip, "user_agent": user_agent,
            "details": details, "log_id": log_id, "_id": log_id, "hostname": None,
            "isMobile": False}
    return {"log_id": log_id, "date": date, "type": type_, "data": data}


def log_failed_actions(conn: Connection, execution: Optional[dict[str, Any]], *,
                       client_id: Optional[str], user_id: Optional[str]) -> None:
    """One `actions_execution_failed` per failing action of a flow run."""
    if execution is None:
        return
    for result in execution["results"]:
        error_class = ERROR_CLASS.get(result.get("status", ""))
        if result.get("error_class"):
            error_class = result["error_class"]
        if error_class is None:
            continue
        write_log(conn, "actions_execution_failed",
                  description=f"action '{result['action_name']}' failed: "
                              f"{(result.get('error') or {}).get('msg', '')}"[:500],
                  client_id=client_id, user_id=user_id,
                  details={"execution_id": execution["id"], "trigger_id": execution["trigger_id"],
                           "action_name": result["action_name"], "error_class": error_class,
                           "error": result.get("error")},
                  execution_ids=[execution["id"]])

"""A redirect login waiting for `/continue`, as JSON for the shared pending store (pending.py), so
the worker process that receives `/continue` need not be the one that suspended the flow (issue 18).

What is kept: the login transaction (its user, client, connection and request as read at the
password check), the `/authorize` request, the flow's continuation (the actions still to run with
their code and secrets, the event, the calls so far) and the execution to complete.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from actions_studio.runtime import ActionSource, Continuation

from .attack_protection import Attempt
from .authn.login import LoginTransaction


def freeze_continuation(continuation: Continuation) -> dict[str, Any]:
    return {"state": continuation.state, "trigger_id": continuation.trigger_id,
            "actions": [{"name": a.name, "code": a.code, "version": a.version, "secrets": a.secrets,
                         "sys_path": list(a.sys_path)} for a in continuation.actions],
            "index": continuation.index, "payload": continuation.payload, "cache": continuation.cache,
            "records": [[name, calls] for name, calls in continuation.records],
            "timeout_s": continuation.timeout_s}


def thaw_continuation(c: dict[str, Any]) -> Continuation:
    return Continuation(
        state=c["state"], trigger_id=c["trigger_id"],
        actions=tuple(ActionSource(name=a["name"], code=a["code"], version=a["version"],
                                   secrets=a["secrets"], sys_path=tuple(a["sys_path"])) for a in c["actions"]),
        index=c["index"], payload=c["payload"], cache=c["cache"],
        records=tuple((name, calls) for name, calls in c["records"]), timeout_s=c["timeout_s"])


def freeze(tx: LoginTransaction, pending: dict[str, Any], continuation: Continuation,
           execution_id: str) -> dict[str, Any]:
    return {"tx": asdict(tx), "pending": pending, "execution_id": execution_id,
            "continuation": freeze_continuation(continuation)}


def thaw(held: dict[str, Any]) -> tuple[LoginTransaction, dict[str, Any], Continuation, str]:
    tx = dict(held["tx"])
    if tx.get("attempt") is not None:
        tx["attempt"] = Attempt(**tx["attempt"])
    return (LoginTransaction(**tx), held["pending"], thaw_continuation(held["continuation"]),
            held["execution_id"])

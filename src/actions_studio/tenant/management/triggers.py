"""`/api/v2/actions/triggers…`: the catalog and the ordered flows (bindings) of each trigger."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends
from sqlalchemy.engine import Connection

from actions_studio.triggers import TRIGGERS

from ..context import TenantContext, get_ctx
from ..errors import ApiError, not_found
from ..security import require
from ..store import new_id, now_iso, schema
from ..store import actions as q
from .models import BindingsBody
from .params import Page, paging
from .runtimes import trigger_json
from .shapes import binding_json, page_of

router = APIRouter(prefix="/api/v2/actions", tags=["triggers"])
B = schema.binding


@router.get("/triggers", dependencies=[Depends(require("read:actions"))])
def list_triggers() -> dict[str, Any]:
    return {"triggers": [trigger_json(t) for t in TRIGGERS.values()]}


def _trigger(trigger_id: str) -> str:
    if trigger_id not in TRIGGERS:
        raise not_found(f"trigger '{trigger_id}' (known: {', '.join(TRIGGERS)})")
    trigger = TRIGGERS[trigger_id]
    if not trigger.has_flow:
        # Auth0 answers 400 here: an entity-bound action runs from its entity, never from a flow
        # (docs/architecture.md, "Triggers that are not flows"); the Deploy CLI skips such a trigger.
        raise ApiError(400, f"Bindings are not supported for trigger {trigger_id}: its action is "
                       f"attached to a {trigger.bound_to}"
                       + (" (POST /api/v2/token-exchange-profiles with its action_id)"
                          if trigger_id == "custom-token-exchange" else ""), "invalid_trigger")
    return trigger_id


def rendered_bindings(conn: Connection, trigger_id: str) -> list[dict[str, Any]]:
    rows = q.bindings_of(conn, trigger_id)
    actions = q.actions_by_id(conn, [b["action_id"] for b in rows])
    versions = q.versions_by_id(conn, [a["deployed_version_id"] for a in actions.values()
                                       if a["deployed_version_id"]])
    return [binding_json(b, actions[b["action_id"]],
                         versions.get(actions[b["action_id"]]["deployed_version_id"] or ""))
            for b in rows]


@router.get("/triggers/{triggerId}/bindings", dependencies=[Depends(require("read:actions"))])
def list_bindings(triggerId: str, page: Page = Depends(paging),
                  ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    _trigger(triggerId)
    with ctx.db.read() as conn:
        items = rendered_bindings(conn, triggerId)
    return page_of("bindings", len(items), page.page, page.per_page,
                   items[page.offset:page.offset + page.per_page])


@router.patch("/triggers/{triggerId}/bindings", dependencies=[Depends(require("update:actions"))])
def update_bindings(triggerId: str, body: BindingsBody,
                    ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    _trigger(triggerId)
    stamp = now_iso()
    with ctx.db.write() as conn:
        current = {b["id"]: b for b in q.bindings_of(conn, triggerId)}
        by_action = {b["action_id"]: b for b in current.values()}
        chosen: list[tuple[dict[str, Any], str]] = []
        for i, item in enumerate(body.bindings):
            ref, where = item.ref, f"bindings[{i}].ref"
            if ref.type == "action_id":
                action = q.get_action(conn, ref.value)
            elif ref.type == "action_name":
                action = q.get_action_by_name(conn, ref.value)
            else:
                old = current.get(ref.value)
                action = q.get_action(conn, old["action_id"]) if old else None
            # A well-formed ref to something missing is 404; one the tenant's state refuses, 409.
            if action is None:
                raise ApiError(404, f"{where}: no action with {ref.type} '{ref.value}'"
                               + (f" bound to {triggerId}" if ref.type == "binding_id" else ""),
                               "invalid_binding")
            if action["supported_triggers"][0]["id"] != triggerId:
                raise ApiError(409, f"{where}: action '{action['name']}' is for "
                               f"{action['supported_triggers'][0]['id']}, not {triggerId}", "invalid_binding")
            if not action["deployed_version_id"]:
                # Auth0's status and sentence: the Deploy CLI, Terraform and sync retry on it.
                raise ApiError(400, "Trying to create a binding for an action that has not been deployed "
                               f"yet: {where}: action '{action['name']}' has no deployed version; "
                               "deploy it before binding it", "action_not_deployed")
            if any(a["id"] == action["id"] for a, _ in chosen):
                raise ApiError(409, f"{where}: action '{action['name']}' is listed twice", "invalid_binding")
            chosen.append((action, item.display_name or action["name"]))
        limit = TRIGGERS[triggerId].max_bindings
        if len(chosen) > limit:
            raise ApiError(400, f"bindings: {triggerId} runs at most {limit} action"
                           f"{'s' if limit != 1 else ''} ({len(chosen)} given): "
                           f"{TRIGGERS[triggerId].binding_description}", "too_many_bindings")
        conn.execute(sa.delete(B).where(B.c.trigger_id == triggerId))
        for pos, (action, display_name) in enumerate(chosen):
            # A binding of an action that stays in the flow keeps its id (the SDK and the studio
            # refer to bindings by id across reorders).
            old = by_action.get(action["id"])
            conn.execute(sa.insert(B).values(
                id=old["id"] if old else new_id(), trigger_id=triggerId, position=pos,
                action_id=action["id"], display_name=display_name,
                created_at=old["created_at"] if old else stamp, updated_at=stamp))
        return {"bindings": rendered_bindings(conn, triggerId)}

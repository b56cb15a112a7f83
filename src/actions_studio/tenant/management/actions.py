"""`/api/v2/actions/actions…`: CRUD of drafts, deploy, versions, rollback and test."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import sqlalchemy as sa
from fastapi import APIRouter, Body, Depends, Query, Response
from sqlalchemy.engine import Connection

from actions_studio.execution import RunSource, execute
from actions_studio.runtime import EventTooLargeError, SandboxError
from actions_studio.triggers import EventValidationError, TRIGGERS, UnknownTriggerError

from ..build import build_errors, environment_ready, start_dependency_build, sys_path_for
from ..context import TenantContext, get_ctx
from ..errors import ApiError, bad_request, not_found
from ..security import require
from ..store import new_id, now_iso, schema
from ..store import actions as q
from .models import ActionCreate, ActionUpdate, RollbackBody, TestBody
from .params import Page, QueryBool, paging
from .runtimes import execution_runtime, trigger_json
from .shapes import action_json, page_of, version_json
from .token_exchange_profiles import profiles_of_action

router = APIRouter(prefix="/api/v2/actions", tags=["actions"])
NOT_BUILT = "A draft must be in the 'built' state before it can be deployed."
A, V, B = schema.action, schema.action_version, schema.binding


def _trigger_list(refs: list[Any], field: str = "supported_triggers") -> list[dict[str, str]]:
    out = []
    for i, ref in enumerate(refs):
        trigger = TRIGGERS.get(ref.id)
        if trigger is None:
            raise bad_request(f"{field}[{i}].id: unknown trigger '{ref.id}' "
                              f"(one of {', '.join(TRIGGERS)})", "invalid_trigger")
        if ref.version not in (None, trigger.version):
            raise bad_request(f"{field}[{i}].version: {ref.id} is at version {trigger.version}, "
                              f"not '{ref.version}'", "invalid_trigger")
        out.append({"id": trigger.id, "version": trigger.version})
    return out


def _runtime(runtime: Optional[str], triggers: list[dict[str, str]]) -> str:
    api = trigger_json(TRIGGERS[triggers[0]["id"]])
    if runtime is None:
        return api["default_runtime"]
    if runtime not in api["runtimes"]:
        raise bad_request(f"runtime: '{runtime}' is not supported (supported: "
                          f"{', '.join(api['runtimes'])})", "invalid_runtime")
    return runtime


def _secrets(incoming: Optional[list[Any]], existing: list[dict[str, Any]], stamp: str
             ) -> list[dict[str, Any]]:
    if incoming is None:
        return existing
    old = {s["name"]: s for s in existing}
    out, seen = [], set()
    for i, secret in enumerate(incoming):
        if secret.name in seen:
            # 409, not 400: JSON Schema cannot say "unique by name", and /openapi.json states every
            # rule that makes a body 400 (issue 13, item 10).
            raise ApiError(409, f"secrets[{i}].name: '{secret.name}' is given twice", "secret_conflict")
        seen.add(secret.name)
        if secret.value is None:
            if secret.name not in old:
                raise ApiError(409, f"secrets[{i}].value: the action has no secret '{secret.name}' yet: "
                               "a new secret needs a value", "secret_conflict")
            out.append(old[secret.name])
        else:
            out.append({"name": secret.name, "value": secret.value, "updated_at": stamp})
    return out


def _build_state(name: str, code: str, deps: list[dict[str, Any]], stamp: str,
                 runtime: str) -> dict[str, Any]:
    errors = build_errors(name, code, deps, runtime=runtime)
    if not errors and not environment_ready(deps):  # installed in the background (issue 8)
        return {"status": "building", "errors": [], "built_at": None}
    return {"status": "failed" if errors else "built", "errors": errors,
            "built_at": None if errors else stamp}


def _require_action(conn: Connection, action_id: str) -> dict[str, Any]:
    action = q.get_action(conn, action_id)
    if action is None:
        raise not_found(f"action '{action_id}'")
    return action


def _render(conn: Connection, action: dict[str, Any]) -> dict[str, Any]:
    deployed = q.get_version(conn, action["deployed_version_id"]) if action["deployed_version_id"] else None
    return action_json(action, deployed)


def deploy_draft(conn: Connection, action: dict[str, Any], stamp: str,
                 source: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Snapshots the draft (or `source`, a version for rollback) as the next number, deployed."""
    snap = source or action
    if source is None and action["status"] != "built":
        # Auth0's status and wording (400, "A draft must be in the 'built' state …"): the Deploy CLI
        # and Terraform retry a deploy only on that sentence (auth0-deploy-cli issue 395).
        why = ("its dependencies are still being installed (status building)" if action["status"] == "building"
               else f"its build {action['status']}: "
                    + ("; ".join(e["msg"] for e in action["errors"]) or action["status"]))
        raise ApiError(400, f"{NOT_BUILT} Action '{action['name']}': {why}.", "action_not_built")
    number = action["last_number"] + 1
    version = {
        "id": new_id(), "action_id": action["id"], "number": number, "code": snap["code"],
        "dependencies": snap["dependencies"], "runtime": snap["runtime"],
        "secret_names": ([s["name"] for s in action["secrets"]] if source is None
                         else snap["secret_names"]),
        "supported_triggers": snap["supported_triggers"], "status": "built", "errors": [],
        "created_at": stamp, "updated_at": stamp, "built_at": stamp,
    }
    conn.execute(sa.insert(V).values(**version))
    # The caller renders `action` from this dict: every column written here is updated in it too, so
    # a response says what a GET right after would (issue 13, item 11).
    changes = {"last_number": number, "deployed_version_id": version["id"], "updated_at": stamp,
               "all_changes_deployed": source is None or snap["code"] == action["code"]}
    conn.execute(sa.update(A).where(A.c.id == action["id"]).values(**changes))
    action.update(changes)
    return version


@router.get("/actions", dependencies=[Depends(require("read:actions"))])
def list_actions(
    trigger_id: Optional[str] = Query(None, alias="triggerId", max_length=64),
    action_name: Optional[str] = Query(None, alias="actionName", max_length=128),
    deployed: Optional[QueryBool] = Query(None),
    installed: Optional[QueryBool] = Query(None, description="marketplace actions: none on this tenant"),
    page: Page = Depends(paging), ctx: TenantContext = Depends(get_ctx),
) -> dict[str, Any]:
    if installed is True:
        return page_of("actions", 0, page.page, page.per_page, [])
    with ctx.db.read() as conn:
        total, rows = q.list_actions(conn, trigger_id=trigger_id, name=action_name,
                                     deployed=deployed, offset=page.offset, limit=page.per_page)
        deployed_rows = q.versions_by_id(conn, [r["deployed_version_id"] for r in rows
                                                if r["deployed_version_id"]])
    items = [action_json(r, deployed_rows.get(r["deployed_version_id"] or "")) for r in rows]
    return page_of("actions", total, page.page, page.per_page, items)


@router.post("/actions", status_code=201, dependencies=[Depends(require("create:actions"))])
def create_action(body: ActionCreate, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    stamp = now_iso()
    triggers = _trigger_list(body.supported_triggers)
    code = body.code if body.code is not None else ""
    deps = [d.model_dump(exclude_none=True) for d in body.dependencies or []]
    runtime = _runtime(body.runtime, triggers)
    row = {
        "id": new_id(), "name": body.name, "supported_triggers": triggers, "code": code,
        "dependencies": deps, "runtime": runtime,
        "secrets": _secrets(body.secrets, [], stamp), "last_number": 0,
        "deployed_version_id": None, "all_changes_deployed": False,
        "created_at": stamp, "updated_at": stamp, **_build_state(body.name, code, deps, stamp, runtime),
    }
    with ctx.db.write() as conn:
        if q.get_action_by_name(conn, body.name) is not None:
            raise ApiError(409, f"an action named '{body.name}' already exists", "action_conflict")
        if conn.execute(sa.select(sa.func.count()).select_from(A)).scalar_one() >= 100:
            raise ApiError(409, "this tenant already has 100 actions (the limit)", "too_many_actions")
        conn.execute(sa.insert(A).values(**row))
        if body.deploy:
            try:
                deploy_draft(conn, row, stamp)
            except ApiError as exc:
                # Not the deploy endpoint's 400 (which the Deploy CLI retries on): the create is
                # refused as a whole for the state its draft would be in (issue 13 item 10's rule).
                raise ApiError(409, exc.message, exc.error_code) from None
        rendered = _render(conn, row)
    if row["status"] == "building":
        start_dependency_build(ctx, row["id"], deps, now_iso)
    return rendered


@router.get("/actions/{id}", dependencies=[Depends(require("read:actions"))])
def get_action(id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        action = _require_action(conn, id)
        rendered = _render(conn, action)
    if action["status"] == "building":  # (re)start a build a stopped tenant left unfinished
        start_dependency_build(ctx, id, action["dependencies"], now_iso)
    return rendered


@router.patch("/actions/{id}", dependencies=[Depends(require("update:actions"))])
def update_action(id: str, body: ActionUpdate, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    stamp = now_iso()
    with ctx.db.write() as conn:
        action = _require_action(conn, id)
        changes: dict[str, Any] = {}
        if body.name is not None and body.name != action["name"]:
            if q.get_action_by_name(conn, body.name) is not None:
                raise ApiError(409, f"an action named '{body.name}' already exists", "action_conflict")
            changes["name"] = body.name
        triggers = action["supported_triggers"]
        if body.supported_triggers is not None:
            triggers = _trigger_list(body.supported_triggers)
            if triggers[0]["id"] != action["supported_triggers"][0]["id"] and \
                    q.bindings_of_action(conn, id):
                raise ApiError(409, "supported_triggers: the action is bound to "
                               f"{action['supported_triggers'][0]['id']}; unbind it first", "action_bound")
            changes["supported_triggers"] = triggers
        if body.runtime is not None or body.supported_triggers is not None:
            changes["runtime"] = _runtime(body.runtime if body.runtime is not None
                                          else action["runtime"], triggers)
        if body.code is not None:
            changes["code"] = body.code
        if body.dependencies is not None:
            changes["dependencies"] = [d.model_dump(exclude_none=True) for d in body.dependencies]
        if body.secrets is not None:
            changes["secrets"] = _secrets(body.secrets, action["secrets"], stamp)
        merged = {**action, **changes}
        changes.update(_build_state(merged["name"], merged["code"], merged["dependencies"], stamp,
                                    merged["runtime"]))
        draft_changed = any(k in changes and changes[k] != action[k]
                            for k in ("code", "dependencies", "runtime", "supported_triggers"))
        changes["all_changes_deployed"] = action["all_changes_deployed"] and not draft_changed
        changes["updated_at"] = stamp
        conn.execute(sa.update(A).where(A.c.id == id).values(**changes))
        rendered = _render(conn, {**action, **changes})
    if changes["status"] == "building":
        start_dependency_build(ctx, id, merged["dependencies"], now_iso)
    return rendered


@router.delete("/actions/{id}", status_code=204, response_class=Response,
               dependencies=[Depends(require("delete:actions"))])
def delete_action(id: str, force: Annotated[QueryBool, Query()] = False, ctx: TenantContext = Depends(get_ctx)) -> Response:
    with ctx.db.write() as conn:
        action = _require_action(conn, id)
        profiles = profiles_of_action(conn, id)
        if profiles:
            raise ApiError(409, f"action '{action['name']}' runs the token exchange profile"
                           f"{'s' if len(profiles) > 1 else ''} {', '.join(profiles)}; delete "
                           f"{'them' if len(profiles) > 1 else 'it'} first", "action_bound")
        bound = q.bindings_of_action(conn, id)
        if bound and not force:
            triggers = sorted({b["trigger_id"] for b in bound})
            raise ApiError(409, f"action '{action['name']}' is bound to {', '.join(triggers)}; "
                           "unbind it first or delete with force=true", "action_bound")
        if bound:
            conn.execute(sa.delete(B).where(B.c.action_id == id))
            for trigger_id in {b["trigger_id"] for b in bound}:  # keep positions dense
                for pos, b in enumerate(q.bindings_of(conn, trigger_id)):
                    conn.execute(sa.update(B).where(B.c.id == b["id"]).values(position=pos))
        conn.execute(sa.delete(V).where(V.c.action_id == id))
        conn.execute(sa.delete(A).where(A.c.id == id))
    return Response(status_code=204)


@router.post("/actions/{id}/deploy", dependencies=[Depends(require("create:actions"))])
def deploy_action(id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    stamp = now_iso()
    with ctx.db.write() as conn:
        action = _require_action(conn, id)
        version = deploy_draft(conn, action, stamp)
        return version_json(version, action)


@router.post("/actions/{id}/test", dependencies=[Depends(require("create:actions"))])
def test_action(id: str, body: TestBody, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        action = _require_action(conn, id)
    if action["status"] != "built":
        raise ApiError(409, f"action '{action['name']}' does not build: "
                       + "; ".join(e["msg"] for e in action["errors"]), "action_not_built")
    trigger_id = action["supported_triggers"][0]["id"]
    source = RunSource(name=action["name"], code=action["code"], version=None,
                       secrets={s["name"]: s["value"] for s in action["secrets"]},
                       runtime=execution_runtime(action["runtime"]))
    try:
        # A built draft's environment exists: it is looked up, never built, as for a login.
        result = execute(trigger_id, [source], body.payload, sandbox=lambda: ctx.sandbox, single=True,
                         environments=lambda _source: sys_path_for(action["dependencies"]))
    except EventValidationError as exc:
        paths = "; ".join(f"payload.{e.path or '(event)'}: {e.message}" for e in exc.errors[:5])
        # 409: the payload is valid JSON, but not an event of *this* action's trigger.
        raise ApiError(409, f"invalid {trigger_id} event for this action: {paths}", "invalid_payload") from None
    except EventTooLargeError as exc:
        raise ApiError(413, f"payload: {exc}", "payload_too_large") from None
    except UnknownTriggerError as exc:  # pragma: no cover - triggers are checked on write
        raise bad_request(str(exc)) from None
    except SandboxError as exc:
        raise ApiError(503, f"the sandbox is unavailable: {exc}", "sandbox_unavailable",
                       headers={"Retry-After": "1"}) from None
    return {"payload": result.model_dump(mode="json")}


@router.get("/actions/{actionId}/versions", dependencies=[Depends(require("read:actions"))])
def list_versions(actionId: str, page: Page = Depends(paging),
                  ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        action = _require_action(conn, actionId)
        total, rows = q.list_versions(conn, actionId, page.offset, page.per_page)
    return page_of("versions", total, page.page, page.per_page,
                   [version_json(v, action) for v in rows])


def _require_version(conn: Connection, action_id: str, version_id: str) -> dict[str, Any]:
    version = q.get_version(conn, version_id)
    if version is None or version["action_id"] != action_id:
        raise not_found(f"version '{version_id}' of action '{action_id}'")
    return version


@router.get("/actions/{actionId}/versions/{id}", dependencies=[Depends(require("read:actions"))])
def get_version(actionId: str, id: str, ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        action = _require_action(conn, actionId)
        return version_json(_require_version(conn, actionId, id), action)


@router.post("/actions/{actionId}/versions/{id}/deploy",
             dependencies=[Depends(require("create:actions"))])
def rollback(actionId: str, id: str, body: Optional[RollbackBody] = Body(None),
             ctx: TenantContext = Depends(get_ctx)) -> dict[str, Any]:
    stamp = now_iso()
    update_draft = bool(body and body.update_draft)
    with ctx.db.write() as conn:
        action = _require_action(conn, actionId)
        chosen = _require_version(conn, actionId, id)
        if update_draft:
            draft = {"code": chosen["code"], "dependencies": chosen["dependencies"],
                     "runtime": chosen["runtime"], "supported_triggers": chosen["supported_triggers"]}
            draft.update(_build_state(action["name"], chosen["code"], chosen["dependencies"], stamp,
                                      chosen["runtime"]))
            conn.execute(sa.update(A).where(A.c.id == actionId).values(**draft, updated_at=stamp))
            action.update(draft)
        version = deploy_draft(conn, action, stamp, source=chosen)
        rendered = version_json(version, action)
    if update_draft and action["status"] == "building":
        start_dependency_build(ctx, actionId, action["dependencies"], now_iso)
    return rendered

"""Rows → the Management API's JSON shapes (MANAGEMENT_API.md, "Shapes"). Secret values never leave."""

from __future__ import annotations

from typing import Any, Optional


def secrets_out(secrets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": s["name"], "updated_at": s.get("updated_at")} for s in secrets]


def action_base(action: dict[str, Any]) -> dict[str, Any]:
    return {"id": action["id"], "name": action["name"],
            "supported_triggers": action["supported_triggers"],
            "all_changes_deployed": action["all_changes_deployed"],
            "created_at": action["created_at"], "updated_at": action["updated_at"]}


def version_json(version: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": version["id"], "action_id": version["action_id"], "code": version["code"],
        "dependencies": version["dependencies"],
        "deployed": action.get("deployed_version_id") == version["id"],
        "runtime": version["runtime"],
        "secrets": [{"name": n, "updated_at": version["created_at"]} for n in version["secret_names"]],
        "status": version["status"], "number": version["number"], "errors": version["errors"],
        "action": action_base(action), "built_at": version["built_at"],
        "created_at": version["created_at"], "updated_at": version["updated_at"],
        "supported_triggers": version["supported_triggers"],
    }


def action_json(action: dict[str, Any], deployed: Optional[dict[str, Any]]) -> dict[str, Any]:
    out = {
        **action_base(action), "code": action["code"], "dependencies": action["dependencies"],
        "runtime": action["runtime"], "secrets": secrets_out(action["secrets"]),
        "status": action["status"], "built_at": action["built_at"],
    }
    if action["errors"]:
        out["errors"] = action["errors"]
    if deployed is not None:
        out["deployed_version"] = version_json(deployed, action)
    return out


def binding_json(binding: dict[str, Any], action: dict[str, Any],
                 deployed: Optional[dict[str, Any]]) -> dict[str, Any]:
    return {"id": binding["id"], "trigger_id": binding["trigger_id"],
            "display_name": binding["display_name"], "action": action_json(action, deployed),
            "created_at": binding["created_at"], "updated_at": binding["updated_at"]}


def page_of(key: str, total: int, page: int, per_page: int, items: list[Any]) -> dict[str, Any]:
    return {"total": total, "page": page, "per_page": per_page, key: items}


def listing(key: str, items: list[dict[str, Any]], *, start: int, limit: int, total: Optional[int],
            include_totals: Optional[bool]) -> dict[str, Any] | list[dict[str, Any]]:
    """Auth0's two shapes of a list (`GET /users`, `/clients`, `/logs`): the bare array, unless
    `include_totals=true` asks for the page object with the total count. Auth0's SDKs ask for the
    object; a script with curl or requests gets the array, as from Auth0."""
    if not include_totals:
        return items
    return {"start": start, "limit": limit, "length": len(items), "total": total, key: items}


def with_fields(items: list[dict[str, Any]], fields: Optional[str],
                include_fields: Optional[bool]) -> list[dict[str, Any]]:
    """`fields=a,b`: only those of each object (`include_fields=false`: all but those), as Auth0."""
    names = {name.strip() for name in (fields or "").split(",") if name.strip()}
    if not names:
        return items
    keep = include_fields is not False
    return [{k: v for k, v in item.items() if (k in names) == keep} for item in items]

"""The user record: Auth0's JSON shape, the trigger event's `user`, and metadata merges."""

from __future__ import annotations

from typing import Any, Optional

PROFILE_FIELDS = ("email_verified", "phone_verified", "name", "nickname", "given_name",
                  "family_name", "picture")


def user_json(row: dict[str, Any]) -> dict[str, Any]:
    """Auth0's user object (GET /api/v2/users/{id}); never the password hash."""
    profile = row["profile"]
    out: dict[str, Any] = {
        "user_id": row["user_id"], "email": row["email"],
        "email_verified": bool(profile.get("email_verified", False)),
        "username": row["username"], "phone_number": row["phone_number"],
        "phone_verified": bool(profile.get("phone_verified", False)),
        "created_at": row["created_at"], "updated_at": row["updated_at"],
        "identities": [identity(row)], "app_metadata": row["app_metadata"],
        "user_metadata": row["user_metadata"], "picture": profile.get("picture"),
        "name": profile.get("name") or row["email"], "nickname": profile.get("nickname")
        or (row["email"] or row["username"] or "").split("@")[0],
        "given_name": profile.get("given_name"), "family_name": profile.get("family_name"),
        "last_login": row["last_login"], "logins_count": row["logins_count"],
        "last_password_reset": row["last_password_reset"], "blocked": bool(row["blocked"]),
    }
    return {k: v for k, v in out.items() if v is not None}


def identity(row: dict[str, Any]) -> dict[str, Any]:
    provider, _, raw_id = row["user_id"].partition("|")
    return {"connection": row["connection"], "provider": provider or "auth0",
            "user_id": raw_id or row["user_id"], "isSocial": False}


def event_user(row: dict[str, Any]) -> dict[str, Any]:
    """The full `user` of a trigger event (TRIGGERS.md, wire names)."""
    out = user_json(row)
    for key in ("last_login", "logins_count", "blocked"):
        out.pop(key, None)
    out.setdefault("email_verified", False)
    return out


def apply_metadata(current: dict[str, Any], changes: Optional[dict[str, Any]]) -> dict[str, Any]:
    """A flow's outcome holds only changed keys; None deletes (TRIGGERS.md)."""
    merged = dict(current)
    for key, value in (changes or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged

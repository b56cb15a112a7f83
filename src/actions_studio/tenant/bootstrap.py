"""First start of a tenant: connection, clients, demo API and user, and `DATA/credentials.json`.

Secrets are generated here and only their hashes are stored, so credentials.json (mode 0600) is the
one place they exist. Later starts keep every record and only refresh the URLs in that file (the
port may change between runs).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .config import TenantConfig
from .passwords import Passwords
from .store import Database, new_id, now_iso, schema

DB_CONNECTION = "Username-Password-Authentication"
SMS_CONNECTION = "sms"
# The Management API's grant is stored under this audience and matched against whatever
# `<base_url>/api/v2/` is in this run (the URL is not known when the grant is created).
MANAGEMENT_AUDIENCE_KEY = "urn:actions-studio:management-api"
MANAGEMENT_SCOPES = [
    "read:actions", "create:actions", "update:actions", "delete:actions",
    "read:users", "create:users", "update:users", "delete:users", "read:users_app_metadata",
    "update:users_app_metadata", "read:logs", "read:clients", "update:clients",
    "read:token_exchange_profiles", "create:token_exchange_profiles", "update:token_exchange_profiles",
    "delete:token_exchange_profiles", "create:user_tickets",
]
DEMO_API = "urn:actions-studio:demo-api"
DEMO_API_SCOPES = ["read:demo", "write:demo"]
DEMO_EMAIL = "demo@example.com"
PASSWORD_GRANTS = ["password", "http://auth0.com/oauth/grant-type/password-realm"]
TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"  # RFC 8693
# The demo application's Allowed Callback URLs: where Auth0's web quickstarts run. `/authorize`
# redirects nowhere else (callbacks.py); change them with PATCH /api/v2/clients/{id}.
DEMO_CALLBACKS = ["http://localhost:3000/callback", "http://127.0.0.1:3000/callback"]


def secret_sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_client(conn: Connection, name: str, grant_types: list[str], app_type: str,
                callbacks: Optional[list[str]] = None) -> dict[str, Any]:
    client_id = secrets.token_urlsafe(24)
    client_secret = secrets.token_urlsafe(48)
    conn.execute(sa.insert(schema.client).values(
        client_id=client_id, name=name, secret_sha256=secret_sha256(client_secret),
        app_type=app_type, grant_types=grant_types, metadata={}, callbacks=callbacks or []))
    return {"client_id": client_id, "client_secret": client_secret}


def _grant(conn: Connection, client_id: str, audience: str, scope: list[str]) -> None:
    conn.execute(sa.insert(schema.client_grant).values(
        id=new_id("cgr_"), client_id=client_id, audience=audience, scope=scope))


def ensure_tenant(config: TenantConfig, db: Database, passwords: Passwords) -> dict[str, Any]:
    """Creates the first-start records when the store is empty; returns credentials.json's content."""
    path = config.data_dir / "credentials.json"
    with db.write() as conn:
        done = conn.execute(sa.select(schema.setting.c.value)
                            .where(schema.setting.c.key == "bootstrapped")).first()
        if done is None:
            creds = _create(conn, passwords)
            conn.execute(sa.insert(schema.setting).values(key="bootstrapped", value=now_iso()))
        else:
            creds = _read_credentials(path)
            _upgrade(conn, creds)
        demo_app = conn.execute(sa.select(schema.client.c.callbacks).where(
            schema.client.c.client_id == creds["application"]["client_id"])).first()
        creds["application"]["callbacks"] = list(demo_app.callbacks) if demo_app is not None else []
    creds["base_url"] = config.base_url
    creds["management"]["audience"] = config.management_audience
    write_credentials(path, creds)
    return creds


def _read_credentials(path: Path) -> dict[str, Any]:
    try:
        creds = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise RuntimeError(
            f"{path} is missing or unreadable ({exc}); the store was bootstrapped with the secrets "
            "it held. Restore it or start with a fresh --data directory") from None
    return creds


def _upgrade(conn: Connection, creds: dict[str, Any]) -> None:
    """What a store made by an earlier version lacks: the management client's newer scopes, and the
    demo application's callbacks (once: a user may have emptied them on purpose since)."""
    grant = schema.client_grant
    row = conn.execute(sa.select(grant.c.id, grant.c.scope).where(
        grant.c.client_id == creds["management"]["client_id"],
        grant.c.audience == MANAGEMENT_AUDIENCE_KEY)).first()
    if row is not None and not set(MANAGEMENT_SCOPES) <= set(row.scope):
        scope = list(row.scope) + [s for s in MANAGEMENT_SCOPES if s not in row.scope]
        conn.execute(sa.update(grant).where(grant.c.id == row.id).values(scope=scope))
    seeded = conn.execute(sa.select(schema.setting.c.value)
                          .where(schema.setting.c.key == "demo_callbacks_seeded")).first()
    if seeded is None:
        client = schema.client
        demo = client.c.client_id == creds["application"]["client_id"]
        # Compared in Python: PostgreSQL's json type has no equality operator.
        if conn.execute(sa.select(client.c.callbacks).where(demo)).scalar() == []:
            conn.execute(sa.update(client).where(demo).values(callbacks=DEMO_CALLBACKS))
        conn.execute(sa.insert(schema.setting).values(key="demo_callbacks_seeded", value=now_iso()))
    _seed_once(conn, "token_exchange_grant_seeded", lambda: _add_grant_type(
        conn, creds["application"]["client_id"], TOKEN_EXCHANGE_GRANT))


def _seed_once(conn: Connection, key: str, seed: Any) -> None:
    if conn.execute(sa.select(schema.setting.c.value).where(schema.setting.c.key == key)).first() is None:
        seed()
        conn.execute(sa.insert(schema.setting).values(key=key, value=now_iso()))


def _add_grant_type(conn: Connection, client_id: str, grant_type: str) -> None:
    """A grant the demo application gained in a later version (once: a user may remove it)."""
    client = schema.client
    row = conn.execute(sa.select(client.c.grant_types).where(client.c.client_id == client_id)).first()
    if row is not None and grant_type not in row.grant_types:
        conn.execute(sa.update(client).where(client.c.client_id == client_id)
                     .values(grant_types=[*row.grant_types, grant_type]))


def _create(conn: Connection, passwords: Passwords) -> dict[str, Any]:
    stamp = now_iso()
    conn.execute(sa.insert(schema.setting).values(key="tenant_id", value=secrets.token_hex(8)))
    for name, strategy in ((DB_CONNECTION, "auth0"), (SMS_CONNECTION, "sms")):
        conn.execute(sa.insert(schema.connection).values(
            id=new_id("con_"), name=name, strategy=strategy, metadata={}))
    management = _new_client(conn, "Actions Studio Management", ["client_credentials"],
                             "non_interactive")
    _grant(conn, management["client_id"], MANAGEMENT_AUDIENCE_KEY, MANAGEMENT_SCOPES)
    application = _new_client(conn, "Demo Application",
                              [*PASSWORD_GRANTS, "client_credentials", "authorization_code",
                               "http://auth0.com/oauth/grant-type/passwordless/otp", TOKEN_EXCHANGE_GRANT],
                              "regular_web", callbacks=DEMO_CALLBACKS)
    conn.execute(sa.insert(schema.resource_server).values(
        id=new_id("rs_"), identifier=DEMO_API, name="Demo API", scopes=DEMO_API_SCOPES,
        token_lifetime=86400))
    _grant(conn, application["client_id"], DEMO_API, DEMO_API_SCOPES)
    demo_password = secrets.token_urlsafe(18)
    conn.execute(sa.insert(schema.user).values(
        user_id=f"auth0|{secrets.token_hex(12)}", connection=DB_CONNECTION, email=DEMO_EMAIL,
        username=None, phone_number=None, password_hash=passwords.hash(demo_password),
        profile={"email_verified": True, "name": "Demo User", "nickname": "demo"},
        app_metadata={}, user_metadata={}, roles=["demo"], blocked=False, logins_count=0,
        created_at=stamp, updated_at=stamp))
    conn.execute(sa.insert(schema.setting).values(key="demo_callbacks_seeded", value=stamp))
    conn.execute(sa.insert(schema.setting).values(key="token_exchange_grant_seeded", value=stamp))
    return {"base_url": "", "management": {**management, "audience": ""},
            "application": application, "api": {"identifier": DEMO_API},
            "connection": DB_CONNECTION,
            "demo_user": {"email": DEMO_EMAIL, "password": demo_password}}


def write_credentials(path: Path, creds: dict[str, Any]) -> None:
    """Written to a 0600 temp file and renamed, so the secrets are never world-readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(creds, fh, indent=2)
        fh.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)

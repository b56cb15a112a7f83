"""Tenant profiles (sync targets): base URL and client id in the workspace, the client secret in
the vault (issue 3: no secret in plain text). The sync issue builds on these."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlparse

from actions_studio.services.errors import ConflictError, InvalidInputError, NotFoundError, VaultError
from actions_studio.services.names import check_entity_name
from actions_studio.services.secrets import check_value
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store.records import TenantProfileRecord


def _secret_key(tenant_id: str) -> str:
    return f"tenant:{tenant_id}:client_secret"


def add_tenant(ws: Workspace, name: str, base_url: str, client_id: str, client_secret: str,
               *, audience: Optional[str] = None) -> TenantProfileRecord:
    check_entity_name("tenant", name)
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInputError(f"tenant {name}: base URL must be http(s)://host[:port], not {base_url!r}")
    if not client_id:
        raise InvalidInputError(f"tenant {name}: the client id is empty")
    check_value("client secret", client_secret)
    with ws.db.write() as s:
        if any(t.name == name for t in repo.list_tenants(s)):
            raise ConflictError(f"a tenant named {name!r} already exists")
        record = repo.insert_tenant(s, name=name, base_url=base_url.rstrip("/"),
                                    client_id=client_id, audience=audience)
        # Inside the transaction: if the vault refuses, the profile is not created either.
        ws.vault.set(ws.id, _secret_key(record.id), client_secret)
    return record


def list_tenants(ws: Workspace) -> list[TenantProfileRecord]:
    with ws.db.read() as s:
        return repo.list_tenants(s)


def get_tenant(ws: Workspace, name: str) -> TenantProfileRecord:
    for tenant in list_tenants(ws):
        if tenant.name == name:
            return tenant
    raise NotFoundError(f"no tenant named {name!r}")


def client_secret(ws: Workspace, tenant: TenantProfileRecord) -> str:
    value = ws.vault.get(ws.id, _secret_key(tenant.id))
    if value is None:
        raise VaultError(f"tenant {tenant.name}: no client secret in the vault ({ws.vault.location()})")
    return value

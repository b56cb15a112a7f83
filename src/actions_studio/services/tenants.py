"""Tenant profiles (sync targets): base URL and client id in the workspace, the client secret in
the vault (issue 3: no secret in plain text). "Local tenant", the bundled one, exists in every
workspace; one profile is the active one. Sync (services/sync.py) reads them from here."""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlparse

from actions_studio.services.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ServiceError,
    VaultError,
)
from actions_studio.services.names import check_entity_name
from actions_studio.services.secrets import check_value
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store import sync_state as store
from actions_studio.store.records import TenantProfileRecord


LOCAL_TENANT = "Local tenant"
# The Local tenant's profile stores no URL of its own: the port is chosen at each start.
LOCAL_URL = "bundled://local-tenant"
ACTIVE_SETTING = "sync.active_tenant"


def _secret_key(tenant_id: str) -> str:
    return f"tenant:{tenant_id}:client_secret"


def add_profile(ws: Workspace, name: str, base_url_or_domain: str, client_id: str,
                client_secret: str, *, audience: Optional[str] = None) -> TenantProfileRecord:
    check_entity_name("tenant", name)
    base_url = normalise_url(base_url_or_domain)
    if not client_id:
        raise InvalidInputError(f"tenant {name}: the client id is empty")
    check_value("client secret", client_secret)
    with ws.db.write() as s:
        if any(t.name == name for t in repo.list_tenants(s)):
            raise ConflictError(f"a tenant named {name!r} already exists")
        record = repo.insert_tenant(s, name=name, base_url=base_url,
                                    client_id=client_id, audience=audience)
        # Inside the transaction: if the vault refuses, the profile is not created either.
        ws.vault.set(ws.id, _secret_key(record.id), client_secret)
    return record


def client_secret(ws: Workspace, tenant: TenantProfileRecord) -> str:
    value = ws.vault.get(ws.id, _secret_key(tenant.id))
    if value is None:
        raise VaultError(f"tenant {tenant.name}: no client secret in the vault ({ws.vault.location()})")
    return value


# -- the profiles ------------------------------------------------------------------------------------

def is_local(tenant: TenantProfileRecord) -> bool:
    return tenant.base_url == LOCAL_URL


def ensure_local_profile(ws: Workspace) -> TenantProfileRecord:
    with ws.db.write() as s:
        for t in repo.list_tenants(s):
            if t.name == LOCAL_TENANT:
                return t
        return repo.insert_tenant(s, name=LOCAL_TENANT, base_url=LOCAL_URL, client_id="(bundled)")


def list_profiles(ws: Workspace) -> list[TenantProfileRecord]:
    ensure_local_profile(ws)
    with ws.db.read() as s:
        return repo.list_tenants(s)


def get_profile(ws: Workspace, name: Optional[str] = None) -> TenantProfileRecord:
    """The named profile, or the active one (the Local tenant until another is chosen)."""
    wanted = name or active_tenant_name(ws)
    for tenant in list_profiles(ws):
        if tenant.name == wanted:
            return tenant
    raise NotFoundError(f"no tenant named {wanted!r}")


def active_tenant_name(ws: Workspace) -> str:
    with ws.db.read() as s:
        name = repo.get_setting(s, ACTIVE_SETTING)
        if name and any(t.name == name for t in repo.list_tenants(s)):
            return name
    return LOCAL_TENANT


def set_active_tenant(ws: Workspace, name: str) -> TenantProfileRecord:
    tenant = get_profile(ws, name)
    with ws.db.write() as s:
        repo.set_setting(s, ACTIVE_SETTING, tenant.name)
    return tenant


# A tenant's domain: Auth0's own (`acme.eu.auth0.com`) or a custom one (`login.acme.com`).
_DOMAIN = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def domain_url(domain: str) -> str:
    """The base URL of a tenant known by its domain: always https, as Auth0's clients insist
    (the Management API audience is then `https://DOMAIN/api/v2/`, token.py)."""
    text = domain.strip().rstrip("/")
    if not _DOMAIN.fullmatch(text):
        hint = " (give a URL with --url)" if "://" in text or ":" in text else ""
        raise InvalidInputError(f"not a tenant domain: {domain!r}: expected a host name such as "
                                f"acme.eu.auth0.com or login.acme.com{hint}")
    return f"https://{text.lower()}"


def normalise_url(base_url_or_domain: str) -> str:
    """Accepts an Auth0 domain (`acme.eu.auth0.com`) as well as a URL."""
    text = base_url_or_domain.strip().rstrip("/")
    if "://" not in text:
        text = f"https://{text}"
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInputError(f"not a tenant URL or domain: {base_url_or_domain!r} "
                                "(a base URL must be http(s)://host[:port])")
    return text


def update_profile(ws: Workspace, name: str, *, base_url_or_domain: str, client_id: str,
                   client_secret: Optional[str] = None, audience: Optional[str] = None
                   ) -> TenantProfileRecord:
    tenant = get_profile(ws, name)
    if is_local(tenant):
        raise InvalidInputError("the Local tenant is built in; its address is chosen at each start")
    if not client_id:
        raise InvalidInputError(f"tenant {name}: the client id is empty")
    url = normalise_url(base_url_or_domain)
    with ws.db.write() as s:
        record = store.update_tenant(s, tenant.id, base_url=url, client_id=client_id, audience=audience)
        if client_secret:
            ws.vault.set(ws.id, _secret_key(tenant.id), client_secret)
    return record


def remove_profile(ws: Workspace, name: str) -> None:
    tenant = get_profile(ws, name)
    if is_local(tenant):
        raise ConflictError("the Local tenant is built in and cannot be removed")
    with ws.db.write() as s:
        store.delete_tenant(s, tenant.id)
    try:
        ws.vault.delete(ws.id, _secret_key(tenant.id))
    except ServiceError:
        pass  # the profile is gone; an orphan secret is unreachable


def find_tenant(ws: Workspace, name: str) -> TenantProfileRecord:
    try:
        return get_profile(ws, name)
    except NotFoundError:
        names = ", ".join(t.name for t in list_profiles(ws))
        raise NotFoundError(f"no tenant named {name!r} (tenants: {names})") from None

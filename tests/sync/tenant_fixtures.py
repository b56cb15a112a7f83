"""The real bundled tenant on loopback, one per test (its own data dir), plus SDK helpers for
changes "made in another tool"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from actions_studio.services.sync import LocalTenantHost, SyncSession, ensure_local_profile
from actions_studio.sync.client import Connection
from actions_studio.sync.token import ClientCredentials


@pytest.fixture
def tenant_host(tmp_path: Path) -> Iterator[LocalTenantHost]:
    host = LocalTenantHost(tmp_path / "tenant-data")
    host.connection()
    yield host
    host.stop()


@pytest.fixture
def session_for() -> Iterator[Callable[..., SyncSession]]:
    opened: list[SyncSession] = []

    def make(ws, host: LocalTenantHost) -> SyncSession:
        opened.append(SyncSession(ws, ensure_local_profile(ws), local_host=host))
        return opened[-1]

    yield make
    for session in opened:
        session.close()


@pytest.fixture
def sdk() -> Iterator[Callable[[Connection], object]]:
    """An independent client of the tenant: the auth0-python SDK, as another tool would use it."""
    import httpx
    from auth0.management.client import Auth0

    clients: list[httpx.Client] = []

    def make(connection: Connection):
        token = ClientCredentials(connection.base_url, connection.client_id,
                                  connection.client_secret, connection.audience)
        clients.append(httpx.Client(timeout=15))
        return Auth0(base_url=f"{connection.base_url}/api/v2", token=token(), httpx_client=clients[-1])

    yield make
    for client in clients:
        client.close()

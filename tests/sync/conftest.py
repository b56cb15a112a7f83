"""Sync tests: an isolated home (no real user folders, no OS keyring), a workspace per test, the real
bundled tenant on loopback (one per test, its own data dir) and SDK clients for changes "made in
another tool"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from actions_studio.services.sync import LocalTenantHost, SyncSession, ensure_local_profile
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.sync.client import Connection
from actions_studio.sync.token import ClientCredentials


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTIONS_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ACTIONS_STUDIO_VAULT", "file")


def open_workspace(tmp_path: Path, name: str) -> Workspace:
    return Workspace.open(tmp_path / f"{name}.sqlite", vault=FileVault(tmp_path / f"{name}-config"))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with open_workspace(tmp_path, "w") as workspace:
        yield workspace


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

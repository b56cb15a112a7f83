"""A real tenant on a loopback port (uvicorn in a thread) with a real sandbox, shared by the
tests of this folder; clients are the real `auth0-python` SDK and plain HTTP.

Every test that reaches a tenant's store runs twice (issue 18): on SQLite (`[sqlite]`) and on a real
PostgreSQL server (`[postgresql]`, the session's throwaway cluster from tests/pg_server.py, or a skip
that says how to get one). One cluster serves the whole session; each tenant gets its own database,
copied from a template that already holds the schema, so a fresh store costs one CREATE DATABASE.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import httpx
import pytest
import uvicorn
from auth0.authentication import GetToken
from auth0.management.client import Auth0

from actions_studio.runtime import Sandbox, SandboxLimits
from actions_studio.tenant.app import create_app
from actions_studio.tenant.attack_protection import Settings
from actions_studio.tenant.config import TenantConfig
from actions_studio.tenant.store import Database, sqlite_url


class TenantStore:
    """Where a test's tenant keeps its data: SQLite in its data folder, or a fresh PostgreSQL
    database of the session's server."""

    def __init__(self, kind: str, server: Any = None) -> None:
        self.kind = kind
        self._server = server
        self._template: Optional[str] = None
        self._made: list[str] = []

    @property
    def is_postgresql(self) -> bool:
        return self.kind == "postgresql"

    def url(self) -> Optional[str]:
        """A new, empty store's SQLAlchemy URL (None: SQLite, the tenant's default, in its folder)."""
        if not self.is_postgresql:
            return None
        if self._template is None:
            self._template = self._server.database("tenant_template")
            Database(self._template).close()      # the schema, once; copies start from it
        url = self._server.database("tenant", template=self._template)
        self._made.append(url)
        return url

    def database(self, url: Optional[str], data_dir: Path) -> Database:
        """An engine on a tenant's store (a test that reads or edits it behind the server)."""
        return Database(url or sqlite_url(data_dir))

    def close(self) -> None:
        if self._server is not None:
            self._server.drop([*self._made, *([self._template] if self._template else [])])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningTenant:
    base_url: str
    data_dir: Path
    creds: dict[str, Any]
    server: uvicorn.Server
    thread: threading.Thread
    database_url: Optional[str] = None          # None: SQLite in data_dir
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def domain(self) -> str:
        return self.base_url.split("://", 1)[1]

    def management_token(self) -> str:
        m = self.creds["management"]
        return GetToken(self.domain, m["client_id"], client_secret=m["client_secret"],
                        protocol="http").client_credentials(m["audience"])["access_token"]

    def sdk(self, token: str | None = None) -> Auth0:
        # Our own httpx client, closed with the tenant (the SDK never closes its default one).
        client = httpx.Client(timeout=60)
        self.clients.append(client)
        return Auth0(base_url=f"{self.base_url}/api/v2", token=token or self.management_token(),
                     httpx_client=client)

    def app_tokens(self) -> GetToken:
        a = self.creds["application"]
        return GetToken(self.domain, a["client_id"], client_secret=a["client_secret"], protocol="http")

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def stop(self) -> None:
        for client in self.clients:
            client.close()
        self.server.should_exit = True
        self.thread.join(15)


def start_tenant(data_dir: Path, sandbox: Sandbox, **overrides: Any) -> RunningTenant:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    config = TenantConfig(data_dir=data_dir, base_url=base_url, **overrides)
    server = uvicorn.Server(uvicorn.Config(create_app(config, sandbox=sandbox), host="127.0.0.1",
                                           port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name=f"tenant-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the tenant did not start")
        time.sleep(0.02)
    creds = json.loads((data_dir / "credentials.json").read_text())
    return RunningTenant(base_url, data_dir, creds, server, thread, config.database_url)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Iterator[TenantStore]:
    """The database kind of this half of the suite (issue 18)."""
    if request.param == "sqlite":
        yield TenantStore("sqlite")
        return
    chosen = TenantStore("postgresql", request.getfixturevalue("postgres_server"))
    yield chosen
    chosen.close()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        yield box


@pytest.fixture(scope="session")
def tenant(tmp_path_factory: pytest.TempPathFactory, sandbox: Sandbox,
           store: TenantStore) -> Iterator[RunningTenant]:
    # Every test speaks from 127.0.0.1: their wrong passwords together must not fill that IP's
    # failure budget (suspicious IP throttling is tested on a tenant of its own).
    running = start_tenant(tmp_path_factory.mktemp("tenant") / "data", sandbox, database_url=store.url(),
                           rate_limit_per_s=10_000, rate_limit_burst=100_000,
                           attack_protection=Settings(ip_max_failures=100_000))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def mgmt(tenant: RunningTenant) -> Auth0:
    return tenant.sdk()


@pytest.fixture
def tenant_factory(tmp_path: Path, sandbox: Sandbox,
                   store: TenantStore) -> Iterator[Callable[..., RunningTenant]]:
    started: list[RunningTenant] = []

    def make(**overrides: Any) -> RunningTenant:
        overrides.setdefault("database_url", store.url())
        running = start_tenant(tmp_path / f"data{len(started)}", sandbox, **overrides)
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()


_counter = iter(range(10**6))


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Action names unique across the session (the tenant is shared)."""
    return lambda stem: f"{stem}-{next(_counter)}"


def deploy_flow(mgmt: Auth0, trigger_id: str, actions: list[tuple[str, str]] | list[tuple[str, str, str]]
                ) -> list[str]:
    """Creates and deploys each (name, code[, runtime]) and binds them in order; returns the
    action ids. The runtime is python3 unless given."""
    trigger = {"post-login": "v3"}.get(trigger_id, "v2")
    ids = []
    for name, code, *rest in actions:
        runtime = rest[0] if rest else "python3"
        # python3 said out loud: an action created without a runtime is node22, as on Auth0.
        action = mgmt.actions.create(name=name, supported_triggers=[{"id": trigger_id, "version": trigger}],
                                     code=code, runtime=runtime)
        mgmt.actions.deploy(action.id)
        ids.append(action.id)
    mgmt.actions.triggers.bindings.update_many(
        trigger_id, bindings=[{"ref": {"type": "action_id", "value": i}} for i in ids])
    return ids


def clear_flow(mgmt: Auth0, trigger_id: str) -> None:
    mgmt.actions.triggers.bindings.update_many(trigger_id, bindings=[])

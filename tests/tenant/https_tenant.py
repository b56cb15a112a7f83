"""The bundled tenant as Auth0's clients see a tenant: https on a domain, a certificate from a test
CA, and Auth0's own Node clients (the `auth0` SDK and the Deploy CLI, pinned, from npm) run on the
project's Node against it.

The edge of the world is name resolution, as in tests/sync/auth0_contract.py: the domain resolves
to this tenant on loopback (for Python through `ResolvingTransport`, for Node through the preload
`node/resolve.cjs`), TLS is verified against the test CA with the domain's name, and no other name
resolves."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import httpx
import uvicorn

from actions_studio import nodejs
from actions_studio.runtime import Sandbox
from actions_studio.tenant.app import create_app
from actions_studio.tenant.config import TenantConfig

from .conftest import RunningTenant, free_port

REPO = Path(__file__).resolve().parents[2]
DOMAIN = "acme-test.eu.auth0.com"
NODE_DIR = Path(__file__).with_name("node")


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# The contract server's test CA and resolving transport; the installer of the Node clients.
contract = _load("auth0_contract_for_tenant", REPO / "tests" / "sync" / "auth0_contract.py")
installer = _load("auth0_clients_installer", REPO / "tools" / "auth0_clients.py")


@dataclass
class HttpsTenant:
    running: RunningTenant
    ca: Any            # auth0_contract.TestCA
    port: int

    @property
    def creds(self) -> dict[str, Any]:
        return self.running.creds

    def http(self, token: Optional[str] = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=f"https://{DOMAIN}", headers=headers, timeout=60,
                            transport=contract.ResolvingTransport(self.ca, self.port, DOMAIN))

    def management_token(self) -> str:
        m = self.creds["management"]
        with self.http() as client:
            resp = client.post("/oauth/token", json={"grant_type": "client_credentials", "client_id": m["client_id"],
                                                     "client_secret": m["client_secret"], "audience": m["audience"]})
        resp.raise_for_status()
        return resp.json()["access_token"]

    def node_env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        return {**keep, "NODE_EXTRA_CA_CERTS": str(self.ca.ca_pem),
                "ACTIONS_STUDIO_TEST_RESOLVE": f"{DOMAIN}:443=127.0.0.1:{self.port}",
                "NODE_OPTIONS": f"--require={NODE_DIR / 'resolve.cjs'}"}

    def stop(self) -> None:
        self.running.stop()


def start_https_tenant(folder: Path, sandbox: Sandbox, **overrides: Any) -> HttpsTenant:
    ca = contract.make_test_ca(folder / "ca", DOMAIN)
    port, data_dir = free_port(), folder / "data"
    # What `tenant serve --domain DOMAIN --tls-cert … --tls-key …` configures (serve_options.config_for).
    config = TenantConfig(data_dir=data_dir, base_url=f"https://{DOMAIN}", **overrides)
    server = uvicorn.Server(uvicorn.Config(create_app(config, sandbox=sandbox), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False,
                                           ssl_certfile=str(ca.cert_pem), ssl_keyfile=str(ca.key_pem)))
    thread = threading.Thread(target=server.run, name=f"https-tenant-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the https tenant did not start")
        time.sleep(0.02)
    creds = json.loads((data_dir / "credentials.json").read_text())
    return HttpsTenant(RunningTenant(f"https://{DOMAIN}", data_dir, creds, server, thread), ca, port)


def node_clients() -> tuple[Any, str]:
    """(the install, "") or (None, why the packages are missing) — installing them once if the
    setup step did not (a machine without npm's registry then says so)."""
    found = installer.find()
    if found is not None:
        return found, ""
    try:
        return installer.install(quiet=True), ""
    except installer.InstallError as exc:
        return None, str(exc)


def run_node(tenant: HttpsTenant, clients: Any, script: Path, *args: str, env: Optional[dict[str, str]] = None,
             cwd: Optional[Path] = None, timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
    node = nodejs.find_node()
    full_env = {**tenant.node_env(), "NODE_PATH": str(clients.node_modules), **(env or {})}
    return subprocess.run([str(node.executable), str(script), *args], env=full_env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL)

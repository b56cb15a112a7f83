"""`actions-studio tenant serve` as a user runs it: a real process, credentials.json, the host rules."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import httpx
from typer.testing import CliRunner

from actions_studio.cli import app

from .conftest import free_port


def test_serve_refuses_a_public_host_without_tls(tmp_path) -> None:
    result = CliRunner().invoke(app, ["tenant", "serve", "--host", "0.0.0.0", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "--insecure-http" in result.output and "--tls-cert" in result.output
    assert not (tmp_path / "credentials.json").exists()


def test_serve_starts_writes_credentials_and_answers(tmp_path) -> None:
    port, data = free_port(), tmp_path / "data"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(port),
                             "--data", str(data)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/.well-known/jwks.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline
            time.sleep(0.1)
        creds_path = data / "credentials.json"
        assert stat.S_IMODE(creds_path.stat().st_mode) == 0o600
        creds = json.loads(creds_path.read_text())
        assert creds["base_url"] == f"http://127.0.0.1:{port}"
        m = creds["management"]
        token = httpx.post(f"http://127.0.0.1:{port}/oauth/token", data={
            "grant_type": "client_credentials", "client_id": m["client_id"],
            "client_secret": m["client_secret"], "audience": m["audience"]}).json()
        assert "create:actions" in token["scope"].split()
    finally:
        proc.terminate()
        proc.wait(20)
        if proc.stdout:
            proc.stdout.close()

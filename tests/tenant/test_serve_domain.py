"""`tenant serve --domain` (issue 17 part 3): the tenant as a named https domain, as a user runs it —
a real process with a certificate for that name; the issuer and the Management API audience are
https://DOMAIN/ and https://DOMAIN/api/v2/, which Auth0's clients request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from actions_studio.cli import app

from .conftest import free_port
from .https_tenant import DOMAIN, contract


@pytest.mark.parametrize(("args", "words"), [
    (["--domain", "https://acme.example.com"], "no scheme"),
    (["--domain", "acme.example.com/api"], "no scheme, path"),
    (["--domain", "acme.example.com", "--base-url", "https://acme.example.com"], "give one of them"),
    (["--base-url", "https://acme.example.com/tenant"], "no path"),
])
def test_a_domain_or_base_url_that_is_not_an_origin_is_refused(tmp_path, args, words) -> None:
    result = CliRunner().invoke(app, ["tenant", "serve", "--data", str(tmp_path), *args])
    assert result.exit_code == 2 and words in result.output
    assert not (tmp_path / "credentials.json").exists()


def test_serve_on_a_domain_issues_tokens_for_it_over_https(tmp_path) -> None:
    ca = contract.make_test_ca(tmp_path / "ca", DOMAIN)
    port, data = free_port(), tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(port), "--data", str(data),
         "--domain", DOMAIN, "--tls-cert", str(ca.cert_pem), "--tls-key", str(ca.key_pem)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        with httpx.Client(base_url=f"https://{DOMAIN}", transport=contract.ResolvingTransport(ca, port, DOMAIN),
                          timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    discovery = client.get("/.well-known/openid-configuration")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            assert discovery.json()["issuer"] == f"https://{DOMAIN}/"
            creds = json.loads((data / "credentials.json").read_text())
            assert creds["base_url"] == f"https://{DOMAIN}"
            m = creds["management"]
            assert m["audience"] == f"https://{DOMAIN}/api/v2/"
            token = client.post("/oauth/token", json={"grant_type": "client_credentials", "client_id": m["client_id"],
                                                      "client_secret": m["client_secret"], "audience": m["audience"]})
            assert token.status_code == 200, token.text
            # The audience a tenant without --domain would have had is not its own any more.
            other = client.post("/oauth/token", json={"grant_type": "client_credentials", "client_id": m["client_id"],
                                                      "client_secret": m["client_secret"],
                                                      "audience": f"https://127.0.0.1:{port}/api/v2/"})
            assert other.status_code == 403 and "Service not found" in other.json()["error_description"]
            listed = client.get("/api/v2/actions/triggers",
                                headers={"Authorization": f"Bearer {token.json()['access_token']}"})
            assert listed.status_code == 200
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        if proc.stdout:
            proc.stdout.close()

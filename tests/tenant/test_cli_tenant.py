"""`actions-studio tenant serve` as a user runs it: a real process, credentials.json, the host rules."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from typing import Optional

import httpx
import pytest
from typer.testing import CliRunner

from actions_studio.cli import app

from runtime.processes import descendants  # tests/runtime/processes.py, the sandbox tests' helper

from .conftest import free_port


def test_serve_refuses_a_public_host_without_tls(tmp_path) -> None:
    result = CliRunner().invoke(app, ["tenant", "serve", "--host", "0.0.0.0", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "--insecure-http" in result.output and "--tls-cert" in result.output
    assert not (tmp_path / "credentials.json").exists()


def test_serve_starts_writes_credentials_and_answers(tmp_path, store) -> None:
    port, data = free_port(), tmp_path / "data"
    proc = _serve(port, data, store.url())
    try:
        _wait_until_serving(proc, port)
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
        _stop(proc)


def _serve(port: int, data, database_url: Optional[str] = None, *more: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    store = ["--database-url", database_url] if database_url else []
    return subprocess.Popen([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(port),
                             "--data", str(data), *store, *more],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)


def _wait_until_serving(proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/.well-known/jwks.json", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        assert time.monotonic() < deadline
        time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    if proc.stdout:
        proc.stdout.close()


def test_a_second_server_on_the_same_folder_is_refused_naming_the_first(tmp_path, store) -> None:
    data, first_port, second_port = tmp_path / "data", free_port(), free_port()
    url = store.url()
    first = _serve(first_port, data, url)
    try:
        _wait_until_serving(first, first_port)
        before = (data / "credentials.json").read_bytes()
        second = _serve(second_port, data, url)
        try:
            out, _ = second.communicate(timeout=60)
        finally:
            if second.poll() is None:   # it started: stop it before failing
                _stop(second)
        text = out.decode()
        assert second.returncode != 0
        assert f"already served by the tenant at http://127.0.0.1:{first_port} (pid {first.pid})" in text, text
        assert "Traceback" not in text
        assert (data / "credentials.json").read_bytes() == before
        # The first still serves logins, through the example a user runs.
        login = subprocess.run([sys.executable, "examples/login.py", "--data", str(data)],
                               capture_output=True, text=True, timeout=60)
        assert login.returncode == 0, login.stderr
        assert f'"iss": "http://127.0.0.1:{first_port}/"' in login.stdout
    finally:
        _stop(first)
    # The lock went with the first server: the folder can be served again.
    again = _serve(second_port, data, url)
    try:
        _wait_until_serving(again, second_port)
        assert json.loads((data / "credentials.json").read_text())["base_url"] == f"http://127.0.0.1:{second_port}"
    finally:
        _stop(again)


def test_a_busy_port_leaves_credentials_json_naming_the_last_server(tmp_path, store) -> None:
    data, port, url = tmp_path / "data", free_port(), store.url()
    first = _serve(port, data, url)
    _wait_until_serving(first, port)
    _stop(first)
    before = (data / "credentials.json").read_bytes()
    with socket.socket() as squatter:
        busy = free_port()
        squatter.bind(("127.0.0.1", busy))
        squatter.listen()
        result = subprocess.run([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(busy),
                                 "--data", str(data), *(["--database-url", url] if url else [])],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{busy}" in result.stderr and "Traceback" not in result.stderr
    assert (data / "credentials.json").read_bytes() == before


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_postgresql_server_that_is_not_there_is_one_line_not_a_traceback(tmp_path, workers) -> None:
    # No server listens on this socket: `tenant serve` says so in one line, with one worker as
    # with several, and writes nothing.
    url = f"postgresql+psycopg://studio@/postgres?host={tmp_path}&port=5999"
    result = subprocess.run([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(free_port()),
                             "--data", str(tmp_path / "data"), "--workers", workers, "--database-url", url],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "the tenant's store cannot be opened" in result.stderr and "Traceback" not in result.stderr
    assert f"{tmp_path}/.s.PGSQL.5999" in result.stderr     # where it looked
    assert not (tmp_path / "data" / "credentials.json").exists()


def test_a_server_that_never_answers_is_given_up_on_after_the_connect_timeout(tmp_path, monkeypatch) -> None:
    # A host that accepts the connection and then says nothing (a hung server, or what a proxy
    # in front of a dead one looks like to libpq), which libpq alone would wait on for ever: the
    # store gives up after CONNECT_TIMEOUT_S with the driver's timeout error.
    import threading

    from actions_studio.tenant.store import Database, db

    monkeypatch.setattr(db, "CONNECT_TIMEOUT_S", 1)
    outcome: list[BaseException] = []

    def open_store() -> None:
        try:
            Database(url).close()
        except BaseException as exc:  # noqa: BLE001 - the test looks at what it was
            outcome.append(exc)

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"postgresql+psycopg://studio@127.0.0.1:{silent.getsockname()[1]}/postgres?sslmode=disable"
        opener = threading.Thread(target=open_store, daemon=True)
        opener.start()
        opener.join(60)
        assert not opener.is_alive(), "the store still waits for a server that never answers"
    assert len(outcome) == 1 and "timeout" in str(outcome[0]).lower(), outcome


def test_the_database_url_from_the_environment_is_served_and_no_process_it_starts_inherits_it(tmp_path, store) -> None:
    # The documented way for a URL with a password (systemd's EnvironmentFile, a container's -e):
    # never on a command line, and not passed on to the workers or their sandboxes either (the
    # workers get it on a pipe).
    port, data = free_port(), tmp_path / "data"
    url = store.url() or f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "ACTIONS_STUDIO_TENANT_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(port),
                             "--data", str(data), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_until_serving(proc, port)
        if not store.is_postgresql:
            assert (tmp_path / "elsewhere.sqlite").exists() and not (data / "tenant.sqlite").exists()
        started = list(descendants(proc.pid))
        assert len(started) >= 2  # the workers, and under them their sandboxes
        for pid in [proc.pid, *started]:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    assert url.encode() not in fh.read()
                if pid != proc.pid:  # its own initial environment is the caller's
                    with open(f"/proc/{pid}/environ", "rb") as fh:
                        assert b"ACTIONS_STUDIO_TENANT_DATABASE_URL" not in fh.read(), pid
            except (FileNotFoundError, ProcessLookupError):
                pass  # a sandbox child that came and went meanwhile
    finally:
        _stop(proc)


@pytest.mark.parametrize("given, warned", [
    (["--database-url", "postgresql+psycopg://tenant:SECRET@/postgres?host={tmp}&port=5999"], True),
    (["--database-url=postgresql+psycopg://tenant@/postgres?host={tmp}&port=5999&password=SECRET"], True),
    (["--database-url", "postgresql+psycopg://tenant@/postgres?host={tmp}&port=5999"], False),
    ([], False),  # the same URL, with its password, from ACTIONS_STUDIO_TENANT_DATABASE_URL
])
def test_a_password_on_the_command_line_is_warned_about(tmp_path, given, warned) -> None:
    # No server listens on the socket, so each start ends at once with the store's one line; the
    # warning, where it is due, comes first, and never repeats the password.
    args = [a.replace("{tmp}", str(tmp_path)) for a in given]
    env = {**os.environ, "ACTIONS_STUDIO_TENANT_DATABASE_URL":
           f"postgresql+psycopg://tenant:SECRET@/postgres?host={tmp_path}&port=5999"}
    result = subprocess.run([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(free_port()),
                             "--data", str(tmp_path / "data"), *args],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2 and "the tenant's store cannot be opened" in result.stderr, result.stderr
    assert ("set ACTIONS_STUDIO_TENANT_DATABASE_URL instead" in result.stderr) is warned, result.stderr
    assert "SECRET" not in result.stderr

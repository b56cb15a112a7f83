"""Benchmark of the bundled tenant (issue 6, section 7): password-grant logins over loopback.

The tenant runs as its own process (`actions-studio tenant serve`, a real sandbox); this process
is the load: 16 client threads on keep-alive HTTP/1.1 connections, each logging in its own user
with the password-realm grant. Two flows in the same run — nothing bound, then a 3-action
post-login flow (claims, metadata, a log line) — so the ratio is the flow's cost. Two shapes:

  - saturation: the 16 clients log in back to back (closed loop) → logins/s, and the latency
    that queueing 16 concurrent logins gives (p50 ≈ 16 / throughput by Little's law);
  - paced: the 16 clients together offer the target rate (150 logins/s) → the latency of a
    login when the tenant carries that load (the p50 target is about this one).

Every phase is bounded in time and in count. A last row runs the same flow straight into a
`Sandbox` from 16 threads (no HTTP, no store), with warm children as the tenant runs it: the
runtime's share of a login's cost, the floor of the flow's rows.

`--teams` adds the team-server rows (issue 18), in the same run: the 3-action flow saturated on
SQLite with 1 worker, on PostgreSQL with 1 worker and with 2 workers (`tenant serve --workers 2`),
and the 2 workers paced at 70% of their measured saturation (the median round; p99 against
p50), after a warm-up in which each worker has checked each user's password
(`meet_every_worker`). The three tenants run side by side and take turns, one saturated phase
each per round (`--team-rounds`), so each ratio the issue sets is also given as the median of
rounds run seconds apart. PostgreSQL is a throwaway cluster with the default, durable settings
(tests/pg_server.py), or ACTIONS_STUDIO_TEST_POSTGRES_URL.

Each tenant row also says how much CPU each process group spent per login (`CpuMeter`): the
tenant's server processes, its sandbox (zygote, forking helper, execution children), PostgreSQL and
the load generator (this process: 16 threads, each on a raw keep-alive socket that sends its login
request as bytes built once and reads the answer by its Content-Length; `LoginConnection`). On 2
cores they show where a row is bound — and that the generator, at 0.2-0.5 ms per login on the
shared machine (0.6-1.2 ms with http.client, same runs), is not what bounds it.

    .venv/bin/python bench/bench_tenant.py [--seconds 5] [--max-logins 3000] [--clients 16] [--rounds 2] [--teams [--team-rounds 4]]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

TARGET_P50_MS = 25.0
TARGET_LOGINS_PER_S = 150.0

FLOW = [
    ("bench-roles", '''
def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://bench/roles", list(event.authorization.roles))
'''),
    ("bench-plan", '''
def on_execute_post_login(event, api):
    api.user.set_app_metadata("plan", "pro")
    api.id_token.set_custom_claim("https://bench/plan", "pro")
'''),
    ("bench-audit", '''
def on_execute_post_login(event, api):
    print("login", event.user.user_id, event.stats.logins_count)
    api.access_token.set_custom_claim("https://bench/count", event.stats.logins_count)
'''),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection; JSON in, JSON out."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = None, form: bool = False) -> tuple[int, Any]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = urlencode(body).encode() if form else json.dumps(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded" if form else "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        return resp.status, json.loads(raw) if raw else None

    def close(self) -> None:
        self.conn.close()


TENANT_LOGS: list[Path] = []


def tenant_errors() -> list[str]:
    """The last line of every traceback the tenants of this run logged (read before their folder
    goes): a row measured while the server failed is no measurement."""
    found = []
    for path in TENANT_LOGS:
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                rest = [x for x in lines[i + 1:] if x and not x.startswith(" ")]
                found.append(f"{path.name}: {rest[0] if rest else line}")
    return found


def start_tenant(data: Path, port: int, *more: str) -> subprocess.Popen:
    """The tenant's log goes to `tenant.log` beside its data folder, a file: a pipe nobody reads
    during the run fills (64 KiB of warnings or tracebacks) and then blocks the tenant's event loop
    in its next log line — a hung run instead of a reported error."""
    data.parent.mkdir(parents=True, exist_ok=True)
    log_path = data.parent / f"{data.name}-tenant.log"
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(port),
                                 "--data", str(data), *more], stdout=subprocess.DEVNULL, stderr=log_file)
    TENANT_LOGS.append(log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"tenant exited: {log_path.read_text(errors='replace')[-4000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                if (data / "credentials.json").exists():
                    return proc
        except OSError:
            time.sleep(0.1)
    raise SystemExit("tenant did not start in 60 s")

# The same three actions in JavaScript (node22), as an Auth0 user writes them (issue 15: logins
# through a JS flow >= 0.7x the same flow in Python, same run).
JS_FLOW = [
    ("bench-js-roles", """
exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.setCustomClaim('https://bench/roles', [...(event.authorization?.roles || [])]);
};
"""),
    ("bench-js-plan", """
exports.onExecutePostLogin = async (event, api) => {
  api.user.setAppMetadata('plan', 'pro');
  api.idToken.setCustomClaim('https://bench/plan', 'pro');
};
"""),
    ("bench-js-audit", """
exports.onExecutePostLogin = async (event, api) => {
  console.log('login', event.user.user_id, event.stats.logins_count);
  api.accessToken.setCustomClaim('https://bench/count', event.stats.logins_count);
};
"""),
]


def deploy_js_flow(port: int, token: str) -> list[str]:
    api = Client(port, token)
    ids = []
    for name, code in JS_FLOW:
        status, action = api.call("POST", "/api/v2/actions/actions", {
            "name": name, "supported_triggers": [{"id": "post-login", "version": "v3"}], "code": code,
            "runtime": "node22", "deploy": True})
        assert status == 201, action
        ids.append(action["id"])
    api.close()
    return ids


def setup(port: int, creds: dict[str, Any], clients: int) -> tuple[str, list[str], list[tuple[str, str]]]:
    m = creds["management"]
    anon = Client(port)
    status, tok = anon.call("POST", "/oauth/token", {"grant_type": "client_credentials", "client_id": m["client_id"],
                                                      "client_secret": m["client_secret"], "audience": m["audience"]})
    assert status == 200, tok
    api = Client(port, tok["access_token"])
    ids = []
    for name, code in FLOW:
        status, action = api.call("POST", "/api/v2/actions/actions", {
            "name": name, "supported_triggers": [{"id": "post-login", "version": "v3"}], "code": code,
            "runtime": "python3", "deploy": True})
        assert status == 201, action
        ids.append(action["id"])
    users = []
    for i in range(clients):
        email, password = f"bench{i}@example.com", f"bench password {i}"
        status, body = api.call("POST", "/api/v2/users", {"connection": creds["connection"], "email": email,
                                                          "password": password})
        assert status == 201, body
        users.append((email, password))
    anon.close()
    return tok["access_token"], ids, users


def bind(port: int, token: str, ids: list[str]) -> None:
    api = Client(port, token)
    status, body = api.call("PATCH", "/api/v2/actions/triggers/post-login/bindings",
                            {"bindings": [{"ref": {"type": "action_id", "value": i}} for i in ids]})
    assert status == 200, body
    api.close()


class CpuMeter:
    """CPU seconds per process group over a phase, from /proc (Linux): the tenant's server
    processes, its sandbox (zygotes, their forking helpers and every execution child, reaped ones
    included through their parent's children times; the Node workers), PostgreSQL, and this process — the load
    generator. Per login, it shows where a run is bound: on 2 cores, a row whose groups add up to
    ~2 s per second of wall time is CPU-bound whatever the worker count."""

    GROUPS = ("tenant", "sandbox", "postgres", "load")

    def __init__(self, tenant_pid: int, postgres_pid: int | None = None) -> None:
        self.roots = {"tenant": tenant_pid, "postgres": postgres_pid}

    @staticmethod
    def _processes() -> dict[int, tuple[int, float, float, str]]:
        """pid -> (parent, own CPU seconds, reaped children's CPU seconds, command line)."""
        tick = os.sysconf("SC_CLK_TCK")
        out = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    command = fh.read().decode(errors="replace")
            except OSError:
                continue
            out[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick,
                               (int(fields[13]) + int(fields[14])) / tick, command)
        return out

    def snapshot(self) -> dict[str, float]:
        procs = self._processes()
        children: dict[int, list[int]] = {}
        for pid, (parent, _, _, _) in procs.items():
            children.setdefault(parent, []).append(pid)
        totals = dict.fromkeys(self.GROUPS, 0.0)
        for root_group, root in self.roots.items():
            todo = [root] if root in procs else []
            while todo:
                pid = todo.pop()
                todo += children.get(pid, [])
                _, own, reaped, command = procs[pid]
                argv0 = command.split("\0", 1)[0]
                # The Python sandbox (zygote, helper, children) and the JavaScript one (Node workers).
                sandboxed = "runtime.python.zygote" in command or os.path.basename(argv0) == "node"
                group = "sandbox" if sandboxed else root_group
                totals[group] += own
                # What a process's exited children used reaches its own counters when it reaps
                # them. A tenant process's children are its sandbox: a Node worker that retired
                # during the phase is reaped by the tenant, and counting it there made the
                # tenant's CPU too high and the sandbox's negative.
                totals["sandbox" if group == "tenant" else group] += reaped
        usage = os.times()
        totals["load"] = usage.user + usage.system
        return totals

    @staticmethod
    def per_login(before: dict[str, float], after: dict[str, float], logins: int) -> dict[str, float]:
        return {f"cpu_{g}_ms": round((after[g] - before[g]) * 1000 / max(logins, 1), 2) for g in before}


class LoginConnection:
    """The load generator's side of one client: a raw keep-alive socket and its login request,
    built once (request line, headers and form body as bytes). Per login it sends those bytes and
    reads one response by its Content-Length — no http.client, email-header parsing or JSON
    decoding of a good answer — so what the generator spends per login (the `load` column) stays
    small next to what it measures."""

    def __init__(self, port: int, form: dict[str, str]) -> None:
        body = urlencode(form).encode()
        self.request = (b"POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
                        % (port, len(body))) + body
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.worker = b""   # the last answer's X-Tenant-Worker (tenant serve --workers N)

    def login(self) -> tuple[int, bytes]:
        """(status, body); a connection the server closed is opened again for the next login."""
        try:
            if self.sock is None:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.buffer = b""
            self.sock.sendall(self.request)
            return self._response()
        except OSError as exc:
            self.close()
            return 0, f"connection: {exc}".encode()

    def _response(self) -> tuple[int, bytes]:
        assert self.sock is not None
        buffer = self.buffer
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            buffer += self._recv()
        head, buffer = buffer[:end].lower(), buffer[end + 4:]
        status, length, close = int(head[9:12]), 0, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.strip() == b"close"
            elif name == b"x-tenant-worker":
                self.worker = value.strip()
        while len(buffer) < length:
            buffer += self._recv()
        self.buffer = buffer[length:]
        if close:
            self.close()
        return status, buffer[:length]

    def _recv(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the tenant closed the connection")
        return chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def login_form(creds: dict[str, Any], email: str, password: str) -> dict[str, str]:
    """One user's password-realm login with the demo application, asking for an ID token."""
    app = creds["application"]
    return {"grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": email, "password": password,
            "realm": creds["connection"], "scope": "openid"}


def run_phase(port: int, creds: dict[str, Any], users: list[tuple[str, str]], *, seconds: float,
              max_logins: int, rate: float | None, expect_flow: bool,
              meter: CpuMeter | None = None) -> dict[str, Any]:
    """16 clients log in until the time or count bound; `rate`: total offered logins/s (paced).
    `meter`: also the CPU each process group spent per login (`CpuMeter`)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = [0]
    start = time.monotonic() + 0.2
    stop_at = start + seconds
    interval = len(users) / rate if rate else 0.0

    def worker(index: int) -> None:
        client = LoginConnection(port, login_form(creds, *users[index]))
        next_at = start + (interval * index / len(users) if rate else 0.0)
        while True:
            now = time.monotonic()
            if rate:
                if next_at > now:
                    time.sleep(next_at - now)
                next_at += interval
            if time.monotonic() >= stop_at:
                break
            with lock:
                if issued[0] >= max_logins:
                    break
                issued[0] += 1
            t0 = time.perf_counter()
            status, body = client.login()
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if status != 200:
                    errors.append(f"{status} {body[:300].decode(errors='replace')}")
                elif expect_flow and b'"https://bench/roles"' not in _claims(body):
                    errors.append("claim missing")
                else:
                    latencies.append(elapsed)
        client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(users))]
    cpu_before = meter.snapshot() if meter else None
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = CpuMeter.per_login(cpu_before, meter.snapshot(), len(latencies)) if meter and cpu_before else {}
    wall = max(1e-9, min(time.monotonic(), stop_at + 5) - start)
    lat = sorted(latencies)
    return {"logins": len(lat), "errors": len(errors), "first_error": errors[0] if errors else None,
            "seconds": round(wall, 2), "logins_per_s": round(len(lat) / wall, 1),
            "p50_ms": round(statistics.median(lat), 1) if lat else None,
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 1) if lat else None, **cpu}


_ACCESS_TOKEN = b'"access_token":"'


def meet_every_worker(port: int, creds: dict[str, Any], users: list[tuple[str, str]], workers: int) -> None:
    """Warm-up for a tenant of several workers: every user logs in over fresh connections until
    each worker has answered one of its logins (`X-Tenant-Worker`), so each has checked each
    user's password once. The memo of good passwords is per process (passwords.py: nothing
    password-derived is shared or persisted), and the workers share one listening socket, so which
    worker accepts a new connection is a draw: a phase opens its 16 connections anew, and a user
    who lands on a worker that never checked its password pays a full argon2 check there (~35 ms
    of CPU, measured). Without this, those first checks fall at the start of the phase measured
    next and make its p99 (9.96x p50 in one run) a measure of the warm-up."""
    failures: list[str] = []
    wanted = {str(i).encode() for i in range(1, workers + 1)}

    def user(email: str, password: str) -> None:
        form = login_form(creds, email, password)
        seen: set[bytes] = set()
        for _ in range(64 * workers):
            client = LoginConnection(port, form)
            status, body = client.login()
            client.close()
            if status != 200:
                failures.append(f"{status} {body[:300].decode(errors='replace')}")
                return
            seen.add(client.worker)
            if seen >= wanted:
                return
        failures.append(f"{email}: answered by workers {sorted(seen)} only, in {64 * workers} connections")

    threads = [threading.Thread(target=user, args=pair) for pair in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"warm-up: {failures[0]}")


def _claims(body: bytes) -> bytes:
    """The access token's payload (JSON bytes) from a token response's body, without parsing it."""
    at = body.find(_ACCESS_TOKEN)
    if at < 0:
        return b""
    token = body[at + len(_ACCESS_TOKEN):body.index(b'"', at + len(_ACCESS_TOKEN))]
    payload = token.split(b".")[1]
    return base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4))


def sandbox_alone(clients: int, seconds: float, max_runs: int) -> dict[str, Any]:
    """The same 3-action flow straight into a Sandbox from `clients` threads: the runtime's share,
    with warm children as the tenant runs them (`TenantConfig.warm_sandbox`)."""
    from actions_studio.runtime import ActionSource, Sandbox
    from actions_studio.triggers import get_trigger

    event = get_trigger("post-login").sample_event()
    actions = [ActionSource(name, code, 1, {}) for name, code in FLOW]
    latencies: list[float] = []
    lock = threading.Lock()
    with Sandbox(warm=True) as sandbox:
        for _ in range(10):
            sandbox.run_flow("post-login", actions, event)
        start = time.monotonic()
        stop_at = start + seconds

        def worker() -> None:
            while time.monotonic() < stop_at:
                with lock:
                    if len(latencies) >= max_runs:
                        return
                t0 = time.perf_counter()
                sandbox.run_flow("post-login", actions, event)
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1000)

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - start
    lat = sorted(latencies)
    return {"logins": len(lat), "errors": 0, "first_error": None, "seconds": round(wall, 2),
            "logins_per_s": round(len(lat) / wall, 1), "p50_ms": round(statistics.median(lat), 1),
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 1)}


def saturation_row(label: str) -> str:
    """The name of a team tenant's saturated row (`team_rows`, `team_verdicts`)."""
    return f"{label}, 3-action flow, saturation"


@dataclass
class TeamTenant:
    """One of the team rows' tenants, started and set up, waiting for its phases."""

    label: str
    port: int
    creds: dict[str, Any]
    users: list[tuple[str, str]]
    proc: subprocess.Popen
    meter: CpuMeter

    @property
    def saturation(self) -> str:
        return saturation_row(self.label)


def team_rows(args: argparse.Namespace, keep: Any, tmp: Path) -> None:
    """Issue 18's rows: the 3-action flow on SQLite and PostgreSQL, 1 and 2 workers, same run.

    The three tenants run side by side and each round takes one saturated phase of each, in turn
    (ABC, then CBA): a ratio of two rows then compares phases seconds apart. This machine's own
    speed moves by a third within minutes, and rows measured one after the other (all of SQLite,
    then all of PostgreSQL) moved the ratios by as much. A tenant waiting for its turn is idle:
    its warm children are parked, and a phase's CPU columns count only its own processes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import pg_server

    server = pg_server.start(durable=True)
    postgres_pid = _postmaster_pid(server)
    tenants: list[TeamTenant] = []
    try:
        for label, on_postgresql, workers in (("SQLite, 1 worker", False, 1), ("PostgreSQL, 1 worker", True, 1),
                                              ("PostgreSQL, 2 workers", True, 2)):
            url = server.database("bench") if on_postgresql else None
            port, data = free_port(), tmp / f"data-team-{len(tenants)}"
            proc = start_tenant(data, port, *(["--database-url", url] if url else []), "--workers", str(workers))
            tenant = TeamTenant(label, port, json.loads((data / "credentials.json").read_text()), [], proc,
                                CpuMeter(proc.pid, postgres_pid if url else None))
            tenants.append(tenant)
            token, ids, tenant.users = setup(port, tenant.creds, args.clients)
            bind(port, token, ids)
            if workers > 1:
                meet_every_worker(port, tenant.creds, tenant.users, workers)
        # Unmeasured: each tenant's warm children, pooled connections and prepared statements
        # reach what 16 concurrent logins use (a first round without it ran at 40-60% of the next).
        for tenant in tenants:
            run_phase(tenant.port, tenant.creds, tenant.users, seconds=3, max_logins=args.max_logins, rate=None,
                      expect_flow=True)
        for round_index in range(args.team_rounds):
            for tenant in tenants if round_index % 2 == 0 else tenants[::-1]:
                # A short unmeasured phase first: the tenant was idle while the others ran.
                run_phase(tenant.port, tenant.creds, tenant.users, seconds=1, max_logins=args.clients * 4,
                          rate=None, expect_flow=True)
                keep(tenant.saturation, run_phase(tenant.port, tenant.creds, tenant.users, seconds=args.seconds,
                                                  max_logins=args.max_logins, rate=None, expect_flow=True,
                                                  meter=tenant.meter))
        # 70% of the median saturated round: the best one may be a fast moment of the machine
        # (191 against 149-161 logins/s in one run), and 70% of it paced near saturation.
        two = tenants[-1]
        saturation = max(1.0, statistics.median(r["logins_per_s"] for r in ROUNDS[two.saturation]))
        for _ in range(args.rounds):
            keep(f"{two.label}, paced 70% of saturation", run_phase(
                two.port, two.creds, two.users, seconds=args.seconds, max_logins=args.max_logins,
                rate=0.7 * saturation, expect_flow=True, meter=two.meter))
    finally:
        for tenant in tenants:
            tenant.proc.terminate()
        for tenant in tenants:
            tenant.proc.wait(30)
        server.stop()


def _postmaster_pid(server: Any) -> int | None:
    """The throwaway cluster's server process (None with ACTIONS_STUDIO_TEST_POSTGRES_URL)."""
    cluster = getattr(server, "_cluster", None)
    try:
        return int((cluster.data / "postmaster.pid").read_text().split()[0]) if cluster else None
    except (OSError, ValueError, IndexError):
        return None


def team_verdicts() -> None:
    """Each ratio of two saturated rows twice: of their best rounds (the table), and the median of
    the ratios of the rounds that ran next to each other (`team_rows`), the one the verdict takes:
    a slow moment of the machine then slows both sides of a pair."""
    paced = ROWS["PostgreSQL, 2 workers, paced 70% of saturation"]

    def ratios(top: str, bottom: str) -> tuple[float, list[float]]:
        top, bottom = saturation_row(top), saturation_row(bottom)
        best = ROWS[top]["logins_per_s"] / max(ROWS[bottom]["logins_per_s"], 1e-9)
        pairs = [a["logins_per_s"] / max(b["logins_per_s"], 1e-9) for a, b in zip(ROUNDS[top], ROUNDS[bottom])]
        return best, pairs

    print("\nteam server (issue 18):")
    for what, top, bottom, target in (
            ("PostgreSQL 1 worker vs SQLite 1 worker", "PostgreSQL, 1 worker", "SQLite, 1 worker", 0.8),
            ("PostgreSQL 2 workers vs 1 worker", "PostgreSQL, 2 workers", "PostgreSQL, 1 worker", 1.4)):
        best, pairs = ratios(top, bottom)
        paired = statistics.median(pairs)
        print(f"  {what}: {paired:.2f}x, median of {len(pairs)} paired rounds "
              f"({', '.join(f'{p:.2f}' for p in pairs)}; best rounds {best:.2f}x) "
              f"(target >= {target:g}x): {'met' if paired >= target else 'NOT met'}")
    tail = (paced["p99_ms"] or 0) / max(paced["p50_ms"] or 1e-9, 1e-9)
    print(f"  p99 / p50 at 70% of saturation, 2 workers: {tail:.2f}x (target <= 3x): "
          f"{'met' if tail <= 3.0 else 'NOT met'}")


ROWS: dict[str, dict[str, Any]] = {}
ROUNDS: dict[str, list[dict[str, Any]]] = {}  # every round of each row, in the order run


def _better(name: str, a: dict[str, Any] | None, b: dict[str, Any]) -> dict[str, Any]:
    """The least-disturbed round: highest rate when saturated, lowest p50 when paced."""
    if a is None:
        return b
    if "paced" in name:
        return b if (b["p50_ms"] or 1e9) < (a["p50_ms"] or 1e9) else a
    return b if b["logins_per_s"] > a["logins_per_s"] else a


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time bound of each phase")
    parser.add_argument("--max-logins", type=int, default=3000, help="count bound of each phase")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rate", type=float, default=TARGET_LOGINS_PER_S, help="offered rate of the paced phase")
    parser.add_argument("--rounds", type=int, default=2,
                        help="the machine is shared: each phase runs this often, the best round is shown")
    parser.add_argument("--team-rounds", type=int, default=4,
                        help="with --teams: rounds of the team rows, each one phase of every tenant in turn")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--teams", action="store_true",
                        help="add the team-server rows: SQLite vs PostgreSQL, 1 vs 2 workers (issue 18)")
    args = parser.parse_args()
    # The machine's own load before the run: the one at the end includes this bench's tenants.
    load_before = _load()

    rows, all_rounds = ROWS, ROUNDS

    def keep(name: str, row: dict[str, Any]) -> None:
        all_rounds.setdefault(name, []).append(row)
        rows[name] = _better(name, rows.get(name), row)

    with tempfile.TemporaryDirectory(prefix="bench-tenant-") as tmp:
        port = free_port()
        data = Path(tmp) / "data"
        proc = start_tenant(data, port)
        meter = CpuMeter(proc.pid)
        try:
            creds = json.loads((data / "credentials.json").read_text())
            token, ids, users = setup(port, creds, args.clients)
            js_ids = deploy_js_flow(port, token)
            # Warm-up: each user's first login pays argon2 once (then the memo answers).
            run_phase(port, creds, users, seconds=2, max_logins=args.clients * 3, rate=None, expect_flow=False)
            for _ in range(args.rounds):
                for flow_name, bound in (("no action", []), ("3-action flow", ids)):
                    bind(port, token, bound)
                    run_phase(port, creds, users, seconds=1, max_logins=200, rate=None, expect_flow=bool(bound))
                    keep(f"{flow_name}, saturation", run_phase(
                        port, creds, users, seconds=args.seconds, max_logins=args.max_logins, rate=None,
                        expect_flow=bool(bound), meter=meter))
                    keep(f"{flow_name}, paced {args.rate:g}/s", run_phase(
                        port, creds, users, seconds=args.seconds, max_logins=args.max_logins, rate=args.rate,
                        expect_flow=bool(bound)))
                bind(port, token, js_ids)
                run_phase(port, creds, users, seconds=1, max_logins=200, rate=None, expect_flow=True)
                keep("3-action JS flow, saturation", run_phase(
                    port, creds, users, seconds=args.seconds, max_logins=args.max_logins, rate=None,
                    expect_flow=True, meter=meter))
        finally:
            proc.terminate()
            proc.wait(20)
        if args.teams:
            team_rows(args, keep, Path(tmp))
        server_errors = tenant_errors()
    for _ in range(args.rounds):
        keep("sandbox alone (warm), 3-action flow", sandbox_alone(args.clients, args.seconds, args.max_logins))

    if args.json:
        print(json.dumps({"best": rows, "rounds": all_rounds}, indent=2))
    print(f"\ntenant logins over loopback, {args.clients} concurrent clients, {os.cpu_count()} cores, "
          f"load average {load_before:.2f} before the run, {_load():.2f} at its end; best of {args.rounds} rounds"
          + (f" ({args.team_rounds} for the team rows)" if args.teams else ""))
    width = max(32, *(len(n) for n in rows))
    # CPU ms per login of each process group (CpuMeter): where the row's two cores went.
    cpu_columns = [f"cpu_{g}_ms" for g in CpuMeter.GROUPS]
    print(f"{'phase':<{width}} {'logins':>7} {'errors':>6} {'logins/s':>9} {'p50 ms':>7} {'p99 ms':>7}   "
          "CPU ms/login: tenant sandbox postgres load")
    for name, row in rows.items():
        cpu = " ".join(f"{row[c]:>7.2f}" if c in row else f"{'-':>7}" for c in cpu_columns)
        print(f"{name:<{width}} {row['logins']:>7} {row['errors']:>6} {row['logins_per_s']:>9} "
              f"{row['p50_ms']!s:>7} {row['p99_ms']!s:>7}   {cpu}")
    base, flow = rows["no action, saturation"], rows["3-action flow, saturation"]
    paced = rows[f"3-action flow, paced {args.rate:g}/s"]
    if base["logins_per_s"] and flow["logins_per_s"]:
        print(f"\nflow cost: the 3-action flow gives {flow['logins_per_s'] / base['logins_per_s']:.2f}x the "
              f"logins/s of no action (p50 {flow['p50_ms']} vs {base['p50_ms']} ms, saturated)")
    js = rows.get("3-action JS flow, saturation")
    if js and flow["logins_per_s"]:
        ratio = js["logins_per_s"] / flow["logins_per_s"]
        print(f"JavaScript: the same flow in node22 gives {ratio:.2f}x the logins/s of the Python flow "
              f"(target >= 0.7x: {'met' if ratio >= 0.7 else 'NOT met'})")
    ok_rate = flow["logins_per_s"] >= TARGET_LOGINS_PER_S
    ok_p50 = paced["p50_ms"] is not None and paced["p50_ms"] <= TARGET_P50_MS
    print(f"targets: >= {TARGET_LOGINS_PER_S:g} logins/s with the flow: {'met' if ok_rate else 'NOT met'}; "
          f"p50 <= {TARGET_P50_MS:g} ms at {args.rate:g}/s offered: {'met' if ok_p50 else 'NOT met'}")
    if args.teams:
        team_verdicts()
    print("rounds (logins/s):", {k: [r["logins_per_s"] for r in v] for k, v in all_rounds.items()})
    # The row above shows the paced round of lowest p50; the tail moves more between rounds.
    print("rounds (p50 / p99 ms, paced):", {k: [(r["p50_ms"], r["p99_ms"]) for r in v]
                                             for k, v in all_rounds.items() if "paced" in k})
    if server_errors:
        print(f"the tenant logged {len(server_errors)} tracebacks, first: {server_errors[0]}")
    errors = sum(r["errors"] for rs in all_rounds.values() for r in rs) + len(server_errors)
    if errors:
        print("errors:", [r["first_error"] for rs in all_rounds.values() for r in rs if r["first_error"]])
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

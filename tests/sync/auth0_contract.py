"""A contract server: the Management API as a real Auth0 tenant answers it, where the bundled
tenant differs — so sync is tested against Auth0's behaviour without an Auth0 account.

What it does as Auth0 does (each with where that behaviour is documented):

- https only, on a domain: `https://contract-tenant.eu.auth0.com`, with a certificate from a test
  CA made here. `ResolvingTransport` is the edge of the world: the DNS answer for that domain is
  this server on loopback (and only that; TLS is verified against the test CA with the domain's
  name, as for the real one). The sync code is handed the transport and nothing else.
- `POST /oauth/token` with the client-credentials grant and the audience `https://DOMAIN/api/v2/`
  (another audience: 403 "Service not enabled within domain", what the Node SDK got from a tenant
  that did not know its domain).
- Rate limits: a fixed window of `rate_limit` requests per wall-clock second; every answer carries
  `X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch seconds), over the limit a 429
  (auth0.com/docs/troubleshoot/customer-support/operational-policies/rate-limit-policy).
- Builds: a saved draft is `pending` for `build_s` seconds; a deploy before then is refused with
  "A draft must be in the 'built' state before it can be deployed." (auth0-deploy-cli issue 395).
- Bindings: an action deployed less than `bind_s` seconds ago cannot be bound yet — "Trying to
  create a binding for an action that has not been deployed yet." (auth0-deploy-cli issue 385).
- The version cap: an action keeps its newest 50 versions, the oldest deleted as new ones come
  (auth0.com/docs/customize/actions/limitations).
- `GET /actions/triggers` lists Node runtimes only (`node18-actions`, `node22`, default node22);
  a create or update in another runtime is refused. Entity-bound triggers' bindings answer 400.
- Secrets are write-only: lists show names; the `secrets` of a PATCH replace the whole set
  ("Each PATCH call replaces the entire secrets array", auth0/docs-v2 pull request 1699; the
  Terraform provider advises against managing secrets partly for that reason, its pull request
  876), a name without a value keeps that secret's value, a new one without a value is refused.
- Lists answer `{<items>, total, page, per_page}` and honour `page`.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qs, urlparse

import httpcore
import httpx

from actions_studio.triggers import TRIGGERS

DOMAIN = "contract-tenant.eu.auth0.com"
CLIENT_ID = "contract-client"
CLIENT_SECRET = "contract-secret-value"
VERSION_CAP = 50
NODE_RUNTIMES = ["node18-actions", "node22"]


# -- the test CA --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TestCA:
    ca_pem: Path
    cert_pem: Path
    key_pem: Path

    def client_context(self) -> ssl.SSLContext:
        """Trusts the test CA and nothing else, checking the domain's name as usual."""
        return ssl.create_default_context(cafile=str(self.ca_pem))


def make_test_ca(folder: Path, domain: str = DOMAIN) -> TestCA:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Actions Studio test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    out = TestCA(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    out.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    out.cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    out.key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    return out


# -- the edge: name resolution ------------------------------------------------------------------

class _Resolver(httpcore.NetworkBackend):
    """DNS for the test: `domain:443` is the contract server on loopback; nothing else resolves."""

    def __init__(self, domain: str, port: int) -> None:
        self._domain, self._port = domain, port
        self._inner = httpcore.SyncBackend()
        self.connections = 0

    def connect_tcp(self, host: str, port: int, timeout: Optional[float] = None,
                    local_address: Optional[str] = None, socket_options: Any = None
                    ) -> httpcore.NetworkStream:
        if (host, port) != (self._domain, 443):
            raise httpcore.ConnectError(f"{host}:{port} does not resolve in this test")
        self.connections += 1
        return self._inner.connect_tcp("127.0.0.1", self._port, timeout, local_address, socket_options)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class ResolvingTransport(httpx.HTTPTransport):
    """httpx's own transport (TLS verified against the test CA, the domain's name checked),
    whose connections reach the contract server."""

    def __init__(self, ca: TestCA, port: int, domain: str = DOMAIN) -> None:
        context = ca.client_context()
        super().__init__(verify=context)
        self.resolver = _Resolver(domain, port)
        # httpx builds its pool without a way to pass a network backend: the same pool, with ours.
        self._pool = httpcore.ConnectionPool(ssl_context=context, network_backend=self.resolver)


# -- the tenant's state -------------------------------------------------------------------------

def _stamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


class Refusal(Exception):
    def __init__(self, status: int, message: str, error_code: str = "invalid_body") -> None:
        super().__init__(message)
        self.status, self.message, self.error_code = status, message, error_code


@dataclass
class Behaviour:
    rate_limit: Optional[int] = None   # requests per wall-clock second; None: unlimited
    build_s: float = 0.0               # a saved draft stays pending this long
    bind_s: float = 0.0                # a fresh deploy cannot be bound this long
    max_per_page: int = 100            # a page holds at most this many, whatever is asked


@dataclass
class ContractTenant:
    behaviour: Behaviour = field(default_factory=Behaviour)
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # newest last
    bindings: dict[str, list[str]] = field(default_factory=dict)
    secret_values: dict[tuple[str, str], str] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    log: list[str] = field(default_factory=list)   # "METHOD /path status" of every request
    lock: threading.Lock = field(default_factory=threading.Lock)
    _window: tuple[int, int] = (0, 0)              # (second, requests in it)
    _numbers: Any = field(default_factory=lambda: itertools.count(1))

    # rate limit: a fixed window per second
    def rate_headers(self, count: bool = True) -> tuple[bool, dict[str, str]]:
        limit = self.behaviour.rate_limit
        if limit is None:
            return True, {}
        second = int(time.time())
        start, used = self._window
        if start != second:
            start, used = second, 0
        allowed = used < limit
        if count and allowed:
            used += 1
        self._window = (start, used)
        return allowed, {"X-RateLimit-Limit": str(limit),
                         "X-RateLimit-Remaining": str(max(limit - used, 0)),
                         "X-RateLimit-Reset": str(start + 1)}

    # shapes
    @staticmethod
    def _triggers() -> list[dict[str, Any]]:
        out = []
        for trigger in TRIGGERS.values():
            doc = trigger.to_management_api()
            doc.update(runtimes=list(NODE_RUNTIMES), default_runtime="node22")
            out.append(doc)
        return out

    def _status(self, action: dict[str, Any]) -> str:
        return "built" if time.monotonic() >= action["_built_at"] else "pending"

    def _version_json(self, action: dict[str, Any], v: dict[str, Any]) -> dict[str, Any]:
        return {"id": v["id"], "action_id": action["id"], "number": v["number"], "code": v["code"],
                "runtime": v["runtime"], "dependencies": v["dependencies"],
                "secrets": [{"name": n, "updated_at": v["created_at"]} for n in v["secret_names"]],
                "deployed": action.get("_deployed") == v["id"], "status": "built",
                "supported_triggers": action["supported_triggers"], "created_at": v["created_at"],
                "updated_at": v["created_at"], "built_at": v["created_at"]}

    def action_json(self, action: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in action.items() if not k.startswith("_") and k != "secrets"}
        out["secrets"] = [{"name": s["name"], "updated_at": s["updated_at"]} for s in action["secrets"]]
        out["status"] = self._status(action)
        deployed = next((v for v in self.versions.get(action["id"], ()) if v["id"] == action.get("_deployed")), None)
        if deployed is not None:
            out["deployed_version"] = self._version_json(action, deployed)
        out["all_changes_deployed"] = deployed is not None and deployed["code"] == action["code"]
        return out

    # writes
    def _check_runtime(self, trigger_id: str, runtime: Optional[str]) -> str:
        runtime = runtime or "node22"
        if runtime not in NODE_RUNTIMES + ["node18"]:
            raise Refusal(400, f"Runtime {runtime} is not supported for trigger {trigger_id}.")
        return runtime

    def _secrets(self, action_id: str, incoming: Optional[list[dict[str, Any]]],
                 existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if incoming is None:
            return existing
        old = {s["name"]: s for s in existing}
        out = []
        for s in incoming:
            name = s.get("name")
            if "value" in s and s["value"] is not None:
                self.secret_values[(action_id, name)] = s["value"]
                out.append({"name": name, "updated_at": _stamp()})
            elif name in old:
                out.append(old[name])
            else:
                raise Refusal(400, f"Secret {name} requires a value.")
        for name in set(old) - {s["name"] for s in out}:  # the array replaces the set
            self.secret_values.pop((action_id, name), None)
        return out

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        triggers = body.get("supported_triggers") or []
        if not triggers or triggers[0].get("id") not in TRIGGERS:
            raise Refusal(400, "supported_triggers: unknown trigger")
        if any(a["name"] == body.get("name") for a in self.actions.values()):
            raise Refusal(409, f"An action with the name '{body.get('name')}' already exists.", "conflict")
        runtime = self._check_runtime(triggers[0]["id"], body.get("runtime"))
        action_id = str(uuid.uuid4())
        action = {"id": action_id, "name": body["name"], "supported_triggers": triggers,
                  "code": body.get("code", ""), "runtime": runtime,
                  "dependencies": body.get("dependencies") or [], "created_at": _stamp(),
                  "updated_at": _stamp(), "_built_at": time.monotonic() + self.behaviour.build_s}
        action["secrets"] = self._secrets(action_id, body.get("secrets") or [], [])
        self.actions[action_id] = action
        self.versions[action_id] = []
        return self.action_json(action)

    def update(self, action_id: str, body: dict[str, Any]) -> dict[str, Any]:
        action = self.get(action_id)
        if "runtime" in body:
            action["runtime"] = self._check_runtime(action["supported_triggers"][0]["id"], body["runtime"])
        for key in ("name", "code", "dependencies"):
            if key in body:
                action[key] = body[key]
        action["secrets"] = self._secrets(action_id, body.get("secrets"), action["secrets"])
        action["updated_at"] = _stamp()
        action["_built_at"] = time.monotonic() + self.behaviour.build_s
        return self.action_json(action)

    def get(self, action_id: str) -> dict[str, Any]:
        action = self.actions.get(action_id)
        if action is None:
            raise Refusal(404, "The action does not exist.", "not_found")
        return action

    def deploy(self, action_id: str) -> dict[str, Any]:
        action = self.get(action_id)
        if self._status(action) != "built":
            raise Refusal(400, "A draft must be in the 'built' state before it can be deployed.")
        history = self.versions[action_id]
        number = (history[-1]["number"] if history else action.get("_last", 0)) + 1
        version = {"id": str(uuid.uuid4()), "number": number, "code": action["code"],
                   "runtime": action["runtime"], "dependencies": action["dependencies"],
                   "secret_names": [s["name"] for s in action["secrets"]], "created_at": _stamp()}
        history.append(version)
        del history[:-VERSION_CAP]  # the oldest go once the cap is reached
        action["_deployed"], action["_last"] = version["id"], number
        action["_deployed_at"] = time.monotonic()
        return self._version_json(action, version)

    def delete(self, action_id: str, force: bool) -> None:
        self.get(action_id)
        bound = [t for t, ids in self.bindings.items() if action_id in ids]
        if bound and not force:
            raise Refusal(409, "The action is bound to a trigger and cannot be deleted.", "conflict")
        for t in bound:
            self.bindings[t] = [i for i in self.bindings[t] if i != action_id]
        del self.actions[action_id]
        self.versions.pop(action_id, None)

    def set_bindings(self, trigger_id: str, body: dict[str, Any]) -> dict[str, Any]:
        ids = []
        for b in body.get("bindings") or []:
            ref = b.get("ref") or {}
            action = (self.actions.get(ref.get("value")) if ref.get("type") == "action_id" else
                      next((a for a in self.actions.values() if a["name"] == ref.get("value")), None))
            if action is None:
                raise Refusal(404, "The action does not exist.", "not_found")
            fresh = time.monotonic() - action.get("_deployed_at", float("-inf")) < self.behaviour.bind_s
            if action.get("_deployed") is None or fresh:
                raise Refusal(400, "Trying to create a binding for an action that has not been deployed yet.")
            ids.append(action["id"])
        self.bindings[trigger_id] = ids
        return {"bindings": self.bindings_json(trigger_id)}

    def bindings_json(self, trigger_id: str) -> list[dict[str, Any]]:
        return [{"id": f"bnd_{trigger_id}_{i}", "trigger_id": trigger_id,
                 "display_name": self.actions[a]["name"], "action": self.action_json(self.actions[a]),
                 "created_at": _stamp(), "updated_at": _stamp()}
                for i, a in enumerate(self.bindings.get(trigger_id, ()))]


def _page(key: str, items: list[Any], query: dict[str, list[str]], cap: int) -> dict[str, Any]:
    page = int(query.get("page", ["0"])[0])
    per_page = min(int(query.get("per_page", ["50"])[0]), cap)
    return {key: items[page * per_page:(page + 1) * per_page], "total": len(items),
            "page": page, "per_page": per_page}


# -- the HTTP side ------------------------------------------------------------------------------

ROUTES = [
    ("GET", r"/api/v2/actions/actions", "list_actions"),
    ("POST", r"/api/v2/actions/actions", "create_action"),
    ("GET", r"/api/v2/actions/actions/(?P<id>[^/]+)", "get_action"),
    ("PATCH", r"/api/v2/actions/actions/(?P<id>[^/]+)", "update_action"),
    ("DELETE", r"/api/v2/actions/actions/(?P<id>[^/]+)", "delete_action"),
    ("POST", r"/api/v2/actions/actions/(?P<id>[^/]+)/deploy", "deploy_action"),
    ("GET", r"/api/v2/actions/actions/(?P<id>[^/]+)/versions", "list_versions"),
    ("GET", r"/api/v2/actions/triggers", "list_triggers"),
    ("GET", r"/api/v2/actions/triggers/(?P<id>[^/]+)/bindings", "list_bindings"),
    ("PATCH", r"/api/v2/actions/triggers/(?P<id>[^/]+)/bindings", "set_bindings"),
]


class _Handler(BaseHTTPRequestHandler):
    server: "ContractServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the tenant keeps its own log
        pass

    def _send(self, status: int, doc: Any, headers: dict[str, str]) -> None:
        body = b"" if doc is None else json.dumps(doc).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if doc is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        tenant = self.server.tenant
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with tenant.lock:
            allowed, headers = tenant.rate_headers()
            status, doc = self._answer(tenant, url, raw) if allowed else (429, {
                "statusCode": 429, "error": "Too Many Requests", "errorCode": "too_many_requests",
                "message": "Global limit has been reached"})
            tenant.log.append(f"{self.command} {url.path} {status}")
        self._send(status, doc, headers)

    def _answer(self, tenant: ContractTenant, url: Any, raw: bytes) -> tuple[int, Any]:
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return 400, {"statusCode": 400, "error": "Bad Request", "message": "Invalid JSON"}
        if self.command == "POST" and url.path == "/oauth/token":
            return self._token(tenant, body)
        if self.headers.get("Authorization", "").removeprefix("Bearer ") not in tenant.tokens:
            return 401, {"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"}
        query = parse_qs(url.query)
        for method, pattern, name in ROUTES:
            m = re.fullmatch(pattern, url.path)
            if m and method == self.command:
                try:
                    return getattr(self, name)(tenant, body, query, **m.groupdict())
                except Refusal as exc:
                    return exc.status, {"statusCode": exc.status, "error": "Bad Request",
                                        "message": exc.message, "errorCode": exc.error_code}
        return 404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"}

    def _token(self, tenant: ContractTenant, body: dict[str, Any]) -> tuple[int, Any]:
        if body.get("grant_type") != "client_credentials":
            return 403, {"error": "unauthorized_client", "error_description": "Grant type not allowed"}
        if (body.get("client_id"), body.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "access_denied", "error_description": "Unauthorized"}
        if body.get("audience") != f"https://{DOMAIN}/api/v2/":
            return 403, {"error": "access_denied",
                         "error_description": f"Service not enabled within domain: {body.get('audience')}"}
        token = uuid.uuid4().hex
        tenant.tokens.add(token)
        return 200, {"access_token": token, "expires_in": 86400, "token_type": "Bearer",
                     "scope": "read:actions create:actions update:actions delete:actions"}

    # routes
    def list_actions(self, t: ContractTenant, body: Any, q: Any) -> tuple[int, Any]:
        items = [t.action_json(a) for a in sorted(t.actions.values(), key=lambda a: a["created_at"])]
        return 200, _page("actions", items, q, t.behaviour.max_per_page)

    def create_action(self, t: ContractTenant, body: Any, q: Any) -> tuple[int, Any]:
        return 201, t.create(body)

    def get_action(self, t: ContractTenant, body: Any, q: Any, id: str) -> tuple[int, Any]:
        return 200, t.action_json(t.get(id))

    def update_action(self, t: ContractTenant, body: Any, q: Any, id: str) -> tuple[int, Any]:
        return 200, t.update(id, body)

    def delete_action(self, t: ContractTenant, body: Any, q: Any, id: str) -> tuple[int, Any]:
        t.delete(id, q.get("force", ["false"])[0] == "true")
        return 204, None

    def deploy_action(self, t: ContractTenant, body: Any, q: Any, id: str) -> tuple[int, Any]:
        return 200, t.deploy(id)

    def list_versions(self, t: ContractTenant, body: Any, q: Any, id: str) -> tuple[int, Any]:
        action = t.get(id)
        items = [t._version_json(action, v) for v in reversed(t.versions[id])]  # newest first
        return 200, _page("versions", items, q, t.behaviour.max_per_page)

    def list_triggers(self, t: ContractTenant, body: Any, q: Any) -> tuple[int, Any]:
        return 200, {"triggers": t._triggers()}

    def list_bindings(self, t: ContractTenant, body: Any, q: Any, id: str) -> tuple[int, Any]:
        if id in TRIGGERS and not TRIGGERS[id].has_flow:
            raise Refusal(400, f"Bindings are not supported for trigger {id}.")
        return 200, _page("bindings", t.bindings_json(id), q, t.behaviour.max_per_page)

    def set_bindings(self, t: ContractTenant, body: Any, q: Any, id: str) -> tuple[int, Any]:
        return 200, t.set_bindings(id, body)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle


class ContractServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, ca: TestCA, tenant: ContractTenant) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(ca.cert_pem), str(ca.key_pem))
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.tenant = tenant
        self.ca = ca
        self._thread = threading.Thread(target=self.serve_forever, name="auth0-contract", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def transport(self) -> ResolvingTransport:
        return ResolvingTransport(self.ca, self.port)

    def __enter__(self) -> "ContractServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)

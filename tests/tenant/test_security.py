"""Issue 6, section 6 (security): each bad request gets the right 4xx with Auth0's error body."""

from __future__ import annotations

import json
import os
import stat
import time
from urllib.parse import quote

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from actions_studio.tenant.serve_options import ServeOptions, ServeRefused, check

ACTIONS = "/api/v2/actions/actions"
INJECTIONS = ["'; DROP TABLE action; --", "../../etc/passwd", "%00", "<script>alert(1)</script>",
              "${jndi:ldap://x}", "{{7*7}}", "a" * 5000, "\u202e\u0000", "' OR '1'='1"]


def _error(resp, status: int) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.text)
    body = resp.json()
    assert body["statusCode"] == status and body["message"] and body["errorCode"] and body["error"]
    return body


def _forge(tenant, **claims) -> str:
    now = int(time.time())
    base = {"iss": f"{tenant.base_url}/", "aud": tenant.creds["management"]["audience"],
            "sub": "attacker@clients", "iat": now, "exp": now + 600,
            "scope": "read:actions create:actions update:actions delete:actions"}
    base.update(claims)
    return base


def test_no_token_is_401(tenant) -> None:
    with tenant.http() as http:
        _error(http.get(ACTIONS), 401)
        _error(http.get(ACTIONS, headers={"Authorization": "Basic Zm9vOmJhcg=="}), 401)
        _error(http.get(ACTIONS, headers={"Authorization": "Bearer"}), 401)


def test_expired_token_is_401(tenant, store) -> None:
    from actions_studio.tenant.keys import load_or_create

    db = store.database(tenant.database_url, tenant.data_dir)
    key = load_or_create(db)              # the tenant's own key: only the expiry is wrong
    db.close()
    token = key.sign(_forge(tenant, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600))
    with tenant.http(token) as http:
        assert _error(http.get(ACTIONS), 401)["message"] == "Expired token"


def test_forged_signature_and_alg_none_are_401(tenant) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    real_kid = jwt.get_unverified_header(tenant.management_token())["kid"]
    forged = jwt.encode(_forge(tenant), other, algorithm="RS256", headers={"kid": real_kid})
    unsigned = jwt.encode(_forge(tenant), None, algorithm="none")
    hs = jwt.encode(_forge(tenant), "secret-secret-secret-secret-32b!", algorithm="HS256",
                    headers={"kid": real_kid})
    good = tenant.management_token()
    head, body, sig = good.split(".")
    tampered = ".".join([head, body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB"), sig])
    for token in (forged, unsigned, hs, tampered, "not.a.jwt", "x" * 3000):
        with tenant.http(token) as http:
            _error(http.get(ACTIONS), 401)


def test_wrong_scope_is_403_and_wrong_audience_is_401(tenant) -> None:
    tokens = tenant.app_tokens()
    api_token = tokens.client_credentials(tenant.creds["api"]["identifier"])["access_token"]
    with tenant.http(api_token) as http:
        _error(http.get(ACTIONS), 401)       # a token for another API is not a management token
    m = tenant.creds["management"]
    from auth0.authentication import GetToken

    reader = GetToken(tenant.domain, m["client_id"], client_secret=m["client_secret"], protocol="http")
    read_only = reader.client_credentials(m["audience"])  # all scopes; narrow with `scope`
    narrow = reader.authenticated_post(f"http://{tenant.domain}/oauth/token", data={
        "client_id": m["client_id"], "audience": m["audience"], "grant_type": "client_credentials",
        "scope": "read:actions"})["access_token"]
    assert "delete:actions" in read_only["scope"]
    with tenant.http(narrow) as http:
        assert http.get(ACTIONS).status_code == 200
        body = _error(http.post(ACTIONS, json={"name": "x", "supported_triggers": [{"id": "post-login"}]}), 403)
        assert "create:actions" in body["message"]
        _error(http.get("/api/v2/logs"), 403)


def test_malformed_json_and_wrong_fields_are_400_naming_the_field(tenant) -> None:
    with tenant.http(tenant.management_token()) as http:
        bad = _error(http.post(ACTIONS, content=b'{"name": "x",', headers={"content-type": "application/json"}), 400)
        assert "JSON" in bad["message"]
        body = _error(http.post(ACTIONS, json={"name": "x", "supported_triggers": [{"id": "post-logon"}]}), 400)
        assert "supported_triggers[0].id" in body["message"]
        body = _error(http.post(ACTIONS, json={"supported_triggers": [{"id": "post-login"}]}), 400)
        assert "name" in body["message"]
        body = _error(http.post(ACTIONS, json={"name": "x", "supported_triggers": [{"id": "post-login"}],
                                               "secrets": [{"name": "A B", "value": "v"}]}), 400)
        assert "secrets[0].name" in body["message"]
        body = _error(http.post(ACTIONS, json={"name": "x", "supported_triggers": [{"id": "post-login"}],
                                               "colour": "red"}), 400)
        assert "colour" in body["message"]
        _error(http.get(ACTIONS, params={"page": "-1"}), 400)
        _error(http.get(ACTIONS, params={"per_page": "0"}), 400)
        _error(http.get(ACTIONS, params={"deployed": "maybe"}), 400)
        _error(http.patch("/api/v2/actions/triggers/post-login/bindings", json={"bindings": "all"}), 400)
        _error(http.post(ACTIONS, content=b"[1,2]", headers={"content-type": "application/json"}), 400)


def test_oversize_body_is_413(tenant) -> None:
    big = {"name": "big", "supported_triggers": [{"id": "post-login"}], "code": "#" * (1024 * 1024 + 10)}
    with tenant.http(tenant.management_token()) as http:
        _error(http.post(ACTIONS, json=big), 413)
        chunks = (b"x" * 65536 for _ in range(20))      # no Content-Length: counted while read
        _error(http.post(ACTIONS, content=chunks, headers={"content-type": "application/json"}), 413)
    with tenant.http() as http:
        assert http.post("/oauth/token", content=b"a=" + b"b" * (1024 * 1024 + 1),
                         headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 413


def test_injection_strings_in_names_and_ids_are_4xx_or_stored_verbatim(tenant) -> None:
    with tenant.http(tenant.management_token()) as http:
        for text in INJECTIONS:
            quoted = quote(text, safe="")
            for path in (f"{ACTIONS}/{quoted}", f"{ACTIONS}/{quoted}/versions", f"/api/v2/users/{quoted}",
                         f"/api/v2/actions/executions/{quoted}",
                         f"/api/v2/actions/triggers/{quoted}/bindings", f"/api/v2/{quoted}"):
                resp = http.get(path)
                assert 400 <= resp.status_code < 500, (path, resp.status_code)
            resp = http.get(ACTIONS, params={"actionName": text, "triggerId": text})
            assert resp.status_code in (200, 400)
            resp = http.post(ACTIONS, json={"name": text, "supported_triggers": [{"id": "post-login"}]})
            assert resp.status_code in (201, 400), resp.text
            if resp.status_code == 201:
                made = resp.json()
                assert made["name"] == text
                assert http.get(ACTIONS, params={"actionName": text}).json()["total"] == 1
                assert http.delete(f"{ACTIONS}/{made['id']}").status_code == 204
        # The table is still there.
        assert http.get(ACTIONS).status_code == 200


def test_secret_values_never_come_back(tenant, unique) -> None:
    secret = "value-that-must-not-leak-42"
    with tenant.http(tenant.management_token()) as http:
        made = http.post(ACTIONS, json={"name": unique("secretive"), "supported_triggers": [{"id": "post-login"}],
                                        "code": "def on_execute_post_login(event, api):\n    pass\n",
                                        "runtime": "python3", "secrets": [{"name": "API_KEY", "value": secret}], "deploy": True})
        assert made.status_code == 201
        action_id = made.json()["id"]
        texts = [made.text, http.get(f"{ACTIONS}/{action_id}").text, http.get(ACTIONS).text,
                 http.get(f"{ACTIONS}/{action_id}/versions").text,
                 http.patch(f"{ACTIONS}/{action_id}", json={"secrets": [{"name": "API_KEY"}]}).text]
        assert all(secret not in t for t in texts)
        assert http.get(f"{ACTIONS}/{action_id}").json()["secrets"][0]["name"] == "API_KEY"
        http.delete(f"{ACTIONS}/{action_id}")


def test_wrong_password_is_403_and_runs_no_action(tenant, mgmt, unique) -> None:
    from .conftest import clear_flow, deploy_flow

    deploy_flow(mgmt, "post-login", [(unique("counted"), "def on_execute_post_login(event, api):\n    pass\n")])
    from auth0.authentication.exceptions import Auth0Error

    with pytest.raises(Auth0Error) as refused:
        tenant.app_tokens().login(tenant.creds["demo_user"]["email"], "wrong password!",
                                  realm=tenant.creds["connection"])
    assert refused.value.status_code == 403 and refused.value.error_code == "invalid_grant"
    failed = next(log for log in mgmt.logs.list(per_page=5) if log.type == "f")
    assert "actions" not in (failed.details or {})
    clear_flow(mgmt, "post-login")


def test_bad_client_credentials_are_401_and_unknown_grant_400(tenant) -> None:
    with tenant.http() as http:
        resp = http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": "nope",
                                                "client_secret": "x", "audience": "y"})
        assert resp.status_code == 401 and resp.json()["error"] == "access_denied"
        m = tenant.creds["management"]
        resp = http.post("/oauth/token", json={"grant_type": "client_credentials", "client_id": m["client_id"],
                                               "client_secret": m["client_secret"] + "x",
                                               "audience": m["audience"]})
        assert resp.status_code == 401
        resp = http.post("/oauth/token", content=b"{nope", headers={"content-type": "application/json"})
        assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"
        resp = http.post("/oauth/token", json={"client_id": m["client_id"]})
        assert resp.status_code == 400 and "grant_type" in resp.json()["error_description"]


def test_rate_limit_is_429_with_retry_after(tenant_factory) -> None:
    small = tenant_factory(rate_limit_per_s=1, rate_limit_burst=3)
    token = small.management_token()
    with small.http(token) as http:
        codes = [http.get(ACTIONS) for _ in range(6)]
    limited = [r for r in codes if r.status_code == 429]
    assert limited, [r.status_code for r in codes]
    assert int(limited[0].headers["retry-after"]) >= 1
    assert limited[0].json()["statusCode"] == 429


def test_credentials_file_is_0600_with_the_issue_shape(tenant) -> None:
    path = tenant.data_dir / "credentials.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    creds = json.loads(path.read_text())
    assert set(creds) == {"base_url", "management", "application", "api", "connection", "demo_user"}
    assert set(creds["management"]) == {"client_id", "client_secret", "audience"}
    assert set(creds["application"]) == {"client_id", "client_secret", "callbacks"}
    assert creds["application"]["callbacks"] == ["http://localhost:3000/callback", "http://127.0.0.1:3000/callback"]
    assert set(creds["demo_user"]) == {"email", "password"}
    assert creds["connection"] == "Username-Password-Authentication"
    assert creds["management"]["audience"] == f"{tenant.base_url}/api/v2/"


@pytest.mark.parametrize("options, refused", [
    (ServeOptions(host="127.0.0.1"), False),
    (ServeOptions(host="::1"), False),
    (ServeOptions(host="localhost"), False),
    (ServeOptions(host="0.0.0.0"), True),
    (ServeOptions(host="192.168.1.20"), True),
    (ServeOptions(host="0.0.0.0", insecure_http=True), False),
    (ServeOptions(host="0.0.0.0", tls_cert="/nonexistent.pem", tls_key="/nonexistent.key"), True),
    (ServeOptions(host="0.0.0.0", tls_cert="/etc/hostname"), True),
])
def test_non_loopback_hosts_need_tls_or_insecure_http(options, refused) -> None:
    if refused:
        with pytest.raises(ServeRefused):
            check(options)
    else:
        assert check(options) == "http"

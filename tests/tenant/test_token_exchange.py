"""Custom Token Exchange through real HTTP (issue 17 part 4): a token exchange profile routes an RFC
8693 token exchange to its custom-token-exchange action, which says whom the subject token stands
for; the post-login flow then runs for that user and the tokens carry its claims and the actor."""

from __future__ import annotations

import jwt
import pytest

from .conftest import clear_flow, deploy_flow

GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
PROFILES = "/api/v2/token-exchange-profiles"
EXCHANGE = '''
def on_execute_custom_token_exchange(event, api):
    token = event.transaction.subject_token
    if not token.startswith("partner:"):
        api.access.reject_invalid_subject_token("not a partner token")
        return
    kind, _, who = token[len("partner:"):].partition(":")
    if kind == "deny":
        api.access.deny("invalid_request", "partner account suspended")
        return
    if kind == "id":
        api.authentication.set_user_by_id(who)
    elif kind == "new":
        api.authentication.set_user_by_connection(
            "Username-Password-Authentication", {"user_id": who, "email": who + "@partner.example"},
            "create_if_not_exists", "none")
    api.authentication.set_actor({"sub": "partner-gateway"})
    api.user.set_app_metadata("via", event.transaction.subject_token_type)
'''
CLAIM = ("def on_execute_post_login(event, api):\n"
         "    api.access_token.set_custom_claim('https://acme.example/protocol', event.transaction.protocol)\n"
         "    api.access_token.set_custom_claim('https://acme.example/via', event.user.app_metadata.get('via'))\n")


@pytest.fixture
def http(tenant):
    with tenant.http(tenant.management_token()) as client:
        yield client


@pytest.fixture
def profile(http, unique):
    action = http.post("/api/v2/actions/actions", json={
        "name": unique("exchange"), "supported_triggers": [{"id": "custom-token-exchange", "version": "v1"}],
        "code": EXCHANGE, "runtime": "python3", "deploy": True}).json()
    subject_type = f"urn:acme:{unique('partner-token')}"
    made = http.post(PROFILES, json={"name": "partner", "subject_token_type": subject_type,
                                     "action_id": action["id"], "type": "custom_authentication"})
    assert made.status_code == 201, made.text
    yield made.json()
    http.delete(f"{PROFILES}/{made.json()['id']}")
    http.delete(f"/api/v2/actions/actions/{action['id']}")


def _exchange(tenant, subject_token: str, subject_token_type: str, **extra):
    app = tenant.creds["application"]
    with tenant.http() as client:
        return client.post("/oauth/token", data={
            "grant_type": GRANT, "client_id": app["client_id"], "client_secret": app["client_secret"],
            "subject_token": subject_token, "subject_token_type": subject_token_type,
            "audience": tenant.creds["api"]["identifier"], "scope": "openid read:demo", **extra})


def test_an_exchange_issues_tokens_for_the_user_the_action_names_after_post_login(tenant, mgmt, http, profile,
                                                                                   unique) -> None:
    demo = http.get("/api/v2/users-by-email", params={"email": tenant.creds["demo_user"]["email"]}).json()[0]
    deploy_flow(mgmt, "post-login", [(unique("protocol-claim"), CLAIM)])
    try:
        resp = _exchange(tenant, f"partner:id:{demo['user_id']}", profile["subject_token_type"])
    finally:
        clear_flow(mgmt, "post-login")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == demo["user_id"] and claims["act"] == {"sub": "partner-gateway"}
    assert claims["https://acme.example/protocol"] == "oauth2-token-exchange"
    # The exchange's metadata is written before post-login runs, which sees it.
    assert claims["https://acme.example/via"] == profile["subject_token_type"]
    assert jwt.decode(body["id_token"], options={"verify_signature": False})["sub"] == demo["user_id"]
    log = http.get("/api/v2/logs", params={"sort": "date:-1", "per_page": 1, "type": "s"}).json()[0]
    assert log["type"] == "s" and log["user_id"] == demo["user_id"]
    first, second = log["details"]["actions"]["executions"]
    assert http.get(f"/api/v2/actions/executions/{first}").json()["trigger_id"] == "custom-token-exchange"
    assert http.get(f"/api/v2/actions/executions/{second}").json()["trigger_id"] == "post-login"


def test_set_user_by_connection_creates_the_user_once(tenant, http, profile, unique) -> None:
    who = unique("partner-user")
    for _ in range(2):
        resp = _exchange(tenant, f"partner:new:{who}", profile["subject_token_type"])
        assert resp.status_code == 200, resp.text
    found = http.get("/api/v2/users-by-email", params={"email": f"{who}@partner.example"}).json()
    assert [u["user_id"] for u in found] == [f"auth0|{who}"]
    assert found[0]["app_metadata"] == {"via": profile["subject_token_type"]} and found[0]["logins_count"] == 2


@pytest.mark.parametrize(("token", "status", "error", "words"), [
    ("forged", 400, "invalid_request", "not a partner token"),
    ("partner:deny:x", 400, "invalid_request", "partner account suspended"),
    ("partner:id:auth0|nobody", 400, "invalid_request", "no user 'auth0|nobody'"),
    ("partner:neither:x", 400, "server_error", "set no user"),
])
def test_refused_exchanges_say_why_and_issue_nothing(tenant, profile, token, status, error, words) -> None:
    resp = _exchange(tenant, token, profile["subject_token_type"])
    assert resp.status_code == status, resp.text
    assert resp.json()["error"] == error and words in resp.json()["error_description"]
    assert "access_token" not in resp.json()


def test_an_unknown_subject_token_type_and_bad_profiles_are_refused(tenant, http, profile) -> None:
    resp = _exchange(tenant, "partner:id:x", "urn:acme:nobody-handles-this")
    assert resp.status_code == 400 and "no token exchange profile" in resp.json()["error_description"]
    base = {"name": "again", "action_id": profile["action_id"], "type": "custom_authentication"}
    taken = http.post(PROFILES, json={**base, "subject_token_type": profile["subject_token_type"]})
    assert taken.status_code == 409 and "already uses" in taken.json()["message"]
    reserved = http.post(PROFILES, json={**base, "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"})
    assert reserved.status_code == 409 and "reserved" in reserved.json()["message"]
    assert http.post(PROFILES, json={**base, "subject_token_type": "not a uri"}).status_code == 400
    # The action of a profile cannot be deleted from under it.
    refused = http.delete(f"/api/v2/actions/actions/{profile['action_id']}")
    assert refused.status_code == 409 and "token exchange profile" in refused.json()["message"]
    listed = http.get(PROFILES, params={"take": 100}).json()["token_exchange_profiles"]
    assert profile["id"] in [p["id"] for p in listed]
    assert http.patch(f"{PROFILES}/{profile['id']}", json={"name": "renamed"}).status_code == 204
    assert http.get(f"{PROFILES}/{profile['id']}").json()["name"] == "renamed"


def test_rejected_subject_tokens_count_towards_a_block_as_failed_logins_do(tenant_factory) -> None:
    from actions_studio.tenant.attack_protection import Settings

    own = tenant_factory(attack_protection=Settings(max_attempts=3, ip_max_failures=100_000))
    with own.http(own.management_token()) as http:
        action = http.post("/api/v2/actions/actions", json={
            "name": "exchange", "supported_triggers": [{"id": "custom-token-exchange", "version": "v1"}],
            "code": EXCHANGE, "runtime": "python3", "deploy": True}).json()
        http.post(PROFILES, json={"name": "partner", "subject_token_type": "urn:acme:partner-token",
                                  "action_id": action["id"], "type": "custom_authentication"})
        demo = http.get("/api/v2/users-by-email", params={"email": own.creds["demo_user"]["email"]}).json()[0]
        # A denial that is not about the token does not count.
        assert _exchange(own, "partner:deny:x", "urn:acme:partner-token").status_code == 400
        for _ in range(3):
            assert _exchange(own, "forged", "urn:acme:partner-token").status_code == 400
        blocked = _exchange(own, f"partner:id:{demo['user_id']}", "urn:acme:partner-token")
        assert blocked.status_code == 429 and blocked.json()["error"] == "too_many_attempts"
        assert http.get("/api/v2/logs", params={"type": "limit_wc", "include_totals": "true"}).json()["total"] == 1

"""Issue 6, section 3/4: every auth endpoint fires its trigger; results, logs and executions."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from auth0.authentication import Passwordless
from auth0.authentication.exceptions import Auth0Error

from .conftest import clear_flow, deploy_flow


def _login(tenant, **extra):
    c = tenant.creds
    return tenant.app_tokens().login(c["demo_user"]["email"], c["demo_user"]["password"],
                                     realm=c["connection"], **extra)


def _wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_deny_is_403_access_denied_and_metadata_before_it_is_kept(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "post-login", [(unique("mark"), '''
def on_execute_post_login(event, api):
    api.user.set_user_metadata("seen_deny", True)
'''), (unique("deny"), '''
def on_execute_post_login(event, api):
    api.access.deny("Your account is on hold.")
''')])
    with pytest.raises(Auth0Error) as denied:
        _login(tenant)
    assert denied.value.status_code == 403
    assert denied.value.error_code == "access_denied" and denied.value.message == "Your account is on hold."
    log = next(entry for entry in mgmt.logs.list(per_page=5) if entry.type == "f")
    assert log.description == "Your account is on hold." and log.details["actions"]["executions"]
    user = mgmt.users.get(log.user_id)
    assert user.user_metadata["seen_deny"] is True
    clear_flow(mgmt, "post-login")


def test_multifactor_enable_is_403_mfa_required_with_a_token(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "post-login", [(unique("mfa"), '''
def on_execute_post_login(event, api):
    api.multifactor.enable("any")
''')])
    with pytest.raises(Auth0Error) as mfa:
        _login(tenant)
    assert mfa.value.status_code == 403 and mfa.value.error_code == "mfa_required"
    assert jwt.decode(mfa.value.content["mfa_token"], options={"verify_signature": False})["gty"] == "mfa"
    clear_flow(mgmt, "post-login")


def test_a_failing_action_is_logged_with_its_error_class(tenant, mgmt, unique) -> None:
    name = unique("crash")
    deploy_flow(mgmt, "post-login", [(name, '''
def on_execute_post_login(event, api):
    print("about to fail")
    raise RuntimeError("upstream is down")
''')])
    with pytest.raises(Auth0Error) as failed:
        _login(tenant)
    assert failed.value.status_code == 403 and "upstream is down" in failed.value.message
    entry = next(e for e in mgmt.logs.list(per_page=5) if e.type == "actions_execution_failed")
    assert entry.details["error_class"] == "action_error" and entry.details["action_name"] == name
    execution = mgmt.actions.executions.get(entry.details["execution_id"])
    result = execution.results[0]
    assert result.error.id == "RuntimeError" and result.error.msg == "upstream is down"
    assert result.model_extra["logs"] == "about to fail\n"
    clear_flow(mgmt, "post-login")


def test_logins_count_and_roles_reach_the_event(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "post-login", [(unique("stats"), '''
def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://s/count", event.stats.logins_count)
    api.access_token.set_custom_claim("https://s/protocol", event.transaction.protocol)
''')])
    first = jwt.decode(_login(tenant)["access_token"], options={"verify_signature": False})
    second = jwt.decode(_login(tenant)["access_token"], options={"verify_signature": False})
    assert second["https://s/count"] == first["https://s/count"] + 1
    assert first["https://s/protocol"] == "oauth2-resource-owner"
    clear_flow(mgmt, "post-login")


def test_password_change_through_patch_fires_post_change_password(tenant, mgmt, unique) -> None:
    name = unique("pcp")
    deploy_flow(mgmt, "post-change-password", [(name, '''
def on_execute_post_change_password(event, api):
    print("changed for", event.user.email)
''')])
    email = f"{unique('pw')}@example.com"
    user = mgmt.users.create(connection=tenant.creds["connection"], email=email, password="first password 1")
    mgmt.users.update(user.user_id, password="second password 2")
    entry = _wait_for(lambda: next((e for e in mgmt.logs.list(per_page=10) if e.type == "scp"
                                    and e.user_id == user.user_id), None))
    execution = mgmt.actions.executions.get(entry.details["actions"]["executions"][0])
    assert execution.trigger_id == "post-change-password"
    assert execution.results[0].model_extra["logs"] == f"changed for {email}\n"
    token = tenant.app_tokens().login(email, "second password 2", realm=tenant.creds["connection"])
    assert token["access_token"]
    with pytest.raises(Auth0Error):
        tenant.app_tokens().login(email, "first password 1", realm=tenant.creds["connection"])
    clear_flow(mgmt, "post-change-password")
    mgmt.users.delete(user.user_id)


def test_signup_fires_post_user_registration_after_the_response(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "post-user-registration", [(unique("welcome"), '''
def on_execute_post_user_registration(event, api):
    print("welcome", event.user.user_id)
''')])
    email = f"{unique('reg')}@example.com"
    with httpx.Client(base_url=tenant.base_url) as http:
        made = http.post("/dbconnections/signup", json={
            "client_id": tenant.creds["application"]["client_id"], "email": email,
            "password": "long enough pw", "connection": tenant.creds["connection"]}).json()

    def executed():
        with tenant.http(tenant.management_token()) as http:
            for entry in http.get("/api/v2/logs", params={"per_page": 50}).json():
                for ex in (entry.get("details") or {}).get("actions", {}).get("executions", []):
                    body = http.get(f"/api/v2/actions/executions/{ex}").json()
                    if body["trigger_id"] == "post-user-registration" and made["_id"] in body["results"][0]["logs"]:
                        return body
        return None

    assert _wait_for(executed)["status"] == "final"
    clear_flow(mgmt, "post-user-registration")


def test_passwordless_sms_runs_send_phone_message_with_the_code(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "send-phone-message", [(unique("sms"), '''
def on_execute_send_phone_message(event, api):
    print("to", event.message_options.recipient, "code", event.message_options.code)
''')])
    a = tenant.creds["application"]
    sent = Passwordless(tenant.domain, a["client_id"], client_secret=a["client_secret"],
                        protocol="http").sms("+4915112345678")
    assert sent["phone_number"] == "+4915112345678"
    entry = next(e for e in mgmt.logs.list(per_page=5) if e.type == "gd_send_sms")
    execution = mgmt.actions.executions.get(entry.details["actions"]["executions"][0])
    logs = execution.results[0].model_extra["logs"]
    assert logs.startswith("to +4915112345678 code ") and len(logs.split()[-1]) == 6
    code = logs.split()[-1]

    # The code logs the phone in (post-login runs; the user is created on first login).
    deploy_flow(mgmt, "post-login", [(unique("phone-claim"), '''
def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://p/phone", event.user.phone_number)
''')])
    tokens = tenant.app_tokens()
    with pytest.raises(Auth0Error) as wrong:
        tokens.passwordless_login("+4915112345678", "000000" if code != "000000" else "111111", "sms",
                                  "openid", c_api := tenant.creds["api"]["identifier"])
    assert wrong.value.status_code == 403 and wrong.value.error_code == "invalid_grant"
    login = tokens.passwordless_login("+4915112345678", code, "sms", "openid", c_api)
    claims = jwt.decode(login["access_token"], options={"verify_signature": False})
    assert claims["https://p/phone"] == "+4915112345678" and claims["sub"].startswith("sms|")
    with pytest.raises(Auth0Error):      # single use
        tokens.passwordless_login("+4915112345678", code, "sms", "openid", c_api)
    clear_flow(mgmt, "send-phone-message")
    clear_flow(mgmt, "post-login")


def test_redirect_suspends_and_continue_resumes_to_a_code(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "post-login", [(unique("redirect"), '''
def on_execute_post_login(event, api):
    api.redirect.send_user_to("https://consent.example/ask", query={"who": event.user.email})

def on_continue_post_login(event, api):
    api.access_token.set_custom_claim("https://r/answer", event.request.query["answer"])
'''), (unique("after"), '''
def on_execute_post_login(event, api):
    api.id_token.set_custom_claim("https://r/after", True)
''')])
    c = tenant.creds
    callback = c["application"]["callbacks"][0]
    with httpx.Client(base_url=tenant.base_url, follow_redirects=False) as http:
        page = http.get("/authorize", params={"client_id": c["application"]["client_id"],
                                              "redirect_uri": callback, "response_type": "code",
                                              "scope": "openid profile", "state": "xyz"})
        assert page.status_code == 200
        login_id = page.text.split('name="login" value="')[1].split('"')[0]
        out = http.post("/u/login", data={"login": login_id, "username": c["demo_user"]["email"],
                                          "password": c["demo_user"]["password"]})
        assert out.status_code == 302
        target = urlsplit(out.headers["location"])
        assert target.netloc == "consent.example"
        query = parse_qs(target.query)
        assert query["who"] == [c["demo_user"]["email"]]
        back = http.get("/continue", params={"state": query["state"][0], "answer": "yes"})
        assert back.status_code == 302
        final = parse_qs(urlsplit(back.headers["location"]).query)
        assert final["state"] == ["xyz"]
        tokens = http.post("/oauth/token", data={
            "grant_type": "authorization_code", "client_id": c["application"]["client_id"],
            "client_secret": c["application"]["client_secret"], "code": final["code"][0],
            "redirect_uri": callback}).json()
        access = jwt.decode(tokens["access_token"], options={"verify_signature": False})
        ident = jwt.decode(tokens["id_token"], options={"verify_signature": False})
        assert access["https://r/answer"] == "yes" and ident["https://r/after"] is True
        again = http.get("/continue", params={"state": query["state"][0]})
        assert again.status_code == 404    # single use: that state is gone
    clear_flow(mgmt, "post-login")


def test_a_redirect_in_a_password_login_is_refused_and_the_execution_canceled(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "post-login", [(unique("redir"), '''
def on_execute_post_login(event, api):
    api.redirect.send_user_to("https://consent.example/ask")
''')])
    with pytest.raises(Auth0Error) as refused:
        _login(tenant)
    assert refused.value.status_code == 403 and refused.value.error_code == "interaction_required"
    log = next(entry for entry in mgmt.logs.list(per_page=5) if entry.type == "f")
    execution = mgmt.actions.executions.get(log.details["actions"]["executions"][0])
    assert execution.status == "canceled"
    clear_flow(mgmt, "post-login")


def _authorize(http, tenant, redirect_uri, client_id=None):
    return http.get("/authorize", params={"client_id": client_id or tenant.creds["application"]["client_id"],
                                          "redirect_uri": redirect_uri, "response_type": "code",
                                          "scope": "openid", "state": "s"})


def test_authorize_refuses_a_redirect_uri_that_is_not_a_callback(tenant, mgmt) -> None:
    """Issue 13, item 8: any http(s) redirect_uri used to get the login form."""
    with httpx.Client(base_url=tenant.base_url, follow_redirects=False) as http:
        for uri in ("https://attacker.example/steal", tenant.creds["application"]["callbacks"][0] + "/",
                    "https://attacker.example/<script>alert(1)</script>"):
            page = _authorize(http, tenant, uri)
            assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
            assert "Callback URL mismatch." in page.text and 'name="login"' not in page.text
            assert "<script>" not in page.text and "is not in the list of allowed callback URLs" in page.text
        assert "https://attacker.example/steal is not in the list" in _authorize(
            http, tenant, "https://attacker.example/steal").text
        unknown = _authorize(http, tenant, "https://attacker.example/steal", client_id="no-such-client")
        assert unknown.status_code == 404 and "Unknown client" in unknown.text
    log = next(e for e in mgmt.logs.list(per_page=5) if e.type == "f")
    assert log.description.startswith("Callback URL mismatch. https://attacker.example/steal is not")
    assert log.client_id == tenant.creds["application"]["client_id"]


def test_callbacks_are_set_through_the_management_api(tenant, mgmt) -> None:
    app_id = tenant.creds["application"]["client_id"]
    demo = next(c for c in mgmt.clients.list() if c.client_id == app_id)
    assert demo.callbacks == tenant.creds["application"]["callbacks"] and demo.callbacks
    assert "client_secret" not in demo.model_dump() or not demo.model_dump().get("client_secret")
    try:
        updated = mgmt.clients.update(app_id, callbacks=["https://*.preview.example.com/cb"])
        assert updated.callbacks == ["https://*.preview.example.com/cb"]
        assert mgmt.clients.get(app_id).callbacks == ["https://*.preview.example.com/cb"]
        with httpx.Client(base_url=tenant.base_url, follow_redirects=False) as http:
            assert _authorize(http, tenant, "https://pr-9.preview.example.com/cb").status_code == 200
            assert _authorize(http, tenant, "https://a.b.preview.example.com/cb").status_code == 400
            assert _authorize(http, tenant, demo.callbacks[0]).status_code == 400
        with tenant.http(tenant.management_token()) as http:
            refused = http.patch(f"/api/v2/clients/{app_id}", json={"callbacks": ["https://*.com/cb"]})
            assert refused.status_code == 400 and "callbacks[0]" in refused.json()["message"]
            assert http.patch(f"/api/v2/clients/{app_id}", json={"callbacks": None}).status_code == 400
            assert http.patch(f"/api/v2/clients/{app_id}", json={"secret": "x"}).status_code == 400
            assert http.get("/api/v2/clients/nope").status_code == 404
        assert mgmt.clients.get(app_id).callbacks == ["https://*.preview.example.com/cb"]
    finally:
        mgmt.clients.update(app_id, callbacks=demo.callbacks)

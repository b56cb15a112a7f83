"""The custom email and phone providers as the tenant's senders, through real HTTP (issue 17 part 4):
a passwordless code goes through the bound custom-phone-provider action instead of
send-phone-message, a signup's verification email through the custom-email-provider action, and a
provider's api.notification.drop is a failed delivery."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from .conftest import clear_flow, deploy_flow

PHONE = '''
def on_execute_custom_phone_provider(event, api):
    print("SMS", event.notification.message_type, event.notification.recipient, event.notification.code)
'''
DROPPING_PHONE = '''
def on_execute_custom_phone_provider(event, api):
    api.notification.drop("the SMS gateway refused the number")
'''
LEGACY = '''
def on_execute_send_phone_message(event, api):
    print("LEGACY", event.message_options.code)
'''
EMAIL = '''
def on_execute_custom_email_provider(event, api):
    print("EMAIL", event.notification.message_type, event.notification.to, event.notification.text)
'''


def _v1(mgmt, trigger: str, name: str, code: str) -> None:
    # python3 said out loud: without a runtime an action is node22, as on Auth0.
    action = mgmt.actions.create(name=name, supported_triggers=[{"id": trigger, "version": "v1"}], code=code,
                                 runtime="python3")
    mgmt.actions.deploy(action.id)
    mgmt.actions.triggers.bindings.update_many(trigger, bindings=[{"ref": {"type": "action_id", "value": action.id}}])


def _start(tenant, phone: str) -> httpx.Response:
    a = tenant.creds["application"]
    with tenant.http() as client:
        return client.post("/passwordless/start", json={"client_id": a["client_id"], "connection": "sms",
                                                         "phone_number": phone, "send": "code"})


def _console_of_latest(http: httpx.Client, log_type: str, deadline_s: float = 30) -> tuple[dict, str]:
    """The newest log of that type and the console of the first execution it names (background
    deliveries are polled for)."""
    end = time.monotonic() + deadline_s
    while True:
        logs = http.get("/api/v2/logs", params={"type": log_type, "sort": "date:-1", "per_page": 1}).json()
        if logs or time.monotonic() > end:
            break
        time.sleep(0.1)
    assert logs, f"no {log_type} log"
    execution = http.get(f"/api/v2/actions/executions/{logs[0]['details']['actions']['executions'][0]}").json()
    return logs[0], execution["results"][0]["logs"]


@pytest.fixture
def http(tenant):
    with tenant.http(tenant.management_token()) as client:
        yield client


def test_a_passwordless_code_goes_through_the_custom_phone_provider(tenant, mgmt, http, unique) -> None:
    deploy_flow(mgmt, "send-phone-message", [(unique("legacy"), LEGACY)])
    _v1(mgmt, "custom-phone-provider", unique("phone-provider"), PHONE)
    try:
        assert _start(tenant, "+4915100000001").status_code == 200
        entry, console = _console_of_latest(http, "gd_send_sms")
        execution = http.get(f"/api/v2/actions/executions/{entry['details']['actions']['executions'][0]}").json()
        assert execution["trigger_id"] == "custom-phone-provider"   # not send-phone-message
        kind, recipient, code = console.split()[1:4]
        assert (kind, recipient) == ("otp_enroll", "+4915100000001") and re.fullmatch(r"[0-9]{6}", code)
        login = tenant.app_tokens().passwordless_login("+4915100000001", code, "sms", "openid",
                                                       tenant.creds["api"]["identifier"])
        assert login["access_token"]
    finally:
        clear_flow(mgmt, "custom-phone-provider")
        clear_flow(mgmt, "send-phone-message")


def test_a_dropped_sms_is_a_failed_delivery_with_the_reason(tenant, mgmt, http, unique) -> None:
    _v1(mgmt, "custom-phone-provider", unique("dropping"), DROPPING_PHONE)
    try:
        refused = _start(tenant, "+4915100000002")
    finally:
        clear_flow(mgmt, "custom-phone-provider")
    assert refused.status_code == 400 and refused.json()["error"] == "sms_provider_error"
    assert "the SMS gateway refused the number" in refused.json()["error_description"]
    entry = http.get("/api/v2/logs", params={"type": "gd_send_sms_failure", "sort": "date:-1"}).json()[0]
    assert "drop: the SMS gateway refused the number" in entry["description"]


def test_a_signup_sends_its_verification_email_through_the_custom_email_provider(tenant, mgmt, http,
                                                                                  unique) -> None:
    _v1(mgmt, "custom-email-provider", unique("email-provider"), EMAIL)
    email = f"{unique('verify')}@example.com"
    try:
        with tenant.http() as client:
            made = client.post("/dbconnections/signup", json={
                "client_id": tenant.creds["application"]["client_id"], "email": email,
                "password": "a fine long password", "connection": "Username-Password-Authentication"})
        assert made.status_code == 200, made.text
        entry, console = _console_of_latest(http, "svr")
    finally:
        clear_flow(mgmt, "custom-email-provider")
    assert entry["user_name"] == email
    _, message_type, to = console.split()[:3]
    assert (message_type, to) == ("verify_email", email)
    link = re.search(r"https?://\S+/u/email-verification\?ticket=[\w-]+", console).group(0)
    path = "/" + link.split("/", 3)[3]          # the tenant's URL: its issuer's origin
    with tenant.http() as browser:
        assert browser.get(path).status_code == 200
        assert browser.get(path).status_code == 404       # single use
    [user] = http.get("/api/v2/users-by-email", params={"email": email}).json()
    assert user["email_verified"] is True


def test_an_email_verification_ticket_gives_the_link_without_a_provider(tenant, http, unique) -> None:
    made = http.post("/api/v2/users", json={"connection": "Username-Password-Authentication",
                                            "email": f"{unique('ticket')}@example.com", "password": "a fine long password"})
    user = made.json()
    assert user["email_verified"] is False
    ticket = http.post("/api/v2/tickets/email-verification",
                       json={"user_id": user["user_id"], "result_url": "https://app.example/verified"})
    assert ticket.status_code == 201, ticket.text
    with tenant.http() as browser:
        opened = browser.get("/" + ticket.json()["ticket"].split("/", 3)[3])
    assert opened.status_code == 302 and opened.headers["location"] == "https://app.example/verified"
    assert http.get(f"/api/v2/users/{user['user_id']}").json()["email_verified"] is True
    assert http.post("/api/v2/tickets/email-verification", json={"user_id": "auth0|nobody"}).status_code == 404
    http.delete(f"/api/v2/users/{user['user_id']}")

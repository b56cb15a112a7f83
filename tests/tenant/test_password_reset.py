"""The password reset through real HTTP (issue 17 part 4): the reset email through the custom email
provider, the link, the password-reset-post-challenge flow with its redirect and
on_continue_post_challenge, the new password, the result URL — and the refusals."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from auth0.authentication.exceptions import Auth0Error

from .conftest import clear_flow
from .test_custom_providers import EMAIL, _console_of_latest, _v1

CHALLENGE = '''
def on_execute_post_challenge(event, api):
    print("challenged by", [m.name for m in event.authentication.methods])
    api.redirect.send_user_to("https://verify.example/check", {"user": event.user.user_id})

def on_continue_post_challenge(event, api):
    if event.request.query.get("ok") != "yes":
        api.access.deny("the identity check failed")
        return
    api.transaction.set_result_url("https://app.example/done", {"reset": "1"})
'''
NEW_PASSWORD = "a brand new long password"


@pytest.fixture
def http(tenant):
    with tenant.http(tenant.management_token()) as client:
        yield client


@pytest.fixture
def user(http, unique):
    email = f"{unique('reset')}@example.com"
    made = http.post("/api/v2/users", json={"connection": "Username-Password-Authentication", "email": email,
                                            "password": "the old long password"})
    assert made.status_code == 201, made.text
    yield made.json()
    http.delete(f"/api/v2/users/{made.json()['user_id']}")


@pytest.fixture
def flows(mgmt, unique):
    _v1(mgmt, "custom-email-provider", unique("reset-mail"), EMAIL)
    _v1(mgmt, "password-reset-post-challenge", unique("check-identity"), CHALLENGE)
    yield
    clear_flow(mgmt, "custom-email-provider")
    clear_flow(mgmt, "password-reset-post-challenge")


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _form(page: httpx.Response) -> str:
    return re.search(r'name="form" value="([\w-]+)"', page.text).group(1)


def test_a_reset_runs_post_challenge_redirects_resumes_and_sets_the_password(tenant, http, user, flows) -> None:
    app = tenant.creds["application"]
    with tenant.http() as browser:
        asked = browser.post("/dbconnections/change_password", json={
            "client_id": app["client_id"], "email": user["email"], "connection": "Username-Password-Authentication"})
        assert asked.status_code == 200 and "sent you an email" in asked.text
        _, console = _console_of_latest(http, "scpr")
        assert console.split()[1:3] == ["reset_email", user["email"]]
        link = re.search(r"https?://\S+/u/reset-password\?ticket=[\w-]+", console).group(0)

        away = browser.get(_path(link))
        assert away.status_code == 302
        target = httpx.URL(away.headers["location"])
        assert (target.host, target.path, target.params["user"]) == ("verify.example", "/check", user["user_id"])
        assert browser.get(_path(link)).status_code == 404                   # the link is single use

        form_page = browser.get("/continue", params={"state": target.params["state"], "ok": "yes"})
        assert form_page.status_code == 200 and "New password" in form_page.text
        weak = browser.post("/u/reset-password", data={"form": _form(form_page), "password": "short"})
        assert weak.status_code == 400                                      # the form stays usable
        done = browser.post("/u/reset-password", data={"form": _form(form_page), "password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["location"] == "https://app.example/done?reset=1"

    tokens = tenant.app_tokens()
    assert tokens.login(user["email"], NEW_PASSWORD, realm="Username-Password-Authentication")["access_token"]
    with pytest.raises(Auth0Error):
        tokens.login(user["email"], "the old long password", realm="Username-Password-Authentication")
    # post-change-password ran after the response, and logged the change.
    deadline = time.monotonic() + 30
    while not [e for e in http.get("/api/v2/logs", params={"type": "scp", "per_page": 100}).json()
               if e["user_id"] == user["user_id"]]:
        assert time.monotonic() < deadline, "no scp log for the reset"
        time.sleep(0.1)


def test_a_denied_check_stops_the_reset_and_the_password_stays(tenant, http, user, flows) -> None:
    ticket = http.post("/api/v2/tickets/password-change", json={"user_id": user["user_id"]})
    assert ticket.status_code == 201, ticket.text
    with tenant.http() as browser:
        away = browser.get(_path(ticket.json()["ticket"]))
        state = httpx.URL(away.headers["location"]).params["state"]
        denied = browser.get("/continue", params={"state": state, "ok": "no"})
    assert denied.status_code == 403 and "the identity check failed" in denied.text
    assert tenant.app_tokens().login(user["email"], "the old long password",
                                     realm="Username-Password-Authentication")["access_token"]
    fcp = http.get("/api/v2/logs", params={"type": "fcp", "sort": "date:-1"}).json()[0]
    assert "identity check failed" in fcp["description"]


def test_asking_for_an_unknown_email_answers_the_same_and_sends_nothing(tenant, http, flows) -> None:
    before = http.get("/api/v2/logs", params={"type": "scpr", "include_totals": "true"}).json()["total"]
    with tenant.http() as browser:
        asked = browser.post("/dbconnections/change_password", json={
            "client_id": tenant.creds["application"]["client_id"], "email": "nobody-here@example.com",
            "connection": "Username-Password-Authentication"})
        assert asked.status_code == 200 and "sent you an email" in asked.text
        assert browser.get("/u/reset-password", params={"ticket": "forged"}).status_code == 404
    assert http.get("/api/v2/logs", params={"type": "scpr", "include_totals": "true"}).json()["total"] == before


def test_without_a_post_challenge_flow_the_link_goes_straight_to_the_form(tenant, http, user) -> None:
    ticket = http.post("/api/v2/tickets/password-change",
                       json={"user_id": user["user_id"], "result_url": "https://app.example/after"}).json()["ticket"]
    with tenant.http() as browser:
        form_page = browser.get(_path(ticket))
        assert form_page.status_code == 200
        done = browser.post("/u/reset-password", data={"form": _form(form_page), "password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["location"] == "https://app.example/after"

"""What /openapi.json says, and the server behaviours it relies on (issue 13, item 10); the fuzz
test (test_openapi_fuzz.py) holds the whole document to the server, these pin the key facts."""

from __future__ import annotations

import re

import httpx
import pytest


@pytest.fixture(scope="module")
def doc(tenant) -> dict:
    return httpx.get(f"{tenant.base_url}/openapi.json").json()


def test_each_operation_lists_its_refusals_with_auth0_s_error_bodies(doc) -> None:
    create = doc["paths"]["/api/v2/actions/actions"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "409", "413", "429", "503"}
    assert create["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiError"}
    assert create["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    assert create["responses"]["503"]["headers"]["Retry-After"]["required"] is True
    # The key and the discovery document are in memory: no store to be away.
    assert "503" not in doc["paths"]["/.well-known/jwks.json"]["get"]["responses"]
    assert set(doc["paths"]["/health"]["get"]["responses"]) >= {"200", "503"}
    assert create["security"] == [{"managementApi": ["create:actions"]}]
    token = doc["paths"]["/oauth/token"]["post"]["responses"]
    assert token["403"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/OAuthError"}
    authorize = doc["paths"]["/authorize"]["get"]["responses"]
    assert set(authorize["400"]["content"]) == {"text/html", "application/json"}
    assert "422" not in str(doc) and "HTTPValidationError" not in doc["components"]["schemas"]
    flows = doc["components"]["securitySchemes"]["managementApi"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/oauth/token"


def test_the_document_states_the_rules_that_depend_on_the_tenant(doc, tenant) -> None:
    parameters = {p["name"]: p["schema"] for p in doc["paths"]["/authorize"]["get"]["parameters"]}
    assert parameters["connection"]["enum"] == ["Username-Password-Authentication", "sms"]
    pattern = parameters["redirect_uri"]["pattern"]
    assert all(re.fullmatch(pattern, cb) for cb in tenant.creds["application"]["callbacks"])
    assert not re.fullmatch(pattern, "https://attacker.example/steal")
    ref = doc["components"]["schemas"]["TriggerRef"]
    assert {"post-login", "credentials-exchange"} <= {b["properties"]["id"]["const"] for b in ref["oneOf"]}
    signup = doc["paths"]["/dbconnections/signup"]["post"]["requestBody"]["content"]
    assert signup["application/json"]["schema"]["properties"]["connection"]["enum"] == [
        "Username-Password-Authentication"]
    assert "user_metadata" not in signup["application/x-www-form-urlencoded"]["schema"]["properties"]


def test_the_redirect_uri_rule_follows_the_callbacks(tenant, mgmt) -> None:
    app_id = tenant.creds["application"]["client_id"]
    before = mgmt.clients.get(app_id).callbacks
    try:
        mgmt.clients.update(app_id, callbacks=["https://*.preview.example.com/cb"])
        parameters = {p["name"]: p["schema"] for p in
                      httpx.get(f"{tenant.base_url}/openapi.json").json()["paths"]["/authorize"]["get"]["parameters"]}
        assert re.fullmatch(parameters["redirect_uri"]["pattern"], "https://pr-1.preview.example.com/cb")
        assert not re.fullmatch(parameters["redirect_uri"]["pattern"], before[0])
    finally:
        mgmt.clients.update(app_id, callbacks=before)


def test_an_unsupported_method_is_405_naming_every_allowed_one(tenant) -> None:
    with tenant.http(tenant.management_token()) as http:
        for method in ("PUT", "OPTIONS"):
            resp = http.request(method, "/api/v2/actions/actions")
            assert resp.status_code == 405 and resp.headers["allow"] == "GET, HEAD, POST"
            assert resp.json()["errorCode"] == "method_not_allowed"
        assert http.put("/api/v2/actions/actions/some-id").headers["allow"] == "DELETE, GET, HEAD, PATCH"


def test_a_management_path_the_tenant_does_not_serve_is_a_404_saying_what_it_serves(tenant) -> None:
    with tenant.http(tenant.management_token()) as http:
        for path in ("/api/v2/rules", "/api/v2/connections?per_page=1", "/api/v2/actions/modules"):
            resp = http.get(path)
            assert resp.status_code == 404, path
            message = resp.json()["message"]
            assert message.startswith(f"the bundled tenant does not serve GET {path.split('?')[0]}: "
                                      "its Management API has actions"), message
            assert "AUTH0_INCLUDED_ONLY='[\"actions\", \"triggers\", \"clients\", \"tokenExchangeProfiles\"]'" in message
        # a path id that names nothing is a missing resource, not a missing endpoint
        assert "does not serve" not in http.get("/api/v2/actions/actions/act_nothing").json()["message"]
    with httpx.Client(base_url=tenant.base_url) as http:
        assert http.get("/nowhere").json()["message"] == "no such endpoint: GET /nowhere"


def test_authentication_parameters_are_strings_of_the_stated_shape(tenant) -> None:
    a = tenant.creds["application"]
    with httpx.Client(base_url=tenant.base_url) as http:
        resp = http.post("/oauth/token", json={"grant_type": "client_credentials", "client_id": a["client_id"],
                                               "client_secret": a["client_secret"], "audience": 42})
        assert resp.status_code == 400 and resp.json()["error_description"] == "Parameter audience must be a string"
        resp = http.post("/passwordless/start", json={"client_id": a["client_id"], "connection": "sms",
                                                      "phone_number": "+49 151 1234"})
        assert resp.status_code == 400 and resp.json()["error"] == "bad.phone_number"
        for email in (" spaced@example.com", "no-dot@example", "two@@example.com"):
            resp = http.post("/dbconnections/signup", json={"client_id": a["client_id"], "email": email,
                                                            "password": "long enough pw",
                                                            "connection": tenant.creds["connection"]})
            assert resp.status_code == 400 and "email" in resp.json()["error_description"], email


def test_signing_up_twice_is_409(tenant, unique) -> None:
    body = {"client_id": tenant.creds["application"]["client_id"], "email": f"{unique('twice')}@example.com",
            "password": "long enough pw", "connection": tenant.creds["connection"]}
    with httpx.Client(base_url=tenant.base_url) as http:
        assert http.post("/dbconnections/signup", json=body).status_code == 200
        again = http.post("/dbconnections/signup", json=body)
    assert again.status_code == 409 and again.json()["code"] == "user_exists"

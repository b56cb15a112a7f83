"""Management API details over plain HTTP: refusals name what is wrong, shapes match Auth0's."""

from __future__ import annotations

import pytest

ACTIONS = "/api/v2/actions/actions"
CODE = "def on_execute_post_login(event, api):\n    pass\n"


@pytest.fixture
def http(tenant):
    with tenant.http(tenant.management_token()) as client:
        yield client


def _create(http, name, **extra):
    resp = http.post(ACTIONS, json={"name": name, "supported_triggers": [{"id": "post-login", "version": "v3"}],
                                    "code": CODE, "runtime": "python3", **extra})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_action_shape_and_duplicate_name(http, unique) -> None:
    name = unique("shape")
    made = _create(http, name, dependencies=[], secrets=[{"name": "TOKEN", "value": "abc"}])
    assert {"id", "name", "supported_triggers", "all_changes_deployed", "created_at", "updated_at", "code",
            "dependencies", "runtime", "secrets", "status", "built_at"} <= set(made)
    assert made["runtime"] == "python3" and made["status"] == "built" and "deployed_version" not in made
    assert made["supported_triggers"] == [{"id": "post-login", "version": "v3"}]
    dup = http.post(ACTIONS, json={"name": name, "supported_triggers": [{"id": "post-login"}]})
    assert dup.status_code == 409 and dup.json()["errorCode"] == "action_conflict"
    deployed = http.post(f"{ACTIONS}/{made['id']}/deploy").json()
    assert deployed["number"] == 1 and deployed["deployed"] is True and deployed["action"]["name"] == name
    again = http.get(f"{ACTIONS}/{made['id']}").json()
    assert again["deployed_version"]["id"] == deployed["id"] and again["all_changes_deployed"] is True
    assert http.get(ACTIONS, params={"deployed": "true", "actionName": name}).json()["total"] == 1
    http.delete(f"{ACTIONS}/{made['id']}")


def test_rollback_without_a_body_keeps_the_draft(http, unique) -> None:
    made = _create(http, unique("rb"))
    v1 = http.post(f"{ACTIONS}/{made['id']}/deploy").json()
    http.patch(f"{ACTIONS}/{made['id']}", json={"code": CODE + "# two\n"})
    http.post(f"{ACTIONS}/{made['id']}/deploy")
    rolled = http.post(f"{ACTIONS}/{made['id']}/versions/{v1['id']}/deploy")
    assert rolled.status_code == 200 and rolled.json()["number"] == 3 and rolled.json()["code"] == CODE
    action = http.get(f"{ACTIONS}/{made['id']}").json()
    assert action["code"] == CODE + "# two\n" and action["all_changes_deployed"] is False
    assert http.get(f"{ACTIONS}/{made['id']}/versions", params={"per_page": 2, "page": 1}).json()["versions"][0]["number"] == 1
    assert http.get(f"{ACTIONS}/{made['id']}/versions", params={"page": 9}).json()["versions"] == []
    assert http.post(f"{ACTIONS}/{made['id']}/versions/nope/deploy").status_code == 404
    http.delete(f"{ACTIONS}/{made['id']}")


def test_binding_refusals_name_the_entry(http, unique) -> None:
    draft_only = _create(http, unique("undeployed"))
    other = http.post(ACTIONS, json={"name": unique("m2m"), "supported_triggers": [{"id": "credentials-exchange"}],
                                     "code": "def on_execute_credentials_exchange(event, api):\n    pass\n",
                                     "runtime": "python3", "deploy": True}).json()
    url = "/api/v2/actions/triggers/post-login/bindings"
    resp = http.patch(url, json={"bindings": [{"ref": {"type": "action_id", "value": draft_only["id"]}}]})
    # Auth0's 400 and sentence for an undeployed action (the Deploy CLI and sync retry on it).
    assert resp.status_code == 400 and "bindings[0].ref" in resp.json()["message"]
    assert "has not been deployed yet" in resp.json()["message"]
    resp = http.patch(url, json={"bindings": [{"ref": {"type": "action_id", "value": other["id"]}}]})
    assert resp.status_code == 409 and "credentials-exchange" in resp.json()["message"]
    resp = http.patch(url, json={"bindings": [{"ref": {"type": "action_name", "value": "no such"}}]})
    assert resp.status_code == 404
    resp = http.patch(url, json={"bindings": [{"ref": {"type": "name", "value": "x"}}]})
    assert resp.status_code == 400 and "bindings[0].ref.type" in resp.json()["message"]
    assert http.get("/api/v2/actions/triggers/not-a-trigger/bindings").status_code == 404
    for action in (draft_only, other):
        http.delete(f"{ACTIONS}/{action['id']}")


def test_changing_the_trigger_of_a_bound_action_is_409(http, unique) -> None:
    made = _create(http, unique("bound"), deploy=True)
    http.patch("/api/v2/actions/triggers/post-login/bindings",
               json={"bindings": [{"ref": {"type": "action_id", "value": made["id"]}}]})
    resp = http.patch(f"{ACTIONS}/{made['id']}", json={"supported_triggers": [{"id": "credentials-exchange"}]})
    assert resp.status_code == 409
    http.patch("/api/v2/actions/triggers/post-login/bindings", json={"bindings": []})
    http.delete(f"{ACTIONS}/{made['id']}")


def test_test_endpoint_refuses_an_invalid_event_naming_the_field(http, unique) -> None:
    made = _create(http, unique("tested"))
    resp = http.post(f"{ACTIONS}/{made['id']}/test", json={"payload": {"user": {"user_id": 5}}})
    assert resp.status_code == 409 and "payload.user" in resp.json()["message"]   # not a post-login event
    resp = http.post(f"{ACTIONS}/{made['id']}/test", json={"payload": "nope"})
    assert resp.status_code == 400 and "payload" in resp.json()["message"]
    http.delete(f"{ACTIONS}/{made['id']}")


def test_triggers_list_is_the_catalog(http) -> None:
    from actions_studio.triggers import TRIGGERS

    triggers = http.get("/api/v2/actions/triggers").json()["triggers"]
    assert [t["id"] for t in triggers] == list(TRIGGERS)
    assert triggers[0] == {**TRIGGERS["post-login"].to_management_api(),
                           "runtimes": ["node18", "node22", "python3"], "default_runtime": "node22"}


def test_users_endpoints(http, unique, tenant) -> None:
    email = f"{unique('u')}@example.com"
    made = http.post("/api/v2/users", json={"connection": tenant.creds["connection"], "email": email,
                                            "password": "a fine password", "app_metadata": {"plan": "free"}})
    assert made.status_code == 201 and "password" not in made.text
    user = made.json()
    assert http.post("/api/v2/users", json={"connection": tenant.creds["connection"], "email": email,
                                            "password": "a fine password"}).status_code == 409
    weak = http.post("/api/v2/users", json={"connection": tenant.creds["connection"],
                                            "email": f"w{email}", "password": "short"})
    assert weak.status_code == 400 and "password" in weak.json()["message"]
    patched = http.patch(f"/api/v2/users/{user['user_id']}",
                         json={"app_metadata": {"plan": None, "tier": "gold"}, "name": "Pat"}).json()
    assert patched["app_metadata"] == {"tier": "gold"} and patched["name"] == "Pat"
    # Auth0's two shapes: the bare array, and with include_totals the page object.
    listed = http.get("/api/v2/users", params={"per_page": 100}).json()
    assert isinstance(listed, list) and user["user_id"] in {u["user_id"] for u in listed}
    paged = http.get("/api/v2/users", params={"per_page": 100, "include_totals": "true"}).json()
    assert {"start", "limit", "length", "total", "users"} <= set(paged)
    assert paged["users"] == listed and paged["total"] >= paged["length"] == len(listed)
    assert http.get("/api/v2/users", params={"page": 500}).json() == []
    assert http.get("/api/v2/users", params={"page": 500, "include_totals": "true"}).json()["users"] == []
    only = http.get("/api/v2/users", params={"fields": "user_id,email", "per_page": 100}).json()
    assert only and all(set(u) == {"user_id", "email"} for u in only)
    without = http.get("/api/v2/users", params={"fields": "identities", "include_fields": "false"}).json()
    assert without and all("identities" not in u and "user_id" in u for u in without)
    assert http.delete(f"/api/v2/users/{user['user_id']}").status_code == 204
    assert http.get(f"/api/v2/users/{user['user_id']}").status_code == 404


@pytest.mark.parametrize("value", ["yes", "1", 1, "on", "true", 0, "null"],
                         ids=["yes", "str-1", "int-1", "on", "str-true", "int-0", "str-null"])
def test_deploy_must_be_a_json_boolean(http, unique, value) -> None:
    name = unique("strict")
    resp = http.post(ACTIONS, json={"name": name, "supported_triggers": [{"id": "post-login"}], "code": CODE,
                                    "runtime": "python3", "deploy": value})
    assert resp.status_code == 400, resp.text
    assert "deploy" in resp.json()["message"] and "boolean" in resp.json()["message"]
    assert http.get(ACTIONS, params={"actionName": name}).json()["total"] == 0   # nothing was created


def test_booleans_elsewhere_are_booleans_too(http, unique, tenant) -> None:
    made = _create(http, unique("strict-elsewhere"), deploy=True)
    for value in ("1", "yes", "on", "True", "0", "off"):
        for params in ({"deployed": value}, {"installed": value}):
            resp = http.get(ACTIONS, params=params)
            assert resp.status_code == 400 and "must be true or false" in resp.json()["message"], (params, resp.text)
        resp = http.delete(f"{ACTIONS}/{made['id']}", params={"force": value})
        assert resp.status_code == 400 and "force" in resp.json()["message"]
        for path in ("/api/v2/logs", "/api/v2/users"):
            assert http.get(path, params={"include_totals": value}).status_code == 400
    version = http.get(f"{ACTIONS}/{made['id']}/versions").json()["versions"][0]
    resp = http.post(f"{ACTIONS}/{made['id']}/versions/{version['id']}/deploy", json={"update_draft": "yes"})
    assert resp.status_code == 400 and "update_draft" in resp.json()["message"]
    user = http.post("/api/v2/users", json={"connection": tenant.creds["connection"],
                                            "email": f"{unique('b')}@example.com", "password": "a fine password"}).json()
    for field in ("blocked", "email_verified", "phone_verified", "verify_email"):
        resp = http.patch(f"/api/v2/users/{user['user_id']}", json={field: 1})
        assert resp.status_code == 400 and field in resp.json()["message"], resp.text
    assert http.get(f"/api/v2/users/{user['user_id']}").json()["blocked"] is False
    # The words themselves still work.
    assert http.get(ACTIONS, params={"deployed": "true", "actionName": made["name"]}).json()["total"] == 1
    assert http.get(ACTIONS, params={"deployed": "false", "actionName": made["name"]}).json()["total"] == 0
    assert http.delete(f"{ACTIONS}/{made['id']}", params={"force": "true"}).status_code == 204
    http.delete(f"/api/v2/users/{user['user_id']}")


def test_create_with_deploy_answers_what_a_get_right_after_shows(http, unique) -> None:
    made = _create(http, unique("deployed-at-once"), deploy=True)
    assert made["all_changes_deployed"] is True and made["deployed_version"]["number"] == 1
    assert made == http.get(f"{ACTIONS}/{made['id']}").json()
    http.delete(f"{ACTIONS}/{made['id']}")

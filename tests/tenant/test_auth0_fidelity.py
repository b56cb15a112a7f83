"""Where the Management API answers as Auth0 does because Auth0's own clients depend on it
(issue 17 part 3): the deploy refusal before a build, the binding refusals, Auth0's binding limits
per trigger, and entity-bound triggers, which have no flow to bind to."""

from __future__ import annotations

import pytest

ACTIONS = "/api/v2/actions/actions"
BINDINGS = "/api/v2/actions/triggers/{}/bindings"


@pytest.fixture
def http(tenant):
    with tenant.http(tenant.management_token()) as client:
        yield client


def _deployed(http, name: str, trigger: str, code: str) -> dict:
    resp = http.post(ACTIONS, json={"name": name, "supported_triggers": [{"id": trigger, "version": "v1"}],
                                    "code": code, "runtime": "python3", "deploy": True})
    assert resp.status_code == 201, resp.text
    return resp.json()


def _handler(name: str) -> str:
    return f"def {name}(event, api):\n    pass\n"


def test_deploying_a_draft_that_did_not_build_is_auth0s_400(http, unique) -> None:
    made = http.post(ACTIONS, json={"name": unique("unbuilt"), "supported_triggers": [{"id": "post-login"}],
                                    "code": "def on_execute_post_login(event, api)\n    pass\n",
                                    "runtime": "python3"}).json()
    assert made["status"] == "failed"
    refused = http.post(f"{ACTIONS}/{made['id']}/deploy")
    assert refused.status_code == 400
    body = refused.json()
    # The sentence the Deploy CLI retries on ("must be in the 'built' state"), then why.
    assert body["message"].startswith("A draft must be in the 'built' state before it can be deployed.")
    assert "line 1" in body["message"] and body["errorCode"] == "action_not_built"
    assert http.get(f"{ACTIONS}/{made['id']}/versions").json()["total"] == 0   # nothing was written
    http.delete(f"{ACTIONS}/{made['id']}")


@pytest.mark.parametrize(("trigger", "handler", "limit"), [
    ("custom-email-provider", "on_execute_custom_email_provider", 1),
    ("password-reset-post-challenge", "on_execute_post_challenge", 4),
])
def test_a_flow_longer_than_its_trigger_allows_is_refused_and_the_old_one_stays(http, unique, trigger,
                                                                                  handler, limit) -> None:
    made = [_deployed(http, unique(f"limit-{i}"), trigger, _handler(handler)) for i in range(limit + 1)]
    refs = [{"ref": {"type": "action_id", "value": a["id"]}} for a in made]
    assert http.patch(BINDINGS.format(trigger), json={"bindings": refs[:limit]}).status_code == 200
    refused = http.patch(BINDINGS.format(trigger), json={"bindings": refs})
    assert refused.status_code == 400 and refused.json()["errorCode"] == "too_many_bindings"
    assert f"at most {limit} action" in refused.json()["message"]
    kept = http.get(BINDINGS.format(trigger)).json()["bindings"]
    assert [b["action"]["id"] for b in kept] == [a["id"] for a in made[:limit]]
    http.patch(BINDINGS.format(trigger), json={"bindings": []})
    for action in made:
        http.delete(f"{ACTIONS}/{action['id']}")


@pytest.mark.parametrize(("trigger", "handler", "entity"), [
    ("custom-token-exchange", "on_execute_custom_token_exchange", "token exchange profile"),
    ("event-stream", "on_execute_event_stream", "event stream"),
])
def test_entity_bound_triggers_have_no_bindings_to_read_or_write(http, unique, trigger, handler, entity) -> None:
    action = _deployed(http, unique("entity"), trigger, _handler(handler))
    listed = http.get(BINDINGS.format(trigger))
    assert listed.status_code == 400 and f"Bindings are not supported for trigger {trigger}" in listed.json()["message"]
    assert entity in listed.json()["message"]
    refused = http.patch(BINDINGS.format(trigger),
                         json={"bindings": [{"ref": {"type": "action_id", "value": action["id"]}}]})
    assert refused.status_code == 400 and entity in refused.json()["message"]
    # Stored, deployed and listed like any action all the same.
    assert http.get(ACTIONS, params={"triggerId": trigger, "deployed": "true"}).json()["total"] >= 1
    http.delete(f"{ACTIONS}/{action['id']}")

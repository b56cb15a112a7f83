"""Issue 6, section 6: the whole loop through the real `auth0-python` SDK, unchanged."""

from __future__ import annotations

import time

import jwt
import pytest
from auth0.authentication import Database
from auth0.authentication.exceptions import Auth0Error
from auth0.management.core.api_error import ApiError

from .conftest import RunningTenant, clear_flow, deploy_flow

ROLES = '''
def on_execute_post_login(event, api):
    print("roles for", event.user.email)
    api.access_token.set_custom_claim("https://studio/roles", list(event.authorization.roles))
    api.user.set_app_metadata("last_action", "roles")
'''
ORDER = '''
def on_execute_post_login(event, api):
    seen = event.user.app_metadata.get("last_action")
    api.access_token.set_custom_claim("https://studio/order", "{LABEL}:" + str(seen))
    api.id_token.set_custom_claim("https://studio/logins", event.stats.logins_count)
'''


def _jwks_decode(tenant: RunningTenant, token: str, audience: str) -> dict:
    keys = jwt.PyJWKClient(f"{tenant.base_url}/.well-known/jwks.json")
    key = keys.get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience,
                      issuer=f"{tenant.base_url}/")


def test_create_deploy_bind_reorder_login_and_read_the_execution(tenant, mgmt, unique) -> None:
    roles, order = unique("roles"), unique("order")
    ids = deploy_flow(mgmt, "post-login", [(roles, ROLES), (order, ORDER.replace("{LABEL}", "B"))])
    bound = mgmt.actions.triggers.bindings.list("post-login")
    assert [b.action.name for b in bound] == [roles, order]

    creds = tenant.creds
    login = tenant.app_tokens().login(creds["demo_user"]["email"], creds["demo_user"]["password"],
                                      realm=creds["connection"], audience=creds["api"]["identifier"],
                                      scope="openid profile read:demo")
    access = _jwks_decode(tenant, login["access_token"], creds["api"]["identifier"])
    ident = _jwks_decode(tenant, login["id_token"], creds["application"]["client_id"])
    assert access["https://studio/roles"] == ["demo"]
    # The second action saw the metadata the first one set in the same flow.
    assert access["https://studio/order"] == "B:roles"
    assert "read:demo" in access["scope"].split()
    assert ident["email"] == creds["demo_user"]["email"] and ident["https://studio/logins"] >= 1

    # Reorder through binding ids: the order action now runs first.
    by_name = {b.action.name: b.id for b in bound}
    mgmt.actions.triggers.bindings.update_many("post-login", bindings=[
        {"ref": {"type": "binding_id", "value": by_name[order]}, "display_name": "order first"},
        {"ref": {"type": "action_name", "value": roles}}])
    again = mgmt.actions.triggers.bindings.list("post-login")
    assert [b.action.name for b in again] == [order, roles]
    assert [b.id for b in again] == [by_name[order], by_name[roles]]   # ids survive a reorder

    # Logs lead to executions with the full console output, calls and durations.
    success = next(log for log in mgmt.logs.list(per_page=20) if log.type == "s")
    execution_id = success.details["actions"]["executions"][0]
    execution = mgmt.actions.executions.get(execution_id)
    assert execution.trigger_id == "post-login" and execution.status == "final"
    assert [r.action_name for r in execution.results] == [roles, order]
    extra = execution.results[0].model_extra
    assert extra["logs"] == f"roles for {creds['demo_user']['email']}\n"
    assert extra["calls"][0]["method"] == "access_token.set_custom_claim"
    assert extra["duration_ms"] >= 0
    user = mgmt.users.get(success.user_id)
    assert user.app_metadata["last_action"] == "roles"
    clear_flow(mgmt, "post-login")
    for action_id in ids:
        mgmt.actions.delete(action_id)


def test_signup_allowed_and_denied(tenant, mgmt, unique) -> None:
    gate = unique("gate")
    deploy_flow(mgmt, "pre-user-registration", [(gate, '''
def on_execute_pre_user_registration(event, api):
    if event.user.email.endswith("@blocked.example"):
        api.access.deny("domain_blocked", "Sign-ups from this domain are closed.")
    api.user.set_app_metadata("plan", "trial")
''')])
    db = Database(tenant.domain, tenant.creds["application"]["client_id"], protocol="http")
    email = f"{unique('new')}@example.com"
    made = db.signup(email=email, password="correct horse battery", connection=tenant.creds["connection"])
    assert made["email"] == email and made["email_verified"] is False
    with pytest.raises(Auth0Error) as denied:
        db.signup(email="someone@blocked.example", password="correct horse battery",
                  connection=tenant.creds["connection"])
    assert denied.value.status_code == 400
    assert "Sign-ups from this domain are closed." in denied.value.message
    [user] = mgmt.users.list_users_by_email(email=email)
    assert user.app_metadata == {"plan": "trial"} and user.email_verified is False
    assert mgmt.users.list_users_by_email(email="someone@blocked.example") == []
    types = [log.type for log in mgmt.logs.list(per_page=10)]
    assert "ss" in types and "fs" in types
    clear_flow(mgmt, "pre-user-registration")


def test_client_credentials_get_the_claim_and_a_deny_is_403(tenant, mgmt, unique) -> None:
    name = unique("m2m")
    ids = deploy_flow(mgmt, "credentials-exchange", [(name, '''
def on_execute_credentials_exchange(event, api):
    api.access_token.set_custom_claim("https://studio/tier", "gold")
''')])
    token = tenant.app_tokens().client_credentials(tenant.creds["api"]["identifier"])
    claims = _jwks_decode(tenant, token["access_token"], tenant.creds["api"]["identifier"])
    assert claims["https://studio/tier"] == "gold"
    assert claims["sub"] == f"{tenant.creds['application']['client_id']}@clients"

    mgmt.actions.update(ids[0], code='''
def on_execute_credentials_exchange(event, api):
    api.access.deny("invalid_request", "no machines today")
''')
    mgmt.actions.deploy(ids[0])
    with pytest.raises(Auth0Error) as refused:
        tenant.app_tokens().client_credentials(tenant.creds["api"]["identifier"])
    assert refused.value.status_code == 403
    assert refused.value.error_code == "invalid_request" and refused.value.message == "no machines today"
    clear_flow(mgmt, "credentials-exchange")


def test_versions_and_rollback(tenant, mgmt, unique) -> None:
    base = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://v', {n})\n"
    action = mgmt.actions.create(name=unique("versions"),
                                 supported_triggers=[{"id": "post-login", "version": "v3"}],
                                 code=base.format(n=1), runtime="python3")
    first = mgmt.actions.deploy(action.id)
    mgmt.actions.update(action.id, code=base.format(n=2))
    assert mgmt.actions.get(action.id).all_changes_deployed is False
    second = mgmt.actions.deploy(action.id)
    assert (first.number, second.number) == (1, 2)
    listed = list(mgmt.actions.versions.list(action.id))
    assert [v.number for v in listed] == [2, 1]                 # newest first
    rolled = mgmt.actions.versions.deploy(action.id, first.id, request={"update_draft": True})
    assert rolled.number == 3 and rolled.code == base.format(n=1) and rolled.deployed
    current = mgmt.actions.get(action.id)
    assert current.deployed_version.number == 3 and current.code == base.format(n=1)
    assert not mgmt.actions.versions.get(action.id, second.id).deployed
    mgmt.actions.delete(action.id)


def test_a_draft_that_does_not_compile_is_failed_and_not_deployable(mgmt, unique) -> None:
    action = mgmt.actions.create(name=unique("broken"),
                                 supported_triggers=[{"id": "post-login", "version": "v3"}],
                                 code="def on_execute_post_login(event, api)\n    pass\n", runtime="python3")
    assert action.status == "failed"
    assert "line 1" in action.model_extra["errors"][0]["msg"]
    with pytest.raises(ApiError) as refused:
        mgmt.actions.deploy(action.id)
    # Auth0's status and sentence, which the Deploy CLI and Terraform retry on.
    assert refused.value.status_code == 400
    assert refused.value.body["errorCode"] == "action_not_built"
    assert "must be in the 'built' state" in refused.value.body["message"]
    mgmt.actions.delete(action.id)


def test_delete_bound_is_409_and_force_unbinds(tenant, mgmt, unique) -> None:
    keep, doomed = unique("keep"), unique("doomed")
    ids = deploy_flow(mgmt, "post-login", [(keep, ROLES), (doomed, ROLES)])
    with pytest.raises(ApiError) as conflict:
        mgmt.actions.delete(ids[1])
    assert conflict.value.status_code == 409
    assert conflict.value.body["statusCode"] == 409 and doomed in conflict.value.body["message"]
    mgmt.actions.delete(ids[1], force=True)
    assert [b.action.name for b in mgmt.actions.triggers.bindings.list("post-login")] == [keep]
    with pytest.raises(ApiError) as gone:
        mgmt.actions.get(ids[1])
    assert gone.value.status_code == 404
    clear_flow(mgmt, "post-login")
    mgmt.actions.delete(ids[0])


def test_pagination_through_the_sdk_pager_terminates(mgmt, unique) -> None:
    stem = unique("page")
    made = [mgmt.actions.create(name=f"{stem}-{i}", supported_triggers=[{"id": "send-phone-message",
                                                                          "version": "v2"}],
                                code="def on_execute_send_phone_message(event, api):\n    pass\n", runtime="python3")
            for i in range(7)]
    started = time.monotonic()
    names = [a.name for a in mgmt.actions.list(trigger_id="send-phone-message", per_page=3)]
    assert time.monotonic() - started < 10
    assert sorted(n for n in names if n.startswith(stem)) == sorted(a.name for a in made)
    page = mgmt.actions.list(trigger_id="send-phone-message", per_page=3, page=50)
    assert page.items == [] or not list(page.items)
    for action in made:
        mgmt.actions.delete(action.id)


def test_the_draft_test_endpoint_runs_the_draft(mgmt, unique) -> None:
    from actions_studio.triggers import get_trigger

    action = mgmt.actions.create(name=unique("tested"),
                                 supported_triggers=[{"id": "post-login", "version": "v3"}],
                                 code="def on_execute_post_login(event, api):\n"
                                      "    print('draft', event.secrets['K'])\n"
                                      "    api.access.deny('nope')\n",
                                 secrets=[{"name": "K", "value": "s3cr3t-value"}], runtime="python3")
    assert [s.name for s in action.secrets] == ["K"] and "value" not in action.secrets[0].model_dump()
    result = mgmt.actions.test(action.id, payload=get_trigger("post-login").sample_event())
    payload = result.payload
    assert payload["status"] == "denied"
    assert payload["actions"][0]["logs"] == "draft [redacted secret K]\n"
    mgmt.actions.delete(action.id)

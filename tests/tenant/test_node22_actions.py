"""JavaScript Actions on the tenant (issue 15): the runtimes it accepts and lists, the build's
compile check of node22 drafts, and logins through JavaScript flows.

A real tenant on loopback, spoken to with the real `auth0-python` SDK (what Auth0's own clients
send: no runtime at all) and plain HTTP; the compile check is the project's real Node.
"""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from auth0.management.core.api_error import ApiError

from actions_studio import nodejs
from actions_studio.triggers import TRIGGERS

from .conftest import clear_flow, deploy_flow

ACTIONS = "/api/v2/actions/actions"
POST_LOGIN = [{"id": "post-login", "version": "v3"}]
NEEDS_NODE_RUNTIME = pytest.mark.skip(reason="needs the node22 runtime (runtime/node)")

JS_CLAIM = """\
exports.onExecutePostLogin = async (event, api) => {
  console.log('hello', event.user.email);
  api.accessToken.setCustomClaim('https://js/plan', 'gold');
};
"""
JS_BROKEN = """\
exports.onExecutePostLogin = async (event, api) => {
  const roles = (event.authorization.roles;
  api.accessToken.setCustomClaim('https://js/roles', roles);
};
"""
PY_CODE = "def on_execute_post_login(event, api):\n    pass\n"


@pytest.fixture
def http(tenant):
    with tenant.http(tenant.management_token()) as client:
        yield client


def _create(http, name: str, code: str, **extra):
    made = http.post(ACTIONS, json={"name": name, "supported_triggers": POST_LOGIN, "code": code, **extra})
    assert made.status_code == 201, made.text
    return made.json()


# -- runtimes ------------------------------------------------------------------------------------


def test_an_action_created_without_a_runtime_is_node22_as_on_auth0(mgmt, unique) -> None:
    action = mgmt.actions.create(name=unique("js-default"), supported_triggers=POST_LOGIN, code=JS_CLAIM)
    try:
        assert action.runtime == "node22" and action.status == "built"
        version = mgmt.actions.deploy(action.id)
        assert version.runtime == "node22" and version.status == "built"
        assert mgmt.actions.get(action.id).deployed_version.runtime == "node22"
    finally:
        mgmt.actions.delete(action.id)


@pytest.mark.parametrize(("runtime", "code"), [("node22", JS_CLAIM), ("node18", JS_CLAIM), ("python3", PY_CODE)])
def test_each_runtime_is_accepted_and_reported_as_sent(http, unique, runtime: str, code: str) -> None:
    made = _create(http, unique(f"rt-{runtime}"), code, runtime=runtime, deploy=True)
    try:
        assert made["runtime"] == runtime and made["status"] == "built"
        assert made["deployed_version"]["runtime"] == runtime
        assert http.get(f"{ACTIONS}/{made['id']}").json()["runtime"] == runtime
    finally:
        http.delete(f"{ACTIONS}/{made['id']}")


@pytest.mark.parametrize("runtime", ["node12", "node16", "python", "node22 ", "NODE22"])
def test_another_runtime_is_refused_naming_the_supported_ones(http, unique, runtime: str) -> None:
    name = unique("rt-refused")
    refused = http.post(ACTIONS, json={"name": name, "supported_triggers": POST_LOGIN, "code": JS_CLAIM,
                                       "runtime": runtime})
    assert refused.status_code == 400, refused.text
    assert "runtime" in refused.json()["message"]
    assert http.get(ACTIONS, params={"actionName": name}).json()["total"] == 0


def test_an_unsupported_runtime_passing_the_schema_is_invalid_runtime(tenant, http, unique, monkeypatch) -> None:
    # The schema's enum is every runtime of every trigger; the endpoint checks the action's own
    # trigger, with Auth0's error code.
    from actions_studio.tenant.management import actions as endpoint

    monkeypatch.setattr(endpoint, "trigger_json", lambda t: {**t.to_management_api()})
    refused = http.post(ACTIONS, json={"name": unique("rt-trigger"), "supported_triggers": POST_LOGIN,
                                       "code": JS_CLAIM, "runtime": "node22"})
    assert refused.status_code == 400
    assert refused.json()["errorCode"] == "invalid_runtime"
    assert refused.json()["message"] == "runtime: 'node22' is not supported (supported: python3)"


def test_the_triggers_list_names_the_runtimes_of_each_trigger(http) -> None:
    triggers = http.get("/api/v2/actions/triggers").json()["triggers"]
    assert [t["id"] for t in triggers] == list(TRIGGERS)
    for trigger in triggers:
        assert trigger["runtimes"] == ["node18", "node22", "python3"], trigger["id"]
        assert trigger["default_runtime"] == "node22"
    schema = http.get("/openapi.json").json()["components"]["schemas"]
    create = next(s for n, s in schema.items() if n.startswith("ActionCreate"))
    runtime = create["properties"]["runtime"]
    enum = runtime.get("enum") or next(o.get("enum") for o in runtime["anyOf"] if o.get("enum"))
    assert {"node18", "node22", "python3"} <= set(enum)


def test_changing_the_runtime_rebuilds_the_draft_in_the_new_one(http, unique) -> None:
    made = _create(http, unique("rt-switch"), PY_CODE, runtime="python3")
    try:
        as_js = http.patch(f"{ACTIONS}/{made['id']}", json={"runtime": "node22"}).json()
        # Python code is not JavaScript: the same code fails the build once the runtime is node22.
        assert as_js["runtime"] == "node22" and as_js["status"] == "failed"
        assert as_js["errors"][0]["id"] == "syntax_error" and "(line 1)" in as_js["errors"][0]["msg"]
        fixed = http.patch(f"{ACTIONS}/{made['id']}", json={"code": JS_CLAIM}).json()
        assert fixed["status"] == "built" and "errors" not in fixed
        back = http.patch(f"{ACTIONS}/{made['id']}", json={"runtime": "python3"}).json()
        assert back["status"] == "failed" and "does not compile" in back["errors"][0]["msg"]
    finally:
        http.delete(f"{ACTIONS}/{made['id']}")


def test_a_rollback_with_update_draft_brings_the_versions_runtime_back(http, unique) -> None:
    made = _create(http, unique("rt-rollback"), PY_CODE, runtime="python3")
    try:
        v1 = http.post(f"{ACTIONS}/{made['id']}/deploy").json()
        http.patch(f"{ACTIONS}/{made['id']}", json={"runtime": "node22", "code": JS_CLAIM})
        v2 = http.post(f"{ACTIONS}/{made['id']}/deploy").json()
        assert (v1["runtime"], v2["runtime"]) == ("python3", "node22")
        rolled = http.post(f"{ACTIONS}/{made['id']}/versions/{v1['id']}/deploy", json={"update_draft": True}).json()
        assert rolled["runtime"] == "python3" and rolled["number"] == 3
        draft = http.get(f"{ACTIONS}/{made['id']}").json()
        assert (draft["runtime"], draft["code"], draft["status"]) == ("python3", PY_CODE, "built")
    finally:
        http.delete(f"{ACTIONS}/{made['id']}")


# -- the build's compile check -------------------------------------------------------------------


def test_a_js_draft_that_does_not_compile_is_failed_with_its_line(mgmt, unique) -> None:
    action = mgmt.actions.create(name=unique("js-broken"), supported_triggers=POST_LOGIN, code=JS_BROKEN)
    try:
        assert action.status == "failed"
        [error] = action.model_extra["errors"]
        assert error["id"] == "syntax_error"
        assert error["msg"] == f"{action.name} does not compile: SyntaxError: Unexpected token ';' (line 2)"
        with pytest.raises(ApiError) as refused:
            mgmt.actions.deploy(action.id)
        # Auth0's status for a draft that is not built
        assert refused.value.status_code == 400 and refused.value.body["errorCode"] == "action_not_built"
        assert "(line 2)" in refused.value.body["message"]
        fixed = mgmt.actions.update(action.id, code=JS_CLAIM)
        assert fixed.status == "built" and not fixed.model_extra.get("errors")
        assert mgmt.actions.deploy(action.id).number == 1
    finally:
        mgmt.actions.delete(action.id)


def test_the_compile_check_runs_none_of_the_drafts_code(http, unique, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = f"require('fs').writeFileSync({str(marker)!r}, 'x');\nexports.onExecutePostLogin = async () => {{}};\n"
    made = _create(http, unique("js-inert"), code)
    try:
        assert made["status"] == "built"
        assert not marker.exists()
    finally:
        http.delete(f"{ACTIONS}/{made['id']}")


def test_without_node_a_js_draft_fails_saying_why_and_python_still_builds(
        http, unique, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nodejs.ENV_NODE, str(tmp_path / "no-node-here"))
    js = _create(http, unique("js-no-node"), JS_CLAIM)
    py = _create(http, unique("py-no-node"), PY_CODE, runtime="python3")
    try:
        assert js["status"] == "failed"
        [error] = js["errors"]
        assert error["id"] == "runtime_unavailable"
        assert error["msg"].startswith(f"{js['name']} cannot be built: the node22 runtime is not available: ")
        assert "no-node-here" in error["msg"] and "\n" not in error["msg"]
        assert py["status"] == "built"
        refused = http.post(f"{ACTIONS}/{js['id']}/deploy")
        assert refused.status_code == 400 and refused.json()["errorCode"] == "action_not_built"
    finally:
        http.delete(f"{ACTIONS}/{js['id']}")
        http.delete(f"{ACTIONS}/{py['id']}")


# -- logins through JavaScript flows -------------------------------------------------------------


def _login(tenant):
    c = tenant.creds
    return tenant.app_tokens().login(c["demo_user"]["email"], c["demo_user"]["password"], realm=c["connection"])


def _claims(tokens) -> dict:
    return jwt.decode(tokens["access_token"], options={"verify_signature": False})


def _success_log(mgmt):
    return next(entry for entry in mgmt.logs.list(per_page=5) if entry.type == "s")


@NEEDS_NODE_RUNTIME
def test_a_login_runs_a_js_flow_with_action_details_in_the_logs(tenant, mgmt, unique) -> None:
    name = unique("js-login")
    deploy_flow(mgmt, "post-login", [(name, JS_CLAIM, "node22")])
    try:
        assert _claims(_login(tenant))["https://js/plan"] == "gold"
        log = _success_log(mgmt)
        execution = mgmt.actions.executions.get(log.details["actions"]["executions"][0])
        [result] = execution.results
        assert result.action_name == name and result.error is None
        assert result.model_extra["logs"] == f"hello {tenant.creds['demo_user']['email']}\n"
        assert result.model_extra["calls"][0]["method"] == "access_token.set_custom_claim"
    finally:
        clear_flow(mgmt, "post-login")


@NEEDS_NODE_RUNTIME
def test_a_mixed_flow_passes_metadata_from_python_to_javascript(tenant, mgmt, unique) -> None:
    deploy_flow(mgmt, "post-login", [
        (unique("py-mark"), "def on_execute_post_login(event, api):\n"
                            "    api.user.set_app_metadata('tier', 'gold')\n", "python3"),
        (unique("js-read"), "exports.onExecutePostLogin = async (event, api) => {\n"
                            "  api.accessToken.setCustomClaim('https://js/tier', event.user.app_metadata.tier);\n"
                            "};\n", "node18"),
    ])
    try:
        assert _claims(_login(tenant))["https://js/tier"] == "gold"
    finally:
        clear_flow(mgmt, "post-login")


@NEEDS_NODE_RUNTIME
def test_a_failing_js_action_is_logged_with_its_line(tenant, mgmt, unique) -> None:
    from auth0.authentication.exceptions import Auth0Error

    name = unique("js-crash")
    deploy_flow(mgmt, "post-login", [(name, "exports.onExecutePostLogin = async (event, api) => {\n"
                                            "  console.log('about to fail');\n"
                                            "  throw new Error('upstream is down');\n"
                                            "};\n", "node22")])
    try:
        with pytest.raises(Auth0Error) as failed:
            _login(tenant)
        assert failed.value.status_code == 403 and "upstream is down" in failed.value.message
        entry = next(e for e in mgmt.logs.list(per_page=5) if e.type == "actions_execution_failed")
        assert entry.details["error_class"] == "action_error" and entry.details["action_name"] == name
        result = mgmt.actions.executions.get(entry.details["execution_id"]).results[0]
        assert result.error.id == "Error" and result.error.msg == "upstream is down"
        assert result.error.model_extra["line"] == 3
        assert result.model_extra["logs"] == "about to fail\n"
    finally:
        clear_flow(mgmt, "post-login")


@NEEDS_NODE_RUNTIME
def test_the_draft_test_endpoint_runs_a_js_draft(mgmt, unique) -> None:
    action = mgmt.actions.create(name=unique("js-tested"), supported_triggers=POST_LOGIN,
                                 code="exports.onExecutePostLogin = async (event, api) => {\n"
                                      "  console.log('draft', event.secrets.K);\n"
                                      "  api.access.deny('nope');\n"
                                      "};\n",
                                 secrets=[{"name": "K", "value": "s3cr3t-value"}])
    try:
        payload = mgmt.actions.test(action.id, payload=TRIGGERS["post-login"].sample_event()).payload
        assert payload["status"] == "denied"
        assert payload["actions"][0]["logs"] == "draft [redacted secret K]\n"
    finally:
        mgmt.actions.delete(action.id)

"""Flows that mix python3 and node22 actions: the flow semantics across the two runtimes."""

from __future__ import annotations

from typing import Any

import pytest

from actions_studio.runtime import Sandbox

from .node_cases import js, py

PY_SET = "def on_execute_post_login(event, api):\n    api.user.set_app_metadata('from_py', 1)\n    api.transaction.set_metadata('py', 'yes')\n"
JS_READ = """
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/seen', [event.user.app_metadata.from_py, event.transaction.metadata.py]);
  api.user.setAppMetadata('from_js', 2);
};
"""
PY_READ = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://x/js', event.user.app_metadata.get('from_js'))\n"
JS_DENY = "exports.onExecutePostLogin = (event, api) => { api.access.deny('js says no'); };\n"
PY_DENY = "def on_execute_post_login(event, api):\n    api.access.deny('py says no')\n"
JS_CLAIM = "exports.onExecutePostLogin = (e, api) => { api.accessToken.setCustomClaim('https://x/late', 1); };\n"
PY_CLAIM = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://x/late', 1)\n"


def test_metadata_changes_cross_runtimes(sandbox: Sandbox, event: dict[str, Any]) -> None:
    event.setdefault("transaction", {})
    result = sandbox.run_flow("post-login", [py("a", PY_SET), js("b", JS_READ), py("c", PY_READ)], event)
    assert result.status == "success", [a.error for a in result.actions]
    assert result.outcome["id_token"]["claims"] == {"https://x/seen": [1, "yes"]}
    assert result.outcome["access_token"]["claims"] == {"https://x/js": 2}
    assert result.outcome["user"]["app_metadata"] == {"from_py": 1, "from_js": 2}


@pytest.mark.parametrize(("deny", "after"), [(js("gate", JS_DENY), py("later", PY_CLAIM)),
                                             (py("gate", PY_DENY), js("later", JS_CLAIM))],
                         ids=["js-denies", "py-denies"])
def test_deny_stops_the_flow_across_runtimes(sandbox: Sandbox, event: dict[str, Any], deny, after) -> None:
    result = sandbox.run_flow("post-login", [deny, after], event)
    assert result.status == "denied"
    assert [a.status for a in result.actions] == ["denied", "skipped"]
    assert result.outcome["access_token"]["claims"] == {}


JS_REDIRECT = """
exports.onExecutePostLogin = async (event, api) => {
  api.redirect.sendUserTo('https://verify.example/start', { query: { step: '1' } });
};
exports.onContinuePostLogin = async (event, api) => {
  api.user.setAppMetadata('verified', event.request.query.answer);
};
"""
PY_REDIRECT = """
def on_execute_post_login(event, api):
    api.redirect.send_user_to("https://verify.example/start")

def on_continue_post_login(event, api):
    api.user.set_app_metadata("verified", event.request.query["answer"])
"""
PY_AFTER = "def on_execute_post_login(event, api):\n    api.id_token.set_custom_claim('https://x/v', event.user.app_metadata.get('verified'))\n"
JS_AFTER = "exports.onExecutePostLogin = (event, api) => { api.idToken.setCustomClaim('https://x/v', event.user.app_metadata.verified); };\n"


@pytest.mark.parametrize(("redirecting", "after"), [(js("verify", JS_REDIRECT), py("after", PY_AFTER)),
                                                    (py("verify", PY_REDIRECT), js("after", JS_AFTER))],
                         ids=["js-redirects", "py-redirects"])
def test_redirect_suspends_and_resume_continues_in_that_action(sandbox: Sandbox, event: dict[str, Any],
                                                               redirecting, after) -> None:
    first = py("first", "def on_execute_post_login(event, api):\n    api.access_token.add_scope('s')\n")
    suspended = sandbox.run_flow("post-login", [first, redirecting, after], event)
    assert suspended.status == "suspended" and suspended.state
    assert [a.status for a in suspended.actions] == ["success", "suspended"]
    resumed = sandbox.resume(suspended.continuation, {"answer": "yes", "state": suspended.state})
    assert resumed.status == "success", [a.error for a in resumed.actions]
    assert [(a.name, a.status) for a in resumed.actions] == [("verify", "success"), ("after", "success")]
    assert resumed.outcome["id_token"]["claims"] == {"https://x/v": "yes"}
    assert resumed.outcome["access_token"]["scopes_added"] == ["s"]
    assert resumed.outcome["redirect"] is None


def test_an_error_in_js_stops_a_mixed_flow(sandbox: Sandbox, event: dict[str, Any]) -> None:
    boom = "exports.onExecutePostLogin = () => {\n  null.x;\n};\n"
    result = sandbox.run_flow("post-login", [py("a", PY_SET), js("boom", boom), py("c", PY_CLAIM)], event)
    assert result.status == "error"
    assert [a.status for a in result.actions] == ["success", "error", "skipped"]
    assert result.actions[1].error.line == 2


def test_the_cache_is_shared_across_runtimes(sandbox: Sandbox, event: dict[str, Any]) -> None:
    put = "exports.onExecutePostLogin = (e, api) => { api.cache.set('token', 'abc'); };\n"
    get = "def on_execute_post_login(event, api):\n    api.id_token.set_custom_claim('https://x/t', api.cache.get('token')['value'])\n"
    result = sandbox.run_flow("post-login", [js("put", put), py("get", get)], event)
    assert result.outcome["id_token"]["claims"] == {"https://x/t": "abc"}


def test_consecutive_python_actions_share_one_child_between_javascript_ones(sandbox: Sandbox,
                                                                            event: dict[str, Any]) -> None:
    pid = "import os\ndef on_execute_post_login(event, api):\n    api.user.set_app_metadata('{name}', os.getpid())\n"
    actions = [py("p1", pid.replace("{name}", "p1")), py("p2", pid.replace("{name}", "p2")),
               js("j", JS_READ.replace("from_py", "p2")), py("p3", pid.replace("{name}", "p3"))]
    result = sandbox.run_flow("post-login", actions, event)
    assert result.status == "success", [a.error for a in result.actions]
    meta = result.outcome["user"]["app_metadata"]
    assert meta["p1"] == meta["p2"] != meta["p3"]  # one child for the first two, one for the last
    assert result.outcome["id_token"]["claims"]["https://x/seen"][0] == meta["p2"]  # JS saw p2's change


@pytest.mark.parametrize("where", ["deny-in-segment", "timeout-in-segment", "error-in-segment"])
def test_a_python_segment_stops_the_flow_as_its_own_child_would(sandbox: Sandbox, event: dict[str, Any],
                                                                 where: str) -> None:
    stopper = {"deny-in-segment": PY_DENY,
               "timeout-in-segment": "def on_execute_post_login(event, api):\n    print('looping')\n    while True:\n        pass\n",
               "error-in-segment": "def on_execute_post_login(event, api):\n    1 / 0\n"}[where]
    actions = [js("j0", JS_CLAIM.replace("late", "early")), py("p1", PY_SET), py("p2", stopper),
               py("p3", PY_CLAIM), js("j4", JS_CLAIM)]
    result = sandbox.run_flow("post-login", actions, event, timeout_s=1.5)
    expected = {"deny-in-segment": ("denied", "denied"), "timeout-in-segment": ("timeout", "timeout"),
                "error-in-segment": ("error", "error")}[where]
    assert (result.status, result.actions[2].status) == expected
    assert [a.status for a in result.actions[3:]] == ["skipped", "skipped"]
    assert result.actions[1].status == "success"
    assert result.outcome["access_token"]["claims"] == {"https://x/early": 1}
    if where == "timeout-in-segment":
        assert result.actions[2].logs == "looping\n"


JS_SEES = """
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/NAME', {keys: Object.keys(event.secrets).sort(),
    own: event.secrets.KEY === 'VALUE', plan: event.user.app_metadata.plan || null});
  SET
};
"""


def _sees(name: str, secrets: dict[str, str], set_plan: bool = False):
    key, value = next(iter(secrets.items())) if secrets else ("NONE", "none")
    code = (JS_SEES.replace("NAME", name).replace("KEY", key).replace("VALUE", value)
            .replace("SET", "api.user.setAppMetadata('plan', 'pro');" if set_plan else ""))
    return js(name, code, secrets=dict(secrets))


def test_javascript_actions_share_one_validated_event_until_one_changes_it(sandbox: Sandbox,
                                                                            event: dict[str, Any]) -> None:
    from unittest import mock

    from actions_studio.triggers.catalog import Trigger

    event.setdefault("user", {})["app_metadata"] = {}
    validations = mock.patch.object(Trigger, "parse_event", autospec=True, side_effect=Trigger.parse_event)
    with validations as parse_event:
        result = sandbox.run_flow("post-login", [_sees("a", {"A_KEY": "a-secret"}),
                                                 _sees("b", {"B_KEY": "b-secret"}, set_plan=True),
                                                 _sees("c", {})], event)
    assert result.status == "success", [a.error for a in result.actions]
    claims = result.outcome["id_token"]["claims"]
    # Each action has its own secrets only, and the one after a change sees the change...
    assert claims == {"https://x/a": {"keys": ["A_KEY"], "own": True, "plan": None},
                      "https://x/b": {"keys": ["B_KEY"], "own": True, "plan": None},
                      "https://x/c": {"keys": [], "own": False, "plan": "pro"}}
    # ... while b, whose payload a left as it was, was not validated again (runtime/checked_event.py).
    assert parse_event.call_count == 2

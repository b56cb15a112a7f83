"""The twin table (issue 15): the same behaviour written in Python and in JavaScript gives the same
ExecutionResult, field for field, apart from time (and an error's words, which are each
language's own: its type and line are compared)."""

from __future__ import annotations

from typing import Any

import pytest

from actions_studio.runtime import Sandbox
from actions_studio.triggers import get_trigger

from .node_cases import comparable, js, py

# (case, trigger, python code, javascript code)
TWINS = [
    ("claims-and-metadata", "post-login",
     """
def on_execute_post_login(event, api):
    print("roles for", event.user.email)
    api.access_token.set_custom_claim("https://acme.example/roles", event.user.app_metadata.get("roles", []))
    api.id_token.set_custom_claim("https://acme.example/n", 2.5)
    api.user.set_app_metadata("plan", "gold")
    api.user.set_user_metadata("locale", None)
    api.transaction.set_metadata("step", 1)
    api.access_token.add_scope("read:things")
""",
     """
exports.onExecutePostLogin = async (event, api) => {
  console.log("roles for", event.user.email);
  api.accessToken.setCustomClaim("https://acme.example/roles", event.user.app_metadata.roles || []);
  api.idToken.setCustomClaim("https://acme.example/n", 2.5);
  api.user.setAppMetadata("plan", "gold");
  api.user.setUserMetadata("locale", null);
  api.transaction.setMetadata("step", 1);
  api.accessToken.addScope("read:things");
};
"""),
    ("deny", "post-login",
     "def on_execute_post_login(event, api):\n    api.access.deny('no ' + event.user.email)\n",
     "exports.onExecutePostLogin = (event, api) => { api.access.deny('no ' + event.user.email); };\n"),
    ("mfa-options-object", "post-login",
     "def on_execute_post_login(event, api):\n    api.multifactor.enable('any', allow_remember_browser=True)\n",
     "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('any', { allowRememberBrowser: true });\n};\n"),
    ("redirect-suspends", "post-login",
     "def on_execute_post_login(event, api):\n    api.redirect.send_user_to('https://mfa.example/go', query={'a': '1'})\n",
     "exports.onExecutePostLogin = async (event, api) => {\n  api.redirect.sendUserTo('https://mfa.example/go', { query: { a: '1' } });\n};\n"),
    ("cache-round-trip", "post-login",
     """
def on_execute_post_login(event, api):
    api.cache.set("k", "v1", ttl=60000)
    record = api.cache.get("k")
    api.access_token.set_custom_claim("https://acme.example/cached", record["value"])
    api.id_token.set_custom_claim("https://acme.example/missing", api.cache.get("nope") is None)
""",
     """
module.exports = {
  onExecutePostLogin: async (event, api) => {
    api.cache.set("k", "v1", { ttl: 60000 });
    const record = api.cache.get("k");
    api.accessToken.setCustomClaim("https://acme.example/cached", record.value);
    api.idToken.setCustomClaim("https://acme.example/missing", api.cache.get("nope") === undefined);
  },
};
"""),
    ("secrets-in-logs-are-redacted", "post-login",
     "def on_execute_post_login(event, api):\n    print('key', event.secrets['API_KEY'])\n",
     "exports.onExecutePostLogin = async (event, api) => {\n  console.log('key', event.secrets.API_KEY);\n};\n"),
    ("credentials-exchange-deny", "credentials-exchange",
     "def on_execute_credentials_exchange(event, api):\n    api.access.deny('invalid_request', 'not this client')\n",
     "exports.onExecuteCredentialsExchange = async (event, api) => {\n  api.access.deny('invalid_request', 'not this client');\n};\n"),
    ("invalid-argument-at-its-line", "post-login",
     "def on_execute_post_login(event, api):\n    x = 1\n    api.access_token.set_custom_claim(5, 1)\n",
     "exports.onExecutePostLogin = async (event, api) => {\n  const x = 1;\n  api.accessToken.setCustomClaim(5, 1);\n};\n"),
    ("missing-handler", "post-login", "X = 1\n", "exports.somethingElse = () => {};\n"),
    ("chained-calls", "post-login",
     "def on_execute_post_login(event, api):\n    api.access_token.add_scope('a')\n    api.access_token.add_scope('b')\n",
     "exports.onExecutePostLogin = (event, api) => {\n  api.accessToken.addScope('a').accessToken.addScope('b');\n};\n"),
]


@pytest.mark.parametrize(("case", "trigger", "py_code", "js_code"), TWINS, ids=[t[0] for t in TWINS])
def test_python_and_javascript_twins_give_the_same_result(sandbox: Sandbox, case: str, trigger: str,
                                                          py_code: str, js_code: str) -> None:
    event = get_trigger(trigger).sample_event()
    secrets = {"API_KEY": "k-1234567890"}
    py_result = sandbox.run_action(trigger, py("twin", py_code, secrets=secrets), event)
    js_result = sandbox.run_action(trigger, js("twin", js_code, secrets=secrets), event)
    assert comparable(js_result) == comparable(py_result)
    assert js_result.status in ("success", "denied", "suspended", "error")


def test_twins_in_a_flow_give_the_same_result(sandbox: Sandbox) -> None:
    event = get_trigger("post-login").sample_event()
    codes = {case: (p, j) for case, trigger, p, j in TWINS if trigger == "post-login"}
    order = ["claims-and-metadata", "cache-round-trip", "deny"]
    py_flow = sandbox.run_flow("post-login", [py(c, codes[c][0]) for c in order], event)
    js_flow = sandbox.run_flow("post-login", [js(c, codes[c][1]) for c in order], event)
    assert py_flow.status == "denied"
    assert comparable(js_flow) == comparable(py_flow)


def test_an_invalid_argument_is_worded_in_javascript(sandbox: Sandbox, event: dict[str, Any]) -> None:
    code = "exports.onExecutePostLogin = (event, api) => {\n  api.multifactor.enable('any', { allowRememberBrowser: 'yes' });\n};\n"
    error = sandbox.run_action("post-login", js("mfa", code), event).actions[0].error
    assert error.type == "ApiUsageError" and error.line == 2
    assert "options.allowRememberBrowser must be a boolean, got string" in error.message
    assert "<action:mfa>:2" in error.traceback and "action_worker" not in error.traceback

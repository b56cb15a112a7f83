"""Cards and flow validation for JavaScript actions (issue 16): the effects come from TypeScript's
parser, so a claim set twice, a redirect after a deny and a secret read but not set are found in
a mixed Python and JavaScript flow exactly as in a Python one. Real workspace, real Node."""

from __future__ import annotations

import pytest

from actions_studio.analysis.typescript.effects import JsEffectsAnalyzer
from actions_studio.analysis.typescript.install import find_install
from actions_studio.services import actions, secrets
from actions_studio.services.flow_design import load_cards
from actions_studio.services.flow_validation import validate_design

JS_CLAIM = ('exports.onExecutePostLogin = async (event, api) => {\n'
            '  api.accessToken.setCustomClaim("https://acme/roles", ["a"]);\n};\n')
JS_DENY = 'exports.onExecutePostLogin = async (event, api) => {\n  api.access.deny("nope");\n};\n'
JS_REDIRECT = ('exports.onExecutePostLogin = async (event, api) => {\n'
               '  api.redirect.sendUserTo("https://acme/consent");\n};\n')
JS_SECRET = ('exports.onExecutePostLogin = async (event, api) => {\n'
             '  const { API_KEY } = event.secrets;\n  api.cache.set("k", API_KEY);\n};\n')
PY_CLAIM = ("def on_execute_post_login(event, api):\n"
            "    api.access_token.set_custom_claim('https://acme/roles', ['b'])\n")


@pytest.fixture(scope="module")
def js_effects():
    install = find_install()
    if install is None:
        pytest.skip("TypeScript is not installed on this machine: the setup step installs it once with "
                    "`python -m actions_studio.analysis.typescript.install --shared`")
    with JsEffectsAnalyzer(install) as analyzer:
        yield analyzer


def _deployed(ws, name: str, code: str, runtime: str = "node22") -> str:
    detail = actions.create_action(ws, name, "post-login", code=code, runtime=runtime)
    actions.deploy(ws, name)
    return detail.action.id


def test_a_javascript_card_shows_its_effects(ws, js_effects) -> None:
    claim = _deployed(ws, "js-claim", JS_CLAIM)
    card = load_cards(ws, js_effects)[claim]
    assert [(e.kind, e.token, e.target, e.line) for e in card.effects.effects] == [
        ("claims", "access_token", "https://acme/roles", 2)]
    assert card.effects.parse_error is None


def test_the_draft_is_read_as_javascript_too(ws, js_effects) -> None:
    action_id = _deployed(ws, "js-claim", JS_CLAIM)
    actions.save_draft(ws, "js-claim", code=JS_DENY)
    card = load_cards(ws, js_effects)[action_id]
    assert [e.kind for e in card.effects.effects] == ["claims"]  # what the flow runs: v1
    assert [e.kind for e in card.draft_effects.effects] == ["deny"]


def test_a_claim_set_twice_across_python_and_javascript(ws, js_effects) -> None:
    first = _deployed(ws, "js-claim", JS_CLAIM)
    second = _deployed(ws, "py-claim", PY_CLAIM, runtime="python3")
    problems = validate_design("post-login", [first, second], load_cards(ws, js_effects))
    assert [p.code for p in problems] == ["claim-conflict"]
    assert problems[0].action_ids == (first, second)


def test_a_redirect_after_a_deny_in_javascript(ws, js_effects) -> None:
    deny = _deployed(ws, "js-deny", JS_DENY)
    redirect = _deployed(ws, "js-redirect", JS_REDIRECT)
    cards = load_cards(ws, js_effects)
    assert [p.code for p in validate_design("post-login", [deny, redirect], cards)] == ["redirect-after-deny"]
    assert validate_design("post-login", [redirect, deny], cards) == []


def test_a_secret_read_but_not_set_in_javascript(ws, js_effects) -> None:
    action_id = _deployed(ws, "js-secret", JS_SECRET)
    problems = validate_design("post-login", [action_id], load_cards(ws, js_effects))
    assert [p.code for p in problems] == ["secret-not-set"] and "API_KEY" in problems[0].message
    secrets.set_secret(ws, "js-secret", "API_KEY", "k-123")
    assert validate_design("post-login", [action_id], load_cards(ws, js_effects)) == []


def test_javascript_that_does_not_parse_says_so_on_its_card(ws, js_effects) -> None:
    action_id = _deployed(ws, "js-broken", "exports.onExecutePostLogin = async (event, api) => {\n  if (\n")
    card = load_cards(ws, js_effects)[action_id]
    assert card.effects.effects == () and card.effects.parse_error

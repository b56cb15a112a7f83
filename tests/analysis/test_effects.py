"""Effect analysis by ast: tables of tiny snippets against the real parser."""

from __future__ import annotations

import pytest

from actions_studio.analysis.effects import analyze_effects


def handler(body: str) -> str:
    lines = "\n".join("    " + line for line in body.splitlines())
    return f"def on_execute_post_login(event, api):\n{lines}\n"


@pytest.mark.parametrize("body, kinds", [
    ("api.access.deny('no')", ("deny",)),
    ("api.validation.error('bad', 'msg')", ("deny",)),
    ("api.access_token.set_custom_claim('https://a/r', 1)", ("claims",)),
    ("api.id_token.set_custom_claim('https://a/r', 1)", ("claims",)),
    ("api.access_token.add_scope('read:x')", ("claims",)),
    ("api.user.set_app_metadata('plan', 'pro')", ("metadata",)),
    ("api.user.set_user_metadata('k', None)", ("metadata",)),
    ("api.transaction.set_metadata('k', 1)", ("metadata",)),
    ("api.multifactor.enable('any')", ("mfa",)),
    ("api.authentication.challenge_with({'type': 'otp'})", ("mfa",)),
    ("api.redirect.send_user_to('https://x')", ("redirect",)),
    ("api.cache.get('k')", ("cache",)),
    ("api.cache.set('k', 'v')", ("cache",)),
    ("if event.user.email:\n    api.access.deny('x')\napi.cache.delete('k')", ("deny", "cache")),
    ("api.redirect.can_redirect()", ()),
    # the later triggers (password reset, token exchange, providers)
    ("api.access.reject_invalid_subject_token('expired')", ("deny",)),
    ("api.notification.drop('spam')", ("deny",)),
    ("api.transaction.set_result_url('https://x/done')", ("redirect",)),
    ("cache = {}\ncache.get('k')", ()),  # a local dict named cache is not the api's cache
    ("pass", ()),
])
def test_kinds(body, kinds):
    assert analyze_effects(handler(body)).kinds() == kinds


def test_any_parameter_name_and_async_handler():
    code = "async def on_execute_post_login(e, a):\n    a.access.deny('x')\n"
    assert analyze_effects(code).kinds() == ("deny",)


def test_claim_names_when_literal_and_computed_otherwise():
    report = analyze_effects(handler(
        "api.access_token.set_custom_claim('https://acme/roles', [])\n"
        "api.id_token.set_custom_claim(key='https://acme/name', value=1)\n"
        "api.access_token.set_custom_claim(NS + 'x', 1)"))
    assert report.claims() == (("access_token", "https://acme/roles"), ("id_token", "https://acme/name"))
    lines = report.summary_lines()
    assert lines == ["sets token claims or scopes: access_token claim https://acme/roles, "
                     "id_token claim https://acme/name, access_token claim (computed name)"]


def test_metadata_keys_in_summary():
    report = analyze_effects(handler("api.user.set_app_metadata('plan', 'pro')"))
    assert report.summary_lines() == ["writes metadata: app_metadata plan"]
    assert report.effects[0].line == 2


@pytest.mark.parametrize("body, secrets", [
    ("event.secrets['API_KEY']", ("API_KEY",)),
    ("event.secrets.get('TOKEN')", ("TOKEN",)),
    ("event.secrets.API_KEY", ("API_KEY",)),
    ("k = event.secrets.get(name)", ()),
    ("event.secrets['A']\nevent.secrets['A']", ("A",)),
])
def test_secrets_read(body, secrets):
    assert analyze_effects(handler(body)).secrets == secrets


@pytest.mark.parametrize("code", ["def x(:\n", "\x00", "", "   ", "def f(event, api):\n    api.\n"])
def test_never_throws(code):
    report = analyze_effects(code)
    assert report.kinds() == ()


def test_syntax_error_is_reported():
    report = analyze_effects("def on_execute_post_login(event, api)\n    pass\n")
    assert report.parse_error == "the code does not parse (line 1)"
    assert report.summary_lines() == ["not analysed: the code does not parse (line 1)"]

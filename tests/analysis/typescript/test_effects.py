"""The JavaScript effect analysis (TypeScript's parser) against the Python one: the same records
for the same action written in each language (tables of tiny snippets, like test_effects.py)."""

from __future__ import annotations

import pytest

from actions_studio.analysis.effects import Effect, analyze_effects
from actions_studio.analysis.typescript.effects import JsEffectsAnalyzer


@pytest.fixture(scope="module")
def js(ts_install):
    with JsEffectsAnalyzer(ts_install) as analyzer:
        yield analyzer


def handler(body: str) -> str:
    lines = "\n".join("  " + line for line in body.splitlines())
    return f"exports.onExecutePostLogin = async (event, api) => {{\n{lines}\n}};\n"


def python_handler(body: str) -> str:
    lines = "\n".join("    " + line for line in body.splitlines())
    return f"def on_execute_post_login(event, api):\n{lines}\n"


# (JavaScript body, the same in Python): both must give the same report.
TWINS = [
    ('api.access.deny("no");', "api.access.deny('no')"),
    ('api.validation.error("bad", "msg");', "api.validation.error('bad', 'msg')"),
    ('api.accessToken.setCustomClaim("https://a/r", 1);', "api.access_token.set_custom_claim('https://a/r', 1)"),
    ('api.idToken.setCustomClaim("https://a/r", 1);', "api.id_token.set_custom_claim('https://a/r', 1)"),
    ('api.accessToken.addScope("read:x");', "api.access_token.add_scope('read:x')"),
    ('api.user.setAppMetadata("plan", "pro");', "api.user.set_app_metadata('plan', 'pro')"),
    ('api.user.setUserMetadata("k", null);', "api.user.set_user_metadata('k', None)"),
    ('api.transaction.setMetadata("k", 1);', "api.transaction.set_metadata('k', 1)"),
    ('api.multifactor.enable("any", { allowRememberBrowser: true });', "api.multifactor.enable('any', allow_remember_browser=True)"),
    ('api.authentication.challengeWith({ type: "otp" });', "api.authentication.challenge_with({'type': 'otp'})"),
    ('api.redirect.sendUserTo("https://x", { query: {} });', "api.redirect.send_user_to('https://x', query={})"),
    ('api.cache.get("k");', "api.cache.get('k')"),
    ('api.cache.set("k", "v", { ttl: 5 });', "api.cache.set('k', 'v', ttl=5)"),
    ('if (event.user.email)\n  api.access.deny("x");\napi.cache.delete("k");',
     "if event.user.email:\n    api.access.deny('x')\napi.cache.delete('k')"),
    ("api.redirect.canRedirect();", "api.redirect.can_redirect()"),
    ("const cache = new Map();\ncache.get(\"k\");", "cache = {}\ncache.get('k')"),
    ('api.accessToken.setCustomClaim(NS + "x", 1);', "api.access_token.set_custom_claim(NS + 'x', 1)"),
    ('const k = event.secrets["API_KEY"];', "k = event.secrets['API_KEY']"),
    ("const k = event.secrets.API_KEY;", "k = event.secrets.API_KEY"),
    ("const k = event.secrets[name];", "k = event.secrets.get(name)"),
    ("return;", "pass"),
]


@pytest.mark.parametrize(("javascript", "python"), TWINS, ids=[t[0].split("(")[0] for t in TWINS])
def test_the_same_action_in_both_languages_has_the_same_effects(js: JsEffectsAnalyzer, javascript: str, python: str) -> None:
    assert js.analyze(handler(javascript)) == analyze_effects(python_handler(python))


def test_records_name_claims_lines_and_targets(js: JsEffectsAnalyzer) -> None:
    report = js.analyze(handler(
        'api.accessToken.setCustomClaim("https://acme/roles", []);\n'
        "api.idToken.setCustomClaim(`https://acme/name`, 1);\n"
        'api.accessToken.setCustomClaim(NS + "x", 1);'))
    assert report.effects == (
        Effect("claims", "access_token", "https://acme/roles", 2),
        Effect("claims", "id_token", "https://acme/name", 3),
        Effect("claims", "access_token", None, 4),
    )
    assert report.claims() == (("access_token", "https://acme/roles"), ("id_token", "https://acme/name"))


@pytest.mark.parametrize(
    ("body", "secrets"),
    [
        ("const { API_KEY, OTHER: alias, ...rest } = event.secrets;", ("API_KEY", "OTHER")),
        ('event.secrets?.TOKEN; event.secrets["A"]; event.secrets.A;', ("TOKEN", "A")),
        ("const s = event.secrets;", ()),
    ],
)
def test_secrets_read_in_javascripts_ways(js: JsEffectsAnalyzer, body: str, secrets: tuple[str, ...]) -> None:
    assert js.analyze(handler(body)).secrets == secrets


@pytest.mark.parametrize(
    "form",
    [
        'module.exports = {\n  onExecutePostLogin: async (e, a) => { a.access.deny("x"); },\n};\n',
        'async function onExecutePostLogin(event, api) { api?.access.deny("x"); }\nexports.onExecutePostLogin = onExecutePostLogin;\n',
        'exports.onExecutePostLogin = (event, api) => api["access"].deny("x");\n',
    ],
)
def test_every_handler_form_and_parameter_name(js: JsEffectsAnalyzer, form: str) -> None:
    assert js.analyze(form).kinds() == ("deny",)


def test_strings_and_comments_are_not_code(js: JsEffectsAnalyzer) -> None:
    code = handler('// api.access.deny("x");\nconst s = "api.access.deny(1)";\nconst t = `${1} api.cache.get("k")`;\n/* api.user.setAppMetadata("a", 1) */')
    assert js.analyze(code).kinds() == ()


def test_a_syntax_error_is_reported_like_pythons(js: JsEffectsAnalyzer) -> None:
    report = js.analyze('exports.onExecutePostLogin = async (event, api) => {\n  api.access.deny("x"\n};\n')
    assert report.parse_error == "the code does not parse (line 3)"
    assert report.kinds() == () and report.summary_lines() == ["not analysed: the code does not parse (line 3)"]


@pytest.mark.parametrize("code", ["", "   ", "\x00", "}}}{{{", "exports.onExecutePostLogin = (event, api) => api."])
def test_never_throws(js: JsEffectsAnalyzer, code: str) -> None:
    assert js.analyze(code).kinds() == ()


def test_answers_are_cached_and_a_dead_process_is_replaced(js: JsEffectsAnalyzer) -> None:
    code = handler('api.access.deny("cached");')
    first = js.analyze(code)
    assert js.analyze(code) is first
    js._proc.kill()
    js._proc.wait()
    assert js.analyze(handler('api.cache.get("k");')).kinds() == ("cache",)


def test_without_typescript_it_says_so(tmp_path) -> None:
    from actions_studio.analysis.typescript.install import TypeScriptInstall

    missing = TypeScriptInstall(root=tmp_path / "nowhere", typescript_version="5.9.3")
    with JsEffectsAnalyzer(missing) as analyzer:
        report = analyzer.analyze(handler('api.access.deny("x");'))
    assert report.kinds() == ()
    assert report.parse_error == f"JavaScript analysis is not available (TypeScript is missing at {missing.typescript_module})"

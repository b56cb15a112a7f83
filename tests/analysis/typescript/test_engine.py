"""Completions, signatures, hover and diagnostics against the real tsserver and the shipped
declarations, on plain unannotated handlers (table-driven, like the jedi engine's tests)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from actions_studio.analysis.typescript.engine import TypeScriptEngine
from actions_studio.resources import templates_dir
from actions_studio.triggers import TRIGGERS

from .conftest import make_typed_package

_keys = itertools.count()


def key() -> str:
    return f"test-{next(_keys)}"


def at_end(source: str) -> tuple[str, int, int]:
    """Cursor at the end of the source's last line."""
    lines = source.split("\n")
    return source, len(lines), len(lines[-1])


PLAIN = "exports.onExecutePostLogin = async (event, api) => {\n  "
CREDENTIALS = "exports.onExecuteCredentialsExchange = async (event, api) => {\n  "


@pytest.mark.parametrize(
    ("trigger", "source", "expected"),
    [
        ("post-login", PLAIN + "event.", {"user", "client", "request", "secrets", "authentication", "stats", "transaction"}),
        ("post-login", PLAIN + "event.request.geoip.", {"countryCode", "cityName", "timeZone"}),
        ("post-login", PLAIN + "event.user.", {"email", "app_metadata", "user_id", "identities"}),
        ("post-login", PLAIN + "api.", {"access", "accessToken", "idToken", "multifactor", "redirect", "cache",
                                        "user", "authentication", "validation", "transaction"}),
        ("post-login", PLAIN + "api.accessToken.", {"setCustomClaim", "addScope", "removeScope"}),
        ("post-login", PLAIN + 'api.multifactor.enable("any", { ', {"allowRememberBrowser", "providerOptions"}),
        ("post-login", PLAIN + 'api.multifactor.enable("', {"any", "guardian", "duo"}),
        ("post-login", "exports.onContinuePostLogin = function (event, api) {\n  api.redirect.",
         {"sendUserTo", "encodeToken", "validateToken", "canRedirect"}),
        ("post-login", "module.exports = {\n  onExecutePostLogin: async (event, api) => {\n    api.cache.",
         {"get", "set", "delete"}),
        ("post-login", "module.exports = {\n  async onContinuePostLogin(event, api) {\n    event.transaction.",
         {"metadata", "state", "protocol"}),
        ("post-login", "async function onExecutePostLogin(event, api) {\n  api.user.", {"setAppMetadata", "setUserMetadata"}),
        ("post-login", "const onExecutePostLogin = (e, a) => {\n  e.stats.", {"logins_count"}),
        ("credentials-exchange", CREDENTIALS + "api.", {"access", "accessToken", "cache"}),
        ("credentials-exchange", CREDENTIALS + "event.accessToken.", {"customClaims", "scope"}),
        ("send-phone-message", "exports.onExecuteSendPhoneMessage = async (event, api) => {\n  event.message_options.",
         {"recipient", "code", "text", "message_type", "action"}),
        (None, 'const os = require("os");\nos.', {"platform", "hostname"}),
        ("post-login", PLAIN + "const localValue = 3;\n  local", {"localValue"}),
    ],
)
def test_completions_include(engine: TypeScriptEngine, trigger, source: str, expected: set[str]) -> None:
    names = {c.name for c in engine.complete(key(), *at_end(source), trigger)}
    assert expected <= names, f"missing {expected - names}"


def test_the_trigger_decides_what_api_offers(engine: TypeScriptEngine) -> None:
    names = {c.name for c in engine.complete(key(), *at_end(CREDENTIALS + "api."), "credentials-exchange")}
    assert "redirect" not in names and "multifactor" not in names and "accessToken" in names


def test_kinds_speak_the_editors_vocabulary(engine: TypeScriptEngine) -> None:
    items = {c.name: c for c in engine.complete(key(), *at_end(PLAIN + "api.accessToken."), "post-login")}
    assert items["setCustomClaim"].kind == "function"
    items = {c.name: c for c in engine.complete(key(), *at_end(PLAIN + "event.user."), "post-login")}
    assert items["email"].kind == "property"
    typed = {c.name: c for c in engine.complete(key(), *at_end(PLAIN + "event.user.em"), "post-login")}
    assert typed["email"].complete == "ail"


def test_auth0s_own_template_style_types_with_its_names(engine: TypeScriptEngine) -> None:
    source = (
        "/**\n * @param {Event} event - Details about the user.\n * @param {PostLoginAPI} api - Interface.\n */\n"
        "exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('https://x/y', 1);\n};\n"
    )
    name = key()
    assert engine.diagnostics(name, source, "post-login") == []
    names = {c.name for c in engine.complete(name, source, 6, len("  api.idToken."), "post-login")}
    assert "setCustomClaim" in names


@pytest.mark.parametrize(
    "line",
    ['  const note = "héllo 日本 🙂"; event.stats.', '  /* 🙂🙂 */ event.stats.'],
    ids=["after-emoji", "after-two-emoji"],
)
def test_completion_after_non_ascii_on_the_line(engine: TypeScriptEngine, line: str) -> None:
    source = PLAIN + line.lstrip()
    assert "logins_count" in {c.name for c in engine.complete(key(), *at_end(source), "post-login")}


def test_completion_on_the_annotated_line_after_non_ascii(engine: TypeScriptEngine) -> None:
    # The handler's own line carries the injected annotation: both the shift and UTF-16 apply.
    source = 'exports.onExecutePostLogin = async (event, api) => { const s = "é🙂"; event.stats.'
    assert "logins_count" in {c.name for c in engine.complete(key(), *at_end(source), "post-login")}


@pytest.mark.parametrize(("line", "column"), [(2, 1000), (99, 0), (0, 0), (1, -5)])
def test_positions_out_of_range_never_throw(engine: TypeScriptEngine, line: int, column: int) -> None:
    name = key()
    assert isinstance(engine.complete(name, PLAIN + "event.", line, column, "post-login"), list)
    assert engine.signatures(name, PLAIN + "event.", line, column, "post-login") is None
    engine.hover(name, PLAIN + "event.", line, column, "post-login")


def test_column_1000_clamps_to_the_end_of_the_line(engine: TypeScriptEngine) -> None:
    names = {c.name for c in engine.complete(key(), PLAIN + "event.stats.", 2, 1000, "post-login")}
    assert "logins_count" in names


@pytest.mark.parametrize(
    ("call", "name", "params", "index"),
    [
        ('api.accessToken.setCustomClaim("https://acme/roles", ', "setCustomClaim", ["key", "value"], 1),
        ('api.multifactor.enable("any", {', "enable", ["provider", "options?"], 1),
        ("api.redirect.encodeToken(", "encodeToken", ["options"], 0),
        ('api.cache.set("k", "v", ', "set", ["key", "value", "options?"], 2),
    ],
)
def test_signature_help_names_the_current_parameter(engine: TypeScriptEngine, call, name, params, index) -> None:
    sig = engine.signatures(key(), *at_end(PLAIN + call), "post-login")
    assert sig is not None
    assert sig.name == name
    assert [p.split(":")[0] for p in sig.params] == params
    assert sig.index == index
    assert sig.doc  # from the catalog's docstring


def test_signature_help_doc_is_the_catalogs(engine: TypeScriptEngine) -> None:
    sig = engine.signatures(key(), *at_end(PLAIN + 'api.accessToken.setCustomClaim("k", '), "post-login")
    assert sig is not None and "claim `key` to `value`" in sig.doc


@pytest.mark.parametrize(
    ("line_text", "column_in_line", "title", "doc"),
    [
        ("event.stats.logins_count;", len("event.stats.log"), "Stats.logins_count: number", "logged in"),
        ("event.user.email;", len("event.user.em"), "User.email?: string", "Email address"),
        ("event.request.geoip.countryCode;", len("event.request.geoip.coun"), "GeoIp.countryCode?: string", "ISO 3166-1"),
        ("api.access.deny('x');", len("api.access.de"), "PostLoginAccessApi.deny(reason: string): PostLoginApi", "Deny the login"),
        ("if (event.user) {}", len("if (ev"), "event: PostLoginEvent", "post-login trigger"),
    ],
)
def test_hover_titles_and_docs(engine: TypeScriptEngine, line_text, column_in_line, title, doc) -> None:
    hover = engine.hover(key(), PLAIN + line_text + "\n};\n", 2, 2 + column_in_line, "post-login")
    assert hover is not None
    assert hover.title == title
    assert doc in hover.doc


def test_no_hover_on_a_name_typescript_cannot_resolve(engine: TypeScriptEngine) -> None:
    # tsserver answers a bare "any" there; the squiggle's message is what the user needs.
    line_text = "api.access.denyy('x');"
    assert engine.hover(key(), PLAIN + line_text + "\n};\n", 2, 2 + len("api.access.den"), "post-login") is None


def diagnostics_of(engine: TypeScriptEngine, body: str, trigger: str = "post-login", head: str = PLAIN):
    return engine.diagnostics(key(), head + body + "\n};\n", trigger)


@pytest.mark.parametrize(
    ("body", "line", "column", "fragment"),
    [
        ('api.accessToken.setCustomClaimz("x", 1);', 2, 18,
         "Property 'setCustomClaimz' does not exist on type 'PostLoginAccessTokenApi'. Did you mean 'setCustomClaim'?"),
        ("api.accessToken.setCustomClaim(1, 2);", 2, 33,
         "Argument of type 'number' is not assignable to parameter of type 'string'."),
        ("event.user.favourite_color;", 2, 13, "Property 'favourite_color' does not exist on type 'User'."),
        ("event.request.geoip.country_code;", 2, 22, "Property 'country_code' does not exist on type 'GeoIp'"),
        ('api.multifactor.enable("any", { allowRememberBrowser: "yes" });', 2, 34,
         "Type 'string' is not assignable to type 'boolean'."),
        ('api.multifactor.enable("sms");', 2, 25, 'is not assignable to parameter of type \'"any" | "guardian"'),
        ('api.redirect.sendUserTo("https://x.example", { qurey: {} });', 2, 49,
         "'qurey' does not exist in type 'RedirectSendUserToOptions'. Did you mean to write 'query'?"),
        ("api.redirect.encodeToken({ payload: {} });", 2, 27, "Property 'secret' is missing"),
        ("api.nosuch.call();", 2, 6, "Property 'nosuch' does not exist on type 'PostLoginApi'."),
        ("if (", 3, 0, "Expression expected."),
    ],
    ids=["unknown-method", "wrong-argument-type", "unknown-event-field", "python-name-of-a-field",
         "wrong-option-type", "unknown-provider", "unknown-option", "missing-option", "unknown-namespace", "syntax"],
)
def test_diagnostics(engine: TypeScriptEngine, body: str, line: int, column: int, fragment: str) -> None:
    found = diagnostics_of(engine, body)
    assert [d for d in found if fragment in d.message], found
    hit = next(d for d in found if fragment in d.message)
    assert (hit.line, hit.column) == (line, column)
    assert hit.severity == "error" and hit.source == "typescript"


def test_a_namespace_the_trigger_lacks_is_a_diagnostic(engine: TypeScriptEngine) -> None:
    found = diagnostics_of(engine, 'api.redirect.sendUserTo("https://x");', "credentials-exchange", CREDENTIALS)
    assert any("Property 'redirect' does not exist on type 'CredentialsExchangeApi'" in d.message for d in found)


def test_node_globals_and_builtin_modules_are_known(engine: TypeScriptEngine) -> None:
    body = ('const crypto = require("crypto");\n  console.log(process.env.HOME, crypto.randomUUID());\n'
            '  const reply = await fetch("https://example.com"); Buffer.from("x");\n  setTimeout(() => {}, 1);')
    assert diagnostics_of(engine, body) == []


def test_diagnostic_columns_on_the_annotated_line_are_the_users(engine: TypeScriptEngine) -> None:
    source = 'exports.onExecutePostLogin = async (event, api) => { const s = "é🙂"; event.user.foo; };\n'
    found = engine.diagnostics(key(), source, "post-login")
    assert len(found) == 1
    assert (found[0].line, found[0].column, found[0].end_column) == (1, source.index("foo"), source.index("foo") + 3)


def test_a_misspelled_or_missing_handler_is_a_warning(engine: TypeScriptEngine) -> None:
    found = engine.diagnostics(key(), "exports.onExecutePostLgin = async (event, api) => {};\n", "post-login")
    assert [(d.line, d.column, d.severity, d.source) for d in found] == [(1, 8, "warning", "actions")]
    assert "onExecutePostLgin looks like a misspelling of onExecutePostLogin" in found[0].message
    found = engine.diagnostics(key(), "const x = 1;\n", "post-login")
    assert [d.message for d in found] == ["no exports.onExecutePostLogin handler: the post-login trigger will not run this action"]


@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_every_javascript_template_type_checks_cleanly(engine: TypeScriptEngine, trigger_id: str) -> None:
    # The templates name their types with JSDoc import types (for other editors); they must be
    # valid for their trigger's handler names and types: not one diagnostic.
    source = (templates_dir() / f"{trigger_id}.js").read_text(encoding="utf-8")
    assert engine.diagnostics(key(), source, trigger_id) == []


def test_a_template_for_the_wrong_trigger_is_caught(engine: TypeScriptEngine) -> None:
    source = (templates_dir() / "post-login.js").read_text(encoding="utf-8")
    found = engine.diagnostics(key(), source, "credentials-exchange")
    assert any(d.source == "actions" and "onExecuteCredentialsExchange" in d.message for d in found)


def test_edits_reach_the_service_incrementally(engine: TypeScriptEngine) -> None:
    name = key()
    first = PLAIN + "event.user.\n};\n"
    assert "email" in {c.name for c in engine.complete(name, first, 2, len("  event.user."), "post-login")}
    second = PLAIN + "const π = 1; event.stats.\n};\n"
    assert {c.name for c in engine.complete(name, second, 2, len("  const π = 1; event.stats."), "post-login")} == {"logins_count"}
    assert engine.diagnostics(name, PLAIN + "event.stats.logins_count;\n};\n", "post-login") == []


def test_far_apart_edits_keep_the_service_copy_exact(engine: TypeScriptEngine) -> None:
    # An edit undone near the top and another made near the bottom go as two changes (edits.py);
    # tsserver's copy must still be the editor's text line for line: the diagnostic lands on the
    # line the editor shows it on, and the completion answers where the `.` was typed.
    name = key()
    helpers = "".join(f"function check{n}(event) {{\n  return event.stats.logins_count > {n};\n}}\n" for n in range(40))
    lines = (helpers + PLAIN + "api.access.deny(\"no\");\n  api.nope();\n};\n").split("\n")
    typed_top = lines[:3] + ["Math."] + lines[3:]
    found = engine.complete(name, "\n".join(typed_top), 4, len("Math."), "post-login")
    assert "abs" in {c.name for c in found}
    typed_bottom = lines[:-3] + ["  api.accessToken."] + lines[-3:]
    found = engine.complete(name, "\n".join(typed_bottom), len(lines) - 2, len("  api.accessToken."), "post-login")
    assert "setCustomClaim" in {c.name for c in found}
    problems = engine.diagnostics(name, "\n".join(lines), "post-login")
    nope = [d for d in problems if "nope" in d.message]
    assert [(d.line, d.column) for d in nope] == [(lines.index("  api.nope();") + 1, len("  api."))]


def test_an_installed_dependency_completes_from_its_types(engine: TypeScriptEngine, tmp_path: Path) -> None:
    node_modules = make_typed_package(tmp_path / "env")
    source = PLAIN + 'const greeter = require("tiny-greeter");\n  greeter.'
    name = key()
    items = {c.name: c for c in engine.complete(name, *at_end(source), "post-login", node_modules)}
    assert items["greet"].kind == "function"
    hover = engine.hover(name, source + "greet", 3, len("  greeter.gr"), "post-login", node_modules)
    assert hover is not None and "friendly greeting" in hover.doc
    # The same code without the environment: the package is not found, and says so.
    found = engine.diagnostics(key(), source + "greet;\n};\n", "post-login")
    assert any("Cannot find module 'tiny-greeter'" in d.message for d in found)

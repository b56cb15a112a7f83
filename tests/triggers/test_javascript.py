"""The JavaScript view of the catalog: Auth0's names and signatures, derived from the Python api,
and calls that record the same as the Python ones."""

from __future__ import annotations

import inspect
import json
import re

import pytest

from actions_studio.triggers import TRIGGERS, ApiUsageError
from actions_studio.triggers import javascript as js
from actions_studio.triggers.api import api_methods_of
from actions_studio.triggers.javascript import camel, javascript_view, js_prose

from .support import make

# Auth0's handler names (its docs and the @auth0/actions types).
HANDLERS = {
    "post-login": ("onExecutePostLogin", "onContinuePostLogin"),
    "credentials-exchange": ("onExecuteCredentialsExchange",),
    "pre-user-registration": ("onExecutePreUserRegistration",),
    "post-user-registration": ("onExecutePostUserRegistration",),
    "post-change-password": ("onExecutePostChangePassword",),
    "send-phone-message": ("onExecuteSendPhoneMessage",),
}


@pytest.mark.parametrize(("trigger_id", "names"), HANDLERS.items())
def test_handler_names_are_auth0s(trigger_id: str, names: tuple[str, ...]) -> None:
    view = javascript_view(trigger_id)
    assert view.handler_names() == names
    assert view.phase_of(names[0]) == "execute"
    assert view.phase_of("on_execute_post_login") is None


# Auth0's documented JavaScript signatures (api objects of the post-login, credentials-exchange and
# pre-user-registration triggers): path -> (canonical method, parameters, options-object fields).
# "?" marks an optional parameter or field.
AUTH0_SIGNATURES = [
    ("post-login", "access.deny", "access.deny", ["reason"], []),
    ("post-login", "accessToken.setCustomClaim", "access_token.set_custom_claim", ["key", "value"], []),
    ("post-login", "accessToken.addScope", "access_token.add_scope", ["scope"], []),
    ("post-login", "idToken.setCustomClaim", "id_token.set_custom_claim", ["key", "value"], []),
    ("post-login", "multifactor.enable", "multifactor.enable", ["provider", "options?"],
     ["allowRememberBrowser?", "providerOptions?"]),
    ("post-login", "redirect.sendUserTo", "redirect.send_user_to", ["url", "options?"], ["query?"]),
    ("post-login", "redirect.encodeToken", "redirect.encode_token", ["options"],
     ["payload", "secret", "expiresInSeconds?"]),
    ("post-login", "redirect.validateToken", "redirect.validate_token", ["options"],
     ["secret", "tokenParameterName?"]),
    ("post-login", "redirect.canRedirect", "redirect.can_redirect", [], []),
    ("post-login", "user.setAppMetadata", "user.set_app_metadata", ["key", "value"], []),
    ("post-login", "cache.get", "cache.get", ["key"], []),
    ("post-login", "cache.set", "cache.set", ["key", "value", "options?"], ["ttl?", "expires_at?"]),
    ("post-login", "cache.delete", "cache.delete", ["key"], []),
    ("post-login", "authentication.challengeWith", "authentication.challenge_with", ["factor", "options?"],
     ["additionalFactors?"]),
    ("post-login", "authentication.challengeWithAny", "authentication.challenge_with_any", ["factors"], []),
    ("post-login", "authentication.recordMethod", "authentication.record_method", ["providerUrl"], []),
    ("post-login", "validation.error", "validation.error", ["code", "message"], []),
    ("post-login", "transaction.setMetadata", "transaction.set_metadata", ["key", "value"], []),
    ("credentials-exchange", "access.deny", "access.deny", ["code", "reason"], []),
    ("credentials-exchange", "accessToken.setCustomClaim", "access_token.set_custom_claim", ["key", "value"], []),
    ("pre-user-registration", "access.deny", "access.deny", ["reason", "userMessage"], []),
    ("send-phone-message", "cache.set", "cache.set", ["key", "value", "options?"], ["ttl?", "expires_at?"]),
]


def _shape(items) -> list[str]:
    return [item.name + ("" if item.required else "?") for item in items]


@pytest.mark.parametrize(("trigger_id", "path", "canonical", "params", "options"), AUTH0_SIGNATURES,
                         ids=[f"{t}:{p}" for t, p, *_ in AUTH0_SIGNATURES])
def test_auth0s_javascript_signatures(trigger_id, path, canonical, params, options) -> None:
    method = javascript_view(trigger_id).method(path)
    assert method.canonical == canonical
    assert _shape(method.parameters) == params
    fields = [o for p in method.parameters for o in p.options]
    assert _shape(fields) == options
    assert javascript_view(trigger_id).by_canonical(canonical) is method


@pytest.mark.parametrize("trigger", list(TRIGGERS.values()), ids=list(TRIGGERS))
def test_every_catalog_method_has_exactly_one_javascript_method(trigger) -> None:
    view = javascript_view(trigger.id)
    expected = [f"{ns}.{m}" for ns, cls in trigger.api_class.NAMESPACES.items() for m in api_methods_of(cls)]
    assert [m.canonical for m in view.methods()] == expected
    assert [ns.name for ns in view.namespaces] == [camel(n) for n in trigger.api_namespaces]
    assert [ns.interface for ns in view.namespaces] == [c.__name__ for c in trigger.api_class.NAMESPACES.values()]


def _catalog_methods() -> dict[str, list[list[inspect.Parameter]]]:
    """Canonical name -> the parameter lists of each namespace class defining it (access.deny has three)."""
    found: dict[str, list[list[inspect.Parameter]]] = {}
    for trigger in TRIGGERS.values():
        for ns, cls in trigger.api_class.NAMESPACES.items():
            for name in api_methods_of(cls):
                params = [p for p in inspect.signature(getattr(cls, name)).parameters.values() if p.name != "self"]
                if params not in found.setdefault(f"{ns}.{name}", []):
                    found[f"{ns}.{name}"].append(params)
    return found


def test_the_table_of_differences_covers_every_optional_parameter() -> None:
    # Auth0's JavaScript never takes an optional positional argument: a catalog method with an
    # optional parameter must say how it travels in an options object.
    methods = _catalog_methods()
    with_optional = {m for m, variants in methods.items() for params in variants
                     if any(p.default is not inspect.Parameter.empty for p in params)}
    assert with_optional <= set(js._OPTION_OBJECTS), f"add to _OPTION_OBJECTS: {sorted(with_optional - set(js._OPTION_OBJECTS))}"
    for method, table in js._OPTION_OBJECTS.items():
        assert method in methods, f"_OPTION_OBJECTS names {method}, which the catalog lacks"
        for params in methods[method]:
            names = [p.name for p in params]
            assert set(table) <= set(names), f"{method}: {set(table) - set(names)} are no parameters of it"
            optional = [p.name for p in params if p.default is not inspect.Parameter.empty]
            assert set(optional) <= set(table), f"{method}: optional {optional} must all be options"
    for method, parameter in js._PARAMETER_TYPES:
        names = {p.name for params in methods.get(method, []) for p in params}
        assert parameter in names, f"_PARAMETER_TYPES: {method} has no {parameter}"


@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_no_javascript_method_has_an_optional_positional_parameter(trigger_id: str) -> None:
    for method in javascript_view(trigger_id).methods():
        for param in method.parameters:
            assert param.required or param.options, f"{method.path}: {param.name} is optional and positional"


def test_types_come_from_the_catalog_constants() -> None:
    from actions_studio.triggers.api.access import CREDENTIALS_EXCHANGE_DENY_CODES
    from actions_studio.triggers.api.multifactor import MFA_PROVIDERS

    enable = javascript_view("post-login").method("multifactor.enable")
    assert enable.parameters[0].type == " | ".join(f'"{p}"' for p in MFA_PROVIDERS)
    deny = javascript_view("credentials-exchange").method("access.deny")
    assert deny.parameters[0].type == " | ".join(f'"{c}"' for c in CREDENTIALS_EXCHANGE_DENY_CODES)
    assert javascript_view("post-login").method("cache.get").returns == "CacheRecord | undefined"
    assert javascript_view("post-login").method("redirect.encodeToken").returns == "string"


@pytest.mark.parametrize(
    ("trigger_id", "path", "returns"),
    [("post-login", "access.deny", "PostLoginApi"), ("pre-user-registration", "user.setAppMetadata", "PreUserRegistrationApi"),
     ("post-login", "redirect.canRedirect", "boolean"), ("post-login", "cache.set", "CacheWriteResult")],
)
def test_a_method_returning_nothing_returns_the_api_for_chaining(trigger_id, path, returns) -> None:
    assert javascript_view(trigger_id).method(path).returns == returns


# A JavaScript call and the Python call it is the same as: both must record the same.
SAME_CALLS = [
    ("multifactor.enable", ["duo", {"allowRememberBrowser": True}], (["duo"], {"allow_remember_browser": True})),
    ("multifactor.enable", ["any"], (["any"], {})),
    ("multifactor.enable", ["any", None], (["any"], {})),
    ("redirect.sendUserTo", ["https://x.example/p", {"query": {"a": "1"}}],
     (["https://x.example/p"], {"query": {"a": "1"}})),
    ("redirect.encodeToken", [{"secret": "s3cret-value", "payload": {"k": 1}, "expiresInSeconds": 60}],
     ([], {"payload": {"k": 1}, "secret": "s3cret-value", "expires_in_seconds": 60})),
    ("cache.set", ["k", "v", {"ttl": 5000, "unknown": 1}], (["k", "v"], {"ttl": 5000})),
    ("cache.set", ["k", "v", {"expires_at": 1_800_000_100_000}], (["k", "v"], {"expires_at": 1_800_000_100_000})),
    ("accessToken.setCustomClaim", ["https://acme/roles", ["admin"], "extra ignored"],
     (["https://acme/roles", ["admin"]], {})),
    ("authentication.challengeWith", [{"type": "otp"}, {"additionalFactors": [{"type": "email"}]}],
     ([{"type": "otp"}], {"additional_factors": [{"type": "email"}]})),
]


@pytest.mark.parametrize(("path", "arguments", "python"), SAME_CALLS, ids=[c[0] for c in SAME_CALLS])
def test_a_javascript_call_records_what_the_python_call_records(path, arguments, python) -> None:
    method = javascript_view("post-login").method(path)
    args, kwargs = method.python_call(arguments)
    assert (args, kwargs) == python
    via_js, via_py = make("post-login"), make("post-login")
    namespace, name = method.canonical.split(".")
    getattr(getattr(via_js, namespace), name)(*args, **kwargs)
    getattr(getattr(via_py, namespace), name)(*python[0], **python[1])
    assert via_js.calls == via_py.calls
    assert via_js.calls[0]["method"] == method.canonical


# A JavaScript call, and its record written back as the action wrote it (the Test panel's card).
WRITTEN_CALLS = [
    ("multifactor.enable", ["duo", {"allowRememberBrowser": True}],
     'api.multifactor.enable("duo", {allowRememberBrowser: true})'),
    ("multifactor.enable", ["any", None], 'api.multifactor.enable("any")'),
    ("idToken.setCustomClaim", ["https://acme/roles", ["admin"]],
     'api.idToken.setCustomClaim("https://acme/roles", ["admin"])'),
    # the secret is recorded masked, and shown so
    ("redirect.encodeToken", [{"secret": "s3cret-value", "payload": {"k": 1}, "expiresInSeconds": 60}],
     'api.redirect.encodeToken({payload: {"k": 1}, secret: "********", expiresInSeconds: 60})'),
    ("cache.set", ["k", "v", {"ttl": 5000, "unknown": 1}], 'api.cache.set("k", "v", {ttl: 5000})'),
    ("authentication.challengeWith", [{"type": "otp"}, {"additionalFactors": [{"type": "email"}]}],
     'api.authentication.challengeWith({"type": "otp"}, {additionalFactors: [{"type": "email"}]})'),
    ("user.setAppMetadata", ["plan", None], 'api.user.setAppMetadata("plan", null)'),
    ("accessToken.addScope", ["read:ünïcode"], 'api.accessToken.addScope("read:ünïcode")'),
]


@pytest.mark.parametrize(("path", "arguments", "written"), WRITTEN_CALLS, ids=[c[0] for c in WRITTEN_CALLS])
def test_a_recorded_call_reads_back_as_javascript(path, arguments, written) -> None:
    method = javascript_view("post-login").method(path)
    api = make("post-login")
    namespace, name = method.canonical.split(".")
    args, kwargs = method.python_call(arguments)
    getattr(getattr(api, namespace), name)(*args, **kwargs)
    call = api.calls[0]
    assert call["method"] == method.canonical  # recorded under the Python name…
    assert method.call_text(call["args"], call["kwargs"]) == written  # …read back in JavaScript


@pytest.mark.parametrize("trigger_id", sorted(TRIGGERS))
def test_every_recorded_parameter_reads_back_under_its_javascript_name(trigger_id: str) -> None:
    for method in javascript_view(trigger_id).methods():
        required = [name for name, needed in method.catalog_parameters if needed]
        optional = {name: f"<{name}>" for name, needed in method.catalog_parameters if not needed}
        text = method.call_text([f"<{name}>" for name in required], optional)
        expected = []
        for param in method.parameters:
            if param.parameter is not None:
                expected.append(f'"<{param.parameter}>"')
            else:
                expected.append("{" + ", ".join(f'{o.name}: "<{o.parameter}>"' for o in param.options) + "}")
        assert text == f"api.{method.path}({', '.join(expected)})"


@pytest.mark.parametrize(("value", "kind"), [("yes", "a string"), (True, "a boolean"), (3, "a number"), ([1], "an array")])
def test_an_options_object_that_is_not_an_object_is_refused(value, kind) -> None:
    method = javascript_view("post-login").method("multifactor.enable")
    with pytest.raises(ApiUsageError) as caught:
        method.python_call(["any", value])
    assert str(caught.value) == (
        f"api.multifactor.enable: options must be an object like {{allowRememberBrowser, providerOptions}}, got {kind}"
    )


def test_a_missing_required_options_object_is_left_to_the_catalog_method() -> None:
    args, kwargs = javascript_view("post-login").method("redirect.encodeToken").python_call([])
    with pytest.raises(ApiUsageError, match="missing a required argument: 'payload'"):
        make("post-login").redirect.encode_token(*args, **kwargs)


def test_the_json_description_is_json_and_follows_the_view() -> None:
    data = json.loads(json.dumps(javascript_view("post-login").to_json()))
    assert data["handlers"] == {"execute": "onExecutePostLogin", "continue": "onContinuePostLogin"}
    mfa = next(ns for ns in data["namespaces"] if ns["name"] == "multifactor")
    assert mfa["canonical"] == "multifactor"
    assert mfa["methods"] == [{
        "name": "enable", "canonical": "multifactor.enable", "returns_api": True,
        "parameters": [
            {"name": "provider", "required": True, "parameter": "provider"},
            {"name": "options", "required": False, "options": [
                {"name": "allowRememberBrowser", "parameter": "allow_remember_browser", "required": False},
                {"name": "providerOptions", "parameter": "provider_options", "required": False}]},
        ],
    }]


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("Email address. None for users without one.", "field", "Email address. Absent for users without one."),
        ("Its fields are None when unknown.", "field", "Its fields are absent when unknown."),
        ("True once verified.", "field", "`true` once verified."),
        ('Enrolled factors, e.g. ("guardian",).', "field", 'Enrolled factors, e.g. ["guardian"].'),
        ("Change it with api.user.set_app_metadata, read-only.", "field", "Change it with api.user.setAppMetadata."),
        ("Resumes in its on_continue_post_login.", "method", "Resumes in its onContinuePostLogin."),
        ("Set ``key`` to ``value``; None deletes the key.", "method", "Set `key` to `value`; `null` deletes the key."),
        ("The record under ``key``, or None.", "method", "The record under `key`, or `undefined`."),
        ("``ttl`` (a dict) or a str. Raises ApiUsageError.", "method", "`options.ttl` (an object) or a string. Throws an error."),
    ],
)
def test_prose_reads_as_javascript(text: str, context: str, expected: str) -> None:
    assert js_prose(text, parameters={"ttl": "options.ttl"}, context=context) == expected


PYTHON_WORDS = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\bdict\b|\bstr\b|ApiUsageError|``|\bapi\.[a-z]+_[a-z_]+|\bon_(?:execute|continue)_")


@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_no_python_words_are_left_in_the_javascript_docs(trigger_id: str) -> None:
    view = javascript_view(trigger_id)
    texts = [ns.doc for ns in view.namespaces] + [m.doc for m in view.methods()]
    texts += [o.doc for m in view.methods() for p in m.parameters for o in p.options]
    # Python parameter names must have become the JavaScript ones (`userMessage`, `options.ttl`).
    python_params = {p.name for m in view.methods() for params in _catalog_methods()[m.canonical]
                     for p in params if "_" in p.name}
    for text in texts:
        assert not PYTHON_WORDS.search(text), text
        for name in python_params - {"expires_at"}:  # expires_at is Auth0's own option name
            assert f"`{name}`" not in text, text


# A catalog method's refusal, in the words a JavaScript action reads.
JS_ERRORS = [
    ("multifactor.enable", ["any", {"allowRememberBrowser": "yes"}],
     "api.multifactor.enable: options.allowRememberBrowser must be a boolean, got string"),
    ("multifactor.enable", ["sms"],
     "api.multifactor.enable: unknown provider 'sms'; use one of: any, guardian, google-authenticator, duo, none"),
    ("cache.set", ["k", 5], "api.cache.set: value must be a string (serialise other data, e.g. JSON.stringify), got number"),
    ("redirect.encodeToken", [{"payload": {}}],
     "api.redirect.encodeToken(options): missing a required argument: 'options.secret'"),
    ("access.deny", [None], "api.access.deny: reason must be a string, got null"),
    ("redirect.sendUserTo", ["https://x.example", {"query": []}],
     "api.redirect.sendUserTo: options.query must be an object or null, got array"),
]


@pytest.mark.parametrize(("path", "arguments", "expected"), JS_ERRORS, ids=[e[0] for e in JS_ERRORS])
def test_refusals_read_in_javascript_words(path, arguments, expected) -> None:
    method = javascript_view("post-login").method(path)
    args, kwargs = method.python_call(arguments)
    namespace, name = method.canonical.split(".")
    with pytest.raises(ApiUsageError) as caught:
        getattr(getattr(make("post-login"), namespace), name)(*args, **kwargs)
    assert method.javascript_message(str(caught.value)) == expected


def test_module_entry_point_prints_the_json_description() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "actions_studio.triggers.javascript", "post-login"],
                         capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == javascript_view("post-login").to_json()

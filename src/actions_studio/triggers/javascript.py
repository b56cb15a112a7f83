"""The JavaScript view of the catalog: Auth0's names and signatures for node22 Actions.

A JavaScript Action sees Auth0's programming model exactly (DESIGN.md, Runtimes): handlers
``exports.onExecutePostLogin = async (event, api) => {…}``, ``event`` as the wire JSON, and ``api``
with Auth0's camelCase methods (``api.accessToken.setCustomClaim``). Everything here is derived
from the one catalog — the api recorder classes, their signatures, docstrings and constants — so
the node runtime's ``api`` object, the ``.d.ts`` stubs (ts_stubs.py) and the editor cannot drift
from the Python api. Calls are recorded under the catalog's canonical names
(``access_token.set_custom_claim``); `JsMethod.python_call` turns a JavaScript call's arguments
into the catalog method's arguments, so one call gives the same record in both runtimes, and
`JsMethod.call_text` writes a record back as the JavaScript action wrote it (the Test panel's card
shows a JavaScript action's calls in its own spelling).

By default a catalog method is the same in JavaScript with camelCase names: positional
parameters in the same order. `_OPTION_OBJECTS` lists the methods where Auth0's JavaScript
signature differs (checked against Auth0's documented types): the optional parameters, and for
the token helpers every parameter, travel in one options object as the last argument —
``api.multifactor.enable(provider, {allowRememberBrowser})``, ``api.redirect.encodeToken({secret,
payload, expiresInSeconds})``, ``api.cache.set(key, value, {ttl})``. Auth0's JavaScript never takes
an optional positional argument, so every catalog method with an optional parameter must be in
that table (tests/triggers/test_javascript.py checks it). `_PARAMETER_TYPES` narrows a few
parameter types to the catalog's own constants (MFA providers, factor types, deny codes).

A method that returns nothing in Python returns the api object in JavaScript, as Auth0's docs
say ("Returns a reference to the api object"), so calls may be chained.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from .api.access import CREDENTIALS_EXCHANGE_DENY_CODES
from .api.multifactor import MFA_PROVIDERS
from .api.recording import Namespace, api_methods_of
from .catalog import TRIGGERS, get_trigger
from .errors import ApiUsageError
from .limits import as_format_map
from .mappings import ReadOnlyMapping, StringValues


def camel(name: str) -> str:
    """``access_token`` → ``accessToken``, ``on_execute_post_login`` → ``onExecutePostLogin``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def pascal(name: str) -> str:
    """``send_user_to`` → ``SendUserTo``."""
    text = camel(name)
    return text[:1].upper() + text[1:]


def literal_union(values: Sequence[str]) -> str:
    """``("a", "b")`` → ``"a" | "b"`` (a TypeScript union of string literals)."""
    return " | ".join(f'"{v}"' for v in values)


# --- types -------------------------------------------------------------------------------------

# The shared declarations every trigger's stubs import from ``common.d.ts`` (ts_stubs.py renders
# them); a TypeScript type text may name them.
FACTOR_SELECTOR = "FactorSelector"
SHARED_TYPES = ("CacheRecord", "CacheWriteResult", FACTOR_SELECTOR)
JSON_OBJECT = "Record<string, any>"


def ts_type(tp: Any, *, metadata: Sequence[Any] = ()) -> str:
    """TypeScript text of a catalog type (a model field's or an api parameter's annotation).

    ``None`` in a union is dropped: an optional field or parameter is marked optional instead
    (``name?:``), since the wire JSON leaves an absent value out.
    """
    if tp is Any:
        return "any"
    if tp is type(None) or tp is None:
        return "null"
    if tp is ReadOnlyMapping:
        return "Record<string, string>" if StringValues in metadata else JSON_OBJECT
    if tp is str:
        return "string"
    if tp in (int, float):
        return "number"
    if tp is bool:
        return "boolean"
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        parts = list(dict.fromkeys(ts_type(a) for a in args if a is not type(None)))
        return " | ".join(parts)
    if origin is typing.Literal:
        return literal_union([str(a) for a in args])
    if origin in (tuple, list):
        item = ts_type(args[0]) if args else "any"
        return f"({item})[]" if " " in item else f"{item}[]"
    if origin is dict:
        return f"Record<string, {ts_type(args[1])}>" if len(args) == 2 else JSON_OBJECT
    if isinstance(tp, type) and (issubclass(tp, BaseModel) or typing.is_typeddict(tp)):
        return tp.__name__
    raise TypeError(f"no TypeScript text for the catalog type {tp!r}")


def is_optional(tp: Any) -> bool:
    return type(None) in typing.get_args(tp)


# --- the table of Auth0's JavaScript signatures where they differ from the Python ones ---------


# canonical method -> {catalog parameter: (its name in Auth0's options object, what it means)}
_OPTION_OBJECTS: dict[str, dict[str, tuple[str, str]]] = {
    "multifactor.enable": {
        "allow_remember_browser": (
            "allowRememberBrowser",
            "Let the user skip MFA on this browser for a while (Auth0's \"remember this device\").",
        ),
        "provider_options": ("providerOptions", "Provider settings, e.g. Duo's ikey, skey and host."),
    },
    "authentication.challenge_with": {
        "additional_factors": ("additionalFactors", "Other factors the user may choose instead of `factor`."),
    },
    "redirect.send_user_to": {
        "query": ("query", "Query-string parameters appended to the URL."),
    },
    "redirect.encode_token": {
        "payload": ("payload", "The data for the redirect page (JSON); iat, exp and sub are added."),
        "secret": ("secret", "The HS256 signing secret shared with the redirect page; keep it in event.secrets."),
        "expires_in_seconds": ("expiresInSeconds", "Lifetime of the token in seconds."),
    },
    "redirect.validate_token": {
        "secret": ("secret", "The HS256 secret the redirect page signed the token with."),
        "token_parameter_name": ("tokenParameterName", "The query or body parameter holding the token."),
    },
    "transaction.set_result_url": {
        "query": ("query", "Query-string parameters appended to the URL."),
    },
    "authentication.set_user_by_connection": {
        "creation_behavior": ("creationBehavior", "What to do when no user has that id in the connection."),
        "update_behavior": ("updateBehavior", "What to do with a user that already has that id."),
    },
    "cache.set": {
        # Auth0's CacheSetOptions keep the snake_case `expires_at` of the cache record.
        "ttl": ("ttl", "Lifetime in milliseconds (default {CACHE_DEFAULT_TTL_MS}, at most {CACHE_MAX_TTL_MS})."),
        "expires_at": ("expires_at", "Absolute expiry in epoch milliseconds; with `ttl` too, the earlier wins."),
    },
}

# (canonical method, catalog parameter) -> TypeScript type, where the catalog's constants say
# more than the Python annotation (`str`, `dict`).
_PARAMETER_TYPES: dict[tuple[str, str], str] = {
    ("multifactor.enable", "provider"): literal_union(MFA_PROVIDERS),
    ("access.deny", "code"): literal_union(CREDENTIALS_EXCHANGE_DENY_CODES),
    ("authentication.challenge_with", "factor"): FACTOR_SELECTOR,
    ("authentication.challenge_with", "additional_factors"): f"{FACTOR_SELECTOR}[]",
    ("authentication.challenge_with_any", "factors"): f"{FACTOR_SELECTOR}[]",
    ("authentication.enroll_with", "factor"): FACTOR_SELECTOR,
    ("authentication.enroll_with_any", "factors"): f"{FACTOR_SELECTOR}[]",
    ("redirect.send_user_to", "query"): "Record<string, string | number | boolean>",
}


# --- the view ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class JsOption:
    """One field of an options object: ``allowRememberBrowser`` carries ``allow_remember_browser``."""

    name: str
    parameter: str  # the catalog method's parameter
    type: str  # TypeScript
    required: bool
    doc: str


@dataclass(frozen=True)
class JsParameter:
    """One JavaScript parameter: a catalog parameter, or an options object (``parameter`` None)."""

    name: str
    type: str  # TypeScript; for an options object the name of its interface
    required: bool
    parameter: str | None = None
    options: tuple[JsOption, ...] = ()


@dataclass(frozen=True)
class JsMethod:
    namespace: str  # "accessToken"
    name: str  # "setCustomClaim"
    canonical: str  # "access_token.set_custom_claim": the recorded method name
    parameters: tuple[JsParameter, ...]
    returns: str  # TypeScript
    doc: str
    # The catalog method's parameters in its signature's order, with whether each is required:
    # a recorded call lists the required ones' values in this order (``args``), the rest by name.
    catalog_parameters: tuple[tuple[str, bool], ...] = ()

    @property
    def path(self) -> str:
        """``accessToken.setCustomClaim`` (after ``api.``)."""
        return f"{self.namespace}.{self.name}"

    def signature(self) -> str:
        """``enable(provider, options?)``, for messages."""
        return f"{self.name}({', '.join(p.name + ('' if p.required else '?') for p in self.parameters)})"

    def python_call(self, arguments: Sequence[Any]) -> tuple[list[Any], dict[str, Any]]:
        """The catalog method's ``(args, kwargs)`` for a JavaScript call's arguments.

        Options-object fields become keyword arguments; an ``undefined`` options object (None or
        missing) passes nothing. Extra arguments are dropped, as a JavaScript function ignores
        them; missing ones are left to the catalog method, which names what is missing. An
        options object that is not an object raises ApiUsageError naming the method.
        """
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for index, param in enumerate(self.parameters):
            if index >= len(arguments):
                break
            value = arguments[index]
            if param.parameter is not None:
                args.append(value)
                continue
            if value is None:
                continue
            if not isinstance(value, Mapping):
                shape = ", ".join(o.name for o in param.options)
                raise ApiUsageError(
                    f"api.{self.path}: {param.name} must be an object like {{{shape}}}, got {_js_kind(value)}"
                )
            for option in param.options:
                if option.name in value:
                    kwargs[option.parameter] = value[option.name]
        return args, kwargs

    def call_text(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        """A recorded call (``args``, ``kwargs`` in the catalog's terms) as a JavaScript action
        wrote it: ``api.multifactor.enable("duo", {allowRememberBrowser: true})``. The inverse of
        `python_call`: what the options object carried goes back into it, under Auth0's names."""
        required = [name for name, needed in self.catalog_parameters if needed]
        values: dict[str, Any] = dict(zip(required, args))
        values.update(kwargs)
        written: list[str] = []
        for param in self.parameters:
            if param.parameter is not None:
                if param.parameter not in values:
                    break  # not recorded (the call failed to bind); nothing after it was either
                written.append(_js_literal(values[param.parameter]))
                continue
            fields = [f"{o.name}: {_js_literal(values[o.parameter])}" for o in param.options if o.parameter in values]
            if fields or param.required:
                written.append("{" + ", ".join(fields) + "}")
        return f"api.{self.path}({', '.join(written)})"

    def javascript_message(self, message: str) -> str:
        """A catalog ApiUsageError message in this method's JavaScript words, for the error a
        JavaScript action sees: ``api.multifactor.enable: allow_remember_browser must be a bool,
        got str`` → ``… options.allowRememberBrowser must be a boolean, got string``."""
        text = message.replace(f"api.{self.canonical}", f"api.{self.path}")
        # The recorder names the Python signature when a call does not bind.
        text = re.sub(rf"api\.{re.escape(self.path)}\([^)]*\)",
                      f"api.{self.path}({', '.join(p.name for p in self.parameters)})", text)
        renames = {p.parameter: p.name for p in self.parameters if p.parameter}
        renames.update({o.parameter: f"{p.name}.{o.name}" for p in self.parameters for o in p.options})
        for python, javascript in renames.items():
            if python != javascript:
                text = re.sub(rf"(?<![\w.]){re.escape(python)}\b", javascript, text)
        for pattern, replacement in _MESSAGE_WORDS:
            text = pattern.sub(replacement, text)
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "canonical": self.canonical,
            "parameters": [
                {
                    "name": p.name,
                    "required": p.required,
                    **({"parameter": p.parameter} if p.parameter is not None else {}),
                    **({"options": [{"name": o.name, "parameter": o.parameter, "required": o.required}
                                    for o in p.options]} if p.options else {}),
                }
                for p in self.parameters
            ],
            "returns_api": self.returns.endswith("Api"),
        }


def _js_literal(value: Any) -> str:
    # JSON is JavaScript's literal syntax for the values a call records (json_safe made them so).
    return json.dumps(value, ensure_ascii=False)


def _js_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    return type(value).__name__


@dataclass(frozen=True)
class JsNamespace:
    name: str  # "accessToken"
    canonical: str  # "access_token"
    interface: str  # TypeScript interface name, the catalog class's: "PostLoginAccessTokenApi"
    doc: str
    methods: tuple[JsMethod, ...]


@dataclass(frozen=True)
class JsTrigger:
    """One trigger as JavaScript sees it."""

    trigger_id: str
    execute_handler: str  # "onExecutePostLogin"
    continue_handler: str | None  # "onContinuePostLogin"
    event_type: str  # "PostLoginEvent"
    api_type: str  # "PostLoginApi"
    namespaces: tuple[JsNamespace, ...]

    def handler_names(self) -> tuple[str, ...]:
        return (self.execute_handler,) + ((self.continue_handler,) if self.continue_handler else ())

    def phase_of(self, handler: str) -> str | None:
        """``"execute"`` / ``"continue"`` for a handler name, None for any other name."""
        return {self.execute_handler: "execute", self.continue_handler: "continue"}.get(handler)

    def methods(self) -> tuple[JsMethod, ...]:
        return tuple(m for ns in self.namespaces for m in ns.methods)

    def method(self, path: str) -> JsMethod:
        """``"accessToken.setCustomClaim"`` → its JsMethod; KeyError listing the methods otherwise."""
        for m in self.methods():
            if m.path == path:
                return m
        raise KeyError(f"the {self.trigger_id} api has no {path}; it has: {', '.join(m.path for m in self.methods())}")

    def by_canonical(self, canonical: str) -> JsMethod:
        """``"access_token.set_custom_claim"`` → its JsMethod (KeyError when the trigger lacks it)."""
        for m in self.methods():
            if m.canonical == canonical:
                return m
        raise KeyError(f"the {self.trigger_id} api has no {canonical}")

    def to_json(self) -> dict[str, Any]:
        """A JSON-able description of the trigger's JavaScript api, for the node runtime to build
        its ``api`` object from (names, canonical names, how arguments map)."""
        return {
            "trigger": self.trigger_id,
            "handlers": {"execute": self.execute_handler, "continue": self.continue_handler},
            "namespaces": [
                {"name": ns.name, "canonical": ns.canonical, "methods": [m.to_json() for m in ns.methods]}
                for ns in self.namespaces
            ],
        }


@cache
def javascript_view(trigger_id: str) -> JsTrigger:
    """The JavaScript view of one trigger; UnknownTriggerError lists the valid ids."""
    trigger = get_trigger(trigger_id)
    api_type = trigger.api_class.__name__
    namespaces = tuple(
        JsNamespace(
            name=camel(name),
            canonical=name,
            interface=cls.__name__,
            doc=js_prose(cls.__doc__ or ""),
            methods=tuple(_method(name, cls, method, api_type) for method in api_methods_of(cls)),
        )
        for name, cls in trigger.api_class.NAMESPACES.items()
    )
    return JsTrigger(
        trigger_id=trigger.id,
        execute_handler=camel(trigger.execute_handler),
        continue_handler=camel(trigger.continue_handler) if trigger.continue_handler else None,
        event_type=trigger.event_model.__name__,
        api_type=api_type,
        namespaces=namespaces,
    )


def all_views() -> dict[str, JsTrigger]:
    return {trigger_id: javascript_view(trigger_id) for trigger_id in TRIGGERS}


def _method(namespace: str, cls: type[Namespace], name: str, api_type: str) -> JsMethod:
    func = getattr(cls, name)
    canonical = f"{namespace}.{name}"
    hints = typing.get_type_hints(func)
    params = [p for p in inspect.signature(func).parameters.values() if p.name != "self"]
    table = _OPTION_OBJECTS.get(canonical)
    in_object = table or {}

    def param_type(p: inspect.Parameter) -> str:
        return _PARAMETER_TYPES.get((canonical, p.name)) or ts_type(hints[p.name])

    parameters = [
        JsParameter(camel(p.name), param_type(p), p.default is inspect.Parameter.empty, parameter=p.name)
        for p in params
        if p.name not in in_object
    ]
    renames: dict[str, str] = {p.name: camel(p.name) for p in params}
    if table:
        options = tuple(
            JsOption(js_name, p.name, param_type(p), p.default is inspect.Parameter.empty, _option_doc(doc, p))
            for p in params
            if p.name in in_object
            for js_name, doc in (in_object[p.name],)
        )
        interface = f"{pascal(namespace)}{pascal(name)}Options"  # MultifactorEnableOptions
        parameters.append(JsParameter("options", interface, any(o.required for o in options), options=options))
        renames.update({o.parameter: f"options.{o.name}" for o in options})
    returned = hints.get("return", type(None))
    returns = api_type if returned is type(None) else _return_type(returned)
    return JsMethod(
        namespace=camel(namespace),
        name=camel(name),
        canonical=canonical,
        parameters=tuple(parameters),
        returns=returns,
        doc=js_prose(func.__doc__ or "", parameters=renames, context="method"),
        catalog_parameters=tuple((p.name, p.default is inspect.Parameter.empty) for p in params),
    )


def _option_doc(doc: str, parameter: inspect.Parameter) -> str:
    # Limits come from limits.py and defaults from the catalog's signature, never from this table.
    doc = doc.format_map(as_format_map())
    if parameter.default not in (inspect.Parameter.empty, None):
        doc += f" Default: {json.dumps(parameter.default)}."
    return doc


def _return_type(tp: Any) -> str:
    # A Python method returns None for "nothing found" (cache.get); JavaScript returns undefined.
    text = ts_type(tp)
    return f"{text} | undefined" if is_optional(tp) else text


# --- prose -------------------------------------------------------------------------------------

_API_REFERENCE = re.compile(r"\bapi\.([a-z_]+)(?:\.([a-z_]+))?")
_HANDLER_REFERENCE = re.compile(r"\bon_(?:execute|continue)_[a-z_]+")
_CODE_REFERENCE = re.compile(r"``([A-Za-z_][A-Za-z0-9_]*)``")
_TUPLE_LITERAL = re.compile(r'\(((?:"[^"]*",\s*)+(?:"[^"]*")?)\)')
# Python words in the catalog's docstrings and what a JavaScript reader reads instead.
_METHOD_WORDS = (
    (re.compile(r"\bNone deletes\b"), "`null` deletes"),
    (re.compile(r"\bNone\b"), "`undefined`"),
    (re.compile(r"\bRaises ApiUsageError\b"), "Throws an error"),
    (re.compile(r"\ba dict\b"), "an object"),
    (re.compile(r"\ba str\b"), "a string"),
    (re.compile(r"\bstr\b"), "string"),
    (re.compile(r"\bor bool\b"), "or boolean"),
)
# Python's type names in the catalog's error messages (`got {type(value).__name__}`).
_MESSAGE_WORDS = (
    (re.compile(r"\bNoneType None\b|\bNoneType\b|\bNone\b"), "null"),
    (re.compile(r"\bbool\b"), "boolean"),
    (re.compile(r"\bstr\b"), "string"),
    (re.compile(r"\ba dict\b"), "an object"),
    (re.compile(r"\bdict\b"), "object"),
    (re.compile(r"\ba (list|tuple)\b"), "an array"),
    (re.compile(r"\b(list|tuple)\b"), "array"),
    (re.compile(r"\b(int|float)\b"), "number"),
    (re.compile(r"\bjson\.dumps\b"), "JSON.stringify"),
    (re.compile(r"\bTrue\b"), "true"),
    (re.compile(r"\bFalse\b"), "false"),
)
_COMMON_WORDS = (
    (re.compile(r"\bTrue\b"), "`true`"),
    (re.compile(r"\bFalse\b"), "`false`"),
    (re.compile(r"\bdict\b"), "object"),
)


def js_prose(
    text: str,
    *,
    parameters: Mapping[str, str] | None = None,
    context: str = "field",
) -> str:
    """A catalog docstring or field description as a JavaScript reader needs it.

    Python names become Auth0's JavaScript ones (``api.user.set_app_metadata`` →
    ``api.user.setAppMetadata``, ``on_continue_post_login`` → ``onContinuePostLogin``),
    ````param```` references become `` `param` `` (or `` `options.name` `` for an options-object
    field), tuples become arrays, and Python's None/True/False/dict/str read as JavaScript: in a
    field's description None means "absent" (the wire JSON leaves the field out), in a method's
    "undefined" (and "None deletes" reads "null deletes").
    """
    text = inspect.cleandoc(text)
    parameters = parameters or {}
    text = _CODE_REFERENCE.sub(lambda m: f"`{parameters.get(m.group(1), m.group(1))}`", text).replace("``", "`")
    text = _API_REFERENCE.sub(
        lambda m: "api." + camel(m.group(1)) + (f".{camel(m.group(2))}" if m.group(2) else ""), text
    )
    text = _HANDLER_REFERENCE.sub(lambda m: camel(m.group(0)), text)
    text = _TUPLE_LITERAL.sub(lambda m: "[" + m.group(1).rstrip(", ") + "]", text)
    # The Python event is read-only; a JavaScript action may change its copy (to no effect).
    text = re.sub(r" \(read-only mapping\)|, read-only\b|read-only, ", "", text)
    if context == "method":
        for pattern, replacement in _METHOD_WORDS:
            text = pattern.sub(replacement, text)
    else:
        text = re.sub(r"(^|[.;:]\s+)None\b", lambda m: m.group(1) + "Absent", text)
        text = re.sub(r"\bNone\b", "absent", text)
    for pattern, replacement in _COMMON_WORDS:
        text = pattern.sub(replacement, text)
    return text


def main(argv: list[str] | None = None) -> int:
    """``python -m actions_studio.triggers.javascript [TRIGGER]``: the JSON description of the
    JavaScript api of one trigger, or of all (what the node runtime builds its ``api`` from)."""
    parser = argparse.ArgumentParser(prog="python -m actions_studio.triggers.javascript", description=main.__doc__)
    parser.add_argument("trigger", nargs="?", choices=list(TRIGGERS), help="one trigger (default: every trigger)")
    args = parser.parse_args(argv)
    if args.trigger:
        print(json.dumps(javascript_view(args.trigger).to_json(), indent=2))
    else:
        print(json.dumps([view.to_json() for view in all_views().values()], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

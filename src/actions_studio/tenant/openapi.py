"""`/openapi.json` as the API really is (issue 13, item 10): every status an operation answers, with
its error body and headers, the OAuth2 scope each Management API operation needs, and the
constraints that depend on the tenant's data (its connections) filled in.

FastAPI documents only a 200 and a 422 it never sends; the routes' own modules state their bodies'
rules (patterns, enums, lengths), this module adds what no route can see: the error shapes of
errors.py, the 413 of bodylimit.py, the 401/403/429 of security.py, and the table below of the
4xx each operation can answer. (security.py documents the OAuth2 scopes.) tests/tenant/test_openapi_fuzz.py holds the document to the server
with every schemathesis check.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from fastapi import FastAPI

API_ERROR = {
    "type": "object", "required": ["statusCode", "error", "message", "errorCode"],
    "properties": {"statusCode": {"type": "integer"}, "error": {"type": "string"},
                   "message": {"type": "string"}, "errorCode": {"type": "string"}},
    "description": "A Management API refusal (also every 413)."}
OAUTH_ERROR = {
    "type": "object", "required": ["error", "error_description"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
    "description": "An authentication-endpoint refusal (Auth0's shape; signup adds name, code, "
                   "description, statusCode; mfa_required adds mfa_token)."}
PAGE = {"type": "string", "description": "an HTML page saying what is wrong"}

REASONS = {
    400: "malformed request: the message names the parameter or field",
    401: "missing, expired or forged credentials",
    403: "not allowed: a missing scope, a refused client or grant, a denied login",
    404: "no such resource (or login, state, client) on this tenant",
    409: "conflicts with the tenant's current state; the message says what to change",
    413: "request body over 1 MB",
    415: "the body is neither JSON nor a form",
    429: "a rate limit or attack protection; Retry-After says when to try again",
    503: "the tenant's database (or, where an action runs, the sandbox) is unavailable; Retry-After "
         "says when to try again",
}

# The 4xx/5xx of each operation beyond the automatic ones: 400 (when it takes query parameters
# or a body), 413 (any request may carry a body), 503 (every operation but discovery's reads the
# store, which may be away: errors.py), and on the Management API 401, 403 and 429.
EXTRA: dict[tuple[str, str], tuple[int, ...]] = {
    ("post", "/oauth/token"): (400, 401, 403, 415, 429),
    ("get", "/authorize"): (403, 404),
    ("post", "/u/login"): (400, 404, 415),
    ("get", "/continue"): (404,),
    ("post", "/continue"): (404, 415),
    ("post", "/dbconnections/signup"): (400, 401, 409, 415, 429),
    ("post", "/passwordless/start"): (400, 401, 415, 429),
    ("post", "/api/v2/actions/actions"): (409,),
    ("get", "/api/v2/actions/actions/{id}"): (404,),
    ("patch", "/api/v2/actions/actions/{id}"): (404, 409),
    ("delete", "/api/v2/actions/actions/{id}"): (404, 409),
    # 400 as Auth0 answers a draft that is not built ("must be in the 'built' state").
    ("post", "/api/v2/actions/actions/{id}/deploy"): (400, 404, 409),
    ("post", "/api/v2/actions/actions/{id}/test"): (404, 409),
    ("get", "/api/v2/actions/actions/{actionId}/versions"): (404,),
    ("get", "/api/v2/actions/actions/{actionId}/versions/{id}"): (404,),
    ("post", "/api/v2/actions/actions/{actionId}/versions/{id}/deploy"): (404, 409),
    ("get", "/api/v2/actions/triggers/{triggerId}/bindings"): (404,),
    ("patch", "/api/v2/actions/triggers/{triggerId}/bindings"): (404, 409),
    ("get", "/api/v2/actions/executions/{id}"): (404,),
    ("get", "/api/v2/actions/executions/{id}/event"): (404,),  # not recorded, or past retention
    ("post", "/api/v2/users"): (409,),
    ("get", "/api/v2/users/{id}"): (404,),
    ("patch", "/api/v2/users/{id}"): (404, 409),
    ("delete", "/api/v2/users/{id}"): (404,),
    ("get", "/api/v2/user-blocks/{id}"): (404,),
    ("delete", "/api/v2/user-blocks/{id}"): (404,),
    ("get", "/api/v2/clients/{id}"): (404,),
    ("patch", "/api/v2/clients/{id}"): (404,),
    ("get", "/api/v2/logs/{id}"): (404,),
    ("post", "/api/v2/token-exchange-profiles"): (404, 409),
    ("post", "/dbconnections/change_password"): (400, 401, 415, 429),
    ("get", "/u/reset-password"): (403, 404),
    ("post", "/u/reset-password"): (400, 404, 415),
    ("get", "/u/email-verification"): (404,),
    ("post", "/api/v2/tickets/password-change"): (404,),
    ("post", "/api/v2/tickets/email-verification"): (404,),
    ("get", "/api/v2/token-exchange-profiles/{id}"): (404,),
    ("patch", "/api/v2/token-exchange-profiles/{id}"): (404, 409),
}
# The statuses whose answer is an HTML page (as well as, for some, a JSON refusal).
PAGES = {("get", "/authorize"): {400, 403, 404}, ("get", "/u/reset-password"): {403, 404},
         ("post", "/u/reset-password"): {400, 404}, ("get", "/u/email-verification"): {404}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _response(status: int, management: bool, page: bool) -> dict[str, Any]:
    content = _json({"$ref": "#/components/schemas/ApiError" if management or status == 413
                     else "#/components/schemas/OAuthError"})
    if page:
        content = {"text/html": {"schema": PAGE}, **({} if status == 404 else content)}
    out: dict[str, Any] = {"description": REASONS[status], "content": content}
    if status in (429, 503):
        out["headers"] = {"Retry-After": {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"},
                                          "description": "seconds until a retry may succeed"}}
    elif status == 401 and management:
        out["headers"] = {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}}
    return out


def _statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    statuses = {413, *EXTRA.get((method, path), ())}
    if not path.startswith("/.well-known/"):  # the key and the discovery document are in memory
        statuses.add(503)
    takes_input = "requestBody" in operation or any(
        p.get("in") == "query" for p in operation.get("parameters", []))
    if takes_input:
        statuses.add(400)
    if path.startswith("/api/v2/"):
        statuses |= {401, 403, 429}
    return statuses


def _fill_in(node: Any, values: dict[str, Any]) -> None:
    """A route's markers for data-dependent rules: `{"x-tenant-enum": name}` → `enum` (a list of
    values) and `{"x-tenant-pattern": name}` → `pattern`; `not: {}` when nothing is valid."""
    if isinstance(node, dict):
        for marker, keyword in (("x-tenant-enum", "enum"), ("x-tenant-pattern", "pattern")):
            name = node.pop(marker, None)
            if name is not None:
                value = values.get(name)
                if value:
                    node[keyword] = value
                else:
                    node["not"] = {}
        for value in node.values():
            _fill_in(value, values)
    elif isinstance(node, list):
        for value in node:
            _fill_in(value, values)


def install(app: FastAPI, tenant_values: Callable[[], Optional[dict[str, Any]]],
            defaults: dict[str, Any]) -> None:
    """Replaces `app.openapi`. `tenant_values()` gives the data-dependent rules (the tenant's
    connections, its applications' callbacks), or None before the store is open (the document then
    shows `defaults`). The document is built again whenever they change."""
    plain = app.openapi
    built: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        values = tenant_values()
        current = values if values is not None else defaults
        if built.get("values") == current:
            return built["doc"]
        app.openapi_schema = None   # FastAPI caches the plain document; ours is built on top of it
        doc = plain()
        app.openapi_schema = None
        _complete(doc)
        _fill_in(doc, current)
        built.update(values=current, doc=doc)
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(doc: dict[str, Any]) -> None:
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):  # the 422 the tenant never sends
        schemas.pop(name, None)
    schemas.update(ApiError=API_ERROR, OAuthError=OAUTH_ERROR)
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            pages = PAGES.get((method, path), set())
            for status in sorted(_statuses(method, path, operation)):
                responses[str(status)] = _response(status, path.startswith("/api/v2/"), status in pages)
            for status, response in responses.items():
                if status.startswith("3"):
                    response["headers"] = {"Location": {"required": True, "schema": {"type": "string"}}}
                    response.pop("content", None)

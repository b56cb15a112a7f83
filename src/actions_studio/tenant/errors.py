"""Error bodies of the tenant, in Auth0's shapes, and the handlers that guarantee them.

Management API: `{statusCode, error, message, errorCode}`. OAuth endpoints: `{error,
error_description}` (what `auth0.authentication` parses). Bad input is always a 4xx naming the field;
a database that cannot serve right now (store/outage.py) is a 503 with Retry-After; an unexpected
exception becomes a logged 500 with the same shape, never a stack trace.
"""

from __future__ import annotations

import logging
import re
import time
from http import HTTPStatus
from typing import Any, Optional

from fastapi import FastAPI, Request
from sqlalchemy import exc as sa_exc
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .management import unserved_endpoint
from .store.outage import outage_reason

log = logging.getLogger("actions_studio.tenant")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ApiError(Exception):
    """A Management API refusal: status, one-line message, machine-readable code."""

    def __init__(self, status: int, message: str, error_code: Optional[str] = None,
                 headers: Optional[dict[str, str]] = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code or _default_code(status)
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return {"statusCode": self.status, "error": _reason(self.status),
                "message": self.message, "errorCode": self.error_code}


class OAuthError(Exception):
    """An authentication-endpoint refusal: `{error, error_description}` plus extra fields."""

    def __init__(self, status: int, error: str, description: str,
                 headers: Optional[dict[str, str]] = None,
                 extra: Optional[dict[str, Any]] = None) -> None:
        super().__init__(description)
        self.headers = headers
        self.status = status
        self.error = error
        self.description = description
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.description, **self.extra}


def _default_code(status: int) -> str:
    return {400: "invalid_body", 401: "invalid_token", 403: "insufficient_scope",
            404: "inexistent_resource", 405: "method_not_allowed", 409: "conflict",
            413: "payload_too_large", 415: "unsupported_media_type", 429: "too_many_requests",
            }.get(status, "server_error" if status >= 500 else "bad_request")


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def bad_request(message: str, code: str = "invalid_body") -> ApiError:
    return ApiError(400, message, code)


def _field_path(loc: tuple[Any, ...]) -> str:
    # ("body", "supported_triggers", 0, "id") -> "supported_triggers[0].id"
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def validation_message(exc: RequestValidationError) -> str:
    messages = []
    for err in exc.errors()[:5]:
        loc = tuple(err.get("loc", ()))
        where = "query" if loc[:1] == ("query",) else "path" if loc[:1] == ("path",) else "body"
        field = _field_path(loc)
        msg = err.get("msg", "invalid")
        if err.get("type") == "json_invalid":
            messages.append(f"malformed JSON in the request body: {msg}")
        elif field == "body" or (where == "body" and len(loc) <= 1):
            messages.append(f"request body: {msg}")
        else:
            messages.append(f"{where} field '{field}': {msg}")
    return "; ".join(messages) or "invalid request"


def _is_oauth_path(path: str) -> bool:
    return path.startswith(("/oauth/", "/dbconnections/", "/passwordless/", "/continue",
                            "/authorize", "/u/"))


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods of every documented operation whose path template matches `path`."""
    methods: set[str] = set()
    for template, operations in app.openapi().get("paths", {}).items():
        if re.fullmatch(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)), path):
            methods |= {m.upper() for m in operations}
    if "GET" in methods:
        methods.add("HEAD")  # Starlette answers HEAD wherever it answers GET
    return sorted(methods)


RETRY_AFTER_S = 2       # what a 503 of an unavailable database asks a client to wait
OUTAGE_LOG_EVERY_S = 10.0


class OutageLog:
    """One log line per outage, not one per request: a busy tenant whose database went away
    answers hundreds of 503s a second. The first failure is logged with the driver's reason;
    later ones are counted and summed up in a line at most every ``OUTAGE_LOG_EVERY_S``."""

    def __init__(self) -> None:
        self.last = float("-inf")
        self.unlogged = 0

    def note(self, reason: str, method: str, path: str) -> None:
        now = time.monotonic()
        if now - self.last < OUTAGE_LOG_EVERY_S:
            self.unlogged += 1
            return
        more = f" ({self.unlogged} more answered 503 since the last line)" if self.unlogged else ""
        log.warning("the database is unavailable (%s): %s %s answered 503%s", reason, method, path, more)
        self.last, self.unlogged = now, 0


def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    message = f"internal error ({type(exc).__name__})"  # its words may hold data: they stay in the log
    if _is_oauth_path(request.url.path):
        return JSONResponse({"error": "server_error", "error_description": message}, status_code=500)
    return JSONResponse(ApiError(500, message).body(), status_code=500)


class UnexpectedErrors:
    """The innermost of the app's middlewares (pure ASGI): an exception that no handler took
    becomes the logged 500 (`_server_error`), once, on a connection that stays open.

    A handler of `Exception` alone would not do: Starlette runs it in its outermost middleware,
    which re-raises after answering, so the server logged a second traceback and closed the
    client's keep-alive connection (and a proxy's pooled one). Once the answer has started, the
    exception goes on: closing the connection is then the only way to tell the client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            if started:
                raise
            await _server_error(Request(scope), exc)(scope, receive, send)


def install_handlers(app: FastAPI) -> None:
    outages = OutageLog()
    app.add_middleware(UnexpectedErrors)  # first, so innermost: the app's own middlewares are outside it

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(OAuthError)
    async def _oauth_error(_request: Request, exc: OAuthError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        message = validation_message(exc)
        if _is_oauth_path(request.url.path):
            return JSONResponse({"error": "invalid_request", "error_description": message},
                                status_code=400)
        return JSONResponse(ApiError(400, message, "invalid_body").body(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _reason(exc.status_code)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 404 and detail == "Not Found":
            if request.url.path.startswith("/api/v2/"):
                detail = unserved_endpoint(request.method, request.url.path)
            else:
                detail = f"no such endpoint: {request.method} {request.url.path}"
        if exc.status_code == 405:
            # Starlette names only the methods of the first route that matched the path; RFC 9110
            # wants all of them (and /openapi.json lists them).
            allowed = allowed_methods(request.app, request.url.path)
            headers["Allow"] = ", ".join(allowed)
            detail = f"{request.method} is not allowed on {request.url.path} (allowed: {', '.join(allowed)})"
        return JSONResponse(ApiError(exc.status_code, detail).body(), status_code=exc.status_code,
                            headers=headers or None)

    @app.exception_handler(sa_exc.DataError)
    async def _unstorable(request: Request, exc: sa_exc.DataError) -> JSONResponse:
        # A value the database refuses to store (issue 18): PostgreSQL stores no NUL (U+0000) in
        # text, where SQLite does (store/db.py lets lookups by one find nothing). Bad input: a 400
        # naming why.
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "invalid value"
        if "NUL" in reason or "0x00" in reason:
            reason = "text may not contain NUL (U+0000) characters"
        message = f"a value in this request cannot be stored: {reason}"
        if _is_oauth_path(request.url.path):
            return JSONResponse({"error": "invalid_request", "error_description": message},
                                status_code=400)
        return JSONResponse(ApiError(400, message, "invalid_body").body(), status_code=400)

    # Registered for the driver's errors (and the pool's timeout), not only for Exception: a
    # handler of Exception runs in Starlette's outermost middleware, which re-raises after it
    # answers, so the server logs a second traceback and drops the client's keep-alive connection.
    @app.exception_handler(sa_exc.DBAPIError)
    @app.exception_handler(sa_exc.TimeoutError)
    async def _store_error(request: Request, exc: Exception) -> JSONResponse:
        reason = outage_reason(exc)
        if reason is None:
            return _server_error(request, exc)
        outages.note(reason, request.method, request.url.path)
        # The driver's reason stays in the log: it names hosts, sockets and paths.
        message = "the tenant's database is unavailable; try again in a moment"
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        if _is_oauth_path(request.url.path):
            return JSONResponse({"error": "temporarily_unavailable", "error_description": message},
                                status_code=503, headers=headers)
        return JSONResponse(ApiError(503, message, "database_unavailable").body(), status_code=503,
                            headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # What is left for it: an exception in a middleware outside UnexpectedErrors.
        return _server_error(request, exc)

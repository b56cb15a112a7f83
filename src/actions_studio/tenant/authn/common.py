"""What the authentication endpoints share: body parsing, client authentication, event parts."""

from __future__ import annotations

import base64
import hmac
import json
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl

from fastapi import Request

from ..bootstrap import secret_sha256
from ..context import TenantContext
from ..errors import OAuthError
from ..ratelimit import RateLimiter
from ..store.directory import get_client

# Never shown to an action: Auth0 strips credentials from `event.request.body`.
_HIDDEN_FIELDS = {"password", "client_secret", "client_assertion", "code", "otp", "mfa_token"}

def string(max_len: int, min_len: int = 0, **extra: Any) -> dict[str, Any]:
    """A body field `text()` reads: a string of at most `max_len` (the same bound `text()` applies)."""
    schema: dict[str, Any] = {"type": "string", "maxLength": max_len, **extra}
    if min_len:
        schema["minLength"] = min_len
    return schema


def form_or_json(properties: dict[str, Any], required: list[str],
                 json_only: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """The OpenAPI request body of a hand-parsed endpoint (JSON or form, like Auth0). In JSON an
    optional field may be null (it is dropped, as when absent); `json_only` fields (objects) cannot
    be sent as a form."""
    def nullable(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return schema if name in required else {"anyOf": [schema, {"type": "null"}]}

    as_json = {"type": "object", "required": required, "properties": {
        **{k: nullable(k, v) for k, v in properties.items()}, **(json_only or {})}}
    as_form = {"type": "object", "required": required, "properties": properties}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": as_json},
        "application/x-www-form-urlencoded": {"schema": as_form}}}}


async def read_params(request: Request) -> dict[str, Any]:
    """JSON or form body → a flat map; nulls dropped (the SDK sends `"realm": null`). JSON numbers
    and booleans stay what they are, so `text()` refuses them: a parameter is a string."""
    raw = await request.body()
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not raw:
        return {}
    if ctype == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise OAuthError(400, "invalid_request", "the form body is not UTF-8") from None
        return dict(pairs)
    if ctype not in ("application/json", ""):
        raise OAuthError(415, "invalid_request", f"unsupported content type '{ctype}': send "
                         "application/json or application/x-www-form-urlencoded")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise OAuthError(400, "invalid_request", f"malformed JSON body: {exc}") from None
    if not isinstance(data, dict):
        raise OAuthError(400, "invalid_request", "the JSON body must be an object")
    return {key: value for key, value in data.items() if value is not None}


def text(params: dict[str, Any], name: str, *, required: bool = True, max_len: int = 512
         ) -> Optional[str]:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise OAuthError(400, "invalid_request", f"Missing required parameter: {name}")
        return None
    if not isinstance(value, str):
        raise OAuthError(400, "invalid_request", f"Parameter {name} must be a string")
    if len(value) > max_len:
        raise OAuthError(400, "invalid_request", f"Parameter {name} is longer than {max_len} characters")
    return value


def basic_credentials(request: Request) -> tuple[Optional[str], Optional[str]]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
            cid, _, secret = decoded.partition(":")
            return cid, secret
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(401, "invalid_client", "malformed Basic authorization header") from None
    return None, None


def client_of(ctx: TenantContext, conn: Any, request: Request, params: dict[str, Any],
              *, secret_required: bool = True,
              find: Optional[Callable[[str], Optional[dict[str, Any]]]] = None) -> dict[str, Any]:
    """Authenticates the calling application (client_secret_post or client_secret_basic).
    `find`: the application's row by client id (default: read now; `/oauth/token` passes
    `Kept.client`, what its process keeps)."""
    basic_id, basic_secret = basic_credentials(request)
    client_id = basic_id or text(params, "client_id", max_len=128)
    secret = basic_secret or text(params, "client_secret", required=False, max_len=256)
    wait = ctx.auth_limiter.take(client_id or "")
    if wait:
        raise OAuthError(429, "too_many_requests", "Too many requests for this client",
                         headers={"Retry-After": RateLimiter.retry_after(wait)})
    client = find(client_id) if find is not None else get_client(conn, client_id)
    if client is None:
        raise OAuthError(401, "access_denied", "Unauthorized")
    if secret_required or secret is not None:
        if secret is None or not hmac.compare_digest(secret_sha256(secret), client["secret_sha256"]):
            raise OAuthError(401, "access_denied", "Unauthorized")
    return client


def event_request(request: Request, params: dict[str, Any], *, with_query: bool = True
                  ) -> dict[str, Any]:
    """`event.request`: where the call came from, its body without credentials."""
    body = {k: v for k, v in params.items() if k not in _HIDDEN_FIELDS}
    out: dict[str, Any] = {
        "ip": request.client.host if request.client else "127.0.0.1",
        "method": request.method,
        "hostname": request.url.hostname or "localhost",
        "body": body, "geoip": {},
    }
    ua = request.headers.get("user-agent")
    if ua:
        out["user_agent"] = ua[:512]
    lang = request.headers.get("accept-language")
    if lang:
        out["language"] = lang.split(",")[0].strip()[:35]
    if with_query:
        out["query"] = {k: v for k, v in request.query_params.items()}
    return out


def client_event(client: dict[str, Any]) -> dict[str, Any]:
    return {"client_id": client["client_id"], "name": client["name"],
            "metadata": client["metadata"]}


def connection_event(connection: dict[str, Any]) -> dict[str, Any]:
    return {"id": connection["id"], "name": connection["name"], "strategy": connection["strategy"],
            "metadata": connection["metadata"]}

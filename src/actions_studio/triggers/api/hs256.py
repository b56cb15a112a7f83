"""Minimal HS256 JWTs for api.redirect (stdlib only: the sandbox zygote preloads this package)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


class TokenError(ValueError):
    """A token that is malformed, badly signed or expired; the message says which."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise TokenError("the token is not valid base64url") from exc


def _sign(signing_input: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()


def encode(claims: dict[str, Any], secret: str) -> str:
    header = {"alg": "HS256", "typ": "JWT"}
    segments = [
        _b64encode(json.dumps(header, separators=(",", ":")).encode()),
        _b64encode(json.dumps(claims, separators=(",", ":")).encode()),
    ]
    signing_input = ".".join(segments).encode("ascii")
    return ".".join([*segments, _b64encode(_sign(signing_input, secret))])


def decode(token: str, secret: str, *, now_s: int) -> dict[str, Any]:
    """The claims of ``token`` after checking its HS256 signature and its ``exp``."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("the token is not a JWT (expected three dot-separated parts)")
    try:
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TokenError("the token's header or payload is not JSON") from exc
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise TokenError(f"the token's algorithm is {header.get('alg') if isinstance(header, dict) else None!r}, expected HS256")
    expected = _sign(f"{parts[0]}.{parts[1]}".encode("ascii"), secret)
    if not hmac.compare_digest(expected, _b64decode(parts[2])):
        raise TokenError("the token's signature does not match the secret")
    if not isinstance(claims, dict):
        raise TokenError("the token's payload is not a JSON object")
    exp = claims.get("exp")
    if exp is not None:
        if not isinstance(exp, (int, float)) or isinstance(exp, bool):
            raise TokenError(f"the token's exp claim is not a number: {exp!r}")
        if exp <= now_s:
            raise TokenError(f"the token expired {now_s - int(exp)} s ago")
    return claims

"""The tenant's RS256 signing key: created on first start, published as a JWKS, used for every token."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any, Optional

import jwt
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .store import Database, now_iso, schema


def _b64url(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


@functools.lru_cache(maxsize=16)
def _header_segment(kid: str, typ: str) -> bytes:
    # PyJWT's header: sorted keys, compact separators.
    return _b64url(json.dumps({"alg": "RS256", "kid": kid, "typ": typ}, separators=(",", ":"),
                              sort_keys=True).encode())


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    @property
    def public_jwk(self) -> dict[str, Any]:
        numbers = self.private_key.public_key().public_numbers()
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": _b64(numbers.n), "e": _b64(numbers.e)}

    def sign(self, claims: dict[str, Any], typ: Optional[str] = None) -> str:
        """The RS256 JWT `jwt.encode(claims, key, algorithm="RS256", headers={"kid", "typ"})`
        makes, byte for byte (a test holds them equal), without its per-call work around the
        signature: the header segment is built once per kid and typ, and the key is used as it is.
        Two of these per login, and the RSA signature itself is most of a login's CPU."""
        signing_input = _header_segment(self.kid, typ or "JWT") + b"." + _b64url(
            json.dumps(claims, separators=(",", ":")).encode())
        signature = self.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return (signing_input + b"." + _b64url(signature)).decode()

    def verify(self, token: str, *, audience: str | list[str], issuer: str) -> dict[str, Any]:
        """Raises jwt.InvalidTokenError (expired, forged, wrong audience/issuer, wrong key)."""
        header = jwt.get_unverified_header(token)
        if header.get("kid") != self.kid or header.get("alg") != "RS256":
            raise jwt.InvalidTokenError("token not signed by this tenant's key")
        return jwt.decode(token, self.private_key.public_key(), algorithms=["RS256"],
                          audience=audience, issuer=issuer, leeway=5,
                          options={"require": ["exp", "iat", "iss", "aud", "sub"]})


def load_or_create(db: Database) -> SigningKey:
    """The tenant's one key, from the store: every server process on it signs with the same one
    (issue 18). Writers are serialised (store/db.py), so of several processes starting on an empty
    store one creates the key and the others read it."""
    with db.write() as conn:
        row = conn.execute(sa.select(schema.signing_key).where(schema.signing_key.c.current)
                           .order_by(schema.signing_key.c.created_at, schema.signing_key.c.kid)).first()
        if row is not None:
            key = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
            return SigningKey(row.kid, key)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        kid = base64.urlsafe_b64encode(hashlib.sha256(der).digest()[:18]).decode().rstrip("=")
        conn.execute(sa.insert(schema.signing_key).values(
            kid=kid, private_pem=pem, created_at=now_iso(), current=True))
        return SigningKey(kid, key)


def epoch() -> int:
    return int(time.time())

"""Password hashing (argon2id) with a short-lived memo of successful verifications.

argon2id at OWASP's parameters (19 MiB, t=2) costs ~20 ms of CPU per check on the reference
machine; at the issue's 150 logins/s on 2 cores that alone would need 3 cores. So a successful
check is remembered for `ttl_s` as an HMAC of (stored hash, password) under a per-process random
key: a repeat login with the same password skips argon2, a wrong password always pays the full
argon2 cost (online guessing stays slow), a password change invalidates the memo (the stored hash
is part of the key) and nothing of it is persisted. `ttl_s=0` turns the memo off.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 8
_MIN_LENGTH = MIN_PASSWORD_LENGTH


class PasswordPolicyError(ValueError):
    pass


def check_policy(password: object) -> str:
    if not isinstance(password, str) or len(password) < _MIN_LENGTH:
        raise PasswordPolicyError(f"password is too weak: at least {_MIN_LENGTH} characters")
    if len(password) > 1024:
        raise PasswordPolicyError("password is too long: at most 1024 characters")
    return password


class Passwords:
    def __init__(self, *, ttl_s: float = 600.0, max_entries: int = 10_000,
                 memory_kib: int = 19456, time_cost: int = 2) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._ttl_s = ttl_s
        self._max = max_entries
        self._key = secrets.token_bytes(32)
        self._memo: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()
        # Each argon2 check holds `memory_kib` of RAM: 50 concurrent logins would need ~1 GB and
        # gain nothing on a 2-core machine. Checks queue here; a queued check of a password that
        # was just verified finds it in the memo and skips argon2.
        self._slots = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        with self._slots:
            return self._hasher.hash(password)

    def _memo_key(self, stored: str, password: str) -> bytes:
        return hmac.new(self._key, stored.encode() + b"\0" + password.encode("utf-8", "surrogatepass"),
                        hashlib.sha256).digest()

    def burn(self, password: str) -> None:
        """A check against a throwaway hash, for a login whose user does not exist: the answer
        then takes as long as a real wrong password, so timing does not tell which emails exist."""
        if self._dummy is None:
            self._dummy = self.hash(secrets.token_urlsafe(16))
        with self._slots:
            try:
                self._hasher.verify(self._dummy, password if isinstance(password, str) else "")
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                pass

    def _remembered(self, key: bytes) -> bool:
        with self._lock:
            expiry = self._memo.get(key)
            return expiry is not None and expiry > time.monotonic()

    def verify(self, stored: str | None, password: str) -> bool:
        if not stored or not isinstance(password, str):
            return False
        key = self._memo_key(stored, password) if self._ttl_s > 0 else b""
        if key and self._remembered(key):
            return True
        with self._slots:
            if key and self._remembered(key):
                return True
            try:
                self._hasher.verify(stored, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False
        if key:
            with self._lock:
                self._memo[key] = time.monotonic() + self._ttl_s
                self._memo.move_to_end(key)
                while len(self._memo) > self._max:
                    self._memo.popitem(last=False)
        return True

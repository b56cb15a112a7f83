"""Small pieces of the tenant without a server: passwords, shapes, the folder lock (the shared state's
pieces are in test_shared_state.py, on both databases)."""

from __future__ import annotations


import pytest

from actions_studio.tenant.passwords import Passwords
from actions_studio.tenant.serve_options import is_loopback
from actions_studio.tenant.users import apply_metadata


def test_passwords_memo_skips_argon2_only_for_the_right_password() -> None:
    passwords = Passwords(ttl_s=60, memory_kib=1024, time_cost=1)
    stored = passwords.hash("correct horse")
    assert passwords.verify(stored, "correct horse") and passwords.verify(stored, "correct horse")
    assert not passwords.verify(stored, "wrong horse") and not passwords.verify(None, "x")
    assert not passwords.verify(passwords.hash("other"), "correct horse")   # the hash is in the key
    off = Passwords(ttl_s=0, memory_kib=1024, time_cost=1)
    assert off.verify(off.hash("pw"), "pw")


def test_loopback_detection() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.com", ""]))


def test_metadata_merge_deletes_on_none() -> None:
    assert apply_metadata({"a": 1, "b": 2}, {"b": None, "c": 3}) == {"a": 1, "c": 3}
    assert apply_metadata({"a": 1}, None) == {"a": 1}


def test_the_data_folder_lock_refuses_a_second_holder_until_released(tmp_path) -> None:
    from actions_studio.tenant.folder_lock import DataFolderBusy, DataFolderLock

    first = DataFolderLock.acquire(tmp_path / "data", "http://127.0.0.1:1234")
    try:
        with pytest.raises(DataFolderBusy, match=r"already served by the tenant at http://127.0.0.1:1234 \(pid \d+\)"):
            DataFolderLock.acquire(tmp_path / "data", "http://127.0.0.1:5678")
    finally:
        first.release()
    second = DataFolderLock.acquire(tmp_path / "data", "http://127.0.0.1:5678")
    assert second.held
    second.release()
    assert not second.held


def test_a_token_is_the_one_pyjwt_signs_byte_for_byte_and_verifies() -> None:
    import time

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    from actions_studio.tenant.keys import SigningKey

    key = SigningKey("kid-1", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    claims = {"iss": "https://t.example/", "sub": "auth0|1", "aud": ["api", "https://t.example/userinfo"],
              "iat": int(time.time()), "exp": int(time.time()) + 600, "scope": "openid", "https://c/name": "Zoë ✓",
              "https://c/roles": ["a", "b"], "https://c/n": 3, "https://c/none": None}
    for typ in (None, "at+jwt"):
        expected = jwt.encode(claims, key.private_key, algorithm="RS256",
                              headers={"kid": "kid-1", **({"typ": typ} if typ else {})})
        assert key.sign(claims, typ=typ) == expected     # RS256 (PKCS#1 v1.5) is deterministic
        assert jwt.get_unverified_header(key.sign(claims, typ=typ)) == {
            "alg": "RS256", "kid": "kid-1", "typ": typ or "JWT"}
    assert key.verify(key.sign(claims), audience="api", issuer="https://t.example/")["https://c/name"] == "Zoë ✓"
    other = SigningKey("kid-2", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with pytest.raises(jwt.InvalidTokenError):
        key.verify(other.sign(claims), audience="api", issuer="https://t.example/")

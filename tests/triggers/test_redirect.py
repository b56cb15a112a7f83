"""api.redirect: send_user_to, HS256 tokens (checked against PyJWT), can_redirect."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from actions_studio.triggers import ApiUsageError

from .support import NOW_MS, make

SECRET = "a-long-shared-secret-for-the-redirect-page-of-at-least-64-bytes!!"
NOW_S = NOW_MS // 1000


def _with_query(**params):
    def change(payload):
        payload["request"]["query"].update(params)
    return change


def test_encode_token_is_a_valid_hs256_jwt_with_iat_exp_sub_and_the_payload() -> None:
    api = make("post-login")
    token = api.redirect.encode_token({"favourite": "blue", "n": 2}, SECRET, expires_in_seconds=120)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    assert claims == {"favourite": "blue", "n": 2, "sub": "auth0|5f7c8ec7c33c6c004bbafe82", "iat": NOW_S, "exp": NOW_S + 120}
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_encode_token_default_lifetime_is_15_minutes() -> None:
    token = make("post-login").redirect.encode_token({}, SECRET)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    assert claims["exp"] - claims["iat"] == 900


def test_round_trip_through_the_query_and_the_body() -> None:
    token = make("post-login").redirect.encode_token({"answer": 42}, SECRET)
    resumed = make("post-login", phase="continue", change=_with_query(session_token=token))
    assert resumed.redirect.validate_token(SECRET)["answer"] == 42

    def in_body(payload):
        payload["request"]["body"] = {"my_token": token}

    resumed = make("post-login", phase="continue", change=in_body)
    assert resumed.redirect.validate_token(SECRET, token_parameter_name="my_token")["answer"] == 42
    assert resumed.calls[-1] == {"method": "redirect.validate_token", "args": ["********"], "kwargs": {"token_parameter_name": "my_token"}}


def test_a_token_signed_by_pyjwt_validates() -> None:
    token = jwt.encode({"state": "s1", "exp": NOW_S + 60}, SECRET, algorithm="HS256")
    api = make("post-login", change=_with_query(session_token=token, state="s1"))
    assert api.redirect.validate_token(SECRET) == {"state": "s1", "exp": NOW_S + 60}


def test_a_token_for_another_state_is_refused() -> None:
    token = jwt.encode({"state": "other-login", "exp": NOW_S + 60}, SECRET, algorithm="HS256")
    api = make("post-login", change=_with_query(session_token=token, state="s1"))
    with pytest.raises(ApiUsageError, match="state claim does not match the request's state"):
        api.redirect.validate_token(SECRET)


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["answer"] = 43
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(
    ("make_token", "message"),
    [
        (lambda enc: _tamper(enc({"answer": 42})), "signature does not match"),
        (lambda enc: jwt.encode({"a": 1}, "another-secret-of-enough-length!", algorithm="HS256"), "signature does not match"),
        (lambda enc: jwt.encode({"a": 1, "exp": NOW_S - 5}, SECRET, algorithm="HS256"), "expired 5 s ago"),
        (lambda enc: jwt.encode({"a": 1, "exp": NOW_S}, SECRET, algorithm="HS256"), "expired 0 s ago"),
        (lambda enc: jwt.encode({"a": 1}, SECRET, algorithm="HS384"), "algorithm is 'HS384', expected HS256"),
        (lambda enc: "not-a-jwt", "not a JWT"),
        (lambda enc: "a.b.c", "not JSON"),
    ],
)
def test_tampered_expired_or_malformed_tokens_are_refused(make_token, message) -> None:
    encoder = make("post-login").redirect.encode_token
    token = make_token(lambda payload: encoder(payload, SECRET))
    api = make("post-login", phase="continue", change=_with_query(session_token=token))
    with pytest.raises(ApiUsageError, match=rf"api\.redirect\.validate_token: invalid 'session_token': .*{message}"):
        api.redirect.validate_token(SECRET)


def test_a_token_expires_after_its_lifetime() -> None:
    token = make("post-login").redirect.encode_token({}, SECRET, expires_in_seconds=60)
    fresh = make("post-login", now_ms=NOW_MS + 59_000, change=_with_query(session_token=token))
    assert "iat" in fresh.redirect.validate_token(SECRET)
    late = make("post-login", now_ms=NOW_MS + 61_000, change=_with_query(session_token=token))
    with pytest.raises(ApiUsageError, match="expired"):
        late.redirect.validate_token(SECRET)


def test_a_missing_token_names_the_parameter() -> None:
    api = make("post-login")
    with pytest.raises(
        ApiUsageError,
        match=r"api\.redirect\.validate_token: no 'session_token' parameter in event\.request\.query or event\.request\.body",
    ):
        api.redirect.validate_token(SECRET)


@pytest.mark.parametrize(
    ("transaction", "expected"),
    [
        ({"protocol": "oidc-basic-profile"}, True),
        ({"protocol": "samlp"}, True),
        ({"protocol": "oauth2-resource-owner"}, False),
        ({"protocol": "oauth2-refresh-token"}, False),
        ({"protocol": "oauth2-password"}, False),
        ({"protocol": "oidc-basic-profile", "prompt": "none"}, False),
        ({"protocol": "oidc-basic-profile", "prompt": ["none"]}, False),
        ({"protocol": "oidc-basic-profile", "prompt": ["login", "consent"]}, True),
        (None, True),
    ],
)
def test_can_redirect(transaction, expected) -> None:
    def change(payload):
        if transaction is None:
            del payload["transaction"]
        else:
            payload["transaction"] = transaction

    api = make("post-login", change=change)
    assert api.redirect.can_redirect() is expected


def test_send_user_to_where_redirects_are_impossible_warns() -> None:
    def refresh(payload):
        payload["transaction"]["protocol"] = "oauth2-refresh-token"

    api = make("post-login", change=refresh)
    api.redirect.send_user_to("https://idv.acme.com")
    assert len(api.calls) == 1
    assert api.warnings and "cannot redirect" in api.warnings[0]


def test_password_reset_round_trip_and_its_continue_phase() -> None:
    start = make("password-reset-post-challenge")
    start.redirect.send_user_to("https://verify.acme.com/start", query={"lang": "de"})
    token = start.redirect.encode_token({"verified": True}, SECRET, expires_in_seconds=300)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    assert claims["sub"] == "auth0|5f7c8ec7c33c6c004bbafe82" and claims["exp"] == NOW_S + 300
    assert start.warnings == []  # a password reset always runs in a browser: nothing to warn about
    resumed = make("password-reset-post-challenge", phase="continue", change=_with_query(session_token=token))
    assert resumed.redirect.validate_token(SECRET)["verified"] is True
    assert resumed.calls == [{"method": "redirect.validate_token", "args": ["********"], "kwargs": {}}]
    forged = jwt.encode({"verified": True, "exp": NOW_S + 60}, "another-secret-of-a-good-length-for-hs256-keys!!", algorithm="HS256")
    api = make("password-reset-post-challenge", phase="continue", change=_with_query(session_token=forged))
    with pytest.raises(ApiUsageError, match=r"api\.redirect\.validate_token: invalid 'session_token': .*signature"):
        api.redirect.validate_token(SECRET)


def test_password_reset_has_no_can_redirect() -> None:
    assert not hasattr(make("password-reset-post-challenge").redirect, "can_redirect")

"""Each api method refuses bad arguments with an ApiUsageError naming the method and argument."""

from __future__ import annotations

import math

import pytest

from actions_studio.triggers import ApiUsageError

from .support import make


class Unserialisable:
    pass


# (trigger, call, message regex)
BAD_CALLS = [
    ("post-login", lambda a: a.access.deny(None), r"api\.access\.deny: reason must be a str, got NoneType"),
    ("post-login", lambda a: a.access.deny(""), r"api\.access\.deny: reason must not be empty"),
    ("post-login", lambda a: a.access_token.set_custom_claim(1, "x"), r"set_custom_claim: key must be a str"),
    ("post-login", lambda a: a.access_token.set_custom_claim("https://a.com/x", Unserialisable()),
     r"api\.access_token\.set_custom_claim: value of claim 'https://a.com/x': a Unserialisable is not JSON-serialisable"),
    ("post-login", lambda a: a.access_token.set_custom_claim("https://a.com/x", {"a": {1, 2}}),
     r"value of claim 'https://a.com/x'\['a'\]: a set is not JSON-serialisable"),
    ("post-login", lambda a: a.id_token.set_custom_claim("https://a.com/x", math.nan), r"id_token\.set_custom_claim.*not a JSON number"),
    ("post-login", lambda a: a.id_token.set_custom_claim("https://a.com/x", {1: "a"}), r"object keys must be strings"),
    ("post-login", lambda a: a.access_token.add_scope(["read"]), r"api\.access_token\.add_scope: scope must be a str, got list"),
    ("post-login", lambda a: a.access_token.add_scope("read write"), r"add_scope: scope must be one scope without spaces"),
    ("post-login", lambda a: a.access_token.remove_scope(None), r"api\.access_token\.remove_scope: scope must be a str"),
    ("post-login", lambda a: a.multifactor.enable("sms"),
     r"api\.multifactor\.enable: unknown provider 'sms'; use one of: any, guardian, google-authenticator, duo, none"),
    ("post-login", lambda a: a.multifactor.enable("duo", allow_remember_browser="yes"), r"allow_remember_browser must be a bool"),
    ("post-login", lambda a: a.multifactor.enable("duo", provider_options=["x"]), r"provider_options must be a dict or None"),
    ("post-login", lambda a: a.authentication.challenge_with("otp"), r"challenge_with: factor must be a dict like \{'type': 'otp'\}"),
    ("post-login", lambda a: a.authentication.challenge_with({"type": "sms"}), r"factor has unknown type 'sms'; use one of: otp"),
    ("post-login", lambda a: a.authentication.challenge_with({"type": "otp"}, [{"type": "fax"}]),
     r"additional_factors\[0\] has unknown type 'fax'"),
    ("post-login", lambda a: a.authentication.challenge_with_any([]), r"challenge_with_any: factors must list at least one factor"),
    ("post-login", lambda a: a.authentication.enroll_with_any({"type": "otp"}), r"enroll_with_any: factors must be a list of factors"),
    ("post-login", lambda a: a.authentication.record_method("https://idv.acme.com"),
     r"api\.authentication\.record_method: only allowed in on_continue_post_login"),
    ("post-login", lambda a: a.authentication.set_primary_user(7), r"set_primary_user: user_id must be a str"),
    ("post-login", lambda a: a.redirect.send_user_to("/relative"), r"send_user_to: url must be an absolute http\(s\) URL"),
    ("post-login", lambda a: a.redirect.send_user_to("javascript:alert(1)"), r"url must be an absolute http\(s\) URL"),
    ("post-login", lambda a: a.redirect.send_user_to("https://x.com", query={"a": ["b"]}), r"query parameters must map str to"),
    ("post-login", lambda a: a.redirect.encode_token("payload", "s"), r"encode_token: payload must be a dict, got str"),
    ("post-login", lambda a: a.redirect.encode_token({}, ""), r"encode_token: secret must not be empty"),
    ("post-login", lambda a: a.redirect.encode_token({}, "s", expires_in_seconds=0), r"expires_in_seconds must be a positive int"),
    ("post-login", lambda a: a.user.set_app_metadata("a.b", 1), r"set_app_metadata: key 'a.b' must not contain '\.'"),
    ("post-login", lambda a: a.user.set_user_metadata("$set", 1), r"set_user_metadata: key '\$set' must not contain"),
    ("post-login", lambda a: a.user.set_user_metadata("k", object()), r"set_user_metadata: value of 'k': a object is not JSON"),
    ("post-login", lambda a: a.validation.error("code", 5), r"api\.validation\.error: message must be a str"),
    ("post-login", lambda a: a.transaction.set_metadata("k", {"a": 1}),
     r"api\.transaction\.set_metadata: value of 'k' must be a str, number or bool, got dict"),
    ("post-login", lambda a: a.transaction.set_metadata("k", None), r"must be a str, number or bool, got NoneType"),
    ("post-login", lambda a: a.transaction.set_metadata("k", float("inf")), r"must be a str, number or bool, got float inf"),
    ("post-login", lambda a: a.transaction.set_metadata(3, "v"), r"transaction\.set_metadata: key must be a str"),
    ("post-login", lambda a: a.cache.set("k", 42), r"api\.cache\.set: value must be a str .*got int"),
    ("post-login", lambda a: a.cache.set("k", {"a": 1}), r"api\.cache\.set: value must be a str"),
    ("post-login", lambda a: a.cache.set(None, "v"), r"api\.cache\.set: key must be a str"),
    ("post-login", lambda a: a.cache.set("k", "v", ttl=-5), r"ttl must be a positive number of milliseconds"),
    ("post-login", lambda a: a.cache.set("k", "v", ttl="60"), r"ttl must be a number of milliseconds or None"),
    ("post-login", lambda a: a.cache.set("k", "v", expires_at=1), r"expires_at 1 is not in the future"),
    ("post-login", lambda a: a.cache.get(1), r"api\.cache\.get: key must be a str"),
    ("credentials-exchange", lambda a: a.access.deny("access_denied", "no"),
     r"api\.access\.deny: code 'access_denied' is not allowed; use one of: invalid_scope, invalid_request, server_error"),
    ("credentials-exchange", lambda a: a.access.deny("invalid_scope", None), r"api\.access\.deny: reason must be a str"),
    ("credentials-exchange", lambda a: a.access_token.set_custom_claim("https://a.com/x", b"bytes"), r"a bytes is not JSON"),
    ("pre-user-registration", lambda a: a.access.deny("reason"), r"api\.access\.deny\(reason, user_message\): missing"),
    ("pre-user-registration", lambda a: a.access.deny("reason", 3), r"api\.access\.deny: user_message must be a str"),
    ("send-phone-message", lambda a: a.cache.set("k", 1.5), r"api\.cache\.set: value must be a str"),
    ("password-reset-post-challenge", lambda a: a.access.deny(""), r"api\.access\.deny: reason must not be empty"),
    ("password-reset-post-challenge", lambda a: a.authentication.challenge_with({"type": "sms"}),
     r"api\.authentication\.challenge_with: factor has unknown type 'sms'"),
    ("password-reset-post-challenge", lambda a: a.authentication.challenge_with_any([]),
     r"challenge_with_any: factors must list at least one factor"),
    ("password-reset-post-challenge", lambda a: a.redirect.send_user_to("verify.acme.com"),
     r"api\.redirect\.send_user_to: url must be an absolute http\(s\) URL"),
    ("password-reset-post-challenge", lambda a: a.redirect.encode_token({}, "s", expires_in_seconds=-1),
     r"api\.redirect\.encode_token: expires_in_seconds must be a positive int"),
    ("password-reset-post-challenge", lambda a: a.transaction.set_result_url("/done"),
     r"api\.transaction\.set_result_url: url must be an absolute http\(s\) URL, got '/done'"),
    ("password-reset-post-challenge", lambda a: a.transaction.set_result_url("https://a.com", query={"x": None}),
     r"api\.transaction\.set_result_url: query parameters must map str to"),
    ("custom-token-exchange", lambda a: a.access.deny("", "why"), r"api\.access\.deny: code must not be empty"),
    ("custom-token-exchange", lambda a: a.access.deny("invalid_request"), r"api\.access\.deny\(code, reason\): missing"),
    ("custom-token-exchange", lambda a: a.access.reject_invalid_subject_token(None),
     r"api\.access\.reject_invalid_subject_token: reason must be a str, got NoneType"),
    ("custom-token-exchange", lambda a: a.authentication.set_user_by_id(""),
     r"api\.authentication\.set_user_by_id: user_id must not be empty"),
    ("custom-token-exchange", lambda a: a.authentication.set_user_by_connection(
        "partner-users", {"email": "a@b.c"}, "none", "none"),
     r"api\.authentication\.set_user_by_connection: user_attributes\['user_id'\] must be a str, got NoneType"),
    ("custom-token-exchange", lambda a: a.authentication.set_user_by_connection(
        "partner-users", {"user_id": "p1", "roles": ["admin"]}, "none", "none"),
     r"set_user_by_connection: user_attributes has unknown attributes roles; allowed: user_id, email"),
    ("custom-token-exchange", lambda a: a.authentication.set_user_by_connection(
        "partner-users", {"user_id": "p1", "email_verified": "yes"}, "none", "none"),
     r"set_user_by_connection: user_attributes\['email_verified'\] must be a bool, got str 'yes'"),
    ("custom-token-exchange", lambda a: a.authentication.set_user_by_connection(
        "partner-users", {"user_id": "p1"}, "create", "none"),
     r"set_user_by_connection: creation_behavior 'create' is not allowed; use one of: create_if_not_exists, none"),
    ("custom-token-exchange", lambda a: a.authentication.set_user_by_connection(
        "partner-users", {"user_id": "p1"}, "none", "merge"),
     r"set_user_by_connection: update_behavior 'merge' is not allowed; use one of: none, replace"),
    ("custom-token-exchange", lambda a: a.authentication.set_user_by_connection("partner-users", {"user_id": "p1"}),
     r"api\.authentication\.set_user_by_connection\(connection_name, user_attributes, creation_behavior, "
     r"update_behavior\): missing"),
    ("custom-token-exchange", lambda a: a.authentication.set_user_by_connection("", {"user_id": "p1"}, "none", "none"),
     r"set_user_by_connection: connection_name must not be empty"),
    ("custom-token-exchange", lambda a: a.authentication.set_organization(42),
     r"api\.authentication\.set_organization: organization_id_or_name must be a str, got int"),
    ("custom-token-exchange", lambda a: a.authentication.set_actor("agent-1"),
     r"api\.authentication\.set_actor: actor must be a dict like \{'sub': 'client-id'\}, got str"),
    ("custom-token-exchange", lambda a: a.authentication.set_actor({"act": {"sub": "x"}}),
     r"api\.authentication\.set_actor: actor\['sub'\] must be a str, got NoneType"),
    ("custom-token-exchange", lambda a: a.authentication.set_actor({"sub": "a", "act": {"sub": "b", "act": {}}}),
     r"set_actor: actor\['act'\]\['act'\]\['sub'\] must be a str"),
    ("custom-token-exchange", lambda a: a.authentication.set_actor({"sub": "a", "team": ["x"]}),
     r"set_actor: actor\['team'\] must be a str, number or bool, got list"),
    ("custom-token-exchange", lambda a: a.authentication.set_actor({"sub": "a", **{f"p{i}": i for i in range(6)}}),
     r"set_actor: actor has 6 custom properties; at most 5 are allowed"),
    ("custom-token-exchange", lambda a: a.authentication.set_actor(_actors(6)),
     r"set_actor: actor(\['act'\]){5}: at most 5 actors may be nested"),
    ("custom-token-exchange", lambda a: a.user.set_app_metadata("a.b", 1), r"api\.user\.set_app_metadata: key 'a\.b' must not"),
    ("custom-token-exchange", lambda a: a.user.set_user_metadata("k", {1, 2}),
     r"api\.user\.set_user_metadata: value of 'k': a set is not JSON-serialisable"),
    ("custom-email-provider", lambda a: a.notification.drop(None), r"api\.notification\.drop: reason must be a str"),
    ("custom-email-provider", lambda a: a.notification.retry(""), r"api\.notification\.retry: reason must not be empty"),
    ("custom-phone-provider", lambda a: a.notification.retry(503), r"api\.notification\.retry: reason must be a str, got int"),
    ("event-stream", lambda a: a.cache.set("k", None), r"api\.cache\.set: value must be a str"),
]


def _actors(depth: int) -> dict:
    actor: dict = {"sub": f"actor-{depth}"}
    for level in range(depth - 1, 0, -1):
        actor = {"sub": f"actor-{level}", "act": actor}
    return actor


@pytest.mark.parametrize(("trigger_id", "call", "message"), BAD_CALLS, ids=[m[:40] for _, _, m in BAD_CALLS])
def test_bad_arguments_raise_a_clear_api_usage_error(trigger_id, call, message) -> None:
    api = make(trigger_id)
    with pytest.raises(ApiUsageError, match=message):
        call(api)
    assert api.calls == []


def test_api_usage_error_is_caught_as_value_error_and_type_error() -> None:
    api = make("post-login")
    with pytest.raises(ValueError):
        api.cache.set("k", 1)
    with pytest.raises(TypeError):
        api.access_token.add_scope(1)


def test_record_method_is_allowed_in_the_continue_phase() -> None:
    api = make("post-login", phase="continue")
    api.authentication.record_method("https://idv.acme.com/verified")
    assert api.calls == [{"method": "authentication.record_method", "args": ["https://idv.acme.com/verified"], "kwargs": {}}]
    with pytest.raises(ApiUsageError, match="provider_url must be an http"):
        api.authentication.record_method("idv")


@pytest.mark.parametrize(
    ("key", "warning"),
    [
        ("sub", "'sub' is a reserved claim"),
        ("iss", "'iss' is a reserved claim"),
        ("aud", "'aud' is a reserved claim"),
        ("exp", "'exp' is a reserved claim"),
        ("iat", "'iat' is a reserved claim"),
        ("nbf", "'nbf' is a reserved claim"),
        ("jti", "'jti' is a reserved claim"),
        ("azp", "'azp' is a reserved claim"),
        ("scope", "'scope' is a reserved claim"),
        ("roles", "claim 'roles' is not namespaced"),
        ("acme.com/roles", "claim 'acme.com/roles' is not namespaced"),
        ("urn:acme:roles", "claim 'urn:acme:roles' is not namespaced"),
        ("https://", "is not namespaced"),
        ("https://auth0.com/roles", "uses a namespace Auth0 reserves (auth0.com)"),
        ("https://acme.webtask.io/x", "uses a namespace Auth0 reserves (acme.webtask.io)"),
    ],
)
@pytest.mark.parametrize("token", ["access_token", "id_token"])
def test_warnings_for_reserved_and_non_namespaced_claims(key, warning, token) -> None:
    api = make("post-login")
    getattr(api, token).set_custom_claim(key, "value")
    assert len(api.warnings) == 1
    assert warning in api.warnings[0]
    assert api.warnings[0].startswith(f"api.{token}.set_custom_claim: ")
    assert len(api.calls) == 1  # a warning does not stop the call


@pytest.mark.parametrize("key", ["https://acme.com/roles", "http://acme.com/roles", "https://acme.com/"])
def test_namespaced_claims_give_no_warning(key) -> None:
    for trigger_id in ("post-login", "credentials-exchange"):
        api = make(trigger_id)
        api.access_token.set_custom_claim(key, ["admin"])
        assert api.warnings == []


def test_credentials_exchange_claims_warn_too() -> None:
    api = make("credentials-exchange")
    api.access_token.set_custom_claim("gty", "x")
    assert api.warnings == ["api.access_token.set_custom_claim: 'gty' is a reserved claim; Auth0 sets it itself and ignores this value"]


def test_claim_values_may_be_any_json() -> None:
    api = make("post-login")
    for value in (None, True, 1, 1.5, "s", [1, "a"], {"a": {"b": [None]}}):
        api.id_token.set_custom_claim("https://acme.com/v", value)
    assert [c["args"][1] for c in api.calls] == [None, True, 1, 1.5, "s", [1, "a"], {"a": {"b": [None]}}]


def test_set_actor_accepts_five_actors_with_five_custom_properties_each() -> None:
    actor = _actors(5)
    level = actor
    while level is not None:
        level.update({f"p{i}": [True, 1, 1.5, "s", False][i] for i in range(5)})
        level = level.get("act")
    api = make("custom-token-exchange")
    api.authentication.set_actor(actor)
    assert api.calls[0]["args"] == [actor]


@pytest.mark.parametrize("first", ["set_user_by_id", "set_user_by_connection"])
@pytest.mark.parametrize("second", ["set_user_by_id", "set_user_by_connection"])
def test_the_user_of_a_token_exchange_is_set_exactly_once(first, second) -> None:
    calls = {
        "set_user_by_id": lambda a: a.authentication.set_user_by_id("auth0|5f7c8ec7c33c6c004bbafe82"),
        "set_user_by_connection": lambda a: a.authentication.set_user_by_connection(
            "partner-users", {"user_id": "partner-7781"}, "create_if_not_exists", "none"),
    }
    api = make("custom-token-exchange")
    calls[first](api)
    with pytest.raises(ApiUsageError, match=rf"api\.authentication\.{second}: the user is already set by "
                                            rf"api\.authentication\.{first}; call exactly one"):
        calls[second](api)
    assert [c["method"] for c in api.calls] == [f"authentication.{first}"]


def test_a_long_notification_reason_warns_that_auth0_truncates_it() -> None:
    api = make("custom-email-provider")
    api.notification.retry("x" * 1025)
    assert api.warnings == ["api.notification.retry: reason is 1025 characters; Auth0 keeps the first 1024"]
    api = make("custom-phone-provider")
    api.notification.drop("x" * 1024)
    assert api.warnings == []

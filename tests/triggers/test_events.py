"""Event models: samples, wire aliases, read-only-ness, extra fields, error paths."""

from __future__ import annotations

import pydantic
import pytest

from actions_studio.triggers import TRIGGERS, EventValidationError, FieldError, ReadOnlyMapping, get_trigger

ALL = list(TRIGGERS)


@pytest.mark.parametrize("trigger_id", ALL)
def test_every_sample_event_parses_into_its_model(trigger_id) -> None:
    trigger = get_trigger(trigger_id)
    event = trigger.parse_event(trigger.sample_event())
    assert type(event) is trigger.event_model
    if "tenant" in trigger.event_model.model_fields:
        assert event.tenant.id == "acme-dev"
    else:  # event-stream: Auth0's event is the CloudEvent and the secrets, nothing else
        assert set(trigger.event_model.model_fields) == {"message", "secrets"}
        assert event.message.a0tenant == "acme-dev"  # Auth0's own CloudEvent fields are kept


@pytest.mark.parametrize("trigger_id", ALL)
def test_sample_event_is_a_fresh_copy_each_call(trigger_id) -> None:
    trigger = get_trigger(trigger_id)
    first = trigger.sample_event()
    # Change something two levels down in every object of the event: no later copy may see it.
    for value in first.values():
        if isinstance(value, dict) and value:
            value[next(iter(value))] = "changed"
    assert trigger.sample_event() != first
    assert trigger.parse_event(trigger.sample_event()) == trigger.parse_event(trigger.sample_event())
    if "request" in first:
        first["request"]["geoip"]["countryCode"] = "XX"
        assert trigger.sample_event()["request"]["geoip"]["countryCode"] == "DE"


@pytest.mark.parametrize("trigger_id", ALL)
def test_wire_json_round_trips(trigger_id) -> None:
    trigger = get_trigger(trigger_id)
    event = trigger.parse_event(trigger.sample_event())
    wire = event.model_dump(by_alias=True, mode="json")
    assert trigger.parse_event(wire) == event
    # Nothing the sample carries is lost (the dump adds only absent optionals as null).
    def subset(sample, dumped):
        if isinstance(sample, dict):
            return all(k in dumped and subset(v, dumped[k]) for k, v in sample.items())
        if isinstance(sample, list):
            return len(sample) == len(dumped) and all(subset(a, b) for a, b in zip(sample, dumped))
        return sample == dumped
    assert subset(trigger.sample_event(), wire)


def test_snake_case_attributes_over_wire_names() -> None:
    event = get_trigger("post-login").parse_event(get_trigger("post-login").sample_event())
    assert event.request.geoip.country_code == "DE"
    assert event.request.geoip.city_name == "Berlin"
    assert event.request.geoip.time_zone == "Europe/Berlin"
    assert event.authentication.risk_assessment.confidence == "high"
    assert event.authentication.risk_assessment.assessments["NewDevice"]["code"] == "known_device"
    assert event.client.client_id.startswith("kE9x")
    assert event.stats.logins_count == 42
    assert event.user.identities[0].is_social is False
    assert event.user.app_metadata["roles"] == ("editor",)
    assert event.transaction.metadata == {}
    ce = get_trigger("credentials-exchange").parse_event(get_trigger("credentials-exchange").sample_event())
    assert ce.access_token.scope == ("read:reports",)
    assert ce.access_token.custom_claims == {}


def test_python_names_are_accepted_too() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    payload["request"]["geoip"] = {"country_code": "FR"}
    assert trigger.parse_event(payload).request.geoip.country_code == "FR"


@pytest.mark.parametrize(
    ("trigger_id", "path", "attributes"),
    [
        ("post-login", [], []),
        ("post-login", ["user"], ["user"]),
        ("post-login", ["request", "geoip"], ["request", "geoip"]),
        ("credentials-exchange", ["accessToken"], ["access_token"]),
        ("send-phone-message", ["message_options"], ["message_options"]),
        ("post-change-password", ["user"], ["user"]),
        ("password-reset-post-challenge", ["transaction"], ["transaction"]),
        ("custom-token-exchange", ["transaction"], ["transaction"]),
        ("custom-email-provider", ["notification"], ["notification"]),
        ("custom-phone-provider", ["tenant"], ["tenant"]),
        ("event-stream", ["message"], ["message"]),
    ],
)
def test_unknown_extra_fields_are_kept_and_readable(trigger_id, path, attributes) -> None:
    trigger = get_trigger(trigger_id)
    payload = trigger.sample_event()
    target = payload
    for key in path:
        target = target[key]
    target["newAuth0Field"] = {"nested": [1, {"deep": True}]}
    event = trigger.parse_event(payload)
    holder = event
    for attr in attributes:
        holder = getattr(holder, attr)
    value = holder.newAuth0Field
    assert isinstance(value, ReadOnlyMapping)
    assert value["nested"][1]["deep"] is True
    with pytest.raises(TypeError):
        value["nested"] = 1  # type: ignore[index]
    dumped = event.model_dump(by_alias=True, mode="json")
    for key in path:
        dumped = dumped[key]
    assert dumped["newAuth0Field"] == {"nested": [1, {"deep": True}]}


def test_event_is_frozen() -> None:
    event = get_trigger("post-login").parse_event(get_trigger("post-login").sample_event())
    with pytest.raises(pydantic.ValidationError):
        event.stats.logins_count = 7  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        event.user = None  # type: ignore[misc]
    with pytest.raises(AttributeError):
        event.user.identities.append(None)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "get_mapping",
    [
        lambda e: e.user.app_metadata,
        lambda e: e.user.user_metadata,
        lambda e: e.client.metadata,
        lambda e: e.connection.metadata,
        lambda e: e.organization.metadata,
        lambda e: e.request.query,
        lambda e: e.request.body,
        lambda e: e.transaction.metadata,
        lambda e: e.secrets,
        lambda e: e.user.app_metadata["roles"] and e.authentication.risk_assessment.assessments["UntrustedIP"],
    ],
)
def test_free_form_objects_are_read_only_mappings(get_mapping) -> None:
    event = get_trigger("post-login").parse_event(get_trigger("post-login").sample_event())
    mapping = get_mapping(event)
    assert isinstance(mapping, ReadOnlyMapping)
    with pytest.raises(TypeError, match="read-only"):
        mapping["new"] = "value"
    with pytest.raises(TypeError, match="read-only"):
        del mapping["anything"]
    with pytest.raises(TypeError, match="read-only"):
        mapping.update({"a": 1})


def test_read_only_mappings_compare_equal_to_plain_json() -> None:
    event = get_trigger("post-login").parse_event(get_trigger("post-login").sample_event())
    assert event.user.app_metadata == {"plan": "pro", "roles": ["editor"]}
    assert event.user.app_metadata != {"plan": "pro"}
    assert event.user.app_metadata.to_dict() == {"plan": "pro", "roles": ["editor"]}
    assert type(event.user.app_metadata.to_dict()["roles"]) is list
    assert dict(event.user.user_metadata) == {"locale": "de-DE", "newsletter": True}
    assert list(event.user.app_metadata.keys()) == ["plan", "roles"]
    assert event.user.app_metadata.get("missing", "fallback") == "fallback"
    assert "plan" in event.user.app_metadata and len(event.user.app_metadata) == 2


def test_secrets_are_a_read_only_string_mapping() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    payload["secrets"] = {"API_KEY": "s3cret"}
    event = trigger.parse_event(payload)
    assert event.secrets["API_KEY"] == "s3cret"
    assert event.secrets.get("MISSING") is None
    payload["secrets"] = {"API_KEY": 42}
    with pytest.raises(EventValidationError) as info:
        trigger.parse_event(payload)
    assert info.value.errors[0].path == "secrets.API_KEY"


def test_event_does_not_share_state_with_the_payload() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    event = trigger.parse_event(payload)
    payload["user"]["app_metadata"]["plan"] = "free"
    payload["user"]["app_metadata"]["roles"].append("admin")
    assert event.user.app_metadata["plan"] == "pro"
    assert event.user.app_metadata["roles"] == ("editor",)


def test_optional_fields_are_none_when_absent() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    for key in ("organization", "authentication", "authorization", "transaction", "resource_server", "session"):
        del payload[key]
    del payload["user"]["email"]
    payload["request"] = {"ip": "198.51.100.7", "method": "GET"}
    event = trigger.parse_event(payload)
    assert (event.organization, event.authentication, event.transaction, event.session) == (None,) * 4
    assert event.user.email is None
    assert event.request.geoip.country_code is None
    assert event.request.query == {} and event.request.body == {}
    assert event.secrets == {}


def _without(path: str):
    def change(payload):
        *parents, last = path.split(".")
        target = payload
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]
    return change


def _setting(path: str, value):
    def change(payload):
        *parents, last = path.split(".")
        target = payload
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value
    return change


@pytest.mark.parametrize(
    ("trigger_id", "change", "path", "message_part"),
    [
        ("post-login", _setting("stats.logins_count", "many"), "stats.logins_count", "integer"),
        ("post-login", _without("stats.logins_count"), "stats.logins_count", "required"),
        ("post-login", _without("user.identities.0.provider"), "user.identities.0.provider", "required"),
        ("post-login", _setting("user.identities.0.isSocial", "sometimes"), "user.identities.0.isSocial", "boolean"),
        ("post-login", _setting("request.geoip.latitude", "north"), "request.geoip.latitude", "number"),
        ("post-login", _setting("user.app_metadata", ["not", "an", "object"]), "user.app_metadata", "should be an object, got an array"),
        ("post-login", _without("client"), "client", "required"),
        ("post-login", _setting("stats", 5), "stats", "should be an object, got a number"),
        ("post-login", _setting("transaction.prompt", [5]), "transaction.prompt.0", "valid string"),
        ("credentials-exchange", _setting("accessToken.scope", "read:reports"), "accessToken.scope", "should be an array, got a string"),
        ("pre-user-registration", _without("connection.strategy"), "connection.strategy", "required"),
        ("post-change-password", _setting("transaction.correlation_id", 12), "transaction.correlation_id", "string"),
        ("send-phone-message", _setting("message_options.message_type", "fax"), "message_options.message_type", "'sms'"),
        ("post-user-registration", _without("user.created_at"), "user.created_at", "required"),
        ("password-reset-post-challenge", _setting("user.enrolledFactors.1.type", 3), "user.enrolledFactors.1.type",
         "valid string"),
        ("password-reset-post-challenge", _without("transaction.locale"), "transaction.locale", "required"),
        ("password-reset-post-challenge", _without("authentication"), "authentication", "required"),
        ("custom-token-exchange", _without("transaction.subject_token"), "transaction.subject_token", "required"),
        ("custom-token-exchange", _setting("transaction.requested_scopes", "openid"), "transaction.requested_scopes",
         "should be an array, got a string"),
        ("custom-token-exchange",
         _setting("transaction.actor_token_user", {"user_id": "auth0|x", "updated_at": "2026-01-01T00:00:00.000Z"}),
         "transaction.actor_token_user.created_at", "required"),
        ("custom-email-provider", _without("notification.from"), "notification.from", "required"),
        ("custom-email-provider", _setting("notification.html", None), "notification.html", "valid string"),
        ("custom-phone-provider", _setting("notification.delivery_method", "sms"), "notification.delivery_method",
         "'text'"),
        ("custom-phone-provider", _without("notification.recipient"), "notification.recipient", "required"),
        ("event-stream", _without("message.specversion"), "message.specversion", "required"),
        ("event-stream", _setting("message.data", ["not", "an", "object"]), "message.data",
         "should be an object, got an array"),
    ],
)
def test_a_bad_event_names_the_field_path(trigger_id, change, path, message_part) -> None:
    trigger = get_trigger(trigger_id)
    payload = trigger.sample_event()
    change(payload)
    with pytest.raises(EventValidationError) as info:
        trigger.parse_event(payload)
    error = info.value
    assert error.trigger_id == trigger_id
    assert [e.path for e in error.errors] == [path]
    assert message_part in error.errors[0].message
    assert str(error).splitlines() == [f"{path}: {error.errors[0].message}"]


def test_several_errors_give_one_line_each() -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    del payload["stats"]
    payload["user"]["email_verified"] = "perhaps"
    with pytest.raises(EventValidationError) as info:
        trigger.parse_event(payload)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert {line.split(":")[0] for line in lines} == {"stats", "user.email_verified"}
    assert all(isinstance(e, FieldError) for e in info.value.errors)


@pytest.mark.parametrize(("payload", "kind"), [([], "an array"), ("{}", "a string"), (None, "null"), (3, "a number")])
def test_a_payload_that_is_not_an_object_is_a_validation_error(payload, kind) -> None:
    with pytest.raises(EventValidationError) as info:
        get_trigger("post-login").parse_event(payload)
    assert info.value.errors == [FieldError("", f"the event must be a JSON object, got {kind}")]
    assert str(info.value) == f"(event): the event must be a JSON object, got {kind}"


def test_pre_user_registration_request_has_no_query_and_user_no_id() -> None:
    trigger = get_trigger("pre-user-registration")
    event = trigger.parse_event(trigger.sample_event())
    assert "query" not in type(event.request).model_fields
    assert "user_id" not in type(event.user).model_fields
    assert event.user.user_metadata["signup_source"] == "landing-page"


def test_every_field_of_every_model_has_a_description() -> None:
    from actions_studio.triggers.stubs import _models_reachable

    missing = [
        f"{model.__name__}.{name}"
        for trigger in TRIGGERS.values()
        for model in _models_reachable(trigger.event_model)
        for name, info in model.model_fields.items()
        if not info.description
    ]
    assert missing == []


@pytest.mark.parametrize(("prompt", "expected"), [("none", ("none",)), ("login consent", ("login", "consent")), (["login"], ("login",))])
def test_prompt_reads_as_a_tuple(prompt, expected) -> None:
    trigger = get_trigger("post-login")
    payload = trigger.sample_event()
    payload["transaction"]["prompt"] = prompt
    assert trigger.parse_event(payload).transaction.prompt == expected


@pytest.mark.parametrize(
    ("payload", "loc", "path"),
    [
        ({"a": {"b": 1}}, ("a", "b"), "a.b"),
        ({"a": {}}, ("a", "missing"), "a.missing"),
        ({"a": [0, {"x": 1}]}, ("a", 1, "x"), "a.1.x"),
        ({"a": "text"}, ("a", "str"), "a"),  # a union-member tag is not a wire key
        ({"a": [5]}, ("a", "tuple[str, ...]", 0), "a.0"),
    ],
)
def test_wire_path_drops_pydantic_union_tags(payload, loc, path) -> None:
    from actions_studio.triggers.catalog import wire_path

    assert wire_path(payload, loc) == path


def test_password_reset_event_reads_like_auth0s() -> None:
    trigger = get_trigger("password-reset-post-challenge")
    event = trigger.parse_event(trigger.sample_event())
    assert [f.type for f in event.user.enrolled_factors] == ["email", "phone", "otp"]
    assert event.user.enrolled_factors[1].options["preferredMethod"] == "sms"
    assert event.authentication.methods[0].name == "email"
    assert event.authentication.risk_assessment is None and event.custom_domain is None
    assert event.transaction.ui_locales == ("de", "en") and event.stats.logins_count == 42
    payload = trigger.sample_event()
    del payload["user"]["enrolledFactors"]  # Auth0 could not fetch them
    assert trigger.parse_event(payload).user.enrolled_factors is None


def test_token_exchange_event_has_no_user_and_may_carry_an_actor() -> None:
    trigger = get_trigger("custom-token-exchange")
    event = trigger.parse_event(trigger.sample_event())
    assert "user" not in trigger.event_model.model_fields
    assert event.transaction.subject_token_type == "urn:acme:partner-idp-token"
    assert event.transaction.actor_token_user is None
    assert event.request.body["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    payload = trigger.sample_event()
    payload["transaction"].update(
        actor_token="eyJ.actor.token", actor_token_type="urn:ietf:params:oauth:token-type:id_token",
        actor_token_user=get_trigger("post-login").sample_event()["user"],
    )
    actor = trigger.parse_event(payload).transaction.actor_token_user
    assert actor.user_id == "auth0|5f7c8ec7c33c6c004bbafe82" and actor.enrolled_factors is None


def test_provider_events_name_the_sender_from_() -> None:
    email = get_trigger("custom-email-provider")
    event = email.parse_event(email.sample_event())
    assert event.notification.from_ == "Acme <no-reply@acme.com>"
    assert event.notification.message_type == "verify_email" and event.tenant.friendly_name == "Acme"
    assert event.model_dump(by_alias=True)["notification"]["from"] == "Acme <no-reply@acme.com>"
    payload = email.sample_event()
    payload["notification"]["message_type"] = "a_type_auth0_adds_later"  # a newer tenant's fixture still loads
    payload["request"] = {}  # an email no request caused
    later = email.parse_event(payload)
    assert later.notification.message_type == "a_type_auth0_adds_later" and later.request.ip is None
    phone = get_trigger("custom-phone-provider")
    event = phone.parse_event(phone.sample_event())
    assert (event.notification.from_, event.notification.code) == ("+4930901820", "482913")


def test_event_stream_message_is_the_cloud_event() -> None:
    trigger = get_trigger("event-stream")
    event = trigger.parse_event(trigger.sample_event())
    assert (event.message.type, event.message.specversion) == ("user.created", "1.0")
    assert event.message.data["object"]["identities"][0]["isSocial"] is False
    assert event.message.dataschema.endswith("/schemas/user.created")
    with pytest.raises(TypeError, match="read-only"):
        event.message.data["object"] = {}  # type: ignore[index]

"""Parts shared by several triggers' events: request, geoip, tenant, user, client, connection, ..."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from ..mappings import ReadOnlyMapping
from .base import EventModel


class GeoIp(EventModel):
    """Where the request came from, by IP geolocation. Every field is None when the IP is unknown."""

    city_name: str | None = Field(None, alias="cityName", description="City name, e.g. \"Berlin\".")
    continent_code: str | None = Field(
        None, alias="continentCode", description="Two-letter continent code, e.g. \"EU\"."
    )
    country_code: str | None = Field(
        None, alias="countryCode", description="ISO 3166-1 alpha-2 country code, e.g. \"DE\"."
    )
    country_code3: str | None = Field(
        None, alias="countryCode3", description="ISO 3166-1 alpha-3 country code, e.g. \"DEU\"."
    )
    country_name: str | None = Field(
        None, alias="countryName", description="Country name in English, e.g. \"Germany\"."
    )
    latitude: float | None = Field(None, description="Approximate latitude in degrees.")
    longitude: float | None = Field(None, description="Approximate longitude in degrees.")
    subdivision_code: str | None = Field(
        None, alias="subdivisionCode", description="ISO 3166-2 subdivision (state/region) code, e.g. \"BE\"."
    )
    subdivision_name: str | None = Field(
        None, alias="subdivisionName", description="Subdivision (state/region) name, e.g. \"Land Berlin\"."
    )
    time_zone: str | None = Field(
        None, alias="timeZone", description="IANA time zone, e.g. \"Europe/Berlin\"."
    )


class RequestWithoutQuery(EventModel):
    """The HTTP request that started this transaction."""

    ip: str = Field(description="The client's IP address (IPv4 or IPv6).")
    method: str = Field(description="HTTP method of the request, e.g. \"GET\" or \"POST\".")
    hostname: str | None = Field(None, description="Host name the request was sent to (your tenant or custom domain).")
    user_agent: str | None = Field(None, description="The User-Agent header.")
    language: str | None = Field(
        None, description="The preferred language from the Accept-Language header, e.g. \"en\"."
    )
    body: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        description="Form or JSON body parameters of the request (read-only mapping); empty for a GET.",
    )
    geoip: GeoIp = Field(
        default_factory=GeoIp,
        description="IP geolocation of the request; its fields are None when the location is unknown.",
    )


class Request(RequestWithoutQuery):
    """The HTTP request that started this transaction."""

    query: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        description="Query-string parameters of the request (read-only mapping); empty when there are none.",
    )


class Tenant(EventModel):
    """The tenant the action runs in."""

    id: str = Field(description="The tenant's name, e.g. \"acme-prod\".")


class Identity(EventModel):
    """One linked identity of a user (the first is the primary one)."""

    connection: str = Field(description="Name of the connection the identity comes from, e.g. \"Username-Password-Authentication\".")
    provider: str = Field(description="Identity provider, e.g. \"auth0\", \"google-oauth2\", \"samlp\".")
    user_id: str = Field(description="The user's id at that provider (without the provider prefix).")
    is_social: bool = Field(alias="isSocial", description="True when the provider is a social one (Google, GitHub, ...).")


class User(EventModel):
    """The user's full profile as stored by the tenant."""

    user_id: str = Field(description="The user's unique id, e.g. \"auth0|5f7c8ec7c33c6c004bbafe82\".")
    email: str | None = Field(None, description="Email address. None for users without one (phone or username only).")
    email_verified: bool = Field(False, description="True once the email address has been verified.")
    username: str | None = Field(None, description="Username. None unless the connection uses usernames.")
    name: str | None = Field(None, description="Full name. None when the profile has none.")
    nickname: str | None = Field(None, description="Nickname (by default the part of the email before @).")
    given_name: str | None = Field(None, description="Given (first) name. None when the profile has none.")
    family_name: str | None = Field(None, description="Family (last) name. None when the profile has none.")
    picture: str | None = Field(None, description="URL of the user's picture.")
    phone_number: str | None = Field(None, description="Phone number in E.164 format. None unless the user has one.")
    phone_verified: bool | None = Field(None, description="True once the phone number has been verified. None without a phone number.")
    created_at: str = Field(description="When the user was created (ISO 8601).")
    updated_at: str = Field(description="When the profile was last updated (ISO 8601).")
    last_password_reset: str | None = Field(
        None, description="When the password was last reset (ISO 8601). None if it never was."
    )
    app_metadata: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        description=(
            "Data about the user that the user cannot edit (roles, plan, ...), read-only. "
            "Change it with api.user.set_app_metadata; later actions in the flow see the change. Empty when unset."
        ),
    )
    user_metadata: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        description=(
            "Data the user may edit (preferences, ...), read-only. Change it with "
            "api.user.set_user_metadata; later actions in the flow see the change. Empty when unset."
        ),
    )
    identities: tuple[Identity, ...] = Field(
        default=(), description="Linked identities; the first one is the primary identity."
    )
    multifactor: tuple[str, ...] | None = Field(
        None, description="Names of the MFA factors the user has enrolled, e.g. (\"guardian\",). None when none."
    )


class Client(EventModel):
    """The application (client) the user is logging in to."""

    client_id: str = Field(description="The application's client id.")
    name: str = Field(description="The application's name.")
    metadata: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        description="The application's metadata (string keys and values), read-only. Empty when unset.",
    )


class Connection(EventModel):
    """The connection (identity source) used for this transaction."""

    id: str = Field(description="The connection's id, e.g. \"con_fpe5kj482KO1eOzQ\".")
    name: str = Field(description="The connection's name, e.g. \"Username-Password-Authentication\".")
    strategy: str = Field(description="The connection's strategy, e.g. \"auth0\", \"google-oauth2\", \"samlp\".")
    metadata: ReadOnlyMapping | None = Field(
        None, description="The connection's metadata, read-only. None when the connection has none."
    )


class Organization(EventModel):
    """The organization the user is logging in through."""

    id: str = Field(description="The organization's id, e.g. \"org_Xyz123\".")
    name: str = Field(description="The organization's name (a slug).")
    display_name: str = Field(description="The organization's human-readable name.")
    metadata: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping, description="The organization's metadata, read-only. Empty when unset."
    )


class ResourceServer(EventModel):
    """The API (resource server) the access token is for."""

    identifier: str = Field(description="The API's identifier (its audience), e.g. \"https://api.acme.com\".")


class Transaction(EventModel):
    """The authorization request being processed."""

    @field_validator("prompt", mode="before")
    @classmethod
    def _prompt_as_list(cls, value: Any) -> Any:
        # Auth0 sends prompt as an array of strings; older payloads (and hand-written fixtures) a string.
        return value.split() if isinstance(value, str) else value

    protocol: str | None = Field(
        None,
        description=(
            "Protocol of the request: \"oidc-basic-profile\", \"oauth2-resource-owner\", "
            "\"oauth2-refresh-token\", \"oauth2-password\", \"samlp\", ..."
        ),
    )
    requested_scopes: tuple[str, ...] | None = Field(None, description="Scopes the application requested.")
    redirect_uri: str | None = Field(None, description="Where the application wants the result sent (redirect_uri).")
    locale: str | None = Field(None, description="The locale used for the login pages, e.g. \"en\".")
    ui_locales: tuple[str, ...] | None = Field(None, description="Locales requested with ui_locales, in order.")
    acr_values: tuple[str, ...] | None = Field(None, description="Requested authentication context class references (acr_values).")
    prompt: tuple[str, ...] | None = Field(
        None,
        description=(
            "The prompt values requested, e.g. (\"login\",); (\"none\",) forbids redirects. A "
            "space-separated string in the payload is split into values."
        ),
    )
    login_hint: str | None = Field(None, description="The login_hint parameter.")
    state: str | None = Field(None, description="The state parameter of the authorization request.")
    response_type: tuple[str, ...] | None = Field(None, description="Requested response types, e.g. (\"code\",).")
    response_mode: str | None = Field(None, description="Requested response mode, e.g. \"query\", \"form_post\".")


class EnrolledFactor(EventModel):
    """One authentication factor the user has enrolled."""

    type: str = Field(
        description=(
            "The factor, e.g. \"otp\", \"email\", \"phone\", \"push-notification\", \"webauthn-platform\", "
            "\"webauthn-roaming\", \"recovery-code\"; the same values api.authentication.challenge_with takes."
        )
    )
    options: ReadOnlyMapping | None = Field(
        None, description="Options of the factor (e.g. {\"preferredMethod\": \"sms\"} for phone), read-only. None when it has none."
    )


class UserWithFactors(User):
    """The user's full profile as stored by the tenant, with the factors they enrolled."""

    enrolled_factors: tuple[EnrolledFactor, ...] | None = Field(
        None,
        alias="enrolledFactors",
        description=(
            "The authentication factors the user has enrolled (email included); an empty tuple means "
            "none. None when Auth0 could not fetch them: the user may or may not have some."
        ),
    )


class CustomDomain(EventModel):
    """The custom domain of this transaction."""

    domain: str = Field(description="The custom domain name, e.g. \"login.acme.com\".")
    domain_metadata: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping, description="The custom domain's metadata (key-value pairs), read-only. Empty when unset."
    )


class TenantSettings(Tenant):
    """The tenant the action runs in, with the settings its messages use."""

    friendly_name: str | None = Field(None, description="The tenant's friendly (display) name, e.g. \"Acme\".")
    home_url: str | None = Field(None, description="The tenant's home URL from its settings.")
    logo_url: str | None = Field(None, description="The tenant's logo URL from its settings.")
    support_email: str | None = Field(None, description="The tenant's support email address from its settings.")
    support_url: str | None = Field(None, description="The tenant's support URL from its settings.")

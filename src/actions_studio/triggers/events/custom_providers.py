"""The custom-email-provider (v1) and custom-phone-provider (v1) events: deliver one message.

Fields from Auth0's generated reference (auth0/docs-v2, main/docs/actions/reference/
custom-email-provider/custom-email-provider-event-object.mdx and custom-phone-provider/
custom-phone-provider-event-object.mdx). ``message_type`` is a plain string, not a closed set:
Auth0 adds message types over time and a fixture from a newer tenant must still load.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets
from .common import (
    Client,
    Connection,
    CustomDomain,
    GeoIp,
    Organization,
    RequestWithoutQuery,
    TenantSettings,
    User,
)

EMAIL_MESSAGE_TYPES = (
    "verify_email", "verify_email_by_code", "reset_email", "reset_email_by_code", "welcome_email",
    "verification_code", "mfa_oob_code", "enrollment_email", "blocked_account", "stolen_credentials",
    "try_provider_configuration_email", "organization_invitation",
)
PHONE_MESSAGE_TYPES = ("otp_verify", "otp_enroll", "blocked_account", "change_password", "password_breach")


class EmailNotification(EventModel):
    """The email to deliver, rendered from the tenant's template."""

    from_: str = Field(alias="from", description="The sender's email address.")
    to: str = Field(description="The recipient's email address.")
    subject: str = Field(description="The rendered subject line.")
    html: str = Field(description="The rendered HTML body.")
    text: str = Field(description="The rendered plain-text body.")
    locale: str = Field(description="The locale the message was rendered in (BCP 47), e.g. \"en_US\".")
    message_type: str = Field(
        description="Which message this is: " + ", ".join(f"\"{t}\"" for t in EMAIL_MESSAGE_TYPES) + "."
    )


class EmailRequest(EventModel):
    """The HTTP request that caused the email, when there was one."""

    ip: str | None = Field(None, description="The client's IP address. None when no request caused the email.")
    hostname: str | None = Field(None, description="Host name the request was sent to (your tenant or custom domain).")
    user_agent: str | None = Field(None, description="The User-Agent header.")
    query: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        description="Query-string parameters of the request (read-only mapping); empty when there are none.",
    )
    geoip: GeoIp = Field(
        default_factory=GeoIp,
        description="IP geolocation of the request; its fields are None when the location is unknown.",
    )


class NotificationTransaction(EventModel):
    """The transaction the message belongs to, for tracing."""

    correlation_id: str | None = Field(
        None, description="An id correlating this message with the other services of the transaction. None when not given."
    )


class EmailUser(EventModel):
    """The user the email is for (a partial profile)."""

    user_id: str = Field(description="The user's unique id, e.g. \"auth0|5f7c8ec7c33c6c004bbafe82\".")
    email: str | None = Field(None, description="Email address. None for users without one.")
    email_verified: bool = Field(False, description="True once the email address has been verified.")
    username: str | None = Field(None, description="Username. None unless the connection uses usernames.")
    name: str | None = Field(None, description="Full name. None when the profile has none.")
    nickname: str | None = Field(None, description="Nickname (by default the part of the email before @).")
    given_name: str | None = Field(None, description="Given (first) name. None when the profile has none.")
    family_name: str | None = Field(None, description="Family (last) name. None when the profile has none.")
    picture: str | None = Field(None, description="URL of the user's picture.")
    app_metadata: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping, description="Data about the user that the user cannot edit, read-only. Empty when unset."
    )
    user_metadata: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping, description="Data the user may edit (preferences, ...), read-only. Empty when unset."
    )


class CustomEmailProviderEvent(EventModel):
    """The event of the custom-email-provider trigger: deliver this email through your own provider."""

    notification: EmailNotification = Field(description="The email to deliver.")
    user: EmailUser = Field(description="The user the email is for.")
    client: Client = Field(description="The application of the transaction that sends the email.")
    connection: Connection | None = Field(None, description="The connection of the user. None when the email is not tied to one.")
    organization: Organization | None = Field(None, description="The organization of the transaction. None unless there is one.")
    custom_domain: CustomDomain | None = Field(None, description="The custom domain of the transaction. None on the tenant's own domain.")
    transaction: NotificationTransaction | None = Field(None, description="The transaction, for tracing. None when there is none.")
    request: EmailRequest = Field(description="The HTTP request that caused the email (its fields are None when none did).")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: TenantSettings = Field(description="The tenant, with the settings its emails show.")


class PhoneNotification(EventModel):
    """The SMS or voice message to deliver, rendered from the tenant's template."""

    recipient: str = Field(description="The recipient's phone number (E.164).")
    message_type: str = Field(
        description="Which message this is: " + ", ".join(f"\"{t}\"" for t in PHONE_MESSAGE_TYPES) + "."
    )
    delivery_method: Literal["text", "voice"] = Field(description="How to deliver it: \"text\" (SMS) or \"voice\".")
    as_text: str = Field(description="The message rendered for a text message, code included.")
    as_voice: str = Field(description="The message rendered for a voice call, code included.")
    code: str | None = Field(
        None, description="The one-time code for otp_verify and otp_enroll messages; deliver it to the user. None for other types."
    )
    from_: str | None = Field(None, alias="from", description="The sender's phone number (E.164). None when not configured.")
    locale: str | None = Field(None, description="The locale the message was rendered in (BCP 47), e.g. \"en_US\".")


class CustomPhoneProviderEvent(EventModel):
    """The event of the custom-phone-provider trigger: deliver this SMS or voice message through your own provider."""

    notification: PhoneNotification = Field(description="The message to deliver.")
    user: User = Field(description="The user the message is for.")
    client: Client = Field(description="The application of the transaction that sends the message.")
    connection: Connection | None = Field(None, description="The connection of the user. None when the message is not tied to one.")
    organization: Organization | None = Field(None, description="The organization of the transaction. None unless there is one.")
    custom_domain: CustomDomain | None = Field(None, description="The custom domain of the transaction. None on the tenant's own domain.")
    transaction: NotificationTransaction | None = Field(None, description="The transaction, for tracing. None when there is none.")
    request: RequestWithoutQuery = Field(description="The HTTP request that caused the message.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: TenantSettings = Field(description="The tenant, with the settings its messages show.")

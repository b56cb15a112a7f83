"""The send-phone-message (v2) event: deliver an MFA code by SMS or voice through your provider."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets
from .common import Client, Request, Tenant, User


class MessageOptions(EventModel):
    """The message to deliver."""

    action: Literal["enrollment", "second-factor-authentication"] = Field(
        description="Why the message is sent: \"enrollment\" (enrolling a phone) or \"second-factor-authentication\"."
    )
    code: str = Field(description="The one-time code the user must enter.")
    message_type: Literal["sms", "voice"] = Field(description="How to deliver: \"sms\" or \"voice\".")
    recipient: str = Field(description="The phone number to send to (E.164).")
    text: str = Field(description="The rendered message text, code included.")


class SendPhoneMessageEvent(EventModel):
    """The event of the send-phone-message trigger."""

    message_options: MessageOptions = Field(description="The message to deliver.")
    user: User = Field(description="The user the message is for.")
    client: Client | None = Field(None, description="The application of the login. None when not known.")
    request: Request = Field(description="The HTTP request of the login.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: Tenant = Field(description="The tenant.")

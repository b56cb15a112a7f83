"""The post-change-password (v2) event."""

from __future__ import annotations

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets
from .common import Connection, Request, Tenant


class PasswordChangedUser(EventModel):
    """The user whose password changed (a partial profile)."""

    user_id: str | None = Field(None, description="The user's id. None when the change came from a flow that does not carry it.")
    email: str | None = Field(None, description="Email address. None for users without one.")
    email_verified: bool | None = Field(None, description="True once the email address has been verified. None without an email.")
    username: str | None = Field(None, description="Username. None unless the connection uses usernames.")
    phone_number: str | None = Field(None, description="Phone number (E.164). None unless the user has one.")
    phone_verified: bool | None = Field(None, description="True once the phone number has been verified. None without a phone number.")
    last_password_reset: str | None = Field(None, description="When the password was changed (ISO 8601).")


class PostChangePasswordTransaction(EventModel):
    """The password-change transaction."""

    correlation_id: str | None = Field(None, description="Correlation id passed by the application, to match logs. None when not given.")


class PostChangePasswordEvent(EventModel):
    """The event of the post-change-password trigger: a user's password changed (runs asynchronously)."""

    user: PasswordChangedUser = Field(description="The user whose password changed.")
    connection: Connection = Field(description="The database connection of the user.")
    request: Request = Field(description="The HTTP request that changed the password.")
    transaction: PostChangePasswordTransaction | None = Field(None, description="The password-change transaction. None when there is none.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: Tenant = Field(description="The tenant.")

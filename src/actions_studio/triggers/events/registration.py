"""The pre-user-registration (v2) and post-user-registration (v2) events."""

from __future__ import annotations

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets
from .common import Client, Connection, Request, RequestWithoutQuery, Tenant, Transaction, User


class NewUser(EventModel):
    """The user about to be created: no user_id yet."""

    email: str | None = Field(None, description="Email address given at signup. None for phone or username-only signups.")
    username: str | None = Field(None, description="Username given at signup. None unless the connection uses usernames.")
    phone_number: str | None = Field(None, description="Phone number given at signup (E.164). None unless given.")
    name: str | None = Field(None, description="Full name given at signup. None unless given.")
    given_name: str | None = Field(None, description="Given name. None unless given.")
    family_name: str | None = Field(None, description="Family name. None unless given.")
    nickname: str | None = Field(None, description="Nickname. None unless given.")
    picture: str | None = Field(None, description="Picture URL. None unless given.")
    app_metadata: ReadOnlyMapping | None = Field(
        None, description="App metadata given at signup, read-only; set values with api.user.set_app_metadata."
    )
    user_metadata: ReadOnlyMapping | None = Field(
        None, description="User metadata given at signup (e.g. signup form fields), read-only; set values with api.user.set_user_metadata."
    )


class PreUserRegistrationEvent(EventModel):
    """The event of the pre-user-registration trigger: a database or passwordless user is about to be created."""

    user: NewUser = Field(description="The user about to be created.")
    client: Client | None = Field(None, description="The application the signup came from. None for signups through the Management API.")
    connection: Connection = Field(description="The connection the user is signing up to.")
    request: RequestWithoutQuery = Field(description="The HTTP signup request (it has no query).")
    transaction: Transaction | None = Field(None, description="The authorization request of the signup. None for signups through the Management API.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: Tenant = Field(description="The tenant.")


class PostUserRegistrationEvent(EventModel):
    """The event of the post-user-registration trigger: a user was created (runs asynchronously)."""

    user: User = Field(description="The user just created.")
    connection: Connection = Field(description="The connection the user signed up to.")
    request: Request | None = Field(None, description="The HTTP signup request. None for users created through the Management API.")
    transaction: Transaction | None = Field(None, description="The authorization request of the signup. None for users created through the Management API.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: Tenant = Field(description="The tenant.")

"""The credentials-exchange (v2) event: a machine-to-machine client-credentials grant."""

from __future__ import annotations

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets
from .common import Client, Organization, RequestWithoutQuery, ResourceServer, Tenant


class AccessTokenInfo(EventModel):
    """The access token as it will be issued so far."""

    custom_claims: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        alias="customClaims",
        description="Custom claims set so far (by earlier actions), read-only. Empty when none.",
    )
    scope: tuple[str, ...] = Field(default=(), description="Scopes the token will carry.")


class CredentialsExchangeTransaction(EventModel):
    """The token request."""

    requested_scopes: tuple[str, ...] = Field(default=(), description="Scopes the client requested.")


class CredentialsExchangeRequest(RequestWithoutQuery):
    """The token request (POST /oauth/token)."""

    query: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping, description="Query-string parameters (read-only mapping); usually empty."
    )


class CredentialsExchangeEvent(EventModel):
    """The event of the credentials-exchange trigger: a client asks for an access token with its own credentials."""

    access_token: AccessTokenInfo = Field(alias="accessToken", description="The access token about to be issued.")
    client: Client = Field(description="The machine-to-machine application asking for the token.")
    resource_server: ResourceServer = Field(description="The API the token is for.")
    request: CredentialsExchangeRequest = Field(description="The HTTP token request.")
    transaction: CredentialsExchangeTransaction = Field(
        default_factory=CredentialsExchangeTransaction, description="The token request's scopes."
    )
    organization: Organization | None = Field(None, description="The organization the token is for. None unless one was requested.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: Tenant = Field(description="The tenant.")

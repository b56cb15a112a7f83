"""The post-login (v3) event."""

from __future__ import annotations

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets
from .common import Client, Connection, Organization, Request, ResourceServer, Tenant, Transaction, User


class AuthenticationMethod(EventModel):
    """One way the user proved who they are in this session."""

    name: str = Field(description="The method, e.g. \"pwd\", \"federated\", \"mfa\", \"passkey\", or a provider URL recorded by api.authentication.record_method.")
    timestamp: str = Field(description="When the method was completed (ISO 8601).")


class RiskAssessment(EventModel):
    """Adaptive MFA's risk assessment of this login."""

    confidence: str = Field(description="Overall confidence that the login is legitimate: \"low\", \"medium\", \"high\" or \"neutral\".")
    version: str = Field(description="Version of the assessment model, e.g. \"1\".")
    assessments: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        description="The individual assessments (UntrustedIP, NewDevice, ImpossibleTravel, ...), read-only.",
    )


class Authentication(EventModel):
    """How the user authenticated in the current session."""

    methods: tuple[AuthenticationMethod, ...] = Field(
        default=(), description="Authentication methods completed in this session, oldest first."
    )
    risk_assessment: RiskAssessment | None = Field(
        None, alias="riskAssessment", description="Adaptive MFA's risk assessment. None unless Adaptive MFA is enabled."
    )


class Authorization(EventModel):
    """The user's authorization data."""

    roles: tuple[str, ...] = Field(default=(), description="Names of the roles assigned to the user (RBAC).")


class PostLoginTransaction(Transaction):
    """The authorization request being processed."""

    id: str | None = Field(None, description="Id of the login transaction.")
    metadata: ReadOnlyMapping = Field(
        default_factory=ReadOnlyMapping,
        description=(
            "Metadata set by earlier actions with api.transaction.set_metadata, read-only; a value set "
            "in this action is visible here at once. Empty when none was set."
        ),
    )


class Stats(EventModel):
    """Login statistics of the user."""

    logins_count: int = Field(description="How many times the user has logged in, this login included.")


class Session(EventModel):
    """The user's session."""

    id: str = Field(description="The session's id.")
    created_at: str | None = Field(None, description="When the session was created (ISO 8601).")
    updated_at: str | None = Field(None, description="When the session was last updated (ISO 8601).")
    authenticated_at: str | None = Field(None, description="When the user last authenticated in this session (ISO 8601).")


class PostLoginEvent(EventModel):
    """The event of the post-login trigger: a user has authenticated and tokens are about to be issued."""

    user: User = Field(description="The user logging in.")
    client: Client = Field(description="The application the user is logging in to.")
    connection: Connection = Field(description="The connection the user authenticated with.")
    organization: Organization | None = Field(None, description="The organization of the login. None unless logging in through an organization.")
    authentication: Authentication | None = Field(None, description="How the user authenticated in this session. None for flows without interactive authentication (e.g. refresh tokens).")
    authorization: Authorization | None = Field(None, description="The user's roles. None when RBAC data is not available.")
    transaction: PostLoginTransaction | None = Field(None, description="The authorization request. None when the login has no transaction (rare).")
    stats: Stats = Field(description="Login statistics of the user.")
    resource_server: ResourceServer | None = Field(None, description="The API the access token is requested for. None when no audience was requested.")
    session: Session | None = Field(None, description="The user's session. None for flows without a session (e.g. resource-owner password grant).")
    request: Request = Field(description="The HTTP request of this login, with query and body.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: Tenant = Field(description="The tenant.")

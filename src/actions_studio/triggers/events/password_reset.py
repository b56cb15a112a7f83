"""The password-reset-post-challenge (v1) event.

Fields from Auth0's generated reference (auth0/docs-v2, main/docs/actions/reference/
password-reset-post-challenge/password-reset-post-challenge-event-object.mdx): the same user, client,
connection and request as post-login, an authentication that holds the first challenge (the email
link) and a smaller transaction.
"""

from __future__ import annotations

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets
from .common import Client, Connection, CustomDomain, Organization, Request, Tenant, UserWithFactors
from .post_login import AuthenticationMethod, Authorization, Stats


class PasswordResetAuthentication(EventModel):
    """How the user proved who they are so far in this password reset."""

    methods: tuple[AuthenticationMethod, ...] = Field(
        default=(),
        description=(
            "Methods completed so far, oldest first: the first challenge is usually \"email\" (the "
            "reset link), then \"mfa\" once a challenge asked by an action is passed."
        ),
    )
    risk_assessment: ReadOnlyMapping | None = Field(
        None,
        alias="riskAssessment",
        description=(
            "Supplemental risk signals (Akamai Bot Manager / Account Protector headers under "
            "\"supplemental\"), read-only. None unless the Akamai integration forwards them."
        ),
    )


class PasswordResetTransaction(EventModel):
    """The password reset transaction."""

    locale: str = Field(description="The locale of the reset pages, e.g. \"en\", from the browser and the tenant's languages.")
    ui_locales: tuple[str, ...] = Field(default=(), description="The ui_locales of the original request, in order.")
    login_hint: str | None = Field(None, description="The login_hint of the original request.")
    state: str | None = Field(None, description="The state parameter of the original request.")
    correlation_id: str | None = Field(
        None, description="Correlation id the application passed to Universal Login, to match logs with this flow."
    )


class PasswordResetPostChallengeEvent(EventModel):
    """The event of the password-reset-post-challenge trigger: the user passed the first reset challenge and has not set a new password yet."""

    user: UserWithFactors = Field(description="The user resetting their password.")
    client: Client = Field(description="The application the password reset started from.")
    connection: Connection = Field(description="The database connection of the user.")
    authentication: PasswordResetAuthentication = Field(description="The challenges passed so far in this reset.")
    authorization: Authorization = Field(description="The user's roles.")
    organization: Organization | None = Field(None, description="The organization of the reset. None unless it started through an organization.")
    custom_domain: CustomDomain | None = Field(None, description="The custom domain of the reset. None on the tenant's own domain.")
    transaction: PasswordResetTransaction = Field(description="The password reset transaction.")
    stats: Stats = Field(description="Login statistics of the user.")
    request: Request = Field(description="The HTTP request of the reset page, with query and body.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: Tenant = Field(description="The tenant.")

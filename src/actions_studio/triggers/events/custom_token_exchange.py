"""The custom-token-exchange (v1) event: an RFC 8693 token exchange with a custom subject_token_type.

Fields from Auth0's generated reference (auth0/docs-v2, main/docs/actions/reference/
custom-token-exchange/custom-token-exchange-event-object.mdx). There is no user yet: the action
decides who the subject token stands for (api.authentication.set_user_by_id / set_user_by_connection).
"""

from __future__ import annotations

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets
from .common import Client, Organization, RequestWithoutQuery, ResourceServer, Tenant, UserWithFactors


class TokenExchangeTransaction(EventModel):
    """The token exchange request (POST /oauth/token, grant_type urn:ietf:params:oauth:grant-type:token-exchange)."""

    subject_token: str = Field(description="The subject_token of the request: validate it before trusting anything in it.")
    subject_token_type: str = Field(
        description="The subject_token_type of the request: the URI of the token exchange profile that routed here."
    )
    requested_token_type: str = Field(
        description="The type of token to issue, e.g. \"urn:ietf:params:oauth:token-type:access_token\"."
    )
    requested_scopes: tuple[str, ...] = Field(default=(), description="The scopes the request asked for; empty when none.")
    actor_token: str | None = Field(None, description="The actor_token of the request (delegation). None when it sent none.")
    actor_token_type: str | None = Field(None, description="The actor_token_type of the request. None when it sent no actor token.")
    actor_token_user: UserWithFactors | None = Field(
        None,
        description=(
            "The user of the actor token, when actor_token_type is urn:ietf:params:oauth:token-type:id_token "
            "and the token is a valid ID token of this tenant (Auth0 checks it). None otherwise."
        ),
    )


class CustomTokenExchangeEvent(EventModel):
    """The event of the custom-token-exchange trigger: an application exchanges a token of its own for Auth0 tokens."""

    transaction: TokenExchangeTransaction = Field(description="The token exchange request: the subject token and what is asked for.")
    client: Client = Field(description="The application making the exchange.")
    resource_server: ResourceServer = Field(description="The API the tokens are for (the audience).")
    organization: Organization | None = Field(None, description="The organization of the exchange. None unless one was requested.")
    request: RequestWithoutQuery = Field(description="The HTTP token request (it has no query).")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )
    tenant: Tenant = Field(description="The tenant.")

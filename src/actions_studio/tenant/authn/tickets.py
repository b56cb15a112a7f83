"""What Auth0's ticket endpoints share (`POST /api/v2/tickets/password-change` and
`/api/v2/tickets/email-verification`): the body with its limits, and the user and application a
ticket is for. Each endpoint makes its own kind of link (password_reset.py, email_verification.py)."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..context import TenantContext
from ..errors import ApiError
from ..store.directory import get_client, get_user

TICKET_TTL_S = 5 * 86400  # Auth0's default ticket lifetime


class TicketBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: str = Field(min_length=1, max_length=128)
    result_url: Optional[str] = Field(default=None, max_length=2048, pattern=r"^https?://[^\s]+$")
    ttl_sec: Optional[int] = Field(default=None, ge=0, le=TICKET_TTL_S)
    client_id: Optional[str] = Field(default=None, max_length=128)


def ticket_subject(ctx: TenantContext, body: TicketBody) -> tuple[dict[str, Any], dict[str, Any]]:
    """The user and the application (the demo app when none is named) of a ticket; 404 otherwise."""
    with ctx.db.read() as conn:
        user = get_user(conn, body.user_id)
        if user is None:
            raise ApiError(404, f"user '{body.user_id}'", "inexistent_user")
        client = get_client(conn, body.client_id or ctx.credentials["application"]["client_id"])
        if client is None:
            raise ApiError(404, f"client '{body.client_id}'", "inexistent_client")
    return user, client

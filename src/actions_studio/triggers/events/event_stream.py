"""The event-stream (v1) event: one CloudEvent of a stream the action is the destination of.

Fields from Auth0's generated reference (auth0/docs-v2, main/docs/actions/reference/event-stream/
event-stream-event-object.mdx): only the message and the secrets; no tenant, request or user.
Auth0's own fields of the CloudEvent (``dataschema``, ``a0tenant``, ``a0stream``, ``a0purpose``; docs-v2,
customize/events/event-testing-observability-and-failure-recovery.mdx) are kept as extra attributes.
"""

from __future__ import annotations

from pydantic import Field

from ..mappings import ReadOnlyMapping
from .base import EventModel, Secrets


class CloudEventMessage(EventModel):
    """The CloudEvents 1.0 message, e.g. a user.created event with the new user under data.object."""

    id: str = Field(description="The event's unique id, e.g. \"evt_6SfwXrtm8nVcjzzNCFFH1L\"; the same on a redelivery.")
    type: str = Field(description="The event type, e.g. \"user.created\", \"user.updated\", \"organization.member.added\".")
    source: str = Field(description="Where the event happened, e.g. \"urn:auth0:acme-dev.eu.auth0.com:users\".")
    specversion: str = Field(description="The CloudEvents version, \"1.0\".")
    time: str | None = Field(None, description="When the occurrence happened (RFC 3339).")
    data: ReadOnlyMapping | None = Field(
        None, description="The event's payload, read-only; its shape depends on type (e.g. data[\"object\"] is the user)."
    )


class EventStreamEvent(EventModel):
    """The event of the event-stream trigger: an event the stream subscribes to happened (runs asynchronously)."""

    message: CloudEventMessage = Field(description="The CloudEvent to handle.")
    secrets: Secrets = Field(
        default_factory=ReadOnlyMapping,
        description="This action's secrets by name (read-only, string values). Empty when the action has none.",
    )

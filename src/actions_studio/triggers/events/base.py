"""The base of every event model: frozen, wire names as aliases, unknown fields kept."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict

from ..mappings import ReadOnlyMapping, StringValues, freeze

# event.secrets: a read-only mapping whose values are strings.
Secrets = Annotated[ReadOnlyMapping, StringValues]


class EventModel(BaseModel):
    """A read-only part of an event. Fields Auth0 adds later are kept and readable as attributes."""

    model_config = ConfigDict(
        frozen=True,
        # Auth0 adds fields over time; a fixture from a newer tenant must still load.
        extra="allow",
        populate_by_name=True,
    )

    def __getattr__(self, name: str) -> Any:
        # Unknown (extra) fields are stored as plain JSON; hand them out read-only like the rest.
        return freeze(super().__getattr__(name))  # type: ignore[misc]

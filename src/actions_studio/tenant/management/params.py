"""Query parameters shared by the Management API endpoints: paging and booleans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator


def _wire_bool(value: Any) -> bool:
    # Auth0's query booleans are the words `true` and `false`. pydantic's lax parsing would also
    # take "1", "yes", "on", "t"… (issue 13, item 11): anything else is a 400 naming the parameter.
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise ValueError("must be true or false")


# Use as `Optional[QueryBool] = Query(None)` or `Annotated[QueryBool, Query()] = False`: with a bare
# `QueryBool = Query(False)` FastAPI drops the validator.
QueryBool = Annotated[bool, BeforeValidator(_wire_bool)]


@dataclass(frozen=True)
class Page:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return self.page * self.per_page


async def paging(
    page: int = Query(0, ge=0, le=1_000_000, description="0-based page index; past the end: empty"),
    per_page: int = Query(50, ge=1, le=100, description="results per page (1-100)"),
) -> Page:
    return Page(page, per_page)

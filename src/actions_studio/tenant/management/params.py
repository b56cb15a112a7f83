"""Query parameters shared by the paginated endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query


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

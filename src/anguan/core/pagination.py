"""Lists are paginated, sortable and filterable the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import BadRequest

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class PageParams:
    """`?page=&page_size=&sort=` as parsed from the query string."""

    page: int
    page_size: int
    sort: str | None

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.page_size


def page_params(
    page: int = Query(1, ge=1, le=100000),
    page_size: int = Query(20, ge=1, le=200),
    sort: str | None = Query(None, max_length=40, pattern=r"^-?[a-z_]+$"),
) -> PageParams:
    """FastAPI dependency for the common list parameters."""
    return PageParams(page, page_size, sort)


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    params: PageParams,
    sortable: dict[str, Any],
    default_sort: str,
) -> tuple[list[Any], int]:
    """Apply a whitelisted sort and a page to `stmt`; returns (rows, total)."""
    sort = params.sort or default_sort
    key = sort.lstrip("-")
    if key not in sortable:
        raise BadRequest("common.invalid_sort", sort=sort)
    column = sortable[key]
    total = int(await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)
    ordered = stmt.order_by(column.desc() if sort.startswith("-") else column.asc())
    rows = (await session.scalars(ordered.offset(params.offset).limit(params.page_size))).all()
    return list(rows), total

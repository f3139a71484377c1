"""Every SQL statement of the video module; the actor's data scope is applied here.

Scope (as monitoring points): a camera with an area is visible when the area is; a site-level camera
(no area) only to callers with the whole site (or all data) in scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.pagination import PageParams, paginate
from anguan.identity.schemas import Actor
from anguan.plant import repository as plant_repo
from anguan.plant.models import Area, Site
from anguan.video.models import Camera

Scope = plant_repo.AreaScope


async def scope_of(session: AsyncSession, actor: Actor) -> Scope:
    """The actor's scope (areas from the plant module's scope rules)."""
    return await plant_repo.area_scope(session, actor)


async def site(session: AsyncSession, site_id: int) -> Site | None:
    return await session.get(Site, site_id)


async def area(session: AsyncSession, area_id: int) -> Area | None:
    return await session.get(Area, area_id)


async def area_subtree(session: AsyncSession, area_id: int) -> set[int]:
    """The area and every area below it (a tank farm and its dikes)."""
    rows = (await session.execute(select(Area.id, Area.parent_id))).all()
    children: dict[int, list[int]] = {}
    for r in rows:
        if r.parent_id is not None:
            children.setdefault(r.parent_id, []).append(r.id)
    out: set[int] = set()
    stack = [area_id]
    while stack:
        n = stack.pop()
        if n not in out:
            out.add(n)
            stack.extend(children.get(n, []))
    return out


async def camera(session: AsyncSession, camera_id: int) -> Camera | None:
    return await session.get(Camera, camera_id)


async def camera_id_by_code(session: AsyncSession, code: str) -> int | None:
    """The camera holding this code, compared without case (MariaDB's collation would anyway)."""
    stmt = select(Camera.id).where(func.lower(Camera.code) == code.lower())
    return (await session.scalars(stmt)).first()


def _filters(
    scope: Scope,
    *,
    site_id: int | None = None,
    area_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> list[ColumnElement[bool]]:
    where = [scope.clause(Camera.site_id, Camera.area_id)]
    if site_id is not None:
        where.append(Camera.site_id == site_id)
    if area_id is not None:
        where.append(Camera.area_id == area_id)
    if status is not None:
        where.append(Camera.status == status)
    if kind is not None:
        where.append(Camera.kind == kind)
    if q:
        where.append(
            or_(
                Camera.code.icontains(q, autoescape=True),
                Camera.name.icontains(q, autoescape=True),
                Camera.vendor.icontains(q, autoescape=True),
                Camera.model.icontains(q, autoescape=True),
            )
        )
    return where


SORTS: dict[str, Any] = {
    "code": Camera.code,
    "name": Camera.name,
    "status": Camera.status,
    "kind": Camera.kind,
    "area_id": Camera.area_id,
    "id": Camera.id,
    "updated_at": Camera.updated_at,
}


async def cameras_page(
    session: AsyncSession, scope: Scope, params: PageParams, **filters: Any
) -> tuple[list[Camera], int]:
    """One page of cameras within the scope."""
    stmt = select(Camera).where(*_filters(scope, **filters))
    return await paginate(session, stmt, params, SORTS, "code")


async def cameras_in_scope(session: AsyncSession, scope: Scope, **filters: Any) -> list[Camera]:
    """Every camera within the scope, by code."""
    stmt = select(Camera).where(*_filters(scope, **filters)).order_by(Camera.code)
    return list((await session.scalars(stmt)).all())


async def cameras_of_site(session: AsyncSession, site_id: int) -> list[Camera]:
    """Every camera of a site (no scope: for the cross-module contract)."""
    stmt = select(Camera).where(Camera.site_id == site_id).order_by(Camera.id)
    return list((await session.scalars(stmt)).all())


async def cameras_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Camera]:
    """The cameras of these ids that exist (chunked IN lists), in no particular order."""
    out: list[Camera] = []
    unique = list(dict.fromkeys(ids))
    for i in range(0, len(unique), 500):
        chunk = unique[i : i + 500]
        out += (await session.scalars(select(Camera).where(Camera.id.in_(chunk)))).all()
    return out


async def area_names(session: AsyncSession) -> dict[int, str]:
    """Area id → code (for the export)."""
    return {r.id: r.code for r in await session.execute(select(Area.id, Area.code))}


async def site_codes(session: AsyncSession) -> dict[int, str]:
    """Site id → code (for the export)."""
    return {r.id: r.code for r in await session.execute(select(Site.id, Site.code))}

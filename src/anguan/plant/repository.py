"""Every SQL statement of the plant module; data scope applied here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.identity.schemas import Actor
from anguan.plant.models import Area, Department, Enterprise, EquipmentLocation, Site


def _subtree(pairs: list[tuple[int, int | None]], roots: set[int]) -> set[int]:
    children: dict[int, list[int]] = {}
    for node, parent in pairs:
        if parent is not None:
            children.setdefault(parent, []).append(node)
    out: set[int] = set()
    stack = list(roots)
    while stack:
        n = stack.pop()
        if n not in out:
            out.add(n)
            stack.extend(children.get(n, []))
    return out


async def visible_area_ids(session: AsyncSession, actor: Actor) -> set[int] | None:
    """Area ids inside the actor's data scope (None: unrestricted)."""
    if actor.all_data:
        return None
    rows = (await session.execute(select(Area.id, Area.parent_id, Area.site_id, Area.department_id))).all()
    sites = actor.scope_ids("site")
    ids = {r.id for r in rows if r.site_id in sites}
    ids |= _subtree([(r.id, r.parent_id) for r in rows], actor.scope_ids("area"))
    if actor.scope_ids("department"):
        dept_rows = (await session.execute(select(Department.id, Department.parent_id))).all()
        depts = _subtree([(d.id, d.parent_id) for d in dept_rows], actor.scope_ids("department"))
        ids |= _subtree([(r.id, r.parent_id) for r in rows], {r.id for r in rows if r.department_id in depts})
    return ids


@dataclass(frozen=True)
class AreaScope:
    """A caller's data scope over rows placed by site and area (monitoring points, cameras ...):
    `areas` None means unrestricted; a row without an area is visible with its site."""

    areas: frozenset[int] | None
    sites: frozenset[int]

    def allows(self, site_id: int, area_id: int | None) -> bool:
        """True when a row of this site/area is visible."""
        if self.areas is None:
            return True
        if area_id is None:
            return site_id in self.sites
        return area_id in self.areas

    def clause(self, site_col: Any, area_col: Any) -> ColumnElement[bool]:
        """The same test as SQL over the row's site and area columns."""
        if self.areas is None:
            return true()
        return or_(
            area_col.in_(self.areas) if self.areas else false(),
            and_(area_col.is_(None), site_col.in_(self.sites) if self.sites else false()),
        )


async def area_scope(session: AsyncSession, actor: Actor) -> AreaScope:
    """The actor's `AreaScope` (areas from `visible_area_ids`, sites from the site grants)."""
    areas = await visible_area_ids(session, actor)
    if areas is None:
        return AreaScope(None, frozenset())
    return AreaScope(frozenset(areas), frozenset(actor.scope_ids("site")))


async def visible_site_ids(
    session: AsyncSession, actor: Actor, areas: set[int] | None = None
) -> set[int] | None:
    """Site ids the actor may open: scoped sites and the sites of scoped areas.

    `areas`: the actor's visible area ids when the caller already has them (saves recomputing).
    """
    if actor.all_data:
        return None
    if areas is None:
        areas = await visible_area_ids(session, actor) or set()
    site_of_areas = (
        set((await session.scalars(select(Area.site_id).where(Area.id.in_(areas)))).all()) if areas else set()
    )
    return actor.scope_ids("site") | site_of_areas


async def enterprise(session: AsyncSession) -> Enterprise | None:
    """The (single) enterprise."""
    return (await session.scalars(select(Enterprise).order_by(Enterprise.id).limit(1))).one_or_none()


async def sites(session: AsyncSession, ids: set[int] | None) -> list[Site]:
    """Sites, optionally restricted to ids."""
    stmt = select(Site).order_by(Site.id)
    if ids is not None:
        stmt = stmt.where(Site.id.in_(ids))
    return list((await session.scalars(stmt)).all())


async def areas(session: AsyncSession, site_id: int | None, ids: set[int] | None) -> list[Area]:
    """Areas of a site (or all), optionally restricted to ids."""
    stmt = select(Area).order_by(Area.site_id, Area.code)
    if site_id is not None:
        stmt = stmt.where(Area.site_id == site_id)
    if ids is not None:
        stmt = stmt.where(Area.id.in_(ids))
    return list((await session.scalars(stmt)).all())


async def departments(session: AsyncSession) -> list[Department]:
    """Every department."""
    return list((await session.scalars(select(Department).order_by(Department.code))).all())


async def equipment(
    session: AsyncSession, site_id: int, area_ids: set[int] | None
) -> list[EquipmentLocation]:
    """Equipment locations of a site within the visible areas."""
    stmt = (
        select(EquipmentLocation).where(EquipmentLocation.site_id == site_id).order_by(EquipmentLocation.tag)
    )
    if area_ids is not None:
        stmt = stmt.where(EquipmentLocation.area_id.in_(area_ids))
    return list((await session.scalars(stmt)).all())


async def area_by_code(session: AsyncSession, site_id: int, code: str) -> Area | None:
    """An area by its site-unique code."""
    return (
        await session.scalars(select(Area).where(Area.site_id == site_id, Area.code == code))
    ).one_or_none()

"""Data scope of the hazard units: a unit is visible when its area is, or, without an area, its site."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.reminders import users_holding
from anguan.core.errors import Forbidden
from anguan.hazards import service
from anguan.hazards.models import HazardUnit
from anguan.identity import permissions as P
from anguan.identity.schemas import Actor
from anguan.plant import repository as plant_repo


async def visible_units(session: AsyncSession, actor: Actor) -> dict[int, HazardUnit]:
    """Every unit the actor may see, by id."""
    units = {u.id: u for u in (await session.scalars(select(HazardUnit).order_by(HazardUnit.code))).all()}
    if actor.all_data:
        return units
    areas = await plant_repo.visible_area_ids(session, actor) or set()
    sites = await plant_repo.visible_site_ids(session, actor, areas) or set()
    return {
        i: u for i, u in units.items() if u.area_id in areas or (u.area_id is None and u.site_id in sites)
    }


async def visible_unit(session: AsyncSession, actor: Actor, unit_id: int) -> HazardUnit:
    """One unit: 404 when missing, 403 outside the actor's scope."""
    unit = await service.get_unit(session, unit_id)
    if unit.id not in await visible_units(session, actor):
        raise Forbidden("identity.out_of_scope")
    return unit


async def visible_sites(session: AsyncSession, actor: Actor) -> set[int] | None:
    """The sites the actor may see (None: all)."""
    if actor.all_data:
        return None
    areas = await plant_repo.visible_area_ids(session, actor) or set()
    return await plant_repo.visible_site_ids(session, actor, areas) or set()


async def writers(session: AsyncSession) -> list[tuple[int, set[int], set[int] | None]]:
    """Per active user holding hazards.write: user id, visible unit ids, visible site ids (None: all)."""
    out: list[tuple[int, set[int], set[int] | None]] = []
    for actor in await users_holding(session, P.HAZARDS_WRITE):
        out.append(
            (actor.user_id, set(await visible_units(session, actor)), await visible_sites(session, actor))
        )
    return out

"""Demo identification units of the demo plant, assessed on seeding (idempotent by unit code).

Storage units follow GB 18218 §3.6 (one per 防火堤); the hydrogenation unit is split at its
shut-off valves (§3.5). Quantities are design maximums: tank volume × density × 0.9 filling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Chemical
from anguan.hazards import service
from anguan.hazards.models import HazardUnit, UnitSubstance
from anguan.monitoring.models import Point
from anguan.plant.models import Area, Site

PEOPLE_BASIS = "园区管委会 2026 年人口核查：厂界外 500 m 内常住人口（含幸福村 118 人）"


@dataclass(frozen=True)
class UnitSeed:
    code: str
    name: str
    kind: str
    area: str
    boundary: str
    people: int
    substances: tuple[tuple[str, str, float, str, bool], ...]  # (name, CAS, q t, containers, special)


UNITS: tuple[UnitSeed, ...] = (
    UnitSeed(
        "HZ-DK01",
        "1# 罐区（甲醇、甲苯）",
        "storage",
        "DK-01",
        "1# 防火堤围合区域，T-101～T-104",
        120,
        (
            ("甲醇", "67-56-1", 1422.0, "T-101、T-102（2 × 1000 m³ × 0.79 t/m³ × 0.9）", False),
            ("甲苯", "108-88-3", 1566.0, "T-103、T-104（2 × 1000 m³ × 0.87 t/m³ × 0.9）", False),
        ),
    ),
    UnitSeed(
        "HZ-DK02",
        "2# 罐区（丙酮）",
        "storage",
        "DK-02",
        "2# 防火堤围合区域，T-105、T-106",
        120,
        (("丙酮", "67-64-1", 711.0, "T-105、T-106（2 × 500 m³ × 0.79 t/m³ × 0.9）", False),),
    ),
    UnitSeed(
        "HZ-PU01",
        "加氢反应单元",
        "production",
        "PU-01",
        "氢气进料切断阀 XV-201 至产品出料切断阀 XV-209 之间的设施",
        120,
        (
            ("氢", "1333-74-0", 0.8, "V-201 氢气缓冲罐及管线", True),
            ("甲苯", "108-88-3", 45.0, "R-201、R-202 反应釜及中间罐", True),
        ),
    ),
)


async def seed_hazards(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Create the demo units with their substances and assess each new one."""
    have = set((await session.scalars(select(HazardUnit.code))).all())
    site = (await session.scalars(select(Site).order_by(Site.id))).first()
    if site is None:
        return {"hazard_units": len(have)}
    areas = {a.code: a.id for a in (await session.scalars(select(Area).where(Area.site_id == site.id))).all()}
    chems = {c.cas: c.id for c in (await session.scalars(select(Chemical))).all() if c.cas}
    for u in UNITS:
        if u.code in have:
            continue
        unit = HazardUnit(
            code=u.code,
            name=u.name,
            kind=u.kind,
            site_id=site.id,
            area_id=areas.get(u.area),
            boundary=u.boundary,
            people_outside=u.people,
            people_basis=PEOPLE_BASIS,
        )
        session.add(unit)
        await session.flush()
        for name, cas, q, containers, special in u.substances:
            session.add(
                UnitSubstance(
                    unit_id=unit.id,
                    chemical_id=chems.get(cas),
                    name=name,
                    q_t=q,
                    containers=containers,
                    special_conditions=special,
                )
            )
        await session.flush()
        await service.assess_unit(session, unit, trigger="seed", now=now, actor=None)
        # The unit's monitoring points (位号) are those of its area not bound elsewhere yet.
        if unit.area_id is not None:
            await session.execute(
                update(Point)
                .where(Point.area_id == unit.area_id, Point.hazard_source_id.is_(None))
                .values(hazard_source_id=unit.id)
            )
    return {"hazard_units": len(have | {u.code for u in UNITS})}

"""What other modules read from the master data: chemical facts for the permit gas test (LEL) and
GB 18218 identification (GHS hazard classes), and the chemicals a unit handles.

Read-only and unscoped: these are reference facts about substances, not records of people.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Chemical, Process


@dataclass(frozen=True)
class ChemicalFacts:
    """The facts of one chemical that rules elsewhere depend on."""

    id: int
    name: str
    cas: str | None
    state: str | None
    ghs: tuple[str, ...]  # "class:category" codes of GB 30000
    lel_pct: float | None  # % v/v, for the gas test of GB 30871-2022 §5.3 (hot work)
    uel_pct: float | None
    flash_point_c: float | None
    oel_mg_m3: float | None
    key_supervised: bool  # 重点监管危险化学品
    highly_toxic: bool  # 剧毒化学品


def _facts(c: Chemical) -> ChemicalFacts:
    return ChemicalFacts(
        id=c.id,
        name=c.name,
        cas=c.cas,
        state=c.state,
        ghs=tuple(c.ghs or ()),
        lel_pct=c.lel_pct,
        uel_pct=c.uel_pct,
        flash_point_c=c.flash_point_c,
        oel_mg_m3=c.oel_mg_m3,
        key_supervised=c.key_supervised,
        highly_toxic=c.highly_toxic,
    )


async def chemical_facts(session: AsyncSession, key: str) -> ChemicalFacts | None:
    """A chemical by CAS number or by name (case-insensitive; aliases count), None when unknown."""
    text = key.strip()
    if not text:
        return None
    row = (
        await session.scalars(
            select(Chemical).where(or_(Chemical.cas == text, func.lower(Chemical.name) == text.lower()))
        )
    ).first()
    if row is None:
        # Aliases live in a JSON list: few chemicals, so filter them here rather than per dialect.
        for c in (await session.scalars(select(Chemical))).all():
            if any(a.strip().lower() == text.lower() for a in c.aliases or ()):
                row = c
                break
    return None if row is None else _facts(row)


async def chemicals_of_unit(session: AsyncSession, process_code: str) -> list[ChemicalFacts]:
    """The chemicals a unit (装置) handles, from its CAS list; unknown CAS numbers are skipped."""
    unit = (await session.scalars(select(Process).where(Process.code == process_code))).first()
    if unit is None or not unit.chemicals:
        return []
    rows = (await session.scalars(select(Chemical).where(Chemical.cas.in_(unit.chemicals)))).all()
    order = {cas: i for i, cas in enumerate(unit.chemicals)}
    return [_facts(c) for c in sorted(rows, key=lambda c: order.get(c.cas or "", 0))]

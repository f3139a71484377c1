"""Data scope (数据权限) of the registers: which rows a caller may read and write.

- `area`: rows of the caller's visible areas, and area-less rows of the caller's visible sites;
- `site`: rows of the caller's visible sites, and enterprise-wide rows (no site);
- `department`: people of the caller's departments (subtrees) and of the departments owning the
  caller's visible areas; contractor workers (no department) are visible to every reader, since
  permits and positioning in any area need them;
- `parent`: the rows whose parent row is visible (certificates of visible people ...);
- `none`: enterprise-wide lists (chemicals, contractors, suppliers).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.registry import Register
from anguan.identity.schemas import Actor
from anguan.plant import repository as plant_repo
from anguan.plant.models import Area, Department


async def _departments(session: AsyncSession, actor: Actor, areas: set[int]) -> set[int]:
    rows = (await session.execute(select(Department.id, Department.parent_id))).all()
    roots = set(actor.scope_ids("department"))
    if areas:
        roots |= {
            d
            for d in (await session.scalars(select(Area.department_id).where(Area.id.in_(areas)))).all()
            if d
        }
    children: dict[int, list[int]] = {}
    for node, parent in rows:
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


async def visible_clause(session: AsyncSession, actor: Actor, reg: Register) -> ColumnElement[bool]:
    """A WHERE clause limiting `reg.model` to the rows the actor may see (TRUE when unrestricted)."""
    if actor.all_data or reg.scope == "none":
        return true()
    model: Any = reg.model
    areas = await plant_repo.visible_area_ids(session, actor) or set()
    sites = await plant_repo.visible_site_ids(session, actor, areas) or set()
    if reg.scope == "area":
        return or_(model.area_id.in_(areas), and_(model.area_id.is_(None), model.site_id.in_(sites)))
    if reg.scope == "site":
        return or_(model.site_id.in_(sites), model.site_id.is_(None))
    if reg.scope == "department":
        depts = await _departments(session, actor, areas)
        return or_(
            model.department_id.in_(depts), model.department_id.is_(None) & (model.kind == "contractor")
        )
    if reg.scope == "parent" and reg.parent is not None:
        from anguan.basics.registers import REGISTERS  # the parent's own scope

        field, parent_name = reg.parent
        parent = REGISTERS[parent_name]
        clause = await visible_clause(session, actor, parent)
        parent_model: Any = parent.model
        column: Any = getattr(model, field)
        result: ColumnElement[bool] = column.in_(select(parent_model.id).where(clause))
        return result
    return false()


async def can_see(session: AsyncSession, actor: Actor, reg: Register, row_id: int) -> bool:
    """Whether one row is inside the actor's scope."""
    clause = await visible_clause(session, actor, reg)
    model: Any = reg.model
    return (await session.scalar(select(model.id).where(model.id == row_id, clause))) is not None

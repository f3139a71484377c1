"""Identification and grading of units from the master data; the stored calculation sheet.

The inputs of an assessment are everything the rules read (quantities, 表1 rows, 表2 classes with the
chemical data they came from, the population outside): a unit whose current inputs differ from its
latest assessment's is recomputed (by the API at once, and by the `hazards.recompute` job when the
change came from elsewhere, such as a chemical edited in the master data).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Chemical
from anguan.core.errors import NotFound, Unprocessable
from anguan.core.excel import Column, write_xlsx
from anguan.core.timeline import AuditActor, record
from anguan.hazards import rules
from anguan.hazards.models import Assessment, HazardUnit, UnitSubstance
from anguan.hazards.reference import VERSION


def decimal_text(value: Fraction | None, places: int = 4) -> str | None:
    """An exact fraction as decimal text for the sheet (rounded half-even to `places`)."""
    if value is None:
        return None
    q = Decimal(value.numerator) / Decimal(value.denominator)
    # Fixed-point text: 500, never 5E+2 (normalize() alone would write an exponent).
    return format(q.quantize(Decimal(1).scaleb(-places)).normalize(), "f") if q != 0 else "0"


def _inputs(
    unit: HazardUnit, rows: list[UnitSubstance], chems: dict[int, Chemical]
) -> tuple[list[rules.Substance], dict[str, Any]]:
    substances: list[rules.Substance] = []
    lines: list[dict[str, Any]] = []
    for r in rows:
        chem = chems.get(r.chemical_id) if r.chemical_id else None
        cas = chem.cas if chem else None
        table1_no = r.table1_no
        if table1_no is None:
            matches = rules.table1_matches(chem.name if chem else r.name, cas)
            table1_no = matches[0] if len(matches) == 1 else None
        classes = list(r.classes or [])
        classes_from = "manual"
        if not classes and chem is not None:
            classes = rules.table2_codes(
                chem.ghs or [],
                chem.state,
                boiling_point_c=chem.boiling_point_c,
                above_boiling_point=r.above_boiling_point,
                special_conditions=r.special_conditions,
            )
            classes_from = "ghs"
        substances.append(rules.Substance(r.name, rules.exact(r.q_t), table1_no, cas, tuple(classes)))
        lines.append(
            {
                "substance_id": r.id,
                "name": r.name,
                "q_t": str(r.q_t),
                "cas": cas,
                "table1_no": table1_no,
                "classes": classes,
                "classes_from": classes_from,
                "ghs": list(chem.ghs or []) if chem else [],
                "state": chem.state if chem else None,
                "boiling_point_c": chem.boiling_point_c if chem else None,
                "above_boiling_point": r.above_boiling_point,
                "special_conditions": r.special_conditions,
                "containers": r.containers,
            }
        )
    inputs = {"rule_version": VERSION, "people_outside": unit.people_outside, "substances": lines}
    return substances, inputs


async def _load(
    session: AsyncSession, unit_ids: list[int] | None
) -> tuple[dict[int, list[UnitSubstance]], dict[int, Chemical]]:
    stmt = select(UnitSubstance).order_by(UnitSubstance.id)
    if unit_ids is not None:
        stmt = stmt.where(UnitSubstance.unit_id.in_(unit_ids))
    by_unit: dict[int, list[UnitSubstance]] = {}
    for r in (await session.scalars(stmt)).all():
        by_unit.setdefault(r.unit_id, []).append(r)
    chem_ids = {r.chemical_id for rows in by_unit.values() for r in rows if r.chemical_id}
    chems = {
        c.id: c for c in (await session.scalars(select(Chemical).where(Chemical.id.in_(chem_ids)))).all()
    }
    return by_unit, chems


async def unit_inputs(
    session: AsyncSession, unit: HazardUnit
) -> tuple[list[rules.Substance], dict[str, Any]]:
    """The substances of a unit as the rules take them, and the inputs record stored with a result."""
    by_unit, chems = await _load(session, [unit.id])
    return _inputs(unit, by_unit.get(unit.id, []), chems)


def _sheet(result: rules.Result) -> list[dict[str, Any]]:
    return [
        {
            "name": ln.name,
            "q_t": decimal_text(ln.q_t),
            "Q_t": decimal_text(ln.Q_t),
            "Q_basis": ln.Q_basis,
            "ratio": decimal_text(ln.ratio),
            "beta": decimal_text(ln.beta),
            "beta_basis": ln.beta_basis,
            "beta_ambiguous": ln.beta_ambiguous,
            "weighted": decimal_text(ln.weighted),
        }
        for ln in result.lines
    ]


async def assess_unit(
    session: AsyncSession, unit: HazardUnit, *, trigger: str, now: datetime, actor: AuditActor | None
) -> Assessment:
    """Identify and grade a unit and store the sheet; a refused input raises a 422 with its code."""
    substances, inputs = await unit_inputs(session, unit)
    try:
        result = rules.assess(substances, unit.people_outside)
    except rules.HazardInputError as exc:
        params = {
            k: "、".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
            for k, v in exc.params.items()
        }
        unit.assessment_error, unit.assessment_error_params = exc.code, params
        raise Unprocessable(exc.code, **params) from exc
    row = Assessment(
        unit_id=unit.id,
        computed_at=now,
        rule_version=result.version,
        trigger=trigger,
        inputs=inputs,
        sheet=_sheet(result),
        s_value=decimal_text(result.s) or "0",
        major=result.major,
        alpha=decimal_text(result.alpha, 2),
        alpha_basis=result.alpha_basis,
        r_value=decimal_text(result.r),
        grade=result.grade,
        needs_review=result.needs_review,
    )
    session.add(row)
    await session.flush()
    unit.assessment_id, unit.major, unit.grade = row.id, result.major, result.grade
    unit.s_value = float(result.s)
    unit.r_value = None if result.r is None else float(result.r)
    unit.assessment_error = unit.assessment_error_params = None
    await record(
        session,
        actor,
        "hazards.unit_assessed",
        target_type="hz_unit",
        target_id=unit.id,
        detail={
            "trigger": trigger,
            "s": row.s_value,
            "r": row.r_value,
            "grade": row.grade,
            "major": row.major,
        },
    )
    return row


async def recompute_stale(session: AsyncSession, now: datetime) -> int:
    """Recompute every unit whose inputs changed since its latest assessment (a quantity, a
    chemical's classes or state, the population). A unit whose inputs are refused keeps its error."""
    units = list((await session.scalars(select(HazardUnit).order_by(HazardUnit.id))).all())
    by_unit, chems = await _load(session, None)
    ids = [u.assessment_id for u in units if u.assessment_id is not None]
    latest_inputs: dict[int, dict[str, Any]] = dict(
        (await session.execute(select(Assessment.id, Assessment.inputs).where(Assessment.id.in_(ids))))
        .tuples()
        .all()
    )
    done = 0
    for unit in units:
        _, inputs = _inputs(unit, by_unit.get(unit.id, []), chems)
        if unit.assessment_id is not None and latest_inputs.get(unit.assessment_id) == inputs:
            continue
        try:
            await assess_unit(session, unit, trigger="inputs_changed", now=now, actor=None)
            done += 1
        except Unprocessable:
            continue
    return done


async def get_unit(session: AsyncSession, unit_id: int) -> HazardUnit:
    """A unit or 404."""
    unit = await session.get(HazardUnit, unit_id)
    if unit is None:
        raise NotFound("hazards.unit_not_found", id=unit_id)
    return unit


SHEET_COLUMNS = (
    Column("name", "危险化学品", "Substance", width=18),
    Column("q_t", "实际存在量q(t)", "q (t)", width=14),
    Column("Q_t", "临界量Q(t)", "Q (t)", width=12),
    Column("Q_basis", "临界量依据", "Q basis", width=40),
    Column("ratio", "q/Q", "q/Q", width=10),
    Column("beta", "校正系数β", "β", width=10),
    Column("beta_basis", "β依据", "β basis", width=30),
    Column("weighted", "β·q/Q", "β·q/Q", width=10),
)


def sheet_xlsx(unit: HazardUnit, a: Assessment) -> bytes:
    """The calculation sheet as a workbook a safety engineer can check by hand."""
    rows = [[ln[c.key] for c in SHEET_COLUMNS] for ln in a.sheet]
    grade = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}.get(a.grade or 0, "不构成重大危险源")
    notes = [
        ("单元 Unit", f"{unit.code} {unit.name}"),
        ("依据 Rule", f"GB 18218-2018 ({a.rule_version})"),
        ("S = Σq/Q", a.s_value + (" ≥ 1：构成重大危险源" if a.major else " < 1：不构成重大危险源")),
        ("α", f"{a.alpha or '—'} ({a.alpha_basis or '—'}, 厂外500 m常住人口 {unit.people_outside} 人)"),
        ("R = α·Σβq/Q", a.r_value or "—"),
        ("级别 Grade", grade),
        ("需复核 Needs review", "是 — 某物质有多个危险性类别，β取最大值" if a.needs_review else "否"),
        ("计算时间 Computed", a.computed_at.isoformat()),
    ]
    return write_xlsx("辨识分级 Sheet", SHEET_COLUMNS, rows, notes)

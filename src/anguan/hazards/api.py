"""Major-hazard REST API: identification units, their substances, assessments and sheets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Chemical
from anguan.core.db import MAX_ID
from anguan.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound, Unprocessable, error_responses
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.timeline import AuditActor, record
from anguan.core.web import TransactionalRoute, get_session
from anguan.hazards import service
from anguan.hazards.models import Assessment, HazardUnit, UnitSubstance
from anguan.hazards.reference import TABLE1_BY_NO, TABLE2
from anguan.hazards.scope import visible_unit, visible_units
from anguan.hazards.sheet_pdf import calculation_sheet_pdf
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.plant.models import Area, Site

router = APIRouter(prefix="/hazards", tags=["hazards"], route_class=TransactionalRoute)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
CODE = r"^[A-Za-z0-9_\-]{1,40}$"
Class = Annotated[str, Field(pattern=r"^[JW][0-9.]{1,4}$")]


class UnitIn(RequestModel):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=120)
    kind: Literal["storage", "production"]
    site_id: int = Field(ge=1, le=MAX_ID)
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    boundary: str | None = Field(default=None, max_length=2000)
    people_outside: int = Field(default=0, ge=0, le=10_000_000)
    people_basis: str | None = Field(default=None, max_length=200)
    filing_no: str | None = Field(default=None, max_length=60)
    status: Literal["in_use", "stopped", "maintenance"] = "in_use"
    description: str | None = Field(default=None, max_length=4000)


class UnitUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    boundary: str | None = Field(default=None, max_length=2000)
    people_outside: int | None = Field(default=None, ge=0, le=10_000_000)
    people_basis: str | None = Field(default=None, max_length=200)
    filing_no: str | None = Field(default=None, max_length=60)
    status: Literal["in_use", "stopped", "maintenance"] | None = None
    description: str | None = Field(default=None, max_length=4000)


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    kind: str
    site_id: int
    area_id: int | None
    boundary: str | None
    people_outside: int
    people_basis: str | None
    assessment_id: int | None
    major: bool | None
    grade: int | None
    s_value: float | None
    r_value: float | None
    assessment_error: str | None
    assessment_error_params: dict[str, str] | None = None
    filing_no: str | None
    status: str
    description: str | None


class SubstanceIn(RequestModel):
    name: str = Field(min_length=1, max_length=120)
    chemical_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    q_t: float = Field(ge=0, le=10_000_000, description="design maximum quantity, tonnes")
    containers: str | None = Field(default=None, max_length=200)
    table1_no: int | None = Field(default=None, ge=1, le=85)
    classes: list[Class] = Field(default_factory=list, max_length=12)
    above_boiling_point: bool = False
    special_conditions: bool = False
    note: str | None = Field(default=None, max_length=2000)


class SubstanceUpdate(RequestModel):
    q_t: float | None = Field(default=None, ge=0, le=10_000_000)
    containers: str | None = Field(default=None, max_length=200)
    table1_no: int | None = Field(default=None, ge=1, le=85)
    classes: list[Class] | None = Field(default=None, max_length=12)
    above_boiling_point: bool | None = None
    special_conditions: bool | None = None
    note: str | None = Field(default=None, max_length=2000)


class SubstanceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    chemical_id: int | None
    name: str
    q_t: float
    containers: str | None
    table1_no: int | None
    classes: list[str]
    above_boiling_point: bool
    special_conditions: bool
    note: str | None


class AssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    computed_at: datetime
    rule_version: str
    trigger: str
    inputs: dict[str, Any]
    sheet: list[dict[str, Any]]
    s_value: str
    major: bool
    alpha: str | None
    alpha_basis: str | None
    r_value: str | None
    grade: int | None
    needs_review: bool
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None


class ReviewIn(RequestModel):
    note: str = Field(min_length=1, max_length=2000, description="the basis of the confirmed β choices")


def _who(actor: Actor) -> AuditActor:
    return AuditActor(actor.user_id, actor.username, actor.ip)


async def _check_place(session: AsyncSession, site_id: int, area_id: int | None) -> None:
    if await session.get(Site, site_id) is None:
        raise Unprocessable("hazards.site_not_found", id=site_id)
    if area_id is not None:
        area = await session.get(Area, area_id)
        if area is None or area.site_id != site_id:
            raise Unprocessable("hazards.area_not_in_site", id=area_id)


async def _reassess(session: AsyncSession, unit: HazardUnit, trigger: str, actor: Actor) -> None:
    """Recompute after an edit; a unit that cannot be computed yet (no substance) keeps its error."""
    try:
        await service.assess_unit(session, unit, trigger=trigger, now=utcnow(), actor=_who(actor))
    except Unprocessable:
        pass


@router.get("/units", response_model=list[UnitOut], responses=READ_ERRORS)
async def list_units(
    site_id: int | None = Query(None, ge=1, le=MAX_ID),
    major: bool | None = None,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[HazardUnit]:
    """Identification units within the caller's scope (major hazard sources with `major=true`)."""
    units = (await visible_units(session, actor)).values()
    return [
        u for u in units if (site_id is None or u.site_id == site_id) and (major is None or u.major is major)
    ]


@router.post("/units", response_model=UnitOut, status_code=201, responses=WRITE_ERRORS)
async def create_unit(
    body: UnitIn,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> HazardUnit:
    """Add an identification unit (no result until it has substances)."""
    await _check_place(session, body.site_id, body.area_id)
    if (await session.scalars(select(HazardUnit.id).where(HazardUnit.code == body.code))).first() is not None:
        raise Conflict("hazards.code_taken", code=body.code)
    unit = HazardUnit(**body.model_dump())
    session.add(unit)
    await session.flush()
    await record(session, _who(actor), "hazards.unit_created", target_type="hz_unit", target_id=unit.id)
    return unit


@router.get("/units/{unit_id}", response_model=UnitOut, responses=READ_ERRORS)
async def get_unit(
    unit_id: Id, actor: Actor = Depends(require(P.HAZARDS_READ)), session: AsyncSession = Depends(get_session)
) -> HazardUnit:
    """One unit."""
    return await visible_unit(session, actor, unit_id)


@router.patch("/units/{unit_id}", response_model=UnitOut, responses=WRITE_ERRORS)
async def update_unit(
    unit_id: Id,
    body: UnitUpdate,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> HazardUnit:
    """Edit a unit; a new population outside recomputes α and R."""
    unit = await visible_unit(session, actor, unit_id)
    changes = body.model_dump(exclude_unset=True)
    if "area_id" in changes:
        await _check_place(session, unit.site_id, changes["area_id"])
    for k, v in changes.items():
        if v is not None or k in ("area_id", "boundary", "people_basis", "filing_no", "description"):
            setattr(unit, k, v)
    await record(
        session, _who(actor), "hazards.unit_updated", target_type="hz_unit", target_id=unit.id, detail=changes
    )
    if "people_outside" in changes:
        await _reassess(session, unit, "population_changed", actor)
    return unit


@router.get("/units/{unit_id}/substances", response_model=list[SubstanceOut], responses=READ_ERRORS)
async def list_substances(
    unit_id: Id, actor: Actor = Depends(require(P.HAZARDS_READ)), session: AsyncSession = Depends(get_session)
) -> list[UnitSubstance]:
    """The hazardous chemicals of a unit."""
    await visible_unit(session, actor, unit_id)
    stmt = select(UnitSubstance).where(UnitSubstance.unit_id == unit_id).order_by(UnitSubstance.id)
    return list((await session.scalars(stmt)).all())


@router.post(
    "/units/{unit_id}/substances", response_model=SubstanceOut, status_code=201, responses=WRITE_ERRORS
)
async def add_substance(
    unit_id: Id,
    body: SubstanceIn,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> UnitSubstance:
    """Add a chemical with its design maximum quantity; the unit is recomputed."""
    unit = await visible_unit(session, actor, unit_id)
    if body.chemical_id is not None and await session.get(Chemical, body.chemical_id) is None:
        raise Unprocessable("hazards.chemical_not_found", id=body.chemical_id)
    unknown = [c for c in body.classes if c not in TABLE2]
    if unknown:
        raise Unprocessable("hazards.unknown_class", name=body.name, classes=unknown)
    if body.table1_no is not None and body.table1_no not in TABLE1_BY_NO:
        raise Unprocessable("hazards.unknown_table1_row", row=body.table1_no, name=body.name)
    stmt = select(UnitSubstance.id).where(UnitSubstance.unit_id == unit.id, UnitSubstance.name == body.name)
    if (await session.scalars(stmt)).first() is not None:
        raise Conflict("hazards.substance_taken", name=body.name)
    row = UnitSubstance(unit_id=unit.id, **body.model_dump())
    session.add(row)
    await session.flush()
    await _reassess(session, unit, "substance_changed", actor)
    return row


@router.patch("/substances/{substance_id}", response_model=SubstanceOut, responses=WRITE_ERRORS)
async def update_substance(
    substance_id: Id,
    body: SubstanceUpdate,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> UnitSubstance:
    """Change a quantity or a classification choice; the unit is recomputed."""
    row = await session.get(UnitSubstance, substance_id)
    if row is None:
        raise NotFound("hazards.substance_not_found", id=substance_id)
    unit = await visible_unit(session, actor, row.unit_id)
    changes = body.model_dump(exclude_unset=True)
    unknown = [c for c in changes.get("classes") or [] if c not in TABLE2]
    if unknown:
        raise Unprocessable("hazards.unknown_class", name=row.name, classes=unknown)
    for k, v in changes.items():
        if v is not None or k in ("containers", "table1_no", "note"):
            setattr(row, k, v)
    await _reassess(session, unit, "substance_changed", actor)
    return row


@router.delete("/substances/{substance_id}", status_code=204, responses=WRITE_ERRORS)
async def delete_substance(
    substance_id: Id,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Remove a chemical from a unit; the unit is recomputed."""
    row = await session.get(UnitSubstance, substance_id)
    if row is None:
        raise NotFound("hazards.substance_not_found", id=substance_id)
    unit = await visible_unit(session, actor, row.unit_id)
    await session.delete(row)
    await session.flush()
    await _reassess(session, unit, "substance_changed", actor)
    return Response(status_code=204)


@router.post("/units/{unit_id}/assess", response_model=AssessmentOut, responses=WRITE_ERRORS)
async def assess(
    unit_id: Id,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> Assessment:
    """Identify and grade the unit now; a refused input (empty unit, no Q, no β) is a 422."""
    unit = await visible_unit(session, actor, unit_id)
    return await service.assess_unit(session, unit, trigger="manual", now=utcnow(), actor=_who(actor))


@router.get("/units/{unit_id}/assessments", response_model=list[AssessmentOut], responses=READ_ERRORS)
async def assessments(
    unit_id: Id, actor: Actor = Depends(require(P.HAZARDS_READ)), session: AsyncSession = Depends(get_session)
) -> list[Assessment]:
    """The unit's assessments, newest first."""
    await visible_unit(session, actor, unit_id)
    stmt = select(Assessment).where(Assessment.unit_id == unit_id).order_by(Assessment.id.desc()).limit(100)
    return list((await session.scalars(stmt)).all())


async def _assessment(
    session: AsyncSession, actor: Actor, assessment_id: int
) -> tuple[HazardUnit, Assessment]:
    a = await session.get(Assessment, assessment_id)
    if a is None:
        raise NotFound("hazards.assessment_not_found", id=assessment_id)
    return await visible_unit(session, actor, a.unit_id), a


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut, responses=READ_ERRORS)
async def get_assessment(
    assessment_id: Id,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Assessment:
    """One assessment with its inputs and sheet."""
    return (await _assessment(session, actor, assessment_id))[1]


@router.get(
    "/assessments/{assessment_id}/sheet.xlsx",
    responses={
        200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
        **READ_ERRORS,
    },
)
async def sheet_xlsx(
    assessment_id: Id,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The calculation sheet as a workbook."""
    unit, a = await _assessment(session, actor, assessment_id)
    name = f"{unit.code}-辨识分级-{a.id}.xlsx"
    return Response(
        service.sheet_xlsx(unit, a),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@router.get(
    "/assessments/{assessment_id}/sheet.pdf",
    responses={200: {"content": {"application/pdf": {}}}, **READ_ERRORS},
)
async def sheet_pdf(
    assessment_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The calculation sheet (计算书) as an A4 PDF, times in the site's time zone."""
    unit, a = await _assessment(session, actor, assessment_id)
    name = f"{unit.code}-计算书-{a.id}.pdf"
    return Response(
        calculation_sheet_pdf(unit, a, tz=request.app.state.settings.site_timezone),
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@router.post("/assessments/{assessment_id}/review", response_model=AssessmentOut, responses=WRITE_ERRORS)
async def review(
    assessment_id: Id,
    body: ReviewIn,
    actor: Actor = Depends(require(P.HAZARDS_REVIEW)),
    session: AsyncSession = Depends(get_session),
) -> Assessment:
    """Confirm an assessment whose β choices were ambiguous, with the basis."""
    _, a = await _assessment(session, actor, assessment_id)
    if a.reviewed_at is not None:
        raise Conflict("hazards.already_reviewed")
    a.reviewed_by, a.reviewed_at, a.review_note = actor.username, utcnow(), body.note
    await record(
        session, _who(actor), "hazards.assessment_reviewed", target_type="hz_assessment", target_id=a.id
    )
    return a

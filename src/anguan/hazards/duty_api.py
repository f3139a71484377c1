"""包保 API: heads per hazard source, task templates, tasks (mine or all), completion, the report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Person
from anguan.basics.settings_service import plant_date
from anguan.core.db import MAX_ID
from anguan.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound, Unprocessable, error_responses
from anguan.core.files import LocalFileStore
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.timeline import AuditActor
from anguan.core.web import TransactionalRoute, get_session
from anguan.hazards import duty, rules
from anguan.hazards.models import Duty, DutyTask, DutyTemplate, HazardUnit
from anguan.hazards.scope import visible_unit, visible_units
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor

router = APIRouter(prefix="/hazards", tags=["hazards"], route_class=TransactionalRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Role = Literal["principal", "technical", "operational"]
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)


class DutyIn(RequestModel):
    role: Role
    person_id: int = Field(ge=1, le=MAX_ID)


class DutyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    role: str
    person_id: int
    person_name: str = ""


class TemplateIn(RequestModel):
    role: Role
    task_num: int = Field(ge=1, le=99)
    text: str = Field(min_length=2, max_length=1000)
    cycle: Literal["week", "month", "quarter"]
    enabled: bool = True


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    role: str
    task_num: int
    text: str
    cycle: str
    source: str
    enabled: bool


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    role: str
    task_num: int
    text: str
    person_id: int
    person_name: str = ""
    unit_code: str = ""
    unit_name: str = ""
    period_start: date
    due_on: date
    done_at: datetime | None
    done_by: str | None
    result: str | None
    note: str | None
    photos: list[int]
    x: float | None
    y: float | None
    lat: float | None
    lon: float | None
    state: str = ""


class CompleteIn(RequestModel):
    result: Literal["normal", "abnormal"]
    note: str | None = Field(default=None, max_length=2000)
    photos: list[int] = Field(default_factory=list, max_length=9)
    x: float | None = Field(default=None, ge=-100000, le=100000)
    y: float | None = Field(default=None, ge=-100000, le=100000)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class ReportRow(BaseModel):
    person_id: int
    name: str
    roles: list[str]
    units: list[str]
    due: int
    on_time: int
    late: int
    overdue: int
    pending: int
    abnormal: int
    rate: float | None


def _audit(actor: Actor) -> AuditActor:
    return AuditActor(actor.user_id, actor.username, actor.ip)


def _today(request: Request) -> date:
    return plant_date(utcnow(), request.app.state.settings.site_timezone)


def _out(t: DutyTask, today: date, unit: HazardUnit | None, person_name: str | None) -> TaskOut:
    out = TaskOut.model_validate(t)
    out.state = rules.task_state(t.due_on, t.done_on, today)
    out.person_name = person_name or f"#{t.person_id}"
    if unit is not None:
        out.unit_code, out.unit_name = unit.code, unit.name
    return out


def _duty_out(d: Duty, person_name: str | None) -> DutyOut:
    out = DutyOut.model_validate(d)
    out.person_name = person_name or f"#{d.person_id}"
    return out


@router.get(
    "/units/{unit_id}/duties",
    response_model=list[DutyOut],
    responses=error_responses(NotAuthenticated, Forbidden),
)
async def list_duties(
    unit_id: Id, actor: Actor = Depends(require(P.HAZARDS_READ)), session: AsyncSession = Depends(get_session)
) -> list[DutyOut]:
    """The 包保 heads of a hazard source."""
    await visible_unit(session, actor, unit_id)
    rows = (await session.scalars(select(Duty).where(Duty.unit_id == unit_id).order_by(Duty.role))).all()
    names = await duty.person_names(session, (d.person_id for d in rows))
    return [_duty_out(d, names.get(d.person_id)) for d in rows]


@router.put("/units/{unit_id}/duties", response_model=DutyOut, responses=WRITE_ERRORS)
async def assign(
    unit_id: Id,
    body: DutyIn,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> DutyOut:
    """Name the principal, technical or operational head of a major hazard source; a new head takes
    over the still-open tasks of the current period."""
    unit = await visible_unit(session, actor, unit_id)
    row, person = await duty.assign(session, _audit(actor), unit, body.role, body.person_id, _today(request))
    return _duty_out(row, person.name)


@router.get(
    "/duty-templates",
    response_model=list[TemplateOut],
    responses=error_responses(NotAuthenticated, Forbidden),
)
async def templates(
    actor: Actor = Depends(require(P.HAZARDS_READ)), session: AsyncSession = Depends(get_session)
) -> list[DutyTemplate]:
    """The task lists of the three roles."""
    stmt = select(DutyTemplate).order_by(DutyTemplate.role, DutyTemplate.task_num)
    return list((await session.scalars(stmt)).all())


@router.put("/duty-templates", response_model=TemplateOut, responses=WRITE_ERRORS)
async def put_template(
    body: TemplateIn,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> DutyTemplate:
    """Add or change one item of a role's list (national items keep their text; the cycle may change)."""
    row = (
        await session.scalars(
            select(DutyTemplate).where(DutyTemplate.role == body.role, DutyTemplate.task_num == body.task_num)
        )
    ).first()
    if row is None:
        row = DutyTemplate(**body.model_dump(), source="enterprise")
        session.add(row)
    else:
        if row.source == "national" and row.text != body.text:
            raise Conflict("hazards.national_text_fixed")
        row.text, row.cycle, row.enabled = body.text, body.cycle, body.enabled
    await session.flush()
    return row


@router.get("/tasks", response_model=list[TaskOut], responses=error_responses(NotAuthenticated, Forbidden))
async def tasks(
    request: Request,
    mine: bool = False,
    unit_id: int | None = Query(None, ge=1, le=MAX_ID),
    open_only: bool = False,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[TaskOut]:
    """包保 tasks, most urgent first (`mine`: the caller's own, for the phone)."""
    visible = await visible_units(session, actor)
    stmt = (
        select(DutyTask)
        .where(DutyTask.unit_id.in_(list(visible)))
        .order_by(DutyTask.done_at.is_not(None), DutyTask.due_on, DutyTask.id)
        .limit(500)
    )
    if mine:
        me = (await session.scalars(select(Person.id).where(Person.user_id == actor.user_id))).first()
        stmt = stmt.where(DutyTask.person_id == (me or 0))
    if unit_id is not None:
        stmt = stmt.where(DutyTask.unit_id == unit_id)
    if open_only:
        stmt = stmt.where(DutyTask.done_at.is_(None))
    today = _today(request)
    rows = (await session.scalars(stmt)).all()
    names = await duty.person_names(session, (t.person_id for t in rows))
    return [_out(t, today, visible.get(t.unit_id), names.get(t.person_id)) for t in rows]


@router.post("/tasks/{task_id}/complete", response_model=TaskOut, responses=WRITE_ERRORS)
async def complete(
    task_id: Id,
    body: CompleteIn,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> TaskOut:
    """The assigned head reports a task done, with photos and position."""
    today = _today(request)
    task = await duty.complete(
        session,
        _audit(actor),
        task_id,
        result=body.result,
        note=body.note,
        photos=body.photos,
        position=(body.x, body.y, body.lat, body.lon),
        now=utcnow(),
        today=today,
    )
    unit = await session.get(HazardUnit, task.unit_id)
    names = await duty.person_names(session, [task.person_id])
    return _out(task, today, unit, names.get(task.person_id))


@router.get(
    "/tasks/{task_id}/photos/{file_id}",
    responses={200: {"content": {"application/octet-stream": {}}}, **READ_ERRORS},
)
async def task_photo(
    task_id: Id,
    file_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """A photo of a completed 包保 task, for anyone who may see the task (its unit is in their scope)."""
    task = await duty.get_task(session, task_id)
    await visible_unit(session, actor, task.unit_id)
    stored = await duty.task_photo(session, task, file_id)
    store: LocalFileStore = request.app.state.files
    if not store.exists(stored.key):
        raise NotFound()
    return Response(
        store.get(stored.key),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(stored.name, safe='')}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/duty-report", response_model=list[ReportRow], responses=error_responses(NotAuthenticated, Forbidden)
)
async def duty_report(
    request: Request,
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[ReportRow]:
    """Per-person 包保 performance over [from, to] (考核报告)."""
    if end < start:
        raise Unprocessable("hazards.bad_period")
    rows = await duty.report(session, start, end, _today(request), set(await visible_units(session, actor)))
    return [ReportRow(**r.__dict__) for r in rows]

"""Special-work permits REST API: reference data, permits and their content, gas analyses, life-cycle
actions with on-site signatures, the confined-space register and work alarms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Person
from anguan.core.db import MAX_ID
from anguan.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound, Unprocessable, error_responses
from anguan.core.pagination import Page, PageParams, page_params, paginate
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.timeline import TimelineEntry
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.models import User
from anguan.identity.schemas import Actor
from anguan.permits import alarms, flow, rules, service
from anguan.permits import reference as ref
from anguan.permits.checklists import CHECKLISTS_V1
from anguan.permits.locating import Position, locator_from
from anguan.permits.models import (
    CancelRequest,
    EntryLog,
    Measure,
    Permit,
    PermitLink,
    PermitPerson,
    WorkAlarm,
)
from anguan.permits.reference import (
    ALARMS,
    HEIGHT_FACTORS,
    RISK_TEMPLATES_V1,
    ROLES,
    TICKET_STATUS,
    UPGRADE_CAUSES,
    VERSION,
    WORK_GRADES,
    WORK_TYPES,
)
from anguan.permits.schemas import (
    AlarmOut,
    CancelRequestOut,
    EntryOut,
    GasTestOut,
    LinkedOut,
    MeasureOut,
    PermitTimelineOut,
    PersonOut,
    SignatureOut,
)
from anguan.permits.workflow import TERMINAL, Action, State, actions_from, ticket_status

router = APIRouter(prefix="/permits", tags=["permits"], route_class=TransactionalRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
WorkType = Literal[
    "hot_work",
    "confined_space",
    "blinding",
    "work_at_height",
    "lifting",
    "temporary_electricity",
    "excavation",
    "road_breaking",
]
Coord = Annotated[float, Field(ge=-100000, le=100000)]


# ------------------------------------------------------------------------------ reference


class Option(BaseModel):
    code: str
    zh: str
    en: str


class GradeOption(BaseModel):
    work_type: str
    grade: str | None
    ticket_type: str
    zh: str
    en: str


class StepOut(BaseModel):
    code: str
    zh: str
    en: str
    role: str
    phase: str
    approver: bool


class Reference(BaseModel):
    version: str
    work_types: list[Option]
    grades: list[GradeOption]
    roles: list[Option]
    alarms: list[Option]
    ticket_statuses: list[Option]
    height_factors: list[Option]
    upgrade_causes: list[Option]
    states: list[str]
    risk_templates: dict[str, list[str]]  # the starting hazard list per work type (AQ §5.4.1)


@router.get("/reference", response_model=Reference, responses=READ_ERRORS)
async def reference(_: Actor = Depends(require(P.PERMITS_READ))) -> Reference:
    """Work types and grades (表A.2), signing roles, work alarms (表A.4), TICKET_STATUS (表A.1), the
    objective factors of work at height and the hot-work upgrade causes, as the rules use them."""
    return Reference(
        version=VERSION,
        work_types=[Option(code=c, zh=t.zh, en=t.en) for c, t in WORK_TYPES.items()],
        grades=[
            GradeOption(work_type=g.work_type, grade=g.grade, ticket_type=g.subclass, zh=g.zh, en=g.en)
            for g in WORK_GRADES
        ],
        roles=[Option(code=c, zh=zh, en=en) for c, (zh, en) in ROLES.items()],
        alarms=[Option(code=a.code, zh=a.zh, en=a.en) for a in ALARMS.values()],
        ticket_statuses=[Option(code=c, zh=zh, en=en) for c, (zh, en) in TICKET_STATUS.items()],
        height_factors=[Option(code=c, zh=zh, en=en) for c, (zh, en) in HEIGHT_FACTORS.items()],
        upgrade_causes=[Option(code=c, zh=zh, en=en) for c, (zh, en) in UPGRADE_CAUSES.items()],
        states=[s.value for s in State],
        risk_templates={k: list(v) for k, v in RISK_TEMPLATES_V1.items()},
    )


# ------------------------------------------------------------------------------ permits


class PermitIn(RequestModel):
    work_type: WorkType
    grade: str | None = Field(default=None, max_length=10)
    site_id: int = Field(ge=1, le=MAX_ID)
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    location: str = Field(min_length=1, max_length=200)
    x: Coord | None = None
    y: Coord | None = None
    hazardous_area: bool = False
    content: str = Field(min_length=2, max_length=4000)
    applicant_department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    contractor_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    work_unit: str = Field(min_length=1, max_length=120)
    leader_id: int = Field(ge=1, le=MAX_ID)
    planned_start: AwareDatetime
    planned_end: AwareDatetime
    emergency: bool = False
    details: dict[str, Any] = Field(default_factory=dict)


class PermitUpdate(RequestModel):
    grade: str | None = Field(default=None, max_length=10)
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    location: str | None = Field(default=None, min_length=1, max_length=200)
    x: Coord | None = None
    y: Coord | None = None
    hazardous_area: bool | None = None
    content: str | None = Field(default=None, min_length=2, max_length=4000)
    contractor_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    work_unit: str | None = Field(default=None, min_length=1, max_length=120)
    leader_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    planned_start: AwareDatetime | None = None
    planned_end: AwareDatetime | None = None
    emergency: bool | None = None
    details: dict[str, Any] | None = None


class PermitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    uid: str
    number: str
    work_type: str
    grade: str | None
    required_grade: str | None
    upgrade_causes: list[str]
    state: str
    ticket_status: str = ""
    site_id: int
    area_id: int | None
    location: str
    x: float | None
    y: float | None
    hazardous_area: bool
    content: str
    contractor_id: int | None
    work_unit: str
    leader_id: int
    leader_name: str = ""
    planned_start: datetime
    planned_end: datetime
    valid_until: datetime | None
    emergency: bool
    booked_at: datetime | None
    issued_at: datetime | None
    started_at: datetime | None
    paused_at: datetime | None
    finished_at: datetime | None
    accepted_at: datetime | None
    risks: list[str]
    jha: str | None
    briefing_by: str | None
    briefing_at: datetime | None
    details: dict[str, Any]
    detector_ids: list[int]
    camera_ids: list[int]
    replaces_id: int | None
    change_cause: str | None
    cancel_cause: str | None
    void_cause: str | None
    content_hash: str | None
    open_alarms: int = 0


class PermitDetail(PermitOut):
    people: list[PersonOut] = []
    measures: list[MeasureOut] = []
    gas_tests: list[GasTestOut] = []
    signatures: list[SignatureOut] = []
    steps: list[StepOut] = []
    next_step: str | None = None
    alarms: list[AlarmOut] = []
    entries: list[EntryOut] = []
    timeline: list[PermitTimelineOut] = []
    linked: list[int] = []
    linked_permits: list[LinkedOut] = []
    actions: list[str] = []
    checklist_paraphrased: bool = False
    can_sign: bool = False  # the caller may sign the next step now (role or delegation)
    my_roles: list[str] = []  # the caller's own active roles on this permit (guardian, worker, ...)
    cancel_request: CancelRequestOut | None = None  # the pending cancellation request (取消申请)
    user_names: dict[str, str] = {}  # login → display name, for signers, confirmers, analysts, timeline


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        (await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))).tuples().all()
    )


async def _outs(session: AsyncSession, permits: list[Permit]) -> list[PermitOut]:
    names = await _names(session, {p.leader_id for p in permits})
    ids = [p.id for p in permits]
    counts: dict[int, int] = {}
    if ids:
        for pid in (
            await session.scalars(
                select(WorkAlarm.permit_id).where(WorkAlarm.permit_id.in_(ids), WorkAlarm.ended_at.is_(None))
            )
        ).all():
            if pid is not None:
                counts[pid] = counts.get(pid, 0) + 1
    out = []
    for p in permits:
        o = PermitOut.model_validate(p)
        o.ticket_status = ticket_status(p.state)
        o.leader_name = names.get(p.leader_id, "")
        o.open_alarms = counts.get(p.id, 0)
        out.append(o)
    return out


def alarm_out(a: WorkAlarm) -> AlarmOut:
    o = AlarmOut.model_validate(a)
    spec = ALARMS.get(a.code)
    o.zh, o.en = (spec.zh, spec.en) if spec else (a.code, a.code)
    return o


async def can_sign_now(session: AsyncSession, actor: Actor, permit: Permit, step: ref.Step | None) -> bool:
    phase = {"signing": "signing", "issued": "start", "acceptance_pending": "acceptance"}.get(permit.state)
    if step is None or phase != step.phase or actor.permissions.isdisjoint({P.PERMITS_SIGN, P.PERMITS_APPLY}):
        return False
    try:
        await flow.signer_may_sign(session, actor, permit, step, utcnow())
    except Forbidden:
        return False
    return True


async def _display_names(session: AsyncSession, logins: set[str]) -> dict[str, str]:
    logins.discard("")
    if not logins:
        return {}
    rows = await session.execute(select(User.username, User.display_name).where(User.username.in_(logins)))
    return {u: (d or u) for u, d in rows.tuples().all()} | ({"system": "系统"} if "system" in logins else {})


async def _my_roles(session: AsyncSession, actor: Actor, people: Sequence[PermitPerson]) -> list[str]:
    """The roles the caller's own person (the master-data person linked to the login) holds now."""
    me = await session.scalar(select(Person.id).where(Person.user_id == actor.user_id))
    if me is None:
        return []
    return sorted({p.role for p in people if p.person_id == me and p.active})


def _cancel_out(row: CancelRequest | None) -> CancelRequestOut | None:
    return CancelRequestOut.model_validate(row) if row is not None else None


async def _detail(session: AsyncSession, permit: Permit, actor: Actor) -> PermitDetail:
    base = (await _outs(session, [permit]))[0]
    people = await service.people_of(session, permit.id, active_only=False)
    names = await _names(session, {p.person_id for p in people})
    measures = (
        await session.scalars(select(Measure).where(Measure.permit_id == permit.id).order_by(Measure.seq))
    ).all()
    sigs = await service.signatures(session, permit.id)
    steps = rules.approval_steps(permit.work_type, permit.grade)
    nxt = rules.next_step(steps, [s.step for s in sigs])
    alarm_rows = (
        await session.scalars(
            select(WorkAlarm).where(WorkAlarm.permit_id == permit.id).order_by(WorkAlarm.id)
        )
    ).all()
    entries = (
        await session.scalars(select(EntryLog).where(EntryLog.permit_id == permit.id).order_by(EntryLog.id))
    ).all()
    timeline = (
        await session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.entity_type == "permit", TimelineEntry.entity_id == str(permit.id))
            .order_by(TimelineEntry.id)
        )
    ).all()
    linked_rows = (
        await session.scalars(
            select(Permit)
            .join(PermitLink, PermitLink.linked_id == Permit.id)
            .where(PermitLink.permit_id == permit.id)
        )
    ).all()
    tests = await service.gas_tests(session, permit.id)
    logins = {s.signer_name for s in sigs} | {m.confirmed_by or "" for m in measures}
    logins |= {t.analyst for t in tests} | {t.actor_name or "" for t in timeline}
    logins |= {permit.briefing_by or "", permit.risk_identified_by or "", permit.created_by}
    return PermitDetail(
        **base.model_dump(),
        people=[
            PersonOut.model_validate(p).model_copy(update={"name": names.get(p.person_id, "")})
            for p in people
        ],
        measures=[MeasureOut.model_validate(m) for m in measures],
        gas_tests=[GasTestOut.model_validate(t) for t in tests],
        signatures=[SignatureOut.model_validate(s) for s in sigs],
        steps=[
            StepOut(code=s.code, zh=s.zh, en=s.en, role=s.role, phase=s.phase, approver=s.approver)
            for s in steps
        ],
        next_step=nxt.code if nxt and State(permit.state) not in TERMINAL else None,
        alarms=[alarm_out(a) for a in alarm_rows],
        entries=[EntryOut.model_validate(e) for e in entries],
        timeline=[PermitTimelineOut.model_validate(t) for t in timeline],
        linked=[p.id for p in linked_rows],
        linked_permits=[
            LinkedOut(id=p.id, number=p.number, work_type=p.work_type, state=p.state) for p in linked_rows
        ],
        actions=[a.value for a in actions_from(permit.state) if a is not Action.SUSPEND],
        checklist_paraphrased=CHECKLISTS_V1[permit.work_type].paraphrased,
        can_sign=await can_sign_now(session, actor, permit, nxt),
        my_roles=await _my_roles(session, actor, people),
        cancel_request=_cancel_out(await service.pending_cancel_request(session, permit.id)),
        user_names=await _display_names(session, logins),
    )


SORTABLE = {"planned_start": Permit.planned_start, "number": Permit.number, "state": Permit.state}


@router.get("", response_model=Page[PermitOut], responses=READ_ERRORS)
async def list_permits(
    state: str | None = Query(default=None, max_length=24),
    work_type: WorkType | None = None,
    grade: str | None = Query(default=None, max_length=10),
    alarm_type: str | None = Query(default=None, pattern=r"^\d/\d{2}$"),
    site_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    area_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    contractor_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    start_from: AwareDatetime | None = None,
    start_to: AwareDatetime | None = None,
    q: str | None = Query(default=None, max_length=60),
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[PermitOut]:
    """Permits of the caller's areas, newest planned start first (the ledger, 台账)."""
    stmt = select(Permit)
    clause = await service.visible_area_clause(session, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if state is not None:
        stmt = stmt.where(Permit.state.in_(state.split(",")))
    for col, val in ((Permit.work_type, work_type), (Permit.site_id, site_id), (Permit.area_id, area_id)):
        if val is not None:
            stmt = stmt.where(col == val)
    if contractor_id is not None:
        stmt = stmt.where(Permit.contractor_id == contractor_id)
    if grade is not None:
        stmt = stmt.where(Permit.grade == grade)
    if alarm_type is not None:  # permits that raised this work alarm (statistics drill-down)
        stmt = stmt.where(Permit.id.in_(select(WorkAlarm.permit_id).where(WorkAlarm.code == alarm_type)))
    if start_from is not None:
        stmt = stmt.where(Permit.planned_start >= start_from)
    if start_to is not None:
        stmt = stmt.where(Permit.planned_start < start_to)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(Permit.number.like(like) | Permit.location.like(like) | Permit.content.like(like))
    rows, total = await paginate(session, stmt, params, SORTABLE, "-planned_start")
    return Page(items=await _outs(session, rows), total=total, page=params.page, page_size=params.page_size)


@router.post("", response_model=PermitDetail, status_code=201, responses=WRITE_ERRORS)
async def create_permit(
    body: PermitIn,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """A new permit (草稿) with its type's checklist; grade, upgrade and validity derived by the rules."""
    permit = await service.create(session, actor, body.model_dump(), utcnow())
    return await _detail(session, permit, actor)


@router.get("/{permit_id}", response_model=PermitDetail, responses=READ_ERRORS)
async def get_permit(
    permit_id: Id,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """One permit with its people, measures, analyses, signatures, alarms, register and timeline."""
    return await _detail(session, await service.get_permit(session, actor, permit_id), actor)


@router.patch("/{permit_id}", response_model=PermitDetail, responses=WRITE_ERRORS)
async def update_permit(
    permit_id: Id,
    body: PermitUpdate,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """Change the content before the first signature (409 `permits.content_locked` after)."""
    permit = await service.get_permit(session, actor, permit_id)
    await service.update(session, actor, permit, body.model_dump(exclude_unset=True))
    return await _detail(session, permit, actor)


class PersonIn(RequestModel):
    person_id: int = Field(ge=1, le=MAX_ID)
    role: Literal["worker", "guardian", "commander", "rigger", "electrician", "analyst"]


class PeopleIn(RequestModel):
    people: list[PersonIn] = Field(max_length=100)


@router.put("/{permit_id}/people", response_model=PermitDetail, responses=WRITE_ERRORS)
async def set_people(
    permit_id: Id,
    body: PeopleIn,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """The workers, guardians and other people of the permit (before signing)."""
    permit = await service.get_permit(session, actor, permit_id)
    await service.set_people(session, actor, permit, [(p.person_id, p.role) for p in body.people], utcnow())
    return await _detail(session, permit, actor)


class LinkIn(RequestModel):
    permit_id: int = Field(ge=1, le=MAX_ID)


@router.post("/{permit_id}/links", response_model=PermitDetail, responses=WRITE_ERRORS)
async def link_permit(
    permit_id: Id,
    body: LinkIn,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """Link a related permit of the same job (GB 30871-2022 §4.6)."""
    permit = await service.get_permit(session, actor, permit_id)
    await service.link(session, actor, permit, body.permit_id)
    return await _detail(session, permit, actor)


class AnalysisIn(RequestModel):
    risks: list[Annotated[str, Field(max_length=300)]] = Field(max_length=50)
    jha: str | None = Field(default=None, max_length=8000)


@router.put("/{permit_id}/analysis", response_model=PermitDetail, responses=WRITE_ERRORS)
async def set_analysis(
    permit_id: Id,
    body: AnalysisIn,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """危险有害因素辨识 and 作业危害分析."""
    permit = await service.get_permit(session, actor, permit_id)
    await service.set_analysis(session, actor, permit, body.risks, body.jha)
    return await _detail(session, permit, actor)


class MeasureAnswer(RequestModel):
    seq: int = Field(ge=1, le=99)
    involved: bool


class MeasuresIn(RequestModel):
    answers: list[MeasureAnswer] = Field(max_length=40)
    other: str | None = Field(default=None, max_length=1000)


@router.put("/{permit_id}/measures", response_model=PermitDetail, responses=WRITE_ERRORS)
async def confirm_measures(
    permit_id: Id,
    body: MeasuresIn,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """是否涉及 and 确认人 for checklist rows."""
    permit = await service.get_permit(session, actor, permit_id)
    await service.confirm_measures(
        session, actor, permit, {a.seq: a.involved for a in body.answers}, utcnow(), body.other
    )
    return await _detail(session, permit, actor)


@router.post("/{permit_id}/briefing", response_model=PermitDetail, responses=WRITE_ERRORS)
async def briefing(
    permit_id: Id,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """安全交底 given by the caller."""
    permit = await service.get_permit(session, actor, permit_id)
    await service.brief(session, actor, permit, utcnow())
    return await _detail(session, permit, actor)


class ReadingIn(RequestModel):
    kind: Literal["combustible", "oxygen", "toxic"]
    name: str = Field(min_length=1, max_length=60)
    value: float = Field(ge=0, le=1_000_000)
    unit: str | None = Field(default=None, max_length=12)
    limit: float | None = Field(default=None, gt=0, le=1_000_000)
    lel_pct: float | None = Field(default=None, gt=0, le=100)


class GasTestIn(RequestModel):
    sampled_at: AwareDatetime
    point: str = Field(min_length=1, max_length=120)
    readings: list[ReadingIn] = Field(min_length=1, max_length=20)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


@router.post("/{permit_id}/gas-tests", response_model=PermitDetail, status_code=201, responses=WRITE_ERRORS)
async def add_gas_test(
    permit_id: Id,
    body: GasTestIn,
    actor: Actor = Depends(require(P.PERMITS_GAS)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """A gas analysis and its verdict by the LEL of the gas (master data) and the O₂ range."""
    permit = await service.get_permit(session, actor, permit_id)
    await service.add_gas_test(
        session,
        actor,
        permit,
        sampled_at=body.sampled_at,
        point=body.point,
        readings=[r.model_dump(exclude_none=True) for r in body.readings],
        now=utcnow(),
        position=(body.lat, body.lon),
    )
    return await _detail(session, permit, actor)


class ActionIn(RequestModel):
    reason: str | None = Field(default=None, max_length=2000)
    opinion: str | None = Field(default=None, max_length=2000)
    image_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="the drawn signature (POST /v1/files)"
    )
    x: Coord | None = None
    y: Coord | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    photos: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list,
        max_length=9,
        description="evidence photos (POST /v1/files), kept on the timeline",
    )


ActionName = Literal[
    "submit_booking",
    "approve_booking",
    "reject_booking",
    "apply",
    "submit_for_signing",
    "sign",
    "reject_signing",
    "start",
    "pause",
    "resume",
    "finish",
    "accept",
    "reject_acceptance",
    "cancel",
    "void",
    "close_for_reissue",
]


class ActionOut(PermitDetail):
    reissued_id: int | None = None


@router.post("/{permit_id}/actions/{action}", response_model=ActionOut, responses=WRITE_ERRORS)
async def act(
    permit_id: Id,
    action: ActionName,
    body: ActionIn,
    request: Request,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> ActionOut:
    """One life-cycle action (permits/workflow.py). A blocking rule answers 409 `permits.blocked` with
    the 表A.4 codes, which are raised as work alarms even though nothing else changes."""
    permit = await service.get_permit(session, actor, permit_id)
    now = utcnow()
    step = flow.Step(
        reason=body.reason,
        opinion=body.opinion,
        image_id=body.image_id,
        position=Position(x=body.x, y=body.y, lat=body.lat, lon=body.lon),
        photos=list(dict.fromkeys(body.photos)),
    )
    try:
        await flow.act(
            session,
            actor,
            permit,
            Action(action),
            step,
            now,
            locator_from(request.app.state),
            request.app.state.bus,
        )
    except flow.Blocked as blocked:
        await session.rollback()  # release the request's locks before the alarms' own transaction
        await alarms.raise_in_own_transaction(
            request.app.state.database,
            request.app.state.bus,
            permit_id,
            blocked.alarms,
            now,
            {"action": action, "by": actor.username},
        )
        raise
    reissued = None
    if action == "close_for_reissue":
        reissued = (await flow.reissue(session, actor, permit, now)).id
    detail = await _detail(session, permit, actor)
    return ActionOut(**detail.model_dump(), reissued_id=reissued)


class EntryIn(RequestModel):
    kind: Literal["person", "tool"]
    person_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    name: str = Field(default="", max_length=120)
    count: int = Field(default=1, ge=1, le=999)


@router.post("/{permit_id}/entries", response_model=PermitDetail, status_code=201, responses=WRITE_ERRORS)
async def enter(
    permit_id: Id,
    body: EntryIn,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """Register a person or tools going into a confined space."""
    permit = await service.get_permit(session, actor, permit_id)
    if body.kind == "tool" and not body.name.strip():
        raise Unprocessable("permits.tool_name_required")
    await service.enter(
        session,
        actor,
        permit,
        kind=body.kind,
        name=body.name,
        person_id=body.person_id,
        count=body.count,
        now=utcnow(),
    )
    return await _detail(session, permit, actor)


@router.post("/{permit_id}/entries/{entry_id}/exit", response_model=PermitDetail, responses=WRITE_ERRORS)
async def leave(
    permit_id: Id,
    entry_id: Id,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> PermitDetail:
    """Register a person or tools coming out."""
    permit = await service.get_permit(session, actor, permit_id)
    await service.leave(session, actor, permit, entry_id, utcnow())
    return await _detail(session, permit, actor)

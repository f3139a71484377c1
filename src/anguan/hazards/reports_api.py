"""Evaluation reports, supervision findings (三录入) and the GB 18218 reference tables: REST API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import rules as basics_rules
from anguan.basics import settings_service
from anguan.basics.models import Person
from anguan.core.db import MAX_ID
from anguan.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound, Unprocessable, error_responses
from anguan.core.excel import Column, write_xlsx
from anguan.core.files import LocalFileStore, StoredFile
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.web import TransactionalRoute, get_session
from anguan.hazards import reports, rules
from anguan.hazards.models import EvaluationReport, Finding, HazardUnit
from anguan.hazards.reference import (
    FINDING_LEVELS,
    FINDING_SOURCES,
    FINDING_STATUSES,
    REPORT_KINDS_V1,
    TABLE1,
    TABLE2,
    TABLE3,
    TABLE5,
    TABLE6,
    VERSION,
)
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor

router = APIRouter(prefix="/hazards", tags=["hazards"], route_class=TransactionalRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/octet-stream": {}}}}
ReportKindCode = Literal["safety_evaluation", "hazard_assessment", "hazop", "sil", "other"]
Source = Literal["self_check", "expert", "park", "government", "evaluation"]
Level = Literal["general", "major"]
Status = Literal["open", "rectified", "closed"]
Files = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=20)]


def _today(request: Request) -> date:
    return settings_service.plant_date(utcnow(), request.app.state.settings.site_timezone)


def _file(request: Request, stored: StoredFile | None, file_id: int) -> Response:
    store: LocalFileStore = request.app.state.files
    if stored is None or not store.exists(stored.key):
        raise NotFound("hazards.file_not_found", id=file_id)
    return Response(
        store.get(stored.key),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(stored.name, safe='')}",
            "X-Content-Type-Options": "nosniff",
        },
    )


# ------------------------------------------------------------------------- reference tables


class ReportKindOut(BaseModel):
    kind: str
    zh: str
    en: str
    cycle_years: int | None
    basis: str


class Option(BaseModel):
    code: str
    zh: str
    en: str


class FindingOptions(BaseModel):
    sources: list[Option]
    levels: list[Option]
    statuses: list[Option]


class Table1Row(BaseModel):
    no: int
    name: str
    cas: list[str]
    q_t: str
    beta: str | None = Field(default=None, description="表3 β where the chemical is listed there")


class Table2Row(BaseModel):
    code: str
    zh: str
    q_t: str
    beta: str = Field(description="表4 β of the class")


class Table5Row(BaseModel):
    people_at_least: int
    alpha: str
    label: str


class Table6Row(BaseModel):
    r_at_least: str
    grade: int


class ReferenceTables(BaseModel):
    version: str
    table1: list[Table1Row]
    table2: list[Table2Row]
    table5: list[Table5Row]
    table6: list[Table6Row]


@router.get("/reference/tables", response_model=ReferenceTables, responses=READ_ERRORS)
async def reference_tables(_: Actor = Depends(require(P.HAZARDS_READ))) -> ReferenceTables:
    """GB 18218-2018 表1 (named chemicals, with 表3 β where listed), 表2 (class defaults with 表4 β)
    and 表5 (α by the population outside the boundary), as the rules use them."""
    return ReferenceTables(
        version=VERSION,
        table1=[
            Table1Row(
                no=n.no,
                name=n.name,
                cas=list(n.cas),
                q_t=n.q_t,
                beta=next((TABLE3[c][1] for c in n.cas if c in TABLE3), None),
            )
            for n in TABLE1
        ],
        table2=[Table2Row(code=c, zh=d.zh, q_t=d.q_t, beta=d.beta) for c, d in TABLE2.items()],
        table5=[Table5Row(people_at_least=p, alpha=a, label=label) for p, a, label in TABLE5],
        table6=[Table6Row(r_at_least=r, grade=g) for r, g in TABLE6],
    )


@router.get("/report-kinds", response_model=list[ReportKindOut], responses=READ_ERRORS)
async def report_kinds(_: Actor = Depends(require(P.HAZARDS_READ))) -> list[ReportKindOut]:
    """The kinds of evaluation report and their renewal cycles, with the basis of each."""
    return [
        ReportKindOut(kind=k, zh=v.zh, en=v.en, cycle_years=v.cycle_years, basis=v.basis)
        for k, v in REPORT_KINDS_V1.items()
    ]


@router.get("/finding-options", response_model=FindingOptions, responses=READ_ERRORS)
async def finding_options(_: Actor = Depends(require(P.HAZARDS_READ))) -> FindingOptions:
    """Sources, levels and statuses of supervision findings (bilingual)."""

    def opts(d: dict[str, tuple[str, str]]) -> list[Option]:
        return [Option(code=c, zh=zh, en=en) for c, (zh, en) in d.items()]

    return FindingOptions(
        sources=opts(FINDING_SOURCES), levels=opts(FINDING_LEVELS), statuses=opts(FINDING_STATUSES)
    )


# ------------------------------------------------------------------------- reports


class ReportIn(RequestModel):
    kind: ReportKindCode
    unit_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    site_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="for a site-wide report")
    title: str = Field(min_length=1, max_length=200)
    report_no: str | None = Field(default=None, max_length=60)
    agency: str | None = Field(default=None, max_length=120)
    agency_certificate: str | None = Field(default=None, max_length=60)
    issued_on: date
    valid_until: date | None = Field(default=None, description="derived from the cycle when left out")
    conclusion: str | None = Field(default=None, max_length=8000)
    recommendations: str | None = Field(default=None, max_length=8000)
    files: Files = Field(default_factory=list)


class ReportUpdate(RequestModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    report_no: str | None = Field(default=None, max_length=60)
    agency: str | None = Field(default=None, max_length=120)
    agency_certificate: str | None = Field(default=None, max_length=60)
    issued_on: date | None = None
    valid_until: date | None = None
    conclusion: str | None = Field(default=None, max_length=8000)
    recommendations: str | None = Field(default=None, max_length=8000)
    files: Files | None = None


class FileRef(BaseModel):
    id: int
    name: str
    size: int


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    kind_zh: str = ""
    kind_en: str = ""
    site_id: int
    unit_id: int | None
    unit_code: str | None = None
    unit_name: str | None = None
    title: str
    report_no: str | None
    agency: str | None
    agency_certificate: str | None
    issued_on: date
    valid_until: date | None
    due_status: Literal["valid", "due", "expired", "none"] = "none"
    days_left: int | None = None
    conclusion: str | None
    recommendations: str | None
    current: bool
    files: list[int]
    file_refs: list[FileRef] = []
    rule_version: str
    created_by: str | None
    open_findings: int = 0


async def _file_refs(session: AsyncSession, ids: list[int]) -> dict[int, FileRef]:
    if not ids:
        return {}
    rows = (await session.scalars(select(StoredFile).where(StoredFile.id.in_(ids)))).all()
    return {f.id: FileRef(id=f.id, name=f.name, size=f.size) for f in rows}


async def _reports_out(session: AsyncSession, rows: list[EvaluationReport], today: date) -> list[ReportOut]:
    policy = await settings_service.reminder_policy(session)
    unit_ids = {r.unit_id for r in rows if r.unit_id}
    units = (
        {
            u.id: u
            for u in (await session.scalars(select(HazardUnit).where(HazardUnit.id.in_(unit_ids)))).all()
        }
        if unit_ids
        else {}
    )
    files = await _file_refs(session, sorted({f for r in rows for f in r.files}))
    ids = [r.id for r in rows]
    open_counts: dict[int, int] = {}
    if ids:
        for rid in (
            await session.scalars(
                select(Finding.report_id).where(Finding.report_id.in_(ids), Finding.status != "closed")
            )
        ).all():
            if rid is not None:
                open_counts[rid] = open_counts.get(rid, 0) + 1
    out = []
    for r in rows:
        o = ReportOut.model_validate(r)
        spec = REPORT_KINDS_V1.get(r.kind)
        o.kind_zh, o.kind_en = (spec.zh, spec.en) if spec else (r.kind, r.kind)
        unit = units.get(r.unit_id) if r.unit_id else None
        o.unit_code, o.unit_name = (unit.code, unit.name) if unit else (None, None)
        if r.valid_until is not None:
            d = basics_rules.due_status(r.valid_until, today, policy)
            o.due_status = "expired" if d.status == "expired" else ("due" if d.status == "due" else "valid")
            o.days_left = d.days_left
        o.file_refs = [files[f] for f in r.files if f in files]
        o.open_findings = open_counts.get(r.id, 0)
        out.append(o)
    return out


@router.get("/reports", response_model=list[ReportOut], responses=READ_ERRORS)
async def list_reports(
    request: Request,
    unit_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    site_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    kind: ReportKindCode | None = None,
    current_only: bool = False,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[ReportOut]:
    """Evaluation reports of the caller's units and sites, the newest first."""
    rows = await reports.list_reports(
        session, actor, unit_id=unit_id, site_id=site_id, kind=kind, current_only=current_only
    )
    return await _reports_out(session, rows, _today(request))


@router.post("/reports", response_model=ReportOut, status_code=201, responses=WRITE_ERRORS)
async def create_report(
    body: ReportIn,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> ReportOut:
    """Record a report; its renewal date follows the kind's cycle unless an earlier one is given."""
    today = _today(request)
    row = await reports.save_report(session, actor, body.model_dump(), today)
    return (await _reports_out(session, [row], today))[0]


@router.get("/reports/{report_id}", response_model=ReportOut, responses=READ_ERRORS)
async def get_report(
    report_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> ReportOut:
    """One report."""
    row = await reports.get_report(session, actor, report_id)
    return (await _reports_out(session, [row], _today(request)))[0]


@router.patch("/reports/{report_id}", response_model=ReportOut, responses=WRITE_ERRORS)
async def update_report(
    report_id: Id,
    body: ReportUpdate,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> ReportOut:
    """Correct a report (kind and place stay; a report of another kind is a new report)."""
    row = await reports.get_report(session, actor, report_id)
    today = _today(request)
    row = await reports.save_report(session, actor, body.model_dump(exclude_unset=True), today, row)
    return (await _reports_out(session, [row], today))[0]


@router.delete("/reports/{report_id}", status_code=204, responses=WRITE_ERRORS)
async def delete_report(
    report_id: Id,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Delete a report recorded by mistake (the previous one comes back in force)."""
    row = await reports.get_report(session, actor, report_id)
    await reports.delete_report(session, actor, row)
    return Response(status_code=204)


@router.get("/reports/{report_id}/files/{file_id}", responses={**FILE_RESPONSE, **READ_ERRORS})
async def report_file(
    report_id: Id,
    file_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """An attachment of a report the caller may read."""
    row = await reports.get_report(session, actor, report_id)
    stored = await session.get(StoredFile, file_id) if file_id in row.files else None
    return _file(request, stored, file_id)


# ------------------------------------------------------------------------- findings


class FindingIn(RequestModel):
    unit_id: int = Field(ge=1, le=MAX_ID)
    report_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    source: Source
    level: Level = "general"
    found_on: date
    inspector: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=2, max_length=4000)
    basis: str | None = Field(default=None, max_length=2000)
    deadline: date
    responsible_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    problem_files: Files = Field(default_factory=list)


class FindingUpdate(RequestModel):
    report_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    source: Source | None = None
    level: Level | None = None
    found_on: date | None = None
    inspector: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, min_length=2, max_length=4000)
    basis: str | None = Field(default=None, max_length=2000)
    deadline: date | None = None
    responsible_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    problem_files: Files | None = None


class FeedbackIn(RequestModel):
    note: str = Field(min_length=1, max_length=4000)
    files: Files = Field(default_factory=list)


class RectifyIn(RequestModel):
    measures: str = Field(min_length=2, max_length=4000)
    rectified_on: date
    cost: float | None = Field(default=None, ge=0, le=1_000_000, description="万元")
    files: Files = Field(default_factory=list)


class FindingReviewIn(RequestModel):
    result: Literal["pass", "fail"]
    note: str | None = Field(default=None, max_length=4000)


class FindingEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    note: str | None
    files: list[int]
    actor: str
    at: datetime


class FindingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    unit_code: str = ""
    unit_name: str = ""
    report_id: int | None
    status: str
    rounds: int
    overdue: bool = False
    source: str
    level: str
    found_on: date
    inspector: str
    description: str
    basis: str | None
    deadline: date
    responsible_id: int | None
    responsible_name: str | None = None
    problem_files: list[int]
    entered_by: str
    measures: str | None
    rectified_on: date | None
    cost: float | None
    rectification_files: list[int]
    rectified_by: str | None
    review_result: str | None
    review_note: str | None
    reviewed_on: date | None
    reviewed_by: str | None
    created_at: datetime
    updated_at: datetime


class FindingDetail(FindingOut):
    events: list[FindingEventOut] = []
    file_refs: list[FileRef] = []


async def _findings_out(session: AsyncSession, rows: list[Finding], today: date) -> list[FindingOut]:
    unit_ids = {f.unit_id for f in rows}
    units = (
        {
            u.id: u
            for u in (await session.scalars(select(HazardUnit).where(HazardUnit.id.in_(unit_ids)))).all()
        }
        if unit_ids
        else {}
    )
    people_ids = {f.responsible_id for f in rows if f.responsible_id}
    people = (
        dict((await session.execute(select(Person.id, Person.name).where(Person.id.in_(people_ids)))).all())
        if people_ids
        else {}
    )
    out = []
    for f in rows:
        o = FindingOut.model_validate(f)
        unit = units.get(f.unit_id)
        o.unit_code, o.unit_name = (unit.code, unit.name) if unit else ("", "")
        o.responsible_name = people.get(f.responsible_id) if f.responsible_id else None
        o.overdue = rules.finding_overdue(f.deadline, f.status, today)
        out.append(o)
    return out


async def _detail(session: AsyncSession, row: Finding, today: date) -> FindingDetail:
    base = (await _findings_out(session, [row], today))[0]
    events = await reports.events_of(session, row.id)
    ids = sorted({*row.problem_files, *row.rectification_files, *(i for e in events for i in e.files)})
    refs = await _file_refs(session, ids)
    return FindingDetail(
        **base.model_dump(),
        events=[FindingEventOut.model_validate(e) for e in events],
        file_refs=[refs[i] for i in ids if i in refs],
    )


@router.get("/findings", response_model=list[FindingOut], responses=READ_ERRORS)
async def list_findings(
    request: Request,
    unit_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    status: Status | None = None,
    overdue: bool | None = None,
    report_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[FindingOut]:
    """Supervision findings of the caller's units: awaiting rectification first, then by deadline."""
    today = _today(request)
    rows = await reports.list_findings(
        session, actor, today, unit_id=unit_id, status=status, overdue=overdue, report_id=report_id
    )
    return await _findings_out(session, rows, today)


FINDING_COLUMNS = (
    Column("unit", "重大危险源", "Hazard source", width=22),
    Column("status", "状态", "Status", width=10),
    Column("level", "级别", "Level", width=8),
    Column("source", "来源", "Source", width=14),
    Column("found_on", "发现日期", "Found on", width=12),
    Column("inspector", "检查人/单位", "Inspector", width=18),
    Column("description", "问题描述", "Problem", width=40),
    Column("basis", "依据", "Basis", width=24),
    Column("deadline", "整改期限", "Deadline", width=12),
    Column("responsible", "责任人", "Responsible", width=10),
    Column("measures", "整改措施", "Measures", width=36),
    Column("rectified_on", "整改完成日期", "Rectified on", width=12),
    Column("review", "复核结论", "Review", width=10),
    Column("reviewed_by", "复核人", "Reviewed by", width=12),
    Column("overdue", "逾期", "Overdue", width=8),
)


@router.get("/findings/export.xlsx", response_class=Response, responses={**FILE_RESPONSE, **READ_ERRORS})
async def export_findings(
    request: Request,
    unit_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    status: Status | None = None,
    overdue: bool | None = None,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The findings, filtered like the list, as a workbook (bilingual headers)."""
    today = _today(request)
    rows = await reports.list_findings(session, actor, today, unit_id=unit_id, status=status, overdue=overdue)
    items = await _findings_out(session, rows, today)
    data = write_xlsx(
        "督导检查问题 Findings",
        FINDING_COLUMNS,
        [
            (
                f"{f.unit_code} {f.unit_name}",
                FINDING_STATUSES[f.status][0],
                FINDING_LEVELS[f.level][0],
                FINDING_SOURCES[f.source][0],
                f.found_on,
                f.inspector,
                f.description,
                f.basis or "",
                f.deadline,
                f.responsible_name or "",
                f.measures or "",
                f.rectified_on,
                {"pass": "通过", "fail": "不通过"}.get(f.review_result or "", ""),
                f.reviewed_by or "",
                "是" if f.overdue else "",
            )
            for f in items
        ],
    )
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="findings.xlsx"', "Cache-Control": "no-store"},
    )


@router.post("/findings", response_model=FindingDetail, status_code=201, responses=WRITE_ERRORS)
async def create_finding(
    body: FindingIn,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> FindingDetail:
    """Entry 1 (问题录入): record a problem found at a hazard source."""
    today = _today(request)
    values = body.model_dump(exclude={"unit_id"})
    row = await reports.create_finding(session, actor, body.unit_id, values, utcnow(), today)
    return await _detail(session, row, today)


@router.get("/findings/{finding_id}", response_model=FindingDetail, responses=READ_ERRORS)
async def get_finding(
    finding_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> FindingDetail:
    """One finding with its three entries, feedback and history."""
    row = await reports.get_finding(session, actor, finding_id)
    return await _detail(session, row, _today(request))


@router.patch("/findings/{finding_id}", response_model=FindingDetail, responses=WRITE_ERRORS)
async def update_finding(
    finding_id: Id,
    body: FindingUpdate,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> FindingDetail:
    """Correct the problem entry while the finding awaits rectification (409 after)."""
    row = await reports.get_finding(session, actor, finding_id)
    today = _today(request)
    values = body.model_dump(exclude_unset=True)
    row = await reports.edit_finding(session, actor, row, values, utcnow(), today)
    return await _detail(session, row, today)


@router.post("/findings/{finding_id}/feedback", response_model=FindingDetail, responses=WRITE_ERRORS)
async def finding_feedback(
    finding_id: Id,
    body: FeedbackIn,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> FindingDetail:
    """Rectification feedback (整改反馈): a progress note, with evidence, until the review."""
    row = await reports.get_finding(session, actor, finding_id)
    row = await reports.feedback(session, actor, row, body.note, body.files, utcnow())
    return await _detail(session, row, _today(request))


@router.post("/findings/{finding_id}/rectify", response_model=FindingDetail, responses=WRITE_ERRORS)
async def rectify_finding(
    finding_id: Id,
    body: RectifyIn,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> FindingDetail:
    """Entry 2 (整改录入): the measures taken; the finding then awaits review."""
    row = await reports.get_finding(session, actor, finding_id)
    today = _today(request)
    row = await reports.rectify(
        session,
        actor,
        row,
        measures=body.measures,
        rectified_on=body.rectified_on,
        cost=body.cost,
        files=body.files,
        now=utcnow(),
        today=today,
    )
    return await _detail(session, row, today)


@router.post("/findings/{finding_id}/review", response_model=FindingDetail, responses=WRITE_ERRORS)
async def review_finding(
    finding_id: Id,
    body: FindingReviewIn,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_REVIEW)),
    session: AsyncSession = Depends(get_session),
) -> FindingDetail:
    """Entry 3 (复核录入): pass closes the finding (销号); fail sends it back with the reason. The
    reviewer may not be whoever entered the rectification."""
    row = await reports.get_finding(session, actor, finding_id)
    today = _today(request)
    row = await reports.review(
        session, actor, row, passed=body.result == "pass", note=body.note, now=utcnow(), today=today
    )
    return await _detail(session, row, today)


@router.get("/findings/{finding_id}/files/{file_id}", responses={**FILE_RESPONSE, **READ_ERRORS})
async def finding_file(
    finding_id: Id,
    file_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """An attachment of a finding (problem, rectification or feedback evidence) the caller may read."""
    row = await reports.get_finding(session, actor, finding_id)
    events = await reports.events_of(session, row.id)
    linked = {*row.problem_files, *row.rectification_files, *(i for e in events for i in e.files)}
    stored = await session.get(StoredFile, file_id) if file_id in linked else None
    return _file(request, stored, file_id)

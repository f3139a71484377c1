"""Permit ledger REST API: the printed permit (GB 30871-2022 附录A), the AQ 3064.2-2025 表A.1/表A.3
exchange records, ledger statistics with drill-down, the ledger export and the map of a day.

Per-permit routes sit under /permits/{permit_id}/…; the ledger-wide ones under /permits-ledger/…, so
that no literal path meets the `/permits/{permit_id}` route of permits/api.py (an int id there:
"stats" would be refused with 422 instead of falling through). Every route only reads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AwareDatetime, BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import MAX_ID
from anguan.core.errors import (
    BadRequest,
    Forbidden,
    NotAuthenticated,
    NotFound,
    Unprocessable,
    error_responses,
)
from anguan.core.excel import Column, write_xlsx
from anguan.core.time import utcnow
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.permits import exchange, print_data, printing, service, stats

router = APIRouter(tags=["permits"], route_class=TransactionalRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
LIST_ERRORS = error_responses(NotAuthenticated, Forbidden, BadRequest, Unprocessable)
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
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ledger_filter(
    state: str | None = Query(default=None, max_length=200),
    work_type: WorkType | None = None,
    grade: str | None = Query(default=None, max_length=10),
    alarm_type: str | None = Query(default=None, pattern=r"^\d/\d{2}$"),
    site_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    area_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    contractor_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    start_from: AwareDatetime | None = None,
    start_to: AwareDatetime | None = None,
    q: str | None = Query(default=None, max_length=60),
) -> stats.LedgerFilter:
    """The filter parameters of GET /permits, all of them (planned start in [start_from, start_to))."""
    return stats.LedgerFilter(
        state=state,
        work_type=work_type,
        site_id=site_id,
        area_id=area_id,
        contractor_id=contractor_id,
        start_from=start_from,
        start_to=start_to,
        q=q,
        grade=grade,
        alarm_type=alarm_type,
    ).check()


# ------------------------------------------------------------------------------ one permit


@router.get(
    "/permits/{permit_id}/print.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **READ_ERRORS},
)
async def print_permit(
    permit_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The permit as an A4 PDF in the layout of GB 30871-2022 附录A, with the drawn signatures."""
    permit = await service.get_permit(session, actor, permit_id)
    data = await print_data.load_print_data(session, permit.id, getattr(request.app.state, "files", None))
    return Response(
        printing.permit_pdf(data),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(permit.number + '.pdf')}",
            "Cache-Control": "no-store",
        },
    )


class ExchangeOut(BaseModel):
    """AQ 3064.2-2025 表A.1 record of a permit, its 表A.3 alarms, the required 表A.1 fields still empty,
    and the IDs of alarms of a local type that 表A.4 lacks (0/09)."""

    ticket: dict[str, Any]
    alarms: list[dict[str, Any]]
    missing: list[str]
    local_alarms: list[str] = []


def _exchange_out(x: exchange.Exchange) -> ExchangeOut:
    return ExchangeOut(ticket=x.ticket, alarms=x.alarms, missing=x.missing, local_alarms=x.local_alarms)


@router.get("/permits/{permit_id}/exchange", response_model=ExchangeOut, responses=READ_ERRORS)
async def permit_exchange(
    permit_id: Id,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> ExchangeOut:
    """The permit in the AQ 3064.2-2025 表A.1 shape with its 表A.3 alarms (formats: permits/exchange.py)."""
    permit = await service.get_permit(session, actor, permit_id)
    return _exchange_out(await exchange.load_exchange(session, permit))


# ------------------------------------------------------------------------------ the ledger


@router.get("/permits-ledger/exchange", response_model=list[ExchangeOut], responses=LIST_ERRORS)
async def exchange_feed(
    updated_since: AwareDatetime | None = None,
    limit: int = Query(default=200, ge=1, le=1000),
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[ExchangeOut]:
    """Permits changed at or after `updated_since` (all without it), oldest change first, at most
    `limit`: the basis of the incremental push of AQ 3064.2-2025 §8.2 (continue from the last
    UPDATE_DATE)."""
    clause = await service.visible_area_clause(session, actor)
    # A fixed number of statements per page, whatever `limit` is (permits/exchange.py `feed`).
    records = await exchange.feed(session, updated_since, limit, clause)
    return [_exchange_out(x) for x in records]


class GroupOut(BaseModel):
    key: str
    zh: str
    en: str
    count: int
    contractor: int
    alarms: int
    open_alarms: int
    filters: dict[str, str]
    exact: bool


class AlarmTypeOut(BaseModel):
    code: str
    zh: str
    en: str
    count: int
    open: int


class TotalsOut(BaseModel):
    permits: int
    contractor_permits: int
    alarms: int
    open_alarms: int
    alarms_by_type: list[AlarmTypeOut]


class StatsOut(BaseModel):
    group_by: str
    filters: dict[str, str]
    groups: list[GroupOut]
    totals: TotalsOut


@router.get("/permits-ledger/stats", response_model=StatsOut, responses=LIST_ERRORS)
async def ledger_stats(
    group_by: stats.GroupBy = "work_type",
    f: stats.LedgerFilter = Depends(ledger_filter),
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> StatsOut:
    """Permit counts per type, grade (表A.2), area, contractor, state, alarm type (表A.4) or plant day,
    each with the GET /permits filter that opens its list, and the totals (AQ 3064.2-2025 §5.11)."""
    s = await stats.statistics(session, actor, f, group_by)
    t = s.totals
    return StatsOut(
        group_by=s.group_by,
        filters=s.filters,
        groups=[GroupOut(**vars(g)) for g in s.groups],
        totals=TotalsOut(
            permits=t.permits,
            contractor_permits=t.contractor_permits,
            alarms=t.alarms,
            open_alarms=t.open_alarms,
            alarms_by_type=[AlarmTypeOut(**vars(a)) for a in t.alarms_by_type],
        ),
    )


LEDGER_COLUMNS = (
    Column("number", "编号", "Number", width=18),
    Column("type", "类型", "Type", width=12),
    Column("grade", "级别", "Grade", width=8),
    Column("state", "状态", "State", width=10),
    Column("location", "作业地点", "Place", width=24),
    Column("content", "作业内容", "Content", width=36),
    Column("work_unit", "作业单位", "Working unit", width=18),
    Column("contractor", "承包商作业", "Contractor work", width=10),
    Column("leader", "作业负责人", "Work leader", width=10),
    Column("guardians", "监护人", "Guardians", width=14),
    Column("planned_start", "计划开始", "Planned start", "datetime", width=17),
    Column("planned_end", "计划结束", "Planned end", "datetime", width=17),
    Column("issued_at", "签发时间", "Issued", "datetime", width=17),
    Column("accepted_at", "验收时间", "Accepted", "datetime", width=17),
    Column("alarms", "报警数", "Alarms", "int", width=8),
)


@router.get(
    "/permits-ledger/export.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, **LIST_ERRORS},
)
async def export_ledger(
    sort: str | None = Query(default=None, max_length=40, pattern=r"^-?[a-z_]+$"),
    f: stats.LedgerFilter = Depends(ledger_filter),
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The ledger filtered like GET /permits as a workbook with bilingual headers (plant time)."""
    lines = await stats.ledger_lines(session, actor, f, sort, limit=stats.MAX_EXPORT_ROWS)
    t = stats.plant_local
    data = write_xlsx(
        "作业票台账 Permits",
        LEDGER_COLUMNS,
        [
            (
                x.number,
                x.type_zh,
                x.grade_zh,
                x.state_zh,
                x.location,
                x.content,
                x.work_unit,
                "是" if x.contractor else "否",
                x.leader,
                x.guardians,
                t(x.planned_start),
                t(x.planned_end),
                t(x.issued_at),
                t(x.accepted_at),
                x.alarms,
            )
            for x in lines
        ],
        notes=[
            ("时间 Times", "厂区时间 Asia/Shanghai / plant time"),
            ("筛选 Filter", ", ".join(f"{k}={v}" for k, v in f.params().items()) or "—"),
            ("行数 Rows", str(len(lines))),
        ],
    )
    return Response(
        data,
        media_type=XLSX,
        headers={
            "Content-Disposition": 'attachment; filename="permits-ledger.xlsx"',
            "Cache-Control": "no-store",
        },
    )


class MapPermitOut(BaseModel):
    id: int
    number: str
    work_type: str
    type_zh: str
    type_en: str
    grade: str | None
    grade_zh: str
    state: str
    state_zh: str
    state_en: str
    ticket_status: str
    site_id: int
    area_id: int | None
    area_name: str | None
    location: str
    x: float | None
    y: float | None
    planned_start: datetime
    planned_end: datetime
    contractor: bool
    open_alarms: int


class CountOut(BaseModel):
    key: str
    zh: str
    en: str
    count: int


class DayMapOut(BaseModel):
    day: date
    live_included: bool
    permits: list[MapPermitOut]
    by_state: list[CountOut]
    by_ticket_status: list[CountOut]
    open_alarms: int


@router.get("/permits-ledger/map/today", response_model=DayMapOut, responses=LIST_ERRORS)
async def map_today(
    day: date | None = Query(default=None, description="a past or future plant day (default: today)"),
    site_id: int | None = Query(default=None, ge=1, le=MAX_ID),
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> DayMapOut:
    """Today's permits for the plant map (planned period overlapping the plant day, or live now) with
    their state, point, area and open alarms, and the counts per state (AQ 3064.2-2025 §5.12)."""
    today = utcnow().astimezone(stats.PLANT_TZ).date()
    m = await stats.day_map(session, actor, day or today, today, site_id)
    return DayMapOut(
        day=m.day,
        live_included=m.live_included,
        permits=[MapPermitOut(**vars(p)) for p in m.permits],
        by_state=[CountOut(**vars(c)) for c in m.by_state],
        by_ticket_status=[CountOut(**vars(c)) for c in m.by_ticket_status],
        open_alarms=m.open_alarms,
    )

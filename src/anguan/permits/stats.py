"""The permit ledger (台账): statistics with drill-down, the export rows and the map of a day's
permits (AQ 3064.2-2025 §5.11 query and statistics by type, grade, location, contractor, state, time
and alarm type with drill-down and export; §5.12 map of today's permits by state).

The ledger is filtered exactly like GET /permits (`LedgerFilter`: the planned start in
[start_from, start_to), state list, type, grade, site, area, contractor, alarm type, text). Alarms
counted are those of the selected permits. Days are plant days (Asia/Shanghai). Grouping is pure
(`group_permits`, `totals`); the queries read only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Contractor, Person
from anguan.core.errors import BadRequest, Unprocessable
from anguan.core.time import as_utc
from anguan.identity.schemas import Actor
from anguan.permits import service
from anguan.permits.models import Permit, PermitPerson, WorkAlarm
from anguan.permits.reference import ALARMS, GRADES_BY_KEY, TICKET_STATUS, WORK_GRADES, WORK_TYPES
from anguan.permits.workflow import State, ticket_status
from anguan.plant.models import Area

PLANT_TZ = ZoneInfo("Asia/Shanghai")
GroupBy = Literal["work_type", "grade", "area", "contractor", "state", "alarm_type", "day"]
GROUP_BYS: tuple[str, ...] = ("work_type", "grade", "area", "contractor", "state", "alarm_type", "day")
MAX_FILLED_DAYS = 366  # a bounded range lists every day (zeros included) up to a year
MAX_EXPORT_ROWS = 5000
NONE_KEY = "none"

STATE_LABELS: dict[str, tuple[str, str]] = {
    State.DRAFT: ("草稿", "Draft"),
    State.BOOKED: ("预约待批", "Booked"),
    State.BOOKING_APPROVED: ("预约已批准", "Booking approved"),
    State.APPLYING: ("申请中", "Applying"),
    State.SIGNING: ("签批中", "Signing"),
    State.ISSUED: ("已签发", "Issued"),
    State.IN_PROGRESS: ("作业中", "In progress"),
    State.PAUSED: ("暂停", "Paused"),
    State.ACCEPTANCE_PENDING: ("待验收", "Awaiting acceptance"),
    State.ACCEPTED: ("已验收", "Accepted"),
    State.REVOKED: ("已撤销", "Revoked"),
    State.VOIDED: ("已作废", "Voided"),
    State.CLOSED_FOR_REISSUE: ("已关闭（重新办理）", "Closed for re-issue"),
}


def grade_label(work_type: str, grade: str | None) -> tuple[str, str]:
    """The grade as a column shows it (二级, Ⅲ级 / Grade 2 …); empty for the types without grades."""
    if grade is None:
        return "", ""
    g = GRADES_BY_KEY.get((work_type, grade))
    if g is None:
        return grade, grade
    wt = WORK_TYPES[work_type]
    return g.zh.replace(wt.zh, "") or grade, g.en.replace(" " + wt.en.lower(), "").replace(wt.en, "").strip()


# ------------------------------------------------------------------------------ the filter


@dataclass(frozen=True)
class LedgerFilter:
    """The query parameters of GET /permits."""

    state: str | None = None
    work_type: str | None = None
    site_id: int | None = None
    area_id: int | None = None
    contractor_id: int | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None
    q: str | None = None
    grade: str | None = None  # the declared grade
    alarm_type: str | None = None  # permits that raised this work alarm (表A.4 "0/01")

    def check(self) -> LedgerFilter:
        """422 `permits.ledger_bad_range` when the range ends before it starts."""
        if self.start_from is not None and self.start_to is not None and self.start_to <= self.start_from:
            raise Unprocessable(
                "permits.ledger_bad_range",
                start_from=self.start_from.isoformat(),
                start_to=self.start_to.isoformat(),
            )
        return self

    def params(self) -> dict[str, str]:
        """The filter as GET /permits query parameters."""
        out: dict[str, str] = {}
        for key in (
            "state",
            "work_type",
            "site_id",
            "area_id",
            "contractor_id",
            "start_from",
            "start_to",
            "q",
            "grade",
            "alarm_type",
        ):
            value = getattr(self, key)
            if value is None or value == "":
                continue
            out[key] = value.isoformat() if isinstance(value, datetime) else str(value)
        return out


def ledger_statement(f: LedgerFilter, clause: Any = None) -> Select[Any]:
    """SELECT of the permits GET /permits lists for the filter (`clause`: the caller's data scope)."""
    stmt = select(Permit)
    if clause is not None:
        stmt = stmt.where(clause)
    if f.state:
        stmt = stmt.where(Permit.state.in_(f.state.split(",")))
    for col, val in (
        (Permit.work_type, f.work_type),
        (Permit.site_id, f.site_id),
        (Permit.area_id, f.area_id),
    ):
        if val is not None:
            stmt = stmt.where(col == val)
    if f.contractor_id is not None:
        stmt = stmt.where(Permit.contractor_id == f.contractor_id)
    if f.grade is not None:
        stmt = stmt.where(Permit.grade == f.grade)
    if f.alarm_type is not None:
        stmt = stmt.where(Permit.id.in_(select(WorkAlarm.permit_id).where(WorkAlarm.code == f.alarm_type)))
    if f.start_from is not None:
        stmt = stmt.where(Permit.planned_start >= f.start_from)
    if f.start_to is not None:
        stmt = stmt.where(Permit.planned_start < f.start_to)
    if f.q:
        like = f"%{f.q}%"
        stmt = stmt.where(Permit.number.like(like) | Permit.location.like(like) | Permit.content.like(like))
    return stmt


# ------------------------------------------------------------------------------ pure grouping


@dataclass(frozen=True)
class LedgerRow:
    """What the statistics need of a permit."""

    id: int
    work_type: str
    grade: str | None
    state: str
    area_id: int | None
    contractor_id: int | None
    planned_start: datetime


@dataclass(frozen=True)
class AlarmRow:
    """What the statistics need of a work alarm."""

    permit_id: int
    code: str
    open: bool


@dataclass
class Group:
    """One bar of a chart: its key and labels, the counts, and the list filter that opens it.

    `exact` is False when GET /permits cannot express the group (no area, own
    staff): `filters` then also names the missing parameter (is_contractor)."""

    key: str
    zh: str
    en: str
    count: int = 0  # permits
    contractor: int = 0  # of them by contractors (是否承包商作业)
    alarms: int = 0
    open_alarms: int = 0
    filters: dict[str, str] = field(default_factory=dict)
    exact: bool = True


@dataclass(frozen=True)
class AlarmTypeCount:
    """Alarms of one 表A.4 type among the selected permits."""

    code: str
    zh: str
    en: str
    count: int
    open: int


@dataclass(frozen=True)
class Totals:
    """The whole selection."""

    permits: int
    contractor_permits: int
    alarms: int
    open_alarms: int
    alarms_by_type: list[AlarmTypeCount]


def _day(at: datetime, tz: ZoneInfo) -> date:
    return as_utc(at).astimezone(tz).date()


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _days(f: LedgerFilter, tz: ZoneInfo) -> list[date]:
    """Every plant day of a bounded range (empty when unbounded or longer than MAX_FILLED_DAYS)."""
    if f.start_from is None or f.start_to is None:
        return []
    first, last = _day(f.start_from, tz), _day(f.start_to - timedelta(microseconds=1), tz)
    n = (last - first).days + 1
    return [first + timedelta(days=i) for i in range(n)] if 0 < n <= MAX_FILLED_DAYS else []


def group_permits(
    rows: Sequence[LedgerRow],
    alarms: Sequence[AlarmRow],
    group_by: str,
    f: LedgerFilter,
    *,
    areas: Mapping[int, tuple[str, str]] | None = None,
    contractors: Mapping[int, str] | None = None,
    tz: ZoneInfo = PLANT_TZ,
) -> list[Group]:
    """Counts per group with labels and drill-down filters. `areas`: id → (code, name); `contractors`:
    id → name. Fixed catalogues (types, grades, states, the days of a bounded range) list zeros too."""
    if group_by not in GROUP_BYS:
        raise ValueError(f"unknown grouping {group_by}")
    areas, contractors = areas or {}, contractors or {}
    base = f.params()
    by_permit: dict[int, list[AlarmRow]] = defaultdict(list)
    for a in alarms:
        by_permit[a.permit_id].append(a)
    groups: dict[str, Group] = {}

    def group(key: str, zh: str, en: str, filters: Mapping[str, str], exact: bool = True) -> Group:
        if key not in groups:
            groups[key] = Group(key, zh, en, filters={**base, **filters}, exact=exact)
        return groups[key]

    def add(g: Group, row: LedgerRow, counted: Iterable[AlarmRow]) -> None:
        g.count += 1
        g.contractor += row.contractor_id is not None
        for a in counted:
            g.alarms += 1
            g.open_alarms += a.open

    if group_by == "work_type":
        for code, spec in WORK_TYPES.items():
            group(code, spec.zh, spec.en, {"work_type": code})
    elif group_by == "grade":
        for wg in WORK_GRADES:
            group(
                wg.subclass,
                wg.zh,
                wg.en,
                {"work_type": wg.work_type, **({"grade": wg.grade} if wg.grade else {})},
            )
    elif group_by == "state":
        for s, (zh, en) in STATE_LABELS.items():
            group(s, zh, en, {"state": s})
    elif group_by == "day":
        for d in _days(f, tz):
            group(d.isoformat(), d.isoformat(), d.isoformat(), _day_filter(d, f, tz))

    g: Group
    for row in rows:
        mine = by_permit.get(row.id, [])
        if group_by == "alarm_type":
            for code in sorted({a.code for a in mine}):
                alarm = ALARMS.get(code)
                g = group(
                    code,
                    alarm.zh if alarm else code,
                    alarm.en if alarm else code,
                    {"alarm_type": code},
                )
                add(g, row, [a for a in mine if a.code == code])
            continue
        if group_by == "work_type":
            wt = WORK_TYPES.get(row.work_type)
            g = group(
                row.work_type,
                wt.zh if wt else row.work_type,
                wt.en if wt else row.work_type,
                {"work_type": row.work_type},
            )
        elif group_by == "grade":
            found = GRADES_BY_KEY.get((row.work_type, row.grade))
            key = found.subclass if found else f"{row.work_type}:{row.grade}"
            g = group(
                key,
                found.zh if found else key,
                found.en if found else key,
                {"work_type": row.work_type, **({"grade": row.grade} if row.grade else {})},
            )
        elif group_by == "state":
            zh, en = STATE_LABELS.get(row.state, (row.state, row.state))
            g = group(row.state, zh, en, {"state": row.state})
        elif group_by == "area":
            if row.area_id is None:
                g = group(NONE_KEY, "未指定区域", "No area", {}, False)
            else:
                code, name = areas.get(row.area_id, (str(row.area_id), str(row.area_id)))
                g = group(str(row.area_id), name, code, {"area_id": str(row.area_id)})
        elif group_by == "contractor":
            if row.contractor_id is None:
                g = group(NONE_KEY, "本企业作业", "Own staff", {"is_contractor": "0"}, False)
            else:
                name = contractors.get(row.contractor_id, str(row.contractor_id))
                g = group(str(row.contractor_id), name, name, {"contractor_id": str(row.contractor_id)})
        else:  # day
            d = _day(row.planned_start, tz)
            g = group(d.isoformat(), d.isoformat(), d.isoformat(), _day_filter(d, f, tz))
        add(g, row, mine)
    out = list(groups.values())
    if group_by in ("area", "contractor", "alarm_type"):
        out.sort(key=lambda g: (-g.count, g.key))
    elif group_by == "day":
        out.sort(key=lambda g: g.key)
    return out


def _day_filter(day: date, f: LedgerFilter, tz: ZoneInfo) -> dict[str, str]:
    """The list filter of one plant day, kept inside the requested range."""
    start, end = _midnight(day, tz), _midnight(day + timedelta(days=1), tz)
    if f.start_from is not None and f.start_from > start:
        start = f.start_from
    if f.start_to is not None and f.start_to < end:
        end = f.start_to
    return {"start_from": start.isoformat(), "start_to": end.isoformat()}


def totals(rows: Sequence[LedgerRow], alarms: Sequence[AlarmRow]) -> Totals:
    """Permits, contractor permits, alarms, open alarms and alarms per 表A.4 type."""
    counts = Counter(a.code for a in alarms)
    opened = Counter(a.code for a in alarms if a.open)
    return Totals(
        permits=len(rows),
        contractor_permits=sum(r.contractor_id is not None for r in rows),
        alarms=len(alarms),
        open_alarms=sum(a.open for a in alarms),
        alarms_by_type=[
            AlarmTypeCount(
                code,
                ALARMS[code].zh if code in ALARMS else code,
                ALARMS[code].en if code in ALARMS else code,
                counts[code],
                opened[code],
            )
            for code in sorted(counts)
        ],
    )


# ------------------------------------------------------------------------------ queries


@dataclass(frozen=True)
class Statistics:
    """GET /permits-ledger/stats."""

    group_by: str
    filters: dict[str, str]
    groups: list[Group]
    totals: Totals


async def _rows(
    session: AsyncSession, actor: Actor, f: LedgerFilter
) -> tuple[list[LedgerRow], list[AlarmRow]]:
    stmt = ledger_statement(f, await service.visible_area_clause(session, actor))
    ids = stmt.with_only_columns(Permit.id).order_by(None)
    cols = stmt.with_only_columns(
        Permit.id,
        Permit.work_type,
        Permit.grade,
        Permit.state,
        Permit.area_id,
        Permit.contractor_id,
        Permit.planned_start,
    )
    rows = [LedgerRow(*r) for r in (await session.execute(cols.order_by(Permit.id))).tuples().all()]
    alarm_rows = (
        await session.execute(
            select(WorkAlarm.permit_id, WorkAlarm.code, WorkAlarm.ended_at).where(
                WorkAlarm.permit_id.in_(ids)
            )
        )
    ).tuples()
    alarms = [AlarmRow(pid, code, ended is None) for pid, code, ended in alarm_rows if pid is not None]
    return rows, alarms


async def statistics(session: AsyncSession, actor: Actor, f: LedgerFilter, group_by: str) -> Statistics:
    """Counts per group and totals for the caller's permits matching the filter."""
    f.check()
    rows, alarms = await _rows(session, actor, f)
    area_ids = {r.area_id for r in rows if r.area_id is not None}
    contractor_ids = {r.contractor_id for r in rows if r.contractor_id is not None}
    areas: dict[int, tuple[str, str]] = {}
    if group_by == "area" and area_ids:
        areas = {
            i: (c, n)
            for i, c, n in (
                await session.execute(select(Area.id, Area.code, Area.name).where(Area.id.in_(area_ids)))
            ).tuples()
        }
    contractors: dict[int, str] = {}
    if group_by == "contractor" and contractor_ids:
        contractors = dict(
            (
                await session.execute(
                    select(Contractor.id, Contractor.name).where(Contractor.id.in_(contractor_ids))
                )
            )
            .tuples()
            .all()
        )
    return Statistics(
        group_by=group_by,
        filters=f.params(),
        groups=group_permits(rows, alarms, group_by, f, areas=areas, contractors=contractors),
        totals=totals(rows, alarms),
    )


@dataclass(frozen=True)
class LedgerLine:
    """One row of the exported ledger."""

    number: str
    type_zh: str
    grade_zh: str
    state_zh: str
    location: str
    content: str
    work_unit: str
    contractor: bool
    leader: str
    guardians: str
    planned_start: datetime
    planned_end: datetime
    issued_at: datetime | None
    accepted_at: datetime | None
    alarms: int


SORTABLE = {"planned_start": Permit.planned_start, "number": Permit.number, "state": Permit.state}


async def ledger_lines(
    session: AsyncSession,
    actor: Actor,
    f: LedgerFilter,
    sort: str | None = None,
    limit: int = MAX_EXPORT_ROWS,
) -> list[LedgerLine]:
    """The ledger rows for export, sorted like GET /permits (-planned_start by default); 422
    `permits.ledger_export_too_large` beyond `limit` rows."""
    f.check()
    sort = sort or "-planned_start"
    column = SORTABLE.get(sort.lstrip("-"))
    if column is None:
        raise BadRequest("common.invalid_sort", sort=sort)
    stmt = ledger_statement(f, await service.visible_area_clause(session, actor))
    order = column.desc() if sort.startswith("-") else column.asc()
    permits = list((await session.scalars(stmt.order_by(order, Permit.id.desc()).limit(limit + 1))).all())
    if len(permits) > limit:
        raise Unprocessable("permits.ledger_export_too_large", limit=limit)
    ids = [p.id for p in permits]
    guardians: dict[int, list[int]] = defaultdict(list)
    alarm_counts: Counter[int] = Counter()
    if ids:
        for pid, person_id in (
            await session.execute(
                select(PermitPerson.permit_id, PermitPerson.person_id)
                .where(
                    PermitPerson.permit_id.in_(ids),
                    PermitPerson.role == "guardian",
                    PermitPerson.active.is_(True),
                )
                .order_by(PermitPerson.id)
            )
        ).tuples():
            guardians[pid].append(person_id)
        alarm_counts.update(
            pid
            for pid in (
                await session.scalars(select(WorkAlarm.permit_id).where(WorkAlarm.permit_id.in_(ids)))
            ).all()
            if pid
        )
    person_ids = {p.leader_id for p in permits} | {i for g in guardians.values() for i in g}
    names: dict[int, str] = {}
    if person_ids:
        names = dict(
            (await session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))))
            .tuples()
            .all()
        )
    return [
        LedgerLine(
            number=p.number,
            type_zh=WORK_TYPES[p.work_type].zh if p.work_type in WORK_TYPES else p.work_type,
            grade_zh=grade_label(p.work_type, p.grade)[0],
            state_zh=STATE_LABELS.get(p.state, (p.state, p.state))[0],
            location=p.location,
            content=p.content,
            work_unit=p.work_unit,
            contractor=p.contractor_id is not None,
            leader=names.get(p.leader_id, ""),
            guardians="、".join(names.get(i, "") for i in guardians.get(p.id, [])),
            planned_start=p.planned_start,
            planned_end=p.planned_end,
            issued_at=p.issued_at,
            accepted_at=p.accepted_at,
            alarms=alarm_counts[p.id],
        )
        for p in permits
    ]


def plant_local(at: datetime | None, tz: ZoneInfo = PLANT_TZ) -> datetime | None:
    """A naive plant-time datetime for a spreadsheet cell (Excel has no time zones)."""
    return None if at is None else as_utc(at).astimezone(tz).replace(tzinfo=None)


# ------------------------------------------------------------------------------ the map of a day


@dataclass(frozen=True)
class MapPermit:
    """A permit on the map."""

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


@dataclass(frozen=True)
class Count:
    """A count with its labels."""

    key: str
    zh: str
    en: str
    count: int


@dataclass(frozen=True)
class DayMap:
    """The permits of one plant day and their counts per state and per TICKET_STATUS."""

    day: date
    live_included: bool
    permits: list[MapPermit]
    by_state: list[Count]
    by_ticket_status: list[Count]
    open_alarms: int


def day_bounds(day: date, tz: ZoneInfo = PLANT_TZ) -> tuple[datetime, datetime]:
    """[00:00, next 00:00) of a plant day."""
    return _midnight(day, tz), _midnight(day + timedelta(days=1), tz)


async def day_map(
    session: AsyncSession, actor: Actor, day: date, today: date, site_id: int | None = None
) -> DayMap:
    """Permits whose planned period overlaps the plant day, and on today's map also every live permit
    (issued, in progress, paused, awaiting acceptance) whatever its period (AQ 3064.2-2025 §5.12)."""
    start, end = day_bounds(day)
    overlaps = and_(Permit.planned_start < end, Permit.planned_end > start)
    live = day == today
    stmt = select(Permit).where(
        or_(overlaps, Permit.state.in_([s.value for s in service.LIVE])) if live else overlaps
    )
    clause = await service.visible_area_clause(session, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if site_id is not None:
        stmt = stmt.where(Permit.site_id == site_id)
    permits = list((await session.scalars(stmt.order_by(Permit.planned_start, Permit.id))).all())
    ids = [p.id for p in permits]
    open_counts: Counter[int] = Counter()
    if ids:
        open_counts.update(
            pid
            for pid in (
                await session.scalars(
                    select(WorkAlarm.permit_id).where(
                        WorkAlarm.permit_id.in_(ids), WorkAlarm.ended_at.is_(None)
                    )
                )
            ).all()
            if pid
        )
    area_ids = {p.area_id for p in permits if p.area_id is not None}
    area_names = (
        dict((await session.execute(select(Area.id, Area.name).where(Area.id.in_(area_ids)))).tuples().all())
        if area_ids
        else {}
    )
    items = []
    for p in permits:
        wt = WORK_TYPES.get(p.work_type)
        zh, en = STATE_LABELS.get(p.state, (p.state, p.state))
        items.append(
            MapPermit(
                id=p.id,
                number=p.number,
                work_type=p.work_type,
                type_zh=wt.zh if wt else p.work_type,
                type_en=wt.en if wt else p.work_type,
                grade=p.grade,
                grade_zh=grade_label(p.work_type, p.grade)[0],
                state=p.state,
                state_zh=zh,
                state_en=en,
                ticket_status=ticket_status(p.state),
                site_id=p.site_id,
                area_id=p.area_id,
                area_name=area_names.get(p.area_id) if p.area_id else None,
                location=p.location,
                x=p.x,
                y=p.y,
                planned_start=p.planned_start,
                planned_end=p.planned_end,
                contractor=p.contractor_id is not None,
                open_alarms=open_counts[p.id],
            )
        )
    states = Counter(p.state for p in permits)
    statuses = Counter(ticket_status(p.state) for p in permits)
    return DayMap(
        day=day,
        live_included=live,
        permits=items,
        by_state=[Count(s, *STATE_LABELS[s], states[s]) for s in STATE_LABELS if states[s]],
        by_ticket_status=[
            Count(c, zh, en, statuses[c]) for c, (zh, en) in TICKET_STATUS.items() if statuses[c]
        ],
        open_alarms=sum(open_counts.values()),
    )

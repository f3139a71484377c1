"""A permit as AQ 3064.2-2025 表A.1 (特殊作业安全作业票信息) and its work alarms as 表A.3 (作业报警数据):
plain JSON records for the data-exchange module (requirements §2.10; incremental push, AQ §8.2).

The mapping functions are pure; `load_exchange` gathers what they need from the database.

Format decisions ([D] where the tables leave them open):

- Times are "YYYY-MM-DD HH:MM:SS" in plant time (Asia/Shanghai, no offset written), None where the
  fact does not exist yet (ISSUE_TIME before issue, CHECKED_TIME before acceptance).
- Fields typed 字符 are strings, flags "0"/"1"; LONGITUDE, LATITUDE and GAS_VALUE (数值) are JSON
  numbers: WGS-84 degrees rounded to 7 places (about 1 cm), and the reading in its own unit (% v/v
  for combustible gas and O₂, as entered).
- Name lists (SUPERVISOR_NAME, WORKER_NAME, WORK_DEPARTMENT) are joined with an ASCII comma.
  WORKER_NAME holds everyone working on the permit (作业人, 电工, 司索人, 指挥人员; not the guardian
  or the gas analyst). WORKER_CERTI_NAME / WORKER_CERTI_NUM are aligned with WORKER_NAME (an empty
  entry for a worker without a certificate), None when nobody holds one.
- START_TIME / END_TIME are the permit's 作业实施时间 (the planned period the signatures approved);
  ISSUE_TIME is the issue (签批完成), CHECKED_TIME the completion acceptance (验收).
- GAS_NAME / GAS_TIME / GAS_VALUE come from the latest analysis by sampling time: the reading that
  failed when it failed, otherwise its combustible reading, otherwise its first reading.
- LONGITUDE / LATITUDE come from the work point (x, y) through the site's geographic reference;
  None when the permit has no point or the site no reference.
- TICKET_RESPONS_NAME / MAJOR_PERSON_MOBILE are the work leader (作业负责人) and the leader's phone.
- WORK_DEPARTMENT is the 作业单位 as printed, then the contractor's name when it differs.
- IS_CHANGED is "1" on a permit closed for re-issue (CHANGED_CAUSE its reason; the new permit is a
  record of its own). IS_CANCELLED is "1" on revoked (撤销) and voided (作废) permits, with the reason.
- DELETED is always "0": permits and their alarms are kept, never deleted (GB 30871-2022 B.3).
- UPDATE_DATE / UPDATE_BY are the latest change to the permit or anything recorded on it (audited
  actions, signatures, analyses, people, alarms raised or handled); on a new permit they equal
  CREATE_DATE / CREATE_BY.
- ALARM_TYPE carries the 表A.4 细类编码 ("01" … "90"): the 细类 codes are unique across the 大类,
  whose code is their first digit, and TICKET_TYPE carries the 表A.2 细类 the same way.
  CREATE_DATE of an alarm is when it was raised (by "system"); UPDATE_* when and by whom it was
  handled. Alarms of Anguan's local types (reference.LOCAL_ALARM_TYPES, e.g. 0/09 gas over its limit
  at the site, which 表A.4 lacks) keep the record's shape; `Exchange.local_alarms` lists their IDs so
  the exchange module can map or hold them back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Select, String, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Contractor, Person, PersonCertificate
from anguan.basics.reference import CERTIFICATE_KINDS_V1, WORK_CERTIFICATES_V1
from anguan.core.time import as_utc
from anguan.core.timeline import AuditEntry
from anguan.permits import rules
from anguan.permits.models import GasTest, Permit, PermitPerson, WorkAlarm
from anguan.permits.reference import LOCAL_ALARM_TYPES, WORK_GRADES
from anguan.permits.workflow import State, ticket_status
from anguan.plant.geo import GeoReference, to_wgs84
from anguan.plant.models import Enterprise, Site

PLANT_TZ = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SYSTEM = "system"
LOCAL_CODES = frozenset(a.code for a in LOCAL_ALARM_TYPES)
WORKER_ROLES = ("worker", "electrician", "rigger", "commander")

# AQ 3064.2-2025 表A.1, in the table's order.
TICKET_FIELDS: tuple[str, ...] = (
    "ID",
    "COMPANY_NAME",
    "COMPANY_CODE",
    "TICKET_TYPE",
    "GAS_NAME",
    "GAS_TIME",
    "GAS_VALUE",
    "ISSUE_TIME",
    "START_TIME",
    "END_TIME",
    "TICKET_POSITION",
    "TICKET_CONTENT",
    "CHECKED_TIME",
    "LONGITUDE",
    "LATITUDE",
    "TICKET_STATUS",
    "SUPERVISOR_NAME",
    "WORKER_NAME",
    "WORKER_CERTI_NAME",
    "WORKER_CERTI_NUM",
    "WORK_DEPARTMENT",
    "IS_CONTRACTOR_WORK",
    "TICKET_RESPONS_NAME",
    "MAJOR_PERSON_MOBILE",
    "IS_CHANGED",
    "CHANGED_CAUSE",
    "IS_CANCELLED",
    "CANCELLED_CAUSE",
    "DELETED",
    "CREATE_DATE",
    "CREATE_BY",
    "UPDATE_DATE",
    "UPDATE_BY",
)
# Required (Y) in every state. ISSUE_TIME and CHECKED_TIME are required once they can exist; GAS_*
# for the types that need an analysis; WORKER_CERTI_* where special-operation workers are involved.
ALWAYS_REQUIRED: tuple[str, ...] = (
    "ID",
    "COMPANY_NAME",
    "COMPANY_CODE",
    "TICKET_TYPE",
    "START_TIME",
    "END_TIME",
    "TICKET_POSITION",
    "TICKET_CONTENT",
    "LONGITUDE",
    "LATITUDE",
    "TICKET_STATUS",
    "SUPERVISOR_NAME",
    "WORKER_NAME",
    "WORK_DEPARTMENT",
    "IS_CONTRACTOR_WORK",
    "TICKET_RESPONS_NAME",
    "MAJOR_PERSON_MOBILE",
    "IS_CHANGED",
    "IS_CANCELLED",
    "DELETED",
    "CREATE_DATE",
    "CREATE_BY",
    "UPDATE_DATE",
    "UPDATE_BY",
)
GAS_FIELDS = ("GAS_NAME", "GAS_TIME", "GAS_VALUE")
CERT_FIELDS = ("WORKER_CERTI_NAME", "WORKER_CERTI_NUM")
ISSUED_STATUSES = frozenset({"1", "2", "3", "6"})  # 已签发, 作业中, 已验收, 暂停: an issue time exists
CHECKED_STATUSES = frozenset({"3"})  # 已验收
# 表A.2 细类 → work type; ticket types whose analysis is always required (动火, 受限空间).
WORK_TYPE_OF_TICKET: dict[str, str] = {g.subclass: g.work_type for g in WORK_GRADES}
GAS_ALWAYS = frozenset(
    g.subclass for g in WORK_GRADES if rules.gas_analysis_required(g.work_type, hazardous_area=False)
)

# AQ 3064.2-2025 表A.3, in the table's order.
ALARM_FIELDS: tuple[str, ...] = (
    "ID",
    "TICKET_ID",
    "ALARM_START_TIME",
    "ALARM_TYPE",
    "ALARM_END_TIME",
    "ALARM_RESULT",
    "DELETED",
    "CREATE_DATE",
    "CREATE_BY",
    "UPDATE_DATE",
    "UPDATE_BY",
)
ALARM_REQUIRED: tuple[str, ...] = (
    "ID",
    "TICKET_ID",
    "ALARM_START_TIME",
    "ALARM_TYPE",
    "DELETED",
    "CREATE_DATE",
    "CREATE_BY",
    "UPDATE_DATE",
    "UPDATE_BY",
)


@dataclass(frozen=True)
class TicketPerson:
    """Someone named on the permit, as the exchange shows them."""

    name: str
    role: str
    phone: str | None = None
    certificate_name: str | None = None
    certificate_no: str | None = None


@dataclass(frozen=True)
class TicketFacts:
    """Everything a 表A.1 record is built from (gathered by `load_exchange`)."""

    permit: Permit
    company_name: str
    company_code: str
    leader: TicketPerson | None
    people: Sequence[TicketPerson]  # the active people, in entry order
    gas_tests: Sequence[GasTest]
    geo: GeoReference | None = None
    contractor_name: str | None = None
    updated_at: datetime | None = None  # the latest change (None: the permit's own updated_at)
    updated_by: str | None = None
    tz: ZoneInfo = PLANT_TZ


@dataclass(frozen=True)
class Exchange:
    """A permit's 表A.1 record, its 表A.3 alarms, the required 表A.1 fields still empty and the IDs of
    alarms whose type is a local code (not in 表A.4)."""

    ticket: dict[str, Any]
    alarms: list[dict[str, Any]]
    missing: list[str]
    local_alarms: list[str]
    updated_at: datetime = field(compare=False)


# ------------------------------------------------------------------------------ pure mapping


def exchange_time(at: datetime | None, tz: ZoneInfo = PLANT_TZ) -> str | None:
    """A time as 表A.1 writes it: "YYYY-MM-DD HH:MM:SS" in plant time; None stays None."""
    return None if at is None else as_utc(at).astimezone(tz).strftime(TIME_FORMAT)


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _joined(values: Sequence[str]) -> str | None:
    kept = [v for v in values if v]
    return ",".join(kept) if kept else None


def gas_reading(test: GasTest) -> Mapping[str, Any] | None:
    """The reading a record shows for an analysis: the failing one, else combustible, else the first."""
    readings = list(test.readings or [])
    if not readings:
        return None
    failed = {str(f.get("name")) for f in test.failures or []}
    for r in readings:
        if not test.passed and str(r.get("name") or r.get("kind")) in failed:
            return r
    return next((r for r in readings if r.get("kind") == "combustible"), readings[0])


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def ticket_record(facts: TicketFacts) -> dict[str, Any]:
    """AQ 3064.2-2025 表A.1 record of a permit (exactly the table's identifiers, in its order)."""
    p, tz = facts.permit, facts.tz
    status = ticket_status(p.state)
    latest = max(facts.gas_tests, key=lambda t: (as_utc(t.sampled_at), t.id or 0), default=None)
    reading = gas_reading(latest) if latest is not None else None
    lon = lat = None
    if facts.geo is not None and p.x is not None and p.y is not None:
        lat_deg, lon_deg = to_wgs84(facts.geo, p.x, p.y)
        lat, lon = round(lat_deg, 7), round(lon_deg, 7)
    workers = [w for w in facts.people if w.role in WORKER_ROLES]
    guardians = [g for g in facts.people if g.role == "guardian"]
    certified = any(w.certificate_no for w in workers)
    departments = [p.work_unit]
    if facts.contractor_name and facts.contractor_name != p.work_unit:
        departments.append(facts.contractor_name)
    state = State(p.state)
    cancelled = state in (State.REVOKED, State.VOIDED)
    created = exchange_time(p.created_at, tz)
    updated_at = facts.updated_at or p.updated_at or p.created_at
    record: dict[str, Any] = {
        "ID": p.uid,
        "COMPANY_NAME": facts.company_name,
        "COMPANY_CODE": facts.company_code,
        "TICKET_TYPE": rules.ticket_type(p.work_type, p.grade),
        "GAS_NAME": None if reading is None else str(reading.get("name") or reading.get("kind")),
        "GAS_TIME": None if latest is None else exchange_time(latest.sampled_at, tz),
        "GAS_VALUE": None if reading is None else _number(reading.get("value")),
        "ISSUE_TIME": exchange_time(p.issued_at, tz),
        "START_TIME": exchange_time(p.planned_start, tz),
        "END_TIME": exchange_time(p.planned_end, tz),
        "TICKET_POSITION": p.location,
        "TICKET_CONTENT": p.content,
        "CHECKED_TIME": exchange_time(p.accepted_at, tz),
        "LONGITUDE": lon,
        "LATITUDE": lat,
        "TICKET_STATUS": status,
        "SUPERVISOR_NAME": _joined([g.name for g in guardians]),
        "WORKER_NAME": _joined([w.name for w in workers]),
        "WORKER_CERTI_NAME": ",".join(w.certificate_name or "" for w in workers) if certified else None,
        "WORKER_CERTI_NUM": ",".join(w.certificate_no or "" for w in workers) if certified else None,
        "WORK_DEPARTMENT": _joined(departments),
        "IS_CONTRACTOR_WORK": _flag(p.contractor_id is not None),
        "TICKET_RESPONS_NAME": facts.leader.name if facts.leader else None,
        "MAJOR_PERSON_MOBILE": facts.leader.phone if facts.leader else None,
        "IS_CHANGED": _flag(state is State.CLOSED_FOR_REISSUE),
        "CHANGED_CAUSE": p.change_cause if state is State.CLOSED_FOR_REISSUE else None,
        "IS_CANCELLED": _flag(cancelled),
        "CANCELLED_CAUSE": (p.cancel_cause if state is State.REVOKED else p.void_cause)
        if cancelled
        else None,
        "DELETED": "0",
        "CREATE_DATE": created,
        "CREATE_BY": p.created_by,
        "UPDATE_DATE": exchange_time(updated_at, tz),
        "UPDATE_BY": facts.updated_by or p.created_by,
    }
    return {k: record[k] for k in TICKET_FIELDS}


def alarm_code(code: str) -> str:
    """The 表A.4 细类编码 of a stored "大类/细类" code ("0/02" → "02")."""
    return code.rsplit("/", 1)[-1]


def alarm_record(alarm: WorkAlarm, ticket_id: str, tz: ZoneInfo = PLANT_TZ) -> dict[str, Any]:
    """AQ 3064.2-2025 表A.3 record of a work alarm (exactly the table's identifiers, in its order)."""
    handled = alarm.ended_at is not None
    record: dict[str, Any] = {
        "ID": alarm.uid,
        "TICKET_ID": ticket_id,
        "ALARM_START_TIME": exchange_time(alarm.started_at, tz),
        "ALARM_TYPE": alarm_code(alarm.code),
        "ALARM_END_TIME": exchange_time(alarm.ended_at, tz),
        "ALARM_RESULT": alarm.result,
        "DELETED": "0",
        "CREATE_DATE": exchange_time(alarm.started_at, tz),
        "CREATE_BY": SYSTEM,
        "UPDATE_DATE": exchange_time(alarm.ended_at if handled else alarm.started_at, tz),
        "UPDATE_BY": (alarm.handled_by or SYSTEM) if handled else SYSTEM,
    }
    return {k: record[k] for k in ALARM_FIELDS}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_required(record: Mapping[str, Any], *, gas_required: bool | None = None) -> list[str]:
    """AQ 3064.2-2025 表A.1: the required identifiers a record leaves empty, in the table's order.

    ISSUE_TIME is required once issued (TICKET_STATUS 1, 2, 3, 6), CHECKED_TIME once accepted (3);
    GAS_* for 动火 and 受限空间, and for 临时用电 when `gas_required` says it is in a hazardous area
    (None: judged from TICKET_TYPE alone); WORKER_CERTI_* for the types whose workers need a
    special-operation certificate (basics WORK_CERTIFICATES_V1)."""
    required = set(ALWAYS_REQUIRED)
    status = str(record.get("TICKET_STATUS") or "")
    if status in ISSUED_STATUSES:
        required.add("ISSUE_TIME")
    if status in CHECKED_STATUSES:
        required.add("CHECKED_TIME")
    ticket = str(record.get("TICKET_TYPE") or "")
    if gas_required if gas_required is not None else ticket in GAS_ALWAYS:
        required.update(GAS_FIELDS)
    if WORK_CERTIFICATES_V1.get(WORK_TYPE_OF_TICKET.get(ticket, "")):
        required.update(CERT_FIELDS)
    return [k for k in TICKET_FIELDS if k in required and _empty(record.get(k))]


def missing_alarm_fields(record: Mapping[str, Any]) -> list[str]:
    """AQ 3064.2-2025 表A.3: the required identifiers an alarm record leaves empty."""
    return [k for k in ALARM_REQUIRED if _empty(record.get(k))]


# ------------------------------------------------------------------------------ loading
#
# A page of records is loaded in a fixed number of statements (one per related table, with IN lists of
# the page's ids), never per record: the feed of AQ §8.2 pages up to 1000 permits.

Change = tuple[datetime, str]


def _stamp(permit: Permit) -> Change:
    """The permit row's own change: its update (or creation) by its creator."""
    return as_utc(permit.updated_at or permit.created_at), permit.created_by


async def last_changes(
    session: AsyncSession, stamps: Mapping[int, Change], scope: Select[Any] | None = None
) -> dict[int, Change]:
    """When each permit or anything on it last changed, and by whom: its row (`stamps`), then its latest
    audited action when not older, then its latest alarm handled when later. `scope` (a SELECT of the
    permits, any columns) stands for the ids of `stamps` when they are many (the whole feed), so that
    no IN list carries thousands of ids."""
    if not stamps:
        return {}
    if scope is None:
        ids: Any = list(stamps)
        audited: Any = [str(i) for i in stamps]
    else:
        ids = scope.with_only_columns(Permit.id).order_by(None)
        # audit_log.target_id is text: cast the permit ids, not the targets (not every target is a number)
        audited = scope.with_only_columns(cast(Permit.id, String(20))).order_by(None)
    latest = (
        select(AuditEntry.target_id.label("tid"), func.max(AuditEntry.seq).label("seq"))
        .where(AuditEntry.target_type == "pm_permit", AuditEntry.target_id.in_(audited))
        .group_by(AuditEntry.target_id)
        .subquery()
    )
    entries = (
        await session.execute(
            select(latest.c.tid, AuditEntry.ts, AuditEntry.actor_username).join(
                latest, AuditEntry.seq == latest.c.seq
            )
        )
    ).tuples()
    last_handled = (
        select(WorkAlarm.permit_id.label("pid"), func.max(WorkAlarm.ended_at).label("ended"))
        .where(WorkAlarm.permit_id.in_(ids), WorkAlarm.ended_at.is_not(None))
        .group_by(WorkAlarm.permit_id)
        .subquery()
    )
    handled = (
        await session.execute(
            select(WorkAlarm.permit_id, WorkAlarm.ended_at, WorkAlarm.handled_by)
            .join(
                last_handled,
                and_(WorkAlarm.permit_id == last_handled.c.pid, WorkAlarm.ended_at == last_handled.c.ended),
            )
            .order_by(WorkAlarm.id)  # of alarms handled at the same instant, the latest recorded counts
        )
    ).tuples()
    out = dict(stamps)
    for tid, ts, username in entries:
        pid = int(tid)
        if pid in out and as_utc(ts) >= out[pid][0]:
            out[pid] = (as_utc(ts), username or SYSTEM)
    ends: dict[int, tuple[datetime, str | None]] = {}
    for alarm_permit, ended_at, handled_by in handled:
        if alarm_permit is not None and ended_at is not None:
            ends[alarm_permit] = (as_utc(ended_at), handled_by)
    for pid, (ended_at, handled_by) in ends.items():
        if pid in out and ended_at > out[pid][0]:
            out[pid] = (ended_at, handled_by or SYSTEM)
    return out


async def last_change(session: AsyncSession, permit: Permit) -> Change:
    """When the permit or anything on it last changed, and by whom (audit log, alarms)."""
    return (await last_changes(session, {permit.id: _stamp(permit)}))[permit.id]


async def _certificate_kinds(
    session: AsyncSession, people: Sequence[PermitPerson]
) -> dict[tuple[int, str], str]:
    """The certificate kind (as printed) of each (person, recorded certificate number)."""
    wanted = {(p.person_id, p.certificate_no) for p in people if p.certificate_no}
    if not wanted:
        return {}
    rows = (
        await session.execute(
            select(PersonCertificate.person_id, PersonCertificate.number, PersonCertificate.kind)
            .where(PersonCertificate.person_id.in_({pid for pid, _ in wanted}))
            .order_by(PersonCertificate.id)
        )
    ).tuples()
    return {
        (pid, number): CERTIFICATE_KINDS_V1.get(kind, (kind, kind))[0]
        for pid, number, kind in rows
        if (pid, number) in wanted
    }


def _grouped(rows: Sequence[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        out[r.permit_id].append(r)
    return out


async def load_exchanges(
    session: AsyncSession, permits: Sequence[Permit], changes: Mapping[int, Change] | None = None
) -> list[Exchange]:
    """The 表A.1 records, 表A.3 alarms and missing fields of permits, in their order (reads only, in a
    fixed number of statements); `changes`: their last changes when the caller has them already."""
    if not permits:
        return []
    ids = [p.id for p in permits]
    if changes is None:
        changes = await last_changes(session, {p.id: _stamp(p) for p in permits})
    sites: dict[int, tuple[Site, Enterprise | None]] = {
        site.id: (site, enterprise)
        for site, enterprise in (
            await session.execute(
                select(Site, Enterprise)
                .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
                .where(Site.id.in_({p.site_id for p in permits}))
            )
        ).tuples()
    }
    rows = list(
        (
            await session.scalars(
                select(PermitPerson)
                .where(PermitPerson.permit_id.in_(ids), PermitPerson.active.is_(True))
                .order_by(PermitPerson.id)
            )
        ).all()
    )
    persons = {
        p.id: p
        for p in (
            await session.scalars(
                select(Person).where(
                    Person.id.in_({r.person_id for r in rows} | {p.leader_id for p in permits})
                )
            )
        ).all()
    }
    certs = await _certificate_kinds(session, rows)
    contractor_ids = {p.contractor_id for p in permits if p.contractor_id is not None}
    contractors: dict[int, str] = {}
    if contractor_ids:
        contractors = dict(
            (
                await session.execute(
                    select(Contractor.id, Contractor.name).where(Contractor.id.in_(contractor_ids))
                )
            )
            .tuples()
            .all()
        )
    gas_tests = _grouped(
        (
            await session.scalars(
                select(GasTest).where(GasTest.permit_id.in_(ids)).order_by(GasTest.sampled_at, GasTest.id)
            )
        ).all()
    )
    alarm_rows = _grouped(
        (
            await session.scalars(
                select(WorkAlarm).where(WorkAlarm.permit_id.in_(ids)).order_by(WorkAlarm.id)
            )
        ).all()
    )
    people_of = _grouped(rows)
    out: list[Exchange] = []
    for permit in permits:
        site, enterprise = sites.get(permit.site_id, (None, None))
        out.append(
            _exchange(
                permit,
                site,
                enterprise,
                people_of.get(permit.id, []),
                persons,
                certs,
                contractors.get(permit.contractor_id) if permit.contractor_id is not None else None,
                gas_tests.get(permit.id, []),
                alarm_rows.get(permit.id, []),
                changes[permit.id],
            )
        )
    return out


def _exchange(
    permit: Permit,
    site: Site | None,
    enterprise: Enterprise | None,
    rows: Sequence[PermitPerson],
    persons: Mapping[int, Person],
    certs: Mapping[tuple[int, str], str],
    contractor_name: str | None,
    gas_tests: Sequence[GasTest],
    alarm_rows: Sequence[WorkAlarm],
    change: Change,
) -> Exchange:
    """One permit's exchange from its loaded rows (pure)."""
    geo = None
    if site is not None and site.origin_lat is not None and site.origin_lon is not None:
        geo = GeoReference(site.origin_lat, site.origin_lon, site.rotation_deg or 0.0)
    people = [
        TicketPerson(
            name=persons[r.person_id].name if r.person_id in persons else "",
            role=r.role,
            phone=persons[r.person_id].phone if r.person_id in persons else None,
            certificate_name=certs.get((r.person_id, r.certificate_no)) if r.certificate_no else None,
            certificate_no=r.certificate_no,
        )
        for r in rows
    ]
    leader_row = persons.get(permit.leader_id)
    leader = TicketPerson(leader_row.name, "leader", leader_row.phone) if leader_row else None
    when, who = change
    facts = TicketFacts(
        permit=permit,
        company_name=enterprise.name if enterprise else "",
        company_code=enterprise.uscc if enterprise else "",
        leader=leader,
        people=people,
        gas_tests=gas_tests,
        geo=geo,
        contractor_name=contractor_name,
        updated_at=when,
        updated_by=who,
    )
    ticket = ticket_record(facts)
    return Exchange(
        ticket=ticket,
        alarms=[alarm_record(a, permit.uid) for a in alarm_rows],
        missing=missing_required(
            ticket, gas_required=rules.gas_analysis_required(permit.work_type, permit.hazardous_area)
        ),
        local_alarms=[a.uid for a in alarm_rows if a.code in LOCAL_CODES],
        updated_at=when,
    )


async def load_exchange(session: AsyncSession, permit: Permit) -> Exchange:
    """The 表A.1 record, 表A.3 alarms and missing fields of one permit (reads only)."""
    return (await load_exchanges(session, [permit]))[0]


def changed_statement(since: datetime | None, clause: Any = None) -> Select[Any]:
    """SELECT of the permits changed at or after `since` (all when None): their row, an audited action
    on them, or one of their alarms raised or handled (AQ 3064.2-2025 §8.2 incremental push); `clause`
    is the caller's data scope."""
    stmt = select(Permit)
    if since is not None:
        audited = select(cast(AuditEntry.target_id, BigInteger)).where(
            AuditEntry.target_type == "pm_permit", AuditEntry.ts >= since
        )
        alarmed = select(WorkAlarm.permit_id).where(
            or_(WorkAlarm.started_at >= since, WorkAlarm.ended_at >= since)
        )
        stmt = stmt.where(or_(Permit.updated_at >= since, Permit.id.in_(audited), Permit.id.in_(alarmed)))
    if clause is not None:
        stmt = stmt.where(clause)
    return stmt


async def changed_since(session: AsyncSession, since: datetime | None, clause: Any = None) -> list[Permit]:
    """Permits changed at or after `since` (all when None), by id (see `changed_statement`)."""
    return list((await session.scalars(changed_statement(since, clause).order_by(Permit.id))).all())


async def feed(
    session: AsyncSession, since: datetime | None, limit: int, clause: Any = None
) -> list[Exchange]:
    """The exchange records of the permits changed at or after `since`, oldest change first (ties by
    ID), at most `limit`: the candidates' last changes are computed in SQL for all of them at once,
    then only the page is loaded."""
    stmt = changed_statement(since, clause)
    heads = (
        await session.execute(
            stmt.with_only_columns(
                Permit.id, Permit.uid, Permit.updated_at, Permit.created_at, Permit.created_by
            ).order_by(Permit.id)
        )
    ).tuples()
    stamps: dict[int, Change] = {}
    uids: dict[int, str] = {}
    for pid, uid, updated_at, created_at, created_by in heads:
        stamps[pid] = (as_utc(updated_at or created_at), created_by)
        uids[pid] = uid
    changes = await last_changes(session, stamps, stmt)
    page = sorted(changes, key=lambda pid: (changes[pid][0], uids[pid]))[:limit]
    if not page:
        return []
    loaded = {p.id: p for p in (await session.scalars(select(Permit).where(Permit.id.in_(page)))).all()}
    return await load_exchanges(session, [loaded[pid] for pid in page], changes)

"""Permits: creating and filling a permit before it is signed (content, people, measures, analysis,
briefing, links), gas analyses, the confined-space register, and the content hash that signatures
seal. The life-cycle actions are in `flow.py`.

Content is editable only until the first signature (GB 30871-2022 §4.18 不得涂改); after that a
change closes the permit and issues a new one (§4.16/§4.17).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import lookups
from anguan.basics.models import Contractor, Person
from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.time import as_utc
from anguan.core.timeline import AuditActor, add_timeline, record
from anguan.identity.models import User
from anguan.identity.schemas import Actor
from anguan.monitoring.models import Point
from anguan.permits import rules
from anguan.permits.checklists import CHECKLISTS_V1
from anguan.permits.models import (
    CalendarDay,
    CancelRequest,
    EntryLog,
    GasTest,
    Measure,
    Permit,
    PermitLink,
    PermitPerson,
    Signature,
)
from anguan.permits.reference import (
    CONFINED_SPACE,
    HOT_WORK,
    LIFTING,
    VERSION,
    WORK_AT_HEIGHT,
    WORK_TYPES,
)
from anguan.permits.workflow import State
from anguan.plant import repository as plant_repo
from anguan.plant.models import Area, Site
from anguan.video import service as video

# 编号 prefixes by work type (动火 DH, 受限空间 SX, 盲板抽堵 MB, 高处 GC, 吊装 DZ, 临时用电 LD, 动土 DT, 断路 DL).
PREFIX = {
    "hot_work": "DH",
    "confined_space": "SX",
    "blinding": "MB",
    "work_at_height": "GC",
    "lifting": "DZ",
    "temporary_electricity": "LD",
    "excavation": "DT",
    "road_breaking": "DL",
}
EDITABLE = frozenset({State.DRAFT, State.BOOKED, State.BOOKING_APPROVED, State.APPLYING})
LIVE = frozenset({State.ISSUED, State.IN_PROGRESS, State.PAUSED, State.ACCEPTANCE_PENDING})
DETECTOR_RADIUS_M = 30.0  # [D] fixed gas detectors within 30 m watch a permit (GB 30871 §5.2.9 distances)
GAS_POINT_KINDS = ("gas_combustible", "gas_toxic", "oxygen")  # monitoring point kinds
# [D] cameras within 50 m of the work point, or whose view sector reaches it, watch the work
# (AQ 3064.2-2025 §5.6 live video of the job, §5.10 camera and gas detector per location; the
# distance is a project decision)
CAMERA_RADIUS_M = 50.0
PLANT_TZ = ZoneInfo("Asia/Shanghai")


def who(actor: Actor) -> AuditActor:
    """The audit identity of a caller."""
    return AuditActor(actor.user_id, actor.username, actor.ip)


def refuse(exc: rules.PermitInputError) -> Unprocessable:
    """A rule's refusal as a 422 with its code and parameters."""
    return Unprocessable(exc.code, **{k: str(v) for k, v in exc.params.items()})


# ------------------------------------------------------------------------------ reading


async def visible_area_clause(session: AsyncSession, actor: Actor) -> Any:
    """Permits of the caller's visible areas, and area-less permits of the caller's visible sites."""
    if actor.all_data:
        return None
    areas = await plant_repo.visible_area_ids(session, actor) or set()
    sites = await plant_repo.visible_site_ids(session, actor, areas) or set()
    return (Permit.area_id.in_(areas)) | (Permit.area_id.is_(None) & Permit.site_id.in_(sites))


async def get_permit(session: AsyncSession, actor: Actor, permit_id: int) -> Permit:
    """One permit: 404 when missing, 403 outside the caller's scope."""
    permit = await session.get(Permit, permit_id)
    if permit is None:
        raise NotFound("permits.not_found", id=permit_id)
    clause = await visible_area_clause(session, actor)
    if (
        clause is not None
        and await session.scalar(select(Permit.id).where(Permit.id == permit_id, clause)) is None
    ):
        raise Forbidden("identity.out_of_scope")
    return permit


async def calendar(session: AsyncSession, start: datetime, end: datetime) -> rules.PlantCalendar:
    """The plant calendar around a period (holidays, make-up workdays, special periods)."""
    first, last = start.astimezone(PLANT_TZ).date(), end.astimezone(PLANT_TZ).date()
    rows = (
        await session.scalars(
            select(CalendarDay).where(
                CalendarDay.day >= first.replace(day=1) if first.day > 1 else CalendarDay.day >= first,
                CalendarDay.day <= last,
            )
        )
    ).all()
    holidays = frozenset(r.day for r in rows if r.kind == "holiday")
    workdays = frozenset(r.day for r in rows if r.kind == "workday")
    special = tuple(
        (
            datetime.combine(r.day, datetime.min.time(), tzinfo=PLANT_TZ),
            datetime.combine(r.day, datetime.max.time(), tzinfo=PLANT_TZ),
        )
        for r in rows
        if r.kind == "special"
    )
    return rules.PlantCalendar(tz=PLANT_TZ, holidays=holidays, workdays=workdays, special_periods=special)


# ------------------------------------------------------------------------------ content


CONTENT_FIELDS = (
    "work_type",
    "grade",
    "site_id",
    "area_id",
    "location",
    "x",
    "y",
    "hazardous_area",
    "content",
    "applicant_department_id",
    "contractor_id",
    "work_unit",
    "leader_id",
    "planned_start",
    "planned_end",
    "emergency",
    "details",
)


def _grade_from_details(work_type: str, grade: str | None, details: Mapping[str, Any]) -> str | None:
    """The grade the rules give from the type's facts; a declared grade must not be lower."""
    try:
        if work_type == WORK_AT_HEIGHT:
            derived = rules.height_grade(details.get("height_m", 0), details.get("height_factors", []))
            if derived is None:
                raise Unprocessable("permits.not_work_at_height", height_m=str(details.get("height_m")))
            return derived
        if work_type == LIFTING:
            mass = details.get("mass_t")
            if mass is None:
                raise Unprocessable("permits.mass_required")
            return rules.lifting_grade(mass)
        if work_type == HOT_WORK:
            facts = details.get("hot_work_facts")
            if isinstance(facts, Mapping):
                derived = rules.hot_work_grade(
                    bool(facts.get("in_fire_explosion_area")),
                    bool(facts.get("on_operating_equipment")),
                    bool(facts.get("in_major_hazard_tank_dike")),
                    bool(facts.get("on_pipe_rack")),
                    bool(facts.get("shut_down_cleaned_isolated_approved")),
                )
                if derived is not None and grade is not None:
                    if rules.grade_rank(HOT_WORK, grade) < rules.grade_rank(HOT_WORK, derived):
                        raise Unprocessable("permits.grade_too_low", grade=grade, required=derived)
                    return grade
                return derived or grade
            if grade is None:
                raise Unprocessable("permits.grade_required")
            return grade
    except rules.PermitInputError as exc:
        raise refuse(exc) from exc
    return None


async def _check_refs(session: AsyncSession, values: Mapping[str, Any]) -> None:
    site = await session.get(Site, values["site_id"])
    if site is None:
        raise Unprocessable("permits.site_not_found", id=values["site_id"])
    if values.get("area_id") is not None:
        area = await session.get(Area, values["area_id"])
        if area is None or area.site_id != site.id:
            raise Unprocessable("permits.area_not_in_site", id=values["area_id"])
    leader = await session.get(Person, values["leader_id"])
    if leader is None or leader.status != "active":
        raise Unprocessable("permits.person_not_active", id=values["leader_id"])
    if values.get("contractor_id") is not None:
        if await session.get(Contractor, values["contractor_id"]) is None:
            raise Unprocessable("permits.contractor_not_found", id=values["contractor_id"])


async def _derive(session: AsyncSession, permit: Permit) -> None:
    """Grade, upgrade, validity and the watching detectors and cameras, from the content."""
    permit.planned_start, permit.planned_end = as_utc(permit.planned_start), as_utc(permit.planned_end)
    if permit.work_type not in WORK_TYPES:
        raise Unprocessable("permits.unknown_work_type", work_type=permit.work_type)
    permit.grade = _grade_from_details(permit.work_type, permit.grade, permit.details or {})
    try:
        rules.work_grade(permit.work_type, permit.grade)
        if not rules.validity_ok(
            permit.work_type,
            permit.grade,
            permit.planned_start,
            permit.planned_end,
            special=bool((permit.details or {}).get("special_validity")),
        ):
            limit = rules.validity_limit(permit.work_type, permit.grade)
            raise Unprocessable(
                "permits.validity_exceeded", hours=str(limit.total_seconds() / 3600 if limit else "")
            )
        required, causes = permit.grade, list[str]()
        if permit.work_type == HOT_WORK and permit.grade is not None:
            cal = await calendar(session, permit.planned_start, permit.planned_end)
            required, causes = rules.hot_work_upgrade(
                permit.grade, permit.planned_start, permit.planned_end, cal
            )
        permit.required_grade, permit.upgrade_causes = required, causes
        limit = rules.validity_limit(permit.work_type, permit.grade)
        permit.valid_until = (
            permit.planned_end if limit is None else min(permit.planned_end, permit.planned_start + limit)
        )
    except rules.PermitInputError as exc:
        raise refuse(exc) from exc
    permit.detector_ids = await nearby_detectors(session, permit)
    permit.camera_ids = [
        c.id
        for c in await video.cameras_near(
            session, permit.site_id, permit.x, permit.y, permit.area_id, CAMERA_RADIUS_M
        )
    ]


async def nearby_detectors(session: AsyncSession, permit: Permit) -> list[int]:
    """Fixed gas detectors within DETECTOR_RADIUS_M of the work (or in its area when it has no point)."""
    stmt = select(Point.id, Point.x, Point.y, Point.area_id).where(
        Point.site_id == permit.site_id, Point.kind.in_(GAS_POINT_KINDS)
    )
    out = []
    for pid, x, y, area_id in (await session.execute(stmt.order_by(Point.id))).all():
        if permit.x is not None and permit.y is not None and x is not None and y is not None:
            if (x - permit.x) ** 2 + (y - permit.y) ** 2 <= DETECTOR_RADIUS_M**2:
                out.append(pid)
        elif permit.area_id is not None and area_id == permit.area_id:
            out.append(pid)
    return out


async def _number(session: AsyncSession, work_type: str, now: datetime) -> str:
    day = now.astimezone(PLANT_TZ).strftime("%Y%m%d")
    prefix = f"{PREFIX[work_type]}-{day}-"
    n = await session.scalar(select(func.count()).select_from(Permit).where(Permit.number.like(prefix + "%")))
    return f"{prefix}{int(n or 0) + 1:03d}"


async def create(session: AsyncSession, actor: Actor, values: Mapping[str, Any], now: datetime) -> Permit:
    """A new permit in DRAFT, with its type's checklist (GB 30871-2022 附录A)."""
    if values["work_type"] not in WORK_TYPES:
        raise Unprocessable("permits.unknown_work_type", work_type=str(values["work_type"])[:40])
    await _check_refs(session, values)
    permit = Permit(
        uid=str(uuid.uuid4()),
        number=await _number(session, values["work_type"], now),
        state=State.DRAFT.value,
        rule_version=VERSION,
        created_by=actor.username,
        risks=[],
        detector_ids=[],
        camera_ids=[],
        upgrade_causes=[],
        **{k: values.get(k) for k in CONTENT_FIELDS},
    )
    permit.details = dict(values.get("details") or {})
    await _derive(session, permit)
    session.add(permit)
    await session.flush()
    for seq, text in enumerate(CHECKLISTS_V1[permit.work_type].rows, start=1):
        session.add(Measure(permit_id=permit.id, seq=seq, text=text))
    await add_timeline(
        session,
        entity_type="permit",
        entity_id=permit.id,
        action="created",
        actor=who(actor),
        to_state=permit.state,
    )
    await record(session, who(actor), "permits.created", target_type="pm_permit", target_id=permit.id)
    return permit


def ensure_editable(permit: Permit) -> None:
    """Content may change only before the first signature (不得涂改)."""
    if permit.state not in EDITABLE or permit.content_hash is not None:
        raise Conflict("permits.content_locked", state=permit.state)


async def update(session: AsyncSession, actor: Actor, permit: Permit, values: Mapping[str, Any]) -> Permit:
    """Change a permit's content before it is signed; grade, upgrade and validity follow."""
    ensure_editable(permit)
    merged = {k: values.get(k, getattr(permit, k)) for k in CONTENT_FIELDS if k != "work_type"}
    merged["work_type"] = permit.work_type
    await _check_refs(session, merged)
    for k, v in merged.items():
        setattr(permit, k, v)
    if "details" in values:
        permit.details = dict(values["details"] or {})
    await _derive(session, permit)
    await record(
        session,
        who(actor),
        "permits.updated",
        target_type="pm_permit",
        target_id=permit.id,
        detail={"fields": sorted(values)},
    )
    return permit


# ------------------------------------------------------------------------------ people, links


PERSON_ROLES = ("worker", "guardian", "commander", "rigger", "electrician", "analyst")


async def set_people(
    session: AsyncSession, actor: Actor, permit: Permit, people: Sequence[tuple[int, str]], now: datetime
) -> list[PermitPerson]:
    """Replace the people named on the permit (作业人、监护人 …) before signing; a later guardian
    change is a hand-over (`hand_over_guardian`)."""
    ensure_editable(permit)
    for pid, role in people:
        if role not in PERSON_ROLES:
            raise Unprocessable("permits.unknown_person_role", role=role)
        person = await session.get(Person, pid)
        if person is None or person.status != "active":
            raise Unprocessable("permits.person_not_active", id=pid)
    if len(set(people)) != len(people):
        raise Unprocessable("permits.duplicate_person")
    for old in (await session.scalars(select(PermitPerson).where(PermitPerson.permit_id == permit.id))).all():
        await session.delete(old)
    await session.flush()
    rows = [PermitPerson(permit_id=permit.id, person_id=pid, role=role, active=True) for pid, role in people]
    session.add_all(rows)
    await session.flush()
    await record(session, who(actor), "permits.people_set", target_type="pm_permit", target_id=permit.id)
    return rows


async def people_of(session: AsyncSession, permit_id: int, *, active_only: bool = True) -> list[PermitPerson]:
    """The people named on a permit."""
    stmt = select(PermitPerson).where(PermitPerson.permit_id == permit_id)
    if active_only:
        stmt = stmt.where(PermitPerson.active.is_(True))
    return list((await session.scalars(stmt.order_by(PermitPerson.id))).all())


async def link(session: AsyncSession, actor: Actor, permit: Permit, other_id: int) -> None:
    """Link a related permit of the same job (GB 30871-2022 §4.6), both ways."""
    if other_id == permit.id:
        raise Unprocessable("permits.link_self")
    other = await get_permit(session, actor, other_id)
    for a, b in ((permit.id, other.id), (other.id, permit.id)):
        exists = await session.scalar(
            select(PermitLink.id).where(PermitLink.permit_id == a, PermitLink.linked_id == b)
        )
        if exists is None:
            session.add(PermitLink(permit_id=a, linked_id=b))
    await session.flush()


async def linked_types(session: AsyncSession, permit_id: int) -> set[str]:
    """The work types of the permits linked to this one."""
    rows = await session.scalars(
        select(Permit.work_type)
        .join(PermitLink, PermitLink.linked_id == Permit.id)
        .where(PermitLink.permit_id == permit_id)
    )
    return set(rows.all())


# ------------------------------------------------------------------------------ analysis and measures


async def set_analysis(
    session: AsyncSession, actor: Actor, permit: Permit, risks: Sequence[str], jha: str | None
) -> Permit:
    """危险有害因素辨识 and 作业危害分析 (GB 30871-2022 §4.1; AQ 3064.2-2025 §5.4.2)."""
    ensure_editable(permit)
    permit.risks = [r.strip() for r in risks if r.strip()]
    permit.jha = jha
    permit.risk_identified_by = actor.username if permit.risks else None
    return permit


async def confirm_measures(
    session: AsyncSession,
    actor: Actor,
    permit: Permit,
    answers: Mapping[int, bool],
    now: datetime,
    other: str | None = None,
) -> list[Measure]:
    """是否涉及 + 确认人 for checklist rows (AQ 3064.2-2025 §5.4.5); the last row takes the 其他安全措施 text."""
    ensure_editable(permit)
    rows = {
        m.seq: m for m in (await session.scalars(select(Measure).where(Measure.permit_id == permit.id))).all()
    }
    unknown = sorted(set(answers) - set(rows))
    if unknown:
        raise Unprocessable("permits.unknown_measure", seq=",".join(map(str, unknown)))
    for seq, involved in answers.items():
        m = rows[seq]
        m.involved, m.confirmed_by, m.confirmed_at = involved, actor.username, now
    if other is not None and rows:
        last = rows[max(rows)]
        author = await session.scalar(select(User.display_name).where(User.id == actor.user_id))
        last.text = f"其他安全措施：{other}    编制人：{author or actor.username}"
    return sorted(rows.values(), key=lambda m: m.seq)


async def brief(session: AsyncSession, actor: Actor, permit: Permit, now: datetime) -> Permit:
    """安全交底 given (GB 30871-2022 §4.4): who briefed and when."""
    if permit.state not in EDITABLE and permit.state != State.SIGNING:
        raise Conflict("permits.bad_state", state=permit.state)
    permit.briefing_by, permit.briefing_at = actor.username, now
    return permit


# ------------------------------------------------------------------------------ gas analysis


async def lel_of(
    session: AsyncSession, permit: Permit, readings: Sequence[Mapping[str, Any]]
) -> float | None:
    """The LEL the combustible criterion uses: given on the reading, or the master data's LEL of the
    representative gas, the lowest when several are named ([D] mixtures, requirements §2.6)."""
    lels = []
    for r in readings:
        if r.get("kind") != "combustible":
            continue
        if r.get("lel_pct") is not None:
            lels.append(float(r["lel_pct"]))
            continue
        facts = await lookups.chemical_facts(session, str(r.get("name") or ""))
        if facts is not None and facts.lel_pct is not None:
            lels.append(float(facts.lel_pct))
    return min(lels) if lels else None


async def add_gas_test(
    session: AsyncSession,
    actor: Actor,
    permit: Permit,
    *,
    sampled_at: datetime,
    point: str,
    readings: Sequence[Mapping[str, Any]],
    now: datetime,
    position: tuple[float | None, float | None] = (None, None),
    source: str = "portable",
) -> GasTest:
    """Record a gas analysis and its verdict (GB 30871-2022 §5.3.2, §6.4); never in the future."""
    if permit.state in (State.ACCEPTED, State.REVOKED, State.VOIDED, State.CLOSED_FOR_REISSUE):
        raise Conflict("permits.bad_state", state=permit.state)
    if sampled_at > now:
        raise Unprocessable("permits.sampled_in_future")
    lel = await lel_of(session, permit, readings)
    try:
        failures = rules.gas_result_ok(
            permit.work_type,
            [
                rules.GasReading(
                    kind=str(r["kind"]),
                    name=str(r.get("name") or r["kind"]),
                    value=r["value"],
                    limit=r.get("limit"),
                    lel_pct=r.get("lel_pct"),
                )
                for r in readings
            ],
            lel_pct=lel,
            oxygen_rich=bool((permit.details or {}).get("oxygen_rich")),
        )
    except rules.PermitInputError as exc:
        raise refuse(exc) from exc
    test = GasTest(
        permit_id=permit.id,
        sampled_at=sampled_at,
        point=point,
        analyst=actor.username,
        analyst_id=actor.user_id,
        readings=[dict(r) for r in readings],
        lel_pct=lel,
        passed=not failures,
        failures=[
            {
                "name": f.name,
                "kind": f.kind,
                "reason": f.reason,
                "value": None if f.value is None else float(f.value),
                "limit": None if f.limit is None else float(f.limit),
            }
            for f in failures
        ],
        source=source,
        lat=position[0],
        lon=position[1],
        recorded_at=now,
    )
    session.add(test)
    await session.flush()
    await record(
        session,
        who(actor),
        "permits.gas_tested",
        target_type="pm_permit",
        target_id=permit.id,
        detail={"passed": test.passed},
    )
    return test


async def gas_tests(session: AsyncSession, permit_id: int) -> list[GasTest]:
    """A permit's analyses, oldest first."""
    stmt = select(GasTest).where(GasTest.permit_id == permit_id).order_by(GasTest.sampled_at, GasTest.id)
    return list((await session.scalars(stmt)).all())


# ------------------------------------------------------------------------------ confined-space register


async def enter(
    session: AsyncSession,
    actor: Actor,
    permit: Permit,
    *,
    kind: str,
    name: str,
    person_id: int | None,
    count: int,
    now: datetime,
) -> EntryLog:
    """Register a person or tools going into the space (GB 30871-2022 §6.8 c; AQ 3064.2-2025 §5.6.6)."""
    if permit.work_type != CONFINED_SPACE:
        raise Unprocessable("permits.not_confined_space")
    if permit.state != State.IN_PROGRESS:
        raise Conflict("permits.bad_state", state=permit.state)
    if kind == "person":
        if person_id is None:
            raise Unprocessable("permits.person_required")
        named = {p.person_id for p in await people_of(session, permit.id) if p.role == "worker"}
        if person_id not in named:
            raise Unprocessable("permits.not_a_worker_of_permit", id=person_id)
        inside = await session.scalar(
            select(EntryLog.id).where(
                EntryLog.permit_id == permit.id, EntryLog.person_id == person_id, EntryLog.exited_at.is_(None)
            )
        )
        if inside is not None:
            raise Conflict("permits.already_inside")
        person = await session.get(Person, person_id)
        name = person.name if person else name
        count = 1
    row = EntryLog(
        permit_id=permit.id,
        kind=kind,
        person_id=person_id,
        name=name,
        count=count,
        entered_at=now,
        recorded_by=actor.username,
    )
    session.add(row)
    await session.flush()
    return row


async def leave(
    session: AsyncSession, actor: Actor, permit: Permit, entry_id: int, now: datetime
) -> EntryLog:
    """Register a person or tools coming out."""
    row = await session.get(EntryLog, entry_id)
    if row is None or row.permit_id != permit.id:
        raise NotFound("permits.entry_not_found", id=entry_id)
    if row.exited_at is not None:
        raise Conflict("permits.already_out")
    row.exited_at = now
    return row


async def inside(session: AsyncSession, permit_id: int) -> list[EntryLog]:
    """Who and what is still inside the space."""
    stmt = select(EntryLog).where(EntryLog.permit_id == permit_id, EntryLog.exited_at.is_(None))
    return list((await session.scalars(stmt.order_by(EntryLog.id))).all())


# ------------------------------------------------------------------------------ content hash


async def content_of(session: AsyncSession, permit: Permit) -> dict[str, Any]:
    """What a signature seals: the content, the people, the measures and the analyses so far."""
    people = await people_of(session, permit.id, active_only=False)
    measures = (
        await session.scalars(select(Measure).where(Measure.permit_id == permit.id).order_by(Measure.seq))
    ).all()
    tests = await gas_tests(session, permit.id)
    return {
        "number": permit.number,
        "uid": permit.uid,
        **{k: _plain(getattr(permit, k)) for k in CONTENT_FIELDS},
        "required_grade": permit.required_grade,
        "risks": permit.risks,
        "jha": permit.jha,
        "briefing_by": permit.briefing_by,
        "people": [[p.person_id, p.role, p.active] for p in people],
        "measures": [[m.seq, m.text, m.involved, m.confirmed_by] for m in measures],
        "gas_tests": [[t.id, _plain(t.sampled_at), t.passed] for t in tests],
    }


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, datetime) else v


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a permit's content."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def signatures(session: AsyncSession, permit_id: int) -> list[Signature]:
    """A permit's signatures in the order given."""
    stmt = (
        select(Signature).where(Signature.permit_id == permit_id).order_by(Signature.signed_at, Signature.id)
    )
    return list((await session.scalars(stmt)).all())


async def pending_cancel_request(session: AsyncSession, permit_id: int) -> CancelRequest | None:
    """The permit's pending cancellation request (取消申请), if any (one at a time)."""
    return (
        await session.scalars(
            select(CancelRequest)
            .where(CancelRequest.permit_id == permit_id, CancelRequest.state == "pending")
            .order_by(CancelRequest.id.desc())
        )
    ).first()

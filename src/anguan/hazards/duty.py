"""包保 responsibility (安全包保): heads per hazard source, periodic task lists, completion on the
phone (photos, position), overdue tracking and the per-person performance report (考核报告)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Person
from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.files import StoredFile
from anguan.core.timeline import AuditActor, record
from anguan.hazards import rules
from anguan.hazards.models import Duty, DutyTask, DutyTemplate, HazardUnit
from anguan.hazards.reference import DUTY_DEFAULT_CYCLE, OPERATIONAL_TASKS_V1
from anguan.plant.geo import GeoReference, from_wgs84
from anguan.plant.models import Site

# Plant metres accepted for a task's position (the bounds of CompleteIn.x/y): a phone fix further
# from the site's origin than this is kept as lat/lon only.
MAX_PLANT_M = 100_000.0


async def ensure_national_templates(session: AsyncSession) -> int:
    """The 10 操作负责人 items of the national list, added once (the enterprise may change the cycle)."""
    have = set(
        (await session.scalars(select(DutyTemplate.task_num).where(DutyTemplate.role == "operational"))).all()
    )
    added = 0
    for n, text in enumerate(OPERATIONAL_TASKS_V1, start=1):
        if n not in have:
            session.add(
                DutyTemplate(
                    role="operational",
                    task_num=n,
                    text=text,
                    cycle=DUTY_DEFAULT_CYCLE["operational"],
                    source="national",
                )
            )
            added += 1
    await session.flush()
    return added


async def generate_tasks(session: AsyncSession, today: date) -> int:
    """Create each head's task of the current period for every enabled item of their role (once)."""
    templates = (await session.scalars(select(DutyTemplate).where(DutyTemplate.enabled.is_(True)))).all()
    duties = (await session.scalars(select(Duty))).all()
    existing = set(
        (await session.execute(select(DutyTask.unit_id, DutyTask.template_id, DutyTask.period_start)))
        .tuples()
        .all()
    )
    created = 0
    for duty in duties:
        for t in templates:
            if t.role != duty.role:
                continue
            start, end = rules.period_of(today, t.cycle)
            if (duty.unit_id, t.id, start) in existing:
                continue
            session.add(
                DutyTask(
                    unit_id=duty.unit_id,
                    template_id=t.id,
                    role=t.role,
                    task_num=t.task_num,
                    text=t.text,
                    person_id=duty.person_id,
                    period_start=start,
                    due_on=end,
                )
            )
            existing.add((duty.unit_id, t.id, start))
            created += 1
    await session.flush()
    return created


async def person_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    """Names of these people, in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))
    return {pid: name for pid, name in rows.tuples()}


async def assign(
    session: AsyncSession,
    actor: AuditActor,
    unit: HazardUnit,
    role: str,
    person_id: int,
    today: date,
) -> tuple[Duty, Person]:
    """Name a head of a major hazard source; a new head takes over the open tasks of the current
    period (done tasks keep who did them, earlier periods stay with the previous head)."""
    if not unit.major:
        raise Conflict("hazards.not_major")
    person = await session.get(Person, person_id)
    if person is None or person.status != "active":
        raise Unprocessable("hazards.person_not_active", id=person_id)
    row = (await session.scalars(select(Duty).where(Duty.unit_id == unit.id, Duty.role == role))).first()
    previous = None if row is None else row.person_id
    if row is None:
        row = Duty(unit_id=unit.id, role=role, person_id=person_id)
        session.add(row)
    else:
        row.person_id = person_id
    await session.flush()
    await record(
        session,
        actor,
        "hazards.duty_assigned",
        target_type="hz_unit",
        target_id=unit.id,
        detail={"role": role, "person_id": person_id, "previous_person_id": previous},
    )
    if previous != person_id:
        await _hand_over(session, actor, unit.id, role, person_id, today)
    await generate_tasks(session, today)
    return row, person


async def _hand_over(
    session: AsyncSession,
    actor: AuditActor,
    unit_id: int,
    role: str,
    person_id: int,
    today: date,
) -> list[int]:
    """Give the new head the role's still-open tasks of the period running today (each audited)."""
    stmt = select(DutyTask).where(
        DutyTask.unit_id == unit_id,
        DutyTask.role == role,
        DutyTask.person_id != person_id,
        DutyTask.done_at.is_(None),
        DutyTask.period_start <= today,
        DutyTask.due_on >= today,
    )
    moved = list((await session.scalars(stmt.order_by(DutyTask.id))).all())
    for task in moved:
        previous, task.person_id = task.person_id, person_id
        await record(
            session,
            actor,
            "hazards.duty_task_reassigned",
            target_type="hz_duty_task",
            target_id=task.id,
            detail={"unit_id": unit_id, "role": role, "from_person_id": previous, "to_person_id": person_id},
        )
    await session.flush()
    return [t.id for t in moved]


async def get_task(session: AsyncSession, task_id: int) -> DutyTask:
    """One task (404 when missing)."""
    task = await session.get(DutyTask, task_id)
    if task is None:
        raise NotFound("hazards.task_not_found", id=task_id)
    return task


async def task_photo(session: AsyncSession, task: DutyTask, file_id: int) -> StoredFile:
    """A photo attached to the task (404 for any file the task does not link)."""
    stored = await session.get(StoredFile, file_id) if file_id in (task.photos or []) else None
    if stored is None:
        raise NotFound()
    return stored


def plant_position(site: Site, lat: float, lon: float) -> tuple[float, float] | None:
    """Plant x/y (metres) of a WGS-84 fix on a geo-referenced site; None without a reference or
    when the fix lies beyond the plant coordinates the API accepts."""
    if site.origin_lat is None or site.origin_lon is None:
        return None
    ref = GeoReference(site.origin_lat, site.origin_lon, site.rotation_deg or 0.0)
    x, y = from_wgs84(ref, lat, lon)
    if abs(x) > MAX_PLANT_M or abs(y) > MAX_PLANT_M:
        return None
    return round(x, 2), round(y, 2)


async def overdue_count(session: AsyncSession, unit_id: int, today: date) -> int:
    """Open 包保 tasks of a unit past their due day."""
    rows = await session.scalars(
        select(DutyTask.id).where(
            DutyTask.unit_id == unit_id, DutyTask.done_at.is_(None), DutyTask.due_on < today
        )
    )
    return len(rows.all())


async def complete(
    session: AsyncSession,
    actor: AuditActor,
    task_id: int,
    *,
    result: str,
    note: str | None,
    photos: list[int],
    position: tuple[float | None, float | None, float | None, float | None],
    now: datetime,
    today: date,
) -> DutyTask:
    """The assigned head marks a task done, with photos and where they were; an abnormal finding
    needs a note. Done once (409 after). A phone's lat/lon also gives plant x/y when the site is
    geo-referenced and x/y were not sent."""
    task = await get_task(session, task_id)
    person = await session.get(Person, task.person_id)
    if person is None or person.user_id != actor.id:
        raise Forbidden("hazards.not_your_task")
    if task.done_at is not None:
        raise Conflict("hazards.task_done")
    if result == "abnormal" and not (note and note.strip()):
        raise Unprocessable("hazards.abnormal_needs_note")
    if photos:
        owned = set(
            (
                await session.scalars(
                    select(StoredFile.id).where(StoredFile.id.in_(photos), StoredFile.created_by == actor.id)
                )
            ).all()
        )
        if set(photos) - owned:
            raise Unprocessable("hazards.unknown_photo", ids=sorted(set(photos) - owned))
    task.done_at, task.done_on, task.done_by = now, today, actor.username
    task.result, task.note, task.photos = result, note, list(dict.fromkeys(photos))
    x, y, lat, lon = position
    if x is None and y is None and lat is not None and lon is not None:
        unit = await session.get(HazardUnit, task.unit_id)
        site = None if unit is None else await session.get(Site, unit.site_id)
        if site is not None:
            x, y = plant_position(site, lat, lon) or (None, None)
    task.x, task.y, task.lat, task.lon = x, y, lat, lon
    await record(
        session,
        actor,
        "hazards.duty_task_done",
        target_type="hz_duty_task",
        target_id=task.id,
        detail={"result": result, "state": rules.task_state(task.due_on, today, today)},
    )
    return task


@dataclass(frozen=True)
class PersonReport:
    """One head's 包保 performance over a period (考核报告)."""

    person_id: int
    name: str
    roles: list[str]
    units: list[str]
    due: int  # tasks due within the period and already past or done
    on_time: int
    late: int
    overdue: int
    pending: int
    abnormal: int
    rate: float | None  # on_time / due


async def report(
    session: AsyncSession, start: date, end: date, today: date, unit_ids: set[int] | None = None
) -> list[PersonReport]:
    """Per person: tasks due in [start, end], done on time, late, overdue (missed) and pending
    (`unit_ids`: only the tasks of these units, the caller's scope)."""
    stmt = select(DutyTask).where(DutyTask.due_on >= start, DutyTask.due_on <= end)
    if unit_ids is not None:
        stmt = stmt.where(DutyTask.unit_id.in_(unit_ids))
    tasks = (await session.scalars(stmt)).all()
    people = {p.id: p for p in (await session.scalars(select(Person))).all()}
    units = {u.id: u.code for u in (await session.scalars(select(HazardUnit))).all()}
    by_person: dict[int, list[DutyTask]] = {}
    for t in tasks:
        by_person.setdefault(t.person_id, []).append(t)
    out = []
    for pid, items in sorted(by_person.items()):
        states = [rules.task_state(t.due_on, t.done_on, today) for t in items]
        on_time, late = states.count("done"), states.count("late")
        overdue, pending = states.count("overdue"), states.count("pending")
        due = on_time + late + overdue
        out.append(
            PersonReport(
                person_id=pid,
                name=people[pid].name if pid in people else str(pid),
                roles=sorted({t.role for t in items}),
                units=sorted({units.get(t.unit_id, str(t.unit_id)) for t in items}),
                due=due,
                on_time=on_time,
                late=late,
                overdue=overdue,
                pending=pending,
                abnormal=sum(1 for t in items if t.result == "abnormal"),
                rate=None if due == 0 else round(on_time / due, 4),
            )
        )
    return out

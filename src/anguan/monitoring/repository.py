"""Every SQL statement of the monitoring API; the actor's data scope is applied here.

Scope: a row with an area is visible when the area is; a site-level row (no area) only to callers
with the whole site (or all data) in scope, so an area-scoped user never sees site-wide points.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import BadRequest
from anguan.core.pagination import PageParams
from anguan.identity.models import User
from anguan.identity.schemas import Actor
from anguan.monitoring.models import (
    Alarm,
    AlarmEvent,
    Point,
    PointCurrent,
    Reject,
    Rollup1m,
    Source,
)
from anguan.monitoring.types import CONDITIONS, PRIORITIES
from anguan.plant import repository as plant_repo
from anguan.plant.models import Area, EquipmentLocation, Site


@dataclass(frozen=True)
class Desc:
    """A sort column that is descending in the key's natural order."""

    column: Any


Scope = plant_repo.AreaScope


async def scope_of(session: AsyncSession, actor: Actor) -> Scope:
    """The actor's scope (areas from the plant module's scope rules)."""
    return await plant_repo.area_scope(session, actor)


async def _page_rows(
    session: AsyncSession,
    stmt: Any,
    params: PageParams,
    sortable: dict[str, Sequence[Any]],
    default_sort: str,
) -> tuple[list[Any], int]:
    """Like core.pagination.paginate, for multi-entity rows and multi-column sort keys.

    A sort key's columns are ascending unless wrapped in `Desc`; `-key` reverses every one."""
    sort = params.sort or default_sort
    key = sort.lstrip("-")
    if key not in sortable:
        raise BadRequest("common.invalid_sort", sort=sort)
    flip = sort.startswith("-")
    order = []
    for c in sortable[key]:
        desc = isinstance(c, Desc)
        col = c.column if isinstance(c, Desc) else c
        order.append(col.desc() if desc != flip else col.asc())
    total = int(await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)
    rows = (await session.execute(stmt.order_by(*order).offset(params.offset).limit(params.page_size))).all()
    return list(rows), total


# ---------------------------------------------------------------- plant references


async def site(session: AsyncSession, site_id: int) -> Site | None:
    return await session.get(Site, site_id)


async def area(session: AsyncSession, area_id: int) -> Area | None:
    return await session.get(Area, area_id)


async def equipment(session: AsyncSession, equipment_id: int) -> EquipmentLocation | None:
    return await session.get(EquipmentLocation, equipment_id)


async def all_sites(session: AsyncSession) -> list[Site]:
    return list((await session.scalars(select(Site).order_by(Site.id))).all())


async def all_areas(session: AsyncSession) -> list[Area]:
    return list((await session.scalars(select(Area).order_by(Area.id))).all())


async def all_equipment_refs(session: AsyncSession) -> list[tuple[int, int, str]]:
    """(id, site_id, tag) of every equipment location."""
    rows = await session.execute(
        select(EquipmentLocation.id, EquipmentLocation.site_id, EquipmentLocation.tag)
    )
    return [(r.id, r.site_id, r.tag) for r in rows]


# ---------------------------------------------------------------- points


def _point_filters(
    scope: Scope,
    *,
    site_id: int | None = None,
    area_id: int | None = None,
    kind: str | None = None,
    q: str | None = None,
    enabled: bool | None = None,
    hazard_source_id: int | None = None,
) -> list[ColumnElement[bool]]:
    where = [scope.clause(Point.site_id, Point.area_id)]
    if hazard_source_id is not None:
        where.append(Point.hazard_source_id == hazard_source_id)
    if site_id is not None:
        where.append(Point.site_id == site_id)
    if area_id is not None:
        where.append(Point.area_id == area_id)
    if kind is not None:
        where.append(Point.kind == kind)
    if enabled is not None:
        where.append(Point.enabled.is_(enabled))
    if q:
        where.append(or_(Point.tag.icontains(q, autoescape=True), Point.name.icontains(q, autoescape=True)))
    return where


POINT_SORTS: dict[str, Sequence[Any]] = {
    "tag": [Point.tag],
    "name": [Point.name, Point.tag],
    "kind": [Point.kind, Point.tag],
    "area_id": [Point.area_id, Point.tag],
    "console": [Point.console, Point.tag],
    "id": [Point.id],
    "updated_at": [Point.updated_at, Point.id],
}


async def points_page(
    session: AsyncSession, scope: Scope, params: PageParams, **filters: Any
) -> tuple[list[Point], int]:
    """One page of points within the scope."""
    stmt = select(Point).where(*_point_filters(scope, **filters))
    rows, total = await _page_rows(session, stmt, params, POINT_SORTS, "tag")
    return [r[0] for r in rows], total


async def points_in_scope(
    session: AsyncSession,
    scope: Scope,
    *,
    site_id: int | None = None,
    area_id: int | None = None,
    enabled: bool | None = None,
) -> list[Point]:
    """Every point within the scope, by tag."""
    stmt = select(Point).where(*_point_filters(scope, site_id=site_id, area_id=area_id, enabled=enabled))
    return list((await session.scalars(stmt.order_by(Point.tag))).all())


async def point(session: AsyncSession, point_id: int) -> Point | None:
    return await session.get(Point, point_id)


async def point_ids_by_tag(session: AsyncSession, tags: Iterable[str] | None = None) -> dict[str, int]:
    """tag → id (of the given tags, or of every point)."""
    stmt = select(Point.tag, Point.id)
    if tags is not None:
        tags = list(tags)
        if not tags:
            return {}
        stmt = stmt.where(Point.tag.in_(tags))
    return {r.tag: r.id for r in await session.execute(stmt)}


async def points_by_tag(session: AsyncSession, tags: Sequence[str]) -> dict[str, Point]:
    """Existing points of the given tags (chunked IN lists)."""
    out: dict[str, Point] = {}
    for i in range(0, len(tags), 500):
        chunk = tags[i : i + 500]
        out |= {p.tag: p for p in (await session.scalars(select(Point).where(Point.tag.in_(chunk)))).all()}
    return out


async def point_has_journal(session: AsyncSession, point_id: int) -> bool:
    """True when the alarm journal holds rows of this point (its history must be kept)."""
    found = await session.scalar(select(AlarmEvent.id).where(AlarmEvent.point_id == point_id).limit(1))
    return found is not None


async def delete_point(session: AsyncSession, point_id: int) -> None:
    """Delete a point (its alarm conditions and current value go with it, by foreign key)."""
    await session.execute(delete(Alarm).where(Alarm.point_id == point_id))
    await session.execute(delete(PointCurrent).where(PointCurrent.point_id == point_id))
    await session.execute(
        update(Point).where(Point.suppress_point_id == point_id).values(suppress_point_id=None)
    )
    await session.execute(delete(Point).where(Point.id == point_id))


PRIORITY_COLUMN = {"HH": "prio_hh", "H": "prio_h", "L": "prio_l", "LL": "prio_ll"}
DIAGNOSTIC_CONDITIONS = ("ROC", "BAD", "STALE")


async def mirror_point_to_alarms(session: AsyncSession, p: Point) -> list[int]:
    """Copy a point's site, area, console and priorities onto its alarm rows where they differ
    (targeted UPDATEs bumping `rev`; the process columns are left to the engine). Returns changed ids."""
    changed: list[int] = []
    wanted: dict[str, str | None] = {c: getattr(p, col) for c, col in PRIORITY_COLUMN.items()}
    wanted |= {c: p.prio_diag for c in DIAGNOSTIC_CONDITIONS}
    rows = (
        await session.execute(
            select(
                Alarm.id, Alarm.condition, Alarm.priority, Alarm.site_id, Alarm.area_id, Alarm.console
            ).where(Alarm.point_id == p.id)
        )
    ).all()
    for r in rows:
        values: dict[str, Any] = {}
        if (r.site_id, r.area_id, r.console) != (p.site_id, p.area_id, p.console):
            values |= {"site_id": p.site_id, "area_id": p.area_id, "console": p.console}
        prio = wanted.get(r.condition)
        if prio is not None and prio != r.priority:
            values["priority"] = prio
        if values:
            await update_alarm(session, r.id, [], values)
            changed.append(r.id)
    return changed


# ---------------------------------------------------------------- sources


async def sources(session: AsyncSession) -> list[Source]:
    return list((await session.scalars(select(Source).order_by(Source.code))).all())


async def source(session: AsyncSession, source_id: int) -> Source | None:
    return await session.get(Source, source_id)


async def source_by_code(session: AsyncSession, code: str) -> Source | None:
    return (await session.scalars(select(Source).where(Source.code == code))).one_or_none()


async def source_by_token_hash(session: AsyncSession, digest: str) -> Source | None:
    """An enabled HTTP source whose token has this SHA-256."""
    stmt = select(Source).where(Source.token_hash == digest, Source.kind == "http", Source.enabled.is_(True))
    return (await session.scalars(stmt)).one_or_none()


# ---------------------------------------------------------------- alarms

PRIORITY_RANK_SQL = case(
    {p: i for i, p in enumerate(PRIORITIES)}, value=Alarm.priority, else_=len(PRIORITIES)
)
CONDITION_RANK = {c: i for i, c in enumerate(("HH", "LL", "H", "L", "ROC", "PRE", "BAD", "STALE"))}


def _alarm_state_clause(state: str, now: datetime) -> ColumnElement[bool]:
    shelved = and_(Alarm.shelved_until.is_not(None), Alarm.shelved_until > now)
    annunciated = and_(Alarm.oos.is_(False), Alarm.suppressed.is_(False), ~shelved)
    if state == "active":
        return and_(annunciated, or_(Alarm.active.is_(True), Alarm.acked.is_(False)))
    if state == "unacked":
        return and_(annunciated, Alarm.acked.is_(False))
    if state == "shelved":
        return and_(shelved, Alarm.oos.is_(False))
    if state == "oos":
        return Alarm.oos.is_(True)
    return true()


ALARM_SORTS: dict[str, Sequence[Any]] = {
    # Most important first, newest first within a priority (the alarm console's order).
    "priority": [PRIORITY_RANK_SQL, Alarm.activated_at.is_(None), Desc(Alarm.activated_at), Desc(Alarm.id)],
    "activated_at": [Alarm.activated_at, Alarm.id],
    "tag": [Point.tag, Alarm.condition],
    "condition": [Alarm.condition, Point.tag],
    "returned_at": [Alarm.returned_at, Alarm.id],
    "acked_at": [Alarm.acked_at, Alarm.id],
    "id": [Alarm.id],
}


async def alarms_page(
    session: AsyncSession,
    scope: Scope,
    params: PageParams,
    now: datetime,
    *,
    state: str = "active",
    priority: str | None = None,
    site_id: int | None = None,
    area_id: int | None = None,
    console: str | None = None,
    condition: str | None = None,
    q: str | None = None,
) -> tuple[list[tuple[Alarm, Point]], int]:
    """One page of (alarm, point) rows within the scope."""
    stmt = (
        select(Alarm, Point)
        .join(Point, Point.id == Alarm.point_id)
        .where(scope.clause(Alarm.site_id, Alarm.area_id), _alarm_state_clause(state, now))
    )
    if priority is not None:
        stmt = stmt.where(Alarm.priority == priority)
    if site_id is not None:
        stmt = stmt.where(Alarm.site_id == site_id)
    if area_id is not None:
        stmt = stmt.where(Alarm.area_id == area_id)
    if console is not None:
        stmt = stmt.where(Alarm.console == console)
    if condition is not None:
        stmt = stmt.where(Alarm.condition == condition)
    if q:
        stmt = stmt.where(
            or_(Point.tag.icontains(q, autoescape=True), Point.name.icontains(q, autoescape=True))
        )
    rows, total = await _page_rows(session, stmt, params, ALARM_SORTS, "priority")
    return [(r[0], r[1]) for r in rows], total


async def alarm_with_point(session: AsyncSession, alarm_id: int) -> tuple[Alarm, Point] | None:
    """An alarm and its point, read fresh from the database (after a targeted UPDATE)."""
    row = (
        await session.execute(
            select(Alarm, Point)
            .join(Point, Point.id == Alarm.point_id)
            .where(Alarm.id == alarm_id)
            .execution_options(populate_existing=True)
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


async def update_alarm(
    session: AsyncSession, alarm_id: int, guards: Sequence[ColumnElement[bool]], values: dict[str, Any]
) -> bool:
    """Targeted UPDATE of some columns of one alarm, bumping `rev`, only while `guards` hold.

    Returns False when no row matched (the engine changed the alarm in between)."""
    result = await session.execute(
        update(Alarm)
        .where(Alarm.id == alarm_id, *guards)
        .values(**values, rev=Alarm.rev + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def add_alarm_event(
    session: AsyncSession,
    alarm: Alarm,
    kind: str,
    ts: datetime,
    actor_id: int | None,
    note: str | None = None,
) -> AlarmEvent:
    """Append one journal row for an alarm."""
    event = AlarmEvent(
        alarm_id=alarm.id,
        point_id=alarm.point_id,
        console=alarm.console,
        ts=ts,
        kind=kind,
        occurrence=alarm.occurrence,
        priority=alarm.priority,
        value=alarm.value,
        actor_id=actor_id,
        note=note,
    )
    session.add(event)
    await session.flush()
    return event


EVENT_SORTS: dict[str, Sequence[Any]] = {"ts": [AlarmEvent.ts, AlarmEvent.id], "id": [AlarmEvent.id]}


async def alarm_events_page(
    session: AsyncSession, alarm_id: int, params: PageParams
) -> tuple[list[tuple[AlarmEvent, str | None]], int]:
    """The journal of one alarm with each actor's display name."""
    stmt = (
        select(AlarmEvent, User.display_name)
        .outerjoin(User, User.id == AlarmEvent.actor_id)
        .where(AlarmEvent.alarm_id == alarm_id)
    )
    rows, total = await _page_rows(session, stmt, params, EVENT_SORTS, "-ts")
    return [(r[0], r[1]) for r in rows], total


async def expired_shelves(session: AsyncSession, now: datetime) -> list[tuple[Alarm, Point]]:
    """Alarms whose timed shelving has run out."""
    rows = await session.execute(
        select(Alarm, Point)
        .join(Point, Point.id == Alarm.point_id)
        .where(Alarm.shelved_until.is_not(None), Alarm.shelved_until <= now)
        .order_by(Alarm.shelved_until, Alarm.id)
        .execution_options(populate_existing=True)
    )
    return [(r[0], r[1]) for r in rows]


async def annunciation_candidates(
    session: AsyncSession, scope: Scope, site_id: int | None, area_id: int | None
) -> list[tuple[Alarm, Point]]:
    """Active or unacknowledged alarms (whatever their shelving / suppression / service flags)."""
    stmt = (
        select(Alarm, Point)
        .join(Point, Point.id == Alarm.point_id)
        .where(
            scope.clause(Alarm.site_id, Alarm.area_id), or_(Alarm.active.is_(True), Alarm.acked.is_(False))
        )
    )
    if site_id is not None:
        stmt = stmt.where(Alarm.site_id == site_id)
    if area_id is not None:
        stmt = stmt.where(Alarm.area_id == area_id)
    rows = await session.execute(
        stmt.order_by(
            PRIORITY_RANK_SQL, Alarm.activated_at.is_(None), Alarm.activated_at.desc(), Alarm.id.desc()
        )
    )
    return [(r[0], r[1]) for r in rows]


async def worst_alarms(session: AsyncSession, point_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """point id → (condition, priority) of its worst active, in-service, unsuppressed alarm."""
    out: dict[int, tuple[str, str]] = {}
    best: dict[int, tuple[int, int]] = {}
    for i in range(0, len(point_ids), 500):
        chunk = point_ids[i : i + 500]
        rows = await session.execute(
            select(Alarm.point_id, Alarm.condition, Alarm.priority).where(
                Alarm.point_id.in_(chunk),
                Alarm.active.is_(True),
                Alarm.oos.is_(False),
                Alarm.suppressed.is_(False),
            )
        )
        for r in rows:
            rank = (
                PRIORITIES.index(r.priority) if r.priority in PRIORITIES else 9,
                CONDITION_RANK.get(r.condition, 9),
            )
            if r.point_id not in best or rank < best[r.point_id]:
                best[r.point_id] = rank
                out[r.point_id] = (r.condition, r.priority)
    return out


async def current_values(session: AsyncSession, point_ids: Sequence[int]) -> dict[int, PointCurrent]:
    """The last value of each point that has one."""
    out: dict[int, PointCurrent] = {}
    for i in range(0, len(point_ids), 500):
        chunk = point_ids[i : i + 500]
        rows = await session.scalars(select(PointCurrent).where(PointCurrent.point_id.in_(chunk)))
        out |= {c.point_id: c for c in rows}
    return out


async def sparklines(
    session: AsyncSession, point_ids: Sequence[int], since: datetime
) -> dict[int, list[float]]:
    """1-minute averages since `since`, oldest first, per point."""
    out: dict[int, list[float]] = {pid: [] for pid in point_ids}
    for i in range(0, len(point_ids), 500):
        chunk = point_ids[i : i + 500]
        rows = await session.execute(
            select(Rollup1m.point_id, Rollup1m.vsum, Rollup1m.count.label("n"))
            .where(Rollup1m.point_id.in_(chunk), Rollup1m.bucket >= since)
            .order_by(Rollup1m.point_id, Rollup1m.bucket)
        )
        for r in rows:
            if r.n:
                out[r.point_id].append(r.vsum / r.n)
    return out


# ---------------------------------------------------------------- KPI, status, rejects


async def activations(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime, console: str | None
) -> list[Any]:
    """`activated` journal rows in [start, end) with tag, condition and console, oldest first."""
    stmt = (
        select(
            AlarmEvent.alarm_id,
            AlarmEvent.point_id,
            AlarmEvent.console,
            AlarmEvent.priority,
            AlarmEvent.ts,
            Alarm.condition,
            Point.tag,
        )
        .join(Alarm, Alarm.id == AlarmEvent.alarm_id)
        .join(Point, Point.id == AlarmEvent.point_id)
        .where(
            AlarmEvent.kind == "activated",
            AlarmEvent.ts >= start,
            AlarmEvent.ts < end,
            scope.clause(Alarm.site_id, Alarm.area_id),
        )
        .order_by(AlarmEvent.ts, AlarmEvent.id)
    )
    if console is not None:
        stmt = stmt.where(AlarmEvent.console == console)
    return list((await session.execute(stmt)).all())


async def standing_alarms(session: AsyncSession, scope: Scope, console: str | None) -> list[Any]:
    """Currently active, in-service alarms with their tag."""
    stmt = (
        select(
            Alarm.id,
            Alarm.point_id,
            Alarm.condition,
            Alarm.console,
            Alarm.priority,
            Alarm.activated_at,
            Point.tag,
        )
        .join(Point, Point.id == Alarm.point_id)
        .where(
            Alarm.active.is_(True),
            Alarm.oos.is_(False),
            Alarm.activated_at.is_not(None),
            scope.clause(Alarm.site_id, Alarm.area_id),
        )
    )
    if console is not None:
        stmt = stmt.where(Alarm.console == console)
    return list((await session.execute(stmt)).all())


async def alarm_counts(
    session: AsyncSession, scope: Scope, site_id: int | None
) -> tuple[dict[str, int], int]:
    """Active in-service alarms by priority, and unacknowledged in-service alarms."""
    where = [scope.clause(Alarm.site_id, Alarm.area_id), Alarm.oos.is_(False)]
    if site_id is not None:
        where.append(Alarm.site_id == site_id)
    rows = await session.execute(
        select(Alarm.priority, func.count()).where(*where, Alarm.active.is_(True)).group_by(Alarm.priority)
    )
    by_priority = {p: 0 for p in PRIORITIES}
    for prio, n in rows:
        by_priority[prio] = by_priority.get(prio, 0) + int(n)
    unacked = int(
        await session.scalar(select(func.count()).select_from(Alarm).where(*where, Alarm.acked.is_(False)))
        or 0
    )
    return by_priority, unacked


async def rejects_since(session: AsyncSession, since: datetime) -> list[Reject]:
    """Reject counters of the hours since `since`."""
    stmt = select(Reject).where(Reject.hour >= since).order_by(Reject.source, Reject.reason, Reject.hour)
    return list((await session.scalars(stmt)).all())


def known_condition(condition: str) -> bool:
    return condition in CONDITIONS

"""Operator actions on alarms (list, acknowledge, shelve, out of service, comment) and unshelve_expired.

Alarm rows are shared with the ingest pipeline: operator actions change only the operator columns,
with targeted UPDATEs guarded by what the operator saw and bumping `rev` (models.py docstring).
Every operator action writes a journal row, an audit entry, and an `AlarmChanged` after commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.events import EventBus
from anguan.core.pagination import PageParams
from anguan.core.time import utcnow
from anguan.core.timeline import record
from anguan.identity.schemas import Actor
from anguan.monitoring import kpi
from anguan.monitoring import repository as repo
from anguan.monitoring.events import AlarmChanged, AlarmCleared, AlarmRaised, AlarmView, alarm_view
from anguan.monitoring.models import Alarm, Point
from anguan.monitoring.point_service import _who
from anguan.monitoring.schemas import AlarmEventOut, BulkAckOut, BulkSkip

HANDLING = kpi.HANDLING_V1


# ============================================================== alarms


async def _visible_alarm(session: AsyncSession, actor: Actor, alarm_id: int) -> tuple[Alarm, Point]:
    found = await repo.alarm_with_point(session, alarm_id)
    if found is None:
        raise NotFound("monitoring.alarm_not_found", id=alarm_id)
    if not (await repo.scope_of(session, actor)).allows(found[0].site_id, found[0].area_id):
        raise Forbidden("identity.out_of_scope")
    return found


async def list_alarms(
    session: AsyncSession, actor: Actor, params: PageParams, **filters: Any
) -> tuple[list[AlarmView], int]:
    """A page of alarm conditions within the caller's scope (default: annunciated, console order)."""
    rows, total = await repo.alarms_page(
        session, await repo.scope_of(session, actor), params, utcnow(), **filters
    )
    return [alarm_view(a, p) for a, p in rows], total


async def get_alarm(session: AsyncSession, actor: Actor, alarm_id: int) -> AlarmView:
    """One alarm condition."""
    return alarm_view(*await _visible_alarm(session, actor, alarm_id))


async def alarm_events(
    session: AsyncSession, actor: Actor, alarm_id: int, params: PageParams
) -> tuple[list[AlarmEventOut], int]:
    """The journal of one alarm, newest first by default."""
    await _visible_alarm(session, actor, alarm_id)
    rows, total = await repo.alarm_events_page(session, alarm_id, params)
    return [
        AlarmEventOut(
            id=e.id,
            alarm_id=e.alarm_id,
            ts=e.ts,
            kind=e.kind,
            occurrence=e.occurrence,
            priority=e.priority,
            value=e.value,
            actor_id=e.actor_id,
            actor_name=name,
            note=e.note,
        )
        for e, name in rows
    ], total


def _cleared(alarm: Alarm, point: Point, at: datetime) -> AlarmCleared:
    return AlarmCleared(
        alarm_id=alarm.id,
        point_id=alarm.point_id,
        condition=alarm.condition,
        site_id=alarm.site_id,
        area_id=alarm.area_id,
        hazard_source_id=point.hazard_source_id,
        at=at,
    )


async def _after_action(
    session: AsyncSession,
    bus: EventBus,
    actor: Actor | None,
    alarm_id: int,
    kind: str,
    at: datetime,
    *,
    note: str | None = None,
    detail: Mapping[str, Any] | None = None,
    audit_action: str | None = None,
) -> tuple[Alarm, Point]:
    """Journal row, audit entry and AlarmChanged for an operator action already applied."""
    found = await repo.alarm_with_point(session, alarm_id)
    assert found is not None
    alarm, point = found
    await repo.add_alarm_event(session, alarm, kind, at, actor.user_id if actor else None, note)
    await record(
        session,
        _who(actor),
        audit_action or f"monitoring.alarm_{kind}",
        target_type="alarm",
        target_id=alarm.id,
        detail={
            "tag": point.tag,
            "condition": alarm.condition,
            "occurrence": alarm.occurrence,
            **(detail or {}),
        },
    )
    bus.emit(session, AlarmChanged(change=kind, alarm=alarm_view(alarm, point)))
    return alarm, point


async def _ack(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm: Alarm, occurrence: int
) -> AlarmView:
    now = utcnow()
    applied = await repo.update_alarm(
        session,
        alarm.id,
        [Alarm.occurrence == occurrence, Alarm.acked.is_(False), Alarm.oos.is_(False)],
        {"acked": True, "acked_at": now, "acked_by": actor.user_id},
    )
    if not applied:
        # The engine re-activated (or the alarm changed) between the read and the update.
        raise Conflict("monitoring.alarm_occurrence_changed", given=occurrence)
    alarm, point = await _after_action(session, bus, actor, alarm.id, "acknowledged", now)
    if not alarm.active:
        # rtn_unack → normal: linkage may release what the alarm held (durable: outbox).
        bus.emit(session, _cleared(alarm, point, now), durable=True)
    return alarm_view(alarm, point)


async def ack_alarm(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int, occurrence: int
) -> AlarmView:
    """Acknowledge the occurrence the operator saw; a newer occurrence is a 409."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    if alarm.oos:
        raise Conflict("monitoring.alarm_out_of_service")
    if alarm.occurrence != occurrence:
        raise Conflict("monitoring.alarm_occurrence_changed", given=occurrence, current=alarm.occurrence)
    if alarm.acked:
        raise Conflict("monitoring.alarm_already_acked")
    return await _ack(session, bus, actor, alarm, occurrence)


async def ack_alarms(session: AsyncSession, bus: EventBus, actor: Actor, ids: Sequence[int]) -> BulkAckOut:
    """Acknowledge the current occurrence of several alarms; the others are reported, not failed."""
    scope = await repo.scope_of(session, actor)
    acked: list[AlarmView] = []
    skipped: list[BulkSkip] = []
    for alarm_id in dict.fromkeys(ids):
        found = await repo.alarm_with_point(session, alarm_id)
        if found is None or not scope.allows(found[0].site_id, found[0].area_id):
            skipped.append(BulkSkip(id=alarm_id, code="monitoring.alarm_not_found"))
            continue
        alarm = found[0]
        if alarm.oos:
            skipped.append(BulkSkip(id=alarm_id, code="monitoring.alarm_out_of_service"))
        elif alarm.acked:
            skipped.append(BulkSkip(id=alarm_id, code="monitoring.alarm_already_acked"))
        else:
            try:
                acked.append(await _ack(session, bus, actor, alarm, alarm.occurrence))
            except Conflict as exc:
                skipped.append(BulkSkip(id=alarm_id, code=exc.instance_code))
    return BulkAckOut(acked=acked, skipped=skipped)


def _shelved(alarm: Alarm, now: datetime) -> bool:
    return alarm.shelved_until is not None and alarm.shelved_until > now


async def shelve_alarm(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int, reason: str, minutes: int
) -> AlarmView:
    """Timed shelving (OPC UA Part 9) with a reason, at most `MAX_SHELVE_MINUTES`."""
    if minutes > HANDLING.max_shelve_minutes:
        raise Unprocessable(
            "monitoring.shelve_too_long", max_minutes=HANDLING.max_shelve_minutes, minutes=minutes
        )
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    now = utcnow()
    if alarm.oos:
        raise Conflict("monitoring.alarm_out_of_service")
    if _shelved(alarm, now):
        raise Conflict("monitoring.alarm_already_shelved")
    until = now + timedelta(minutes=minutes)
    if not await repo.update_alarm(
        session,
        alarm.id,
        [Alarm.oos.is_(False)],
        {"shelved_until": until, "shelved_by": actor.user_id, "shelve_reason": reason},
    ):
        raise Conflict("monitoring.alarm_out_of_service")
    alarm, point = await _after_action(
        session,
        bus,
        actor,
        alarm.id,
        "shelved",
        now,
        note=reason,
        detail={"minutes": minutes, "reason": reason},
    )
    return alarm_view(alarm, point)


async def unshelve_alarm(session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int) -> AlarmView:
    """End a shelving early."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    if alarm.shelved_until is None:
        raise Conflict("monitoring.alarm_not_shelved")
    now = utcnow()
    await repo.update_alarm(
        session, alarm.id, [], {"shelved_until": None, "shelved_by": None, "shelve_reason": None}
    )
    alarm, point = await _after_action(session, bus, actor, alarm.id, "unshelved", now)
    return alarm_view(alarm, point)


async def unshelve_expired(session: AsyncSession, bus: EventBus, now: datetime) -> int:
    """Worker job: end expired shelving; a still-active alarm is annunciated again (unacknowledged,
    requirements AL-7). Returns how many alarms were unshelved."""
    done = 0
    for alarm, _ in await repo.expired_shelves(session, now):
        clear = {"shelved_until": None, "shelved_by": None, "shelve_reason": None}
        guard = [Alarm.shelved_until == alarm.shelved_until]
        reannunciated = await repo.update_alarm(
            session,
            alarm.id,
            [*guard, Alarm.active.is_(True), Alarm.oos.is_(False)],
            clear | {"acked": False, "acked_at": None, "acked_by": None},
        )
        if not reannunciated and not await repo.update_alarm(session, alarm.id, guard, clear):
            continue
        found = await repo.alarm_with_point(session, alarm.id)
        assert found is not None
        fresh, point = found
        await repo.add_alarm_event(session, fresh, "unshelved", now, None, "expired")
        if reannunciated:
            await repo.add_alarm_event(session, fresh, "reannunciated", now, None)
        await record(
            session,
            None,
            "monitoring.alarm_unshelved",
            target_type="alarm",
            target_id=fresh.id,
            detail={
                "tag": point.tag,
                "condition": fresh.condition,
                "expired": True,
                "reannunciated": reannunciated,
            },
        )
        bus.emit(
            session,
            AlarmChanged(
                change="reannunciated" if reannunciated else "unshelved", alarm=alarm_view(fresh, point)
            ),
        )
        done += 1
    return done


async def take_out_of_service(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int, reason: str
) -> AlarmView:
    """Out of service for maintenance (OPC UA Part 9, with permission); ends any shelving."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    if alarm.oos:
        raise Conflict("monitoring.alarm_out_of_service")
    now = utcnow()
    if not await repo.update_alarm(
        session,
        alarm.id,
        [Alarm.oos.is_(False)],
        {
            "oos": True,
            "oos_by": actor.user_id,
            "oos_reason": reason,
            "shelved_until": None,
            "shelved_by": None,
            "shelve_reason": None,
        },
    ):
        raise Conflict("monitoring.alarm_out_of_service")
    alarm, point = await _after_action(
        session,
        bus,
        actor,
        alarm.id,
        "oos",
        now,
        note=reason,
        detail={"reason": reason},
        audit_action="monitoring.alarm_out_of_service",
    )
    bus.emit(session, _cleared(alarm, point, now), durable=True)
    return alarm_view(alarm, point)


async def return_to_service(session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int) -> AlarmView:
    """Back in service; an alarm still active is annunciated afresh (unacknowledged, raised again)."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    if not alarm.oos:
        raise Conflict("monitoring.alarm_in_service")
    now = utcnow()
    values: dict[str, Any] = {"oos": False, "oos_by": None, "oos_reason": None}
    if alarm.active:
        values |= {"acked": False, "acked_at": None, "acked_by": None}
    if not await repo.update_alarm(
        session, alarm.id, [Alarm.oos.is_(True), Alarm.active.is_(alarm.active)], values
    ):
        raise Conflict("monitoring.alarm_occurrence_changed", given=alarm.occurrence)
    alarm, point = await _after_action(session, bus, actor, alarm.id, "in_service", now)
    if alarm.active:
        bus.emit(
            session,
            AlarmRaised(
                alarm_id=alarm.id,
                point_id=point.id,
                tag=point.tag,
                kind=point.kind,
                condition=alarm.condition,
                priority=alarm.priority,
                site_id=alarm.site_id,
                area_id=alarm.area_id,
                equipment_id=point.equipment_id,
                hazard_source_id=point.hazard_source_id,
                value=alarm.value,
                limit=alarm.limit,
                at=now,
            ),
            durable=True,
        )
    return alarm_view(alarm, point)


async def comment_alarm(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int, text: str
) -> AlarmView:
    """Add a note (cause, disposal) to the alarm's journal."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    await repo.update_alarm(session, alarm.id, [], {})
    alarm, point = await _after_action(
        session,
        bus,
        actor,
        alarm.id,
        "comment",
        utcnow(),
        note=text,
        audit_action="monitoring.alarm_commented",
    )
    return alarm_view(alarm, point)

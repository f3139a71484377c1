"""Work alarms (作业报警) of AQ 3064.2-2025 表A.3/表A.4: raised once per permit and code while open,
pushed to whoever answers for the permit, closed with a handling record (闭环处置, §5.9.10).

A refused action still raises its alarm: the request's transaction rolls back, so the API records
refusals through `raise_in_own_transaction`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Person
from anguan.core.db import Database
from anguan.core.errors import Conflict, NotFound
from anguan.core.events import DomainEvent, EventBus
from anguan.core.timeline import AuditActor, record
from anguan.notify import service as notify
from anguan.notify.schemas import NotificationIn
from anguan.permits.models import Permit, PermitPerson, WorkAlarm
from anguan.permits.reference import ALARMS, WORK_TYPES


class WorkAlarmRaised(DomainEvent):
    """A work alarm was raised on a permit (the map and the ledger show it)."""

    name: ClassVar[str] = "permits.alarm_raised"
    topic: ClassVar[str | None] = "permits"
    alarm_id: int
    permit_id: int | None
    number: str | None
    code: str
    site_id: int | None
    area_id: int | None

    def realtime_scope(self) -> dict[str, int] | None:
        if self.site_id is None:
            return None
        scope = {"site_id": self.site_id}
        if self.area_id is not None:
            scope["area_id"] = self.area_id
        return scope


async def _recipients(session: AsyncSession, permit: Permit) -> list[int]:
    """The work leader's and the guardians' own accounts (the people who must act at once)."""
    ids = {permit.leader_id}
    ids |= {
        p.person_id
        for p in (
            await session.scalars(
                select(PermitPerson).where(
                    PermitPerson.permit_id == permit.id,
                    PermitPerson.role == "guardian",
                    PermitPerson.active.is_(True),
                )
            )
        ).all()
    }
    users = (await session.scalars(select(Person.user_id).where(Person.id.in_(ids)))).all()
    return sorted({u for u in users if u})


async def raise_alarms(
    session: AsyncSession,
    bus: EventBus | None,
    permit: Permit,
    codes: Iterable[str],
    now: datetime,
    detail: dict[str, Any] | None = None,
    extra_recipients: Iterable[int] = (),
) -> list[WorkAlarm]:
    """Open each code once per permit (an open one is left as is); returns the alarms opened now."""
    opened = []
    for code in dict.fromkeys(codes):
        if code not in ALARMS:
            raise ValueError(f"unknown work alarm {code}")
        key = f"{permit.id}:{code}"
        if await session.scalar(select(WorkAlarm.id).where(WorkAlarm.open_key == key)) is not None:
            continue
        alarm = WorkAlarm(
            permit_id=permit.id,
            uid=str(uuid.uuid4()),
            code=code,
            detail=detail or {},
            started_at=now,
            open_key=key,
        )
        session.add(alarm)
        await session.flush()
        opened.append(alarm)
        a = ALARMS[code]
        kind_zh = WORK_TYPES[permit.work_type].zh
        await notify.send(
            session,
            sorted(set(await _recipients(session, permit)) | set(extra_recipients)),
            NotificationIn(
                category="permits.alarm",
                severity="high",
                title_zh=f"作业报警 {code} {a.zh}",
                title_en=f"Work alarm {code}: {a.en}",
                body_zh=f"{permit.number} {kind_zh} {permit.location}",
                body_en=f"{permit.number} {permit.location}",
                link=f"/permits/{permit.id}",
                site_id=permit.site_id,
                area_id=permit.area_id,
                source_type="pm_alarm",
                source_id=str(alarm.id),
                dedupe_key=f"permits.alarm:{alarm.id}",
            ),
            bus=bus,
        )
        if bus is not None:
            bus.emit(
                session,
                WorkAlarmRaised(
                    alarm_id=alarm.id,
                    permit_id=permit.id,
                    number=permit.number,
                    code=code,
                    site_id=permit.site_id,
                    area_id=permit.area_id,
                ),
            )
        await record(
            session,
            None,
            "permits.alarm_raised",
            target_type="pm_permit",
            target_id=permit.id,
            detail={"code": code},
        )
    return opened


async def raise_in_own_transaction(
    database: Database,
    bus: EventBus | None,
    permit_id: int,
    codes: Iterable[str],
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Raise alarms for a refused action, whose own transaction rolls back."""
    codes = list(codes)
    if not codes:
        return
    async with database.transaction() as session:
        permit = await session.get(Permit, permit_id)
        if permit is not None:
            await raise_alarms(session, bus, permit, codes, now, detail)


async def handle(
    session: AsyncSession, actor: AuditActor, alarm_id: int, result: str, now: datetime
) -> WorkAlarm:
    """Close an alarm with its handling record (ALARM_RESULT)."""
    alarm = await session.get(WorkAlarm, alarm_id)
    if alarm is None:
        raise NotFound("permits.alarm_not_found", id=alarm_id)
    if alarm.ended_at is not None:
        raise Conflict("permits.alarm_closed")
    alarm.ended_at, alarm.result, alarm.handled_by, alarm.open_key = now, result, actor.username, None
    await record(session, actor, "permits.alarm_handled", target_type="pm_alarm", target_id=alarm.id)
    return alarm

"""Helpers and fixtures of the monitoring API tests (imported by the test modules, not collected).

The alarm engine is simulated here with direct writes of the process columns, as the ingest
pipeline makes them: the API tests exercise the operator side only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from anguan.core.db import Database
from anguan.core.events import DomainEvent, OutboxMessage
from anguan.core.timeline import AuditEntry
from anguan.identity.models import User
from anguan.monitoring.models import Alarm, AlarmEvent, Point, PointCurrent, Source
from anguan.simulator import plant_layout as L
from tests.plant.support import Callers, audit_actions, ids_by_code, last_audit_seq

__all__ = ["API", "Callers", "audit_actions", "last_audit_seq"]

API = "/api/v1/monitoring"
MON_MODELS = (Point, Source, Alarm, AlarmEvent, PointCurrent)


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    """`await callers("operator")`: a bearer-token client for that demo user (SQLite and PostgreSQL)."""
    c = Callers(app)
    yield c
    await c.aclose()


@pytest.fixture
async def ids(app: Any) -> dict[str, int]:
    """Demo ids by code (site HB-01, areas, departments as dept:CODE)."""
    return await ids_by_code(app.state.database)


@pytest.fixture
def events(app: Any) -> list[DomainEvent]:
    """Every event the bus releases after commit."""
    seen: list[DomainEvent] = []

    async def sink(event: DomainEvent) -> None:
        seen.append(event)

    app.state.bus.add_sink(sink)
    return seen


def point_body(site_id: int, tag: str, /, **over: Any) -> dict[str, Any]:
    """A valid level transmitter with all four set-points."""
    body: dict[str, Any] = {
        "tag": tag,
        "name": f"测试液位 {tag}",
        "kind": "level",
        "unit": "m",
        "range_lo": 0.0,
        "range_hi": 20.0,
        "site_id": site_id,
        "sp_ll": 1.0,
        "sp_l": 2.0,
        "sp_h": 16.0,
        "sp_hh": 18.0,
    }
    return body | over


async def make_point(client: Any, site_id: int, tag: str, /, **over: Any) -> dict[str, Any]:
    r = await client.post(f"{API}/points", json=point_body(site_id, tag, **over))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def engine_activate(
    database: Database, point_id: int, condition: str, at: datetime, *, value: float | None = None
) -> int:
    """What the alarm engine does on activation: active, next occurrence, unacknowledged, journal row."""
    async with database.transaction() as s:
        p = await s.get(Point, point_id)
        assert p is not None
        alarm = (
            await s.scalars(select(Alarm).where(Alarm.point_id == point_id, Alarm.condition == condition))
        ).one_or_none()
        prio = {"HH": p.prio_hh, "H": p.prio_h, "L": p.prio_l, "LL": p.prio_ll}.get(condition, p.prio_diag)
        if alarm is None:
            alarm = Alarm(
                point_id=point_id,
                condition=condition,
                priority=prio,
                site_id=p.site_id,
                area_id=p.area_id,
                console=p.console,
                occurrence=0,
                rev=0,
                acked=True,
                active=False,
                suppressed=False,
                chattering=False,
                oos=False,
                escalation_level=0,
            )
            s.add(alarm)
            await s.flush()
        alarm.active = True
        alarm.occurrence += 1
        alarm.activated_at = at
        alarm.returned_at = None
        alarm.value = value
        alarm.limit = {"HH": p.sp_hh, "H": p.sp_h, "L": p.sp_l, "LL": p.sp_ll}.get(condition)
        alarm.acked = False
        alarm.acked_at = None
        alarm.acked_by = None
        alarm.rev += 1
        s.add(
            AlarmEvent(
                alarm_id=alarm.id,
                point_id=point_id,
                console=alarm.console,
                ts=at,
                kind="activated",
                occurrence=alarm.occurrence,
                priority=alarm.priority,
                value=value,
            )
        )
        await s.flush()
        return alarm.id


async def engine_return(database: Database, alarm_id: int, at: datetime) -> None:
    """What the alarm engine does when the condition clears."""
    async with database.transaction() as s:
        alarm = await s.get(Alarm, alarm_id)
        assert alarm is not None
        alarm.active = False
        alarm.returned_at = at
        alarm.rev += 1
        s.add(
            AlarmEvent(
                alarm_id=alarm.id,
                point_id=alarm.point_id,
                console=alarm.console,
                ts=at,
                kind="returned",
                occurrence=alarm.occurrence,
                priority=alarm.priority,
            )
        )


async def set_current(
    database: Database, point_id: int, ts: datetime, value: float, quality: int = 0
) -> None:
    """The point's last value, as the pipeline upserts it."""
    async with database.transaction() as s:
        cur = await s.get(PointCurrent, point_id)
        if cur is None:
            s.add(
                PointCurrent(
                    point_id=point_id, ts=ts, value=value, quality=quality, received_at=ts, m_count=0
                )
            )
        else:
            cur.ts, cur.value, cur.quality, cur.received_at = ts, value, quality, ts


async def mon_snapshot(database: Database, *, audit: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the monitoring configuration and alarm tables, and the audit and outbox counts
    (to prove nothing changed; `audit=False` for refusals, which are audited)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with database.transaction(write=False) as session:
        for model in MON_MODELS:
            cols = list(model.__table__.columns)
            pk = list(model.__table__.primary_key.columns)
            rows = (await session.execute(select(*cols).order_by(*pk))).all()
            out[model.__tablename__] = [tuple(r) for r in rows]
        for model in (AuditEntry, OutboxMessage) if audit else (OutboxMessage,):
            n = await session.scalar(select(func.count()).select_from(model))
            out[model.__tablename__] = [(n,)]
    return out


async def journal(database: Database, alarm_id: int) -> list[tuple[str, int | None, str | None]]:
    """(kind, actor id, note) of an alarm's journal, oldest first."""
    async with database.transaction(write=False) as s:
        rows = (
            await s.execute(
                select(AlarmEvent.kind, AlarmEvent.actor_id, AlarmEvent.note)
                .where(AlarmEvent.alarm_id == alarm_id)
                .order_by(AlarmEvent.id)
            )
        ).all()
    return [(r.kind, r.actor_id, r.note) for r in rows]


async def user_id(database: Database, username: str) -> int:
    """A demo user's id."""
    async with database.transaction(write=False) as s:
        return int((await s.scalars(select(User.id).where(User.username == username))).one())


SITE = L.SITE_CODE

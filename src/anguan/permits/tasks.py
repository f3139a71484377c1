"""The permits' timers and live context, run by the worker: they read the database each time, so they
survive restarts (no in-memory clock).

- `check_timers` (every 30 s): validity passed (表A.4 1/10, AQ 3064.2-2025 §5.9.5); confined-space
  readings not recorded for more than 2 h (0/05, §5.9.4); multi-day 二级动火 or hazardous-area
  临时用电 running into a new plant day without that day's analysis (0/04, §5.9.2).
- `on_gas_alarm` (on `monitoring.alarm_raised`): a fixed gas detector watching a live permit over
  its limit suspends the work and raises its alarm (GB 30871-2022 §5.2.6, §6.5; AQ 3064.2 §5.9.3).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.events import EventBus
from anguan.permits import alarms, flow, rules
from anguan.permits.models import GasTest, Permit
from anguan.permits.reference import CONFINED_SPACE
from anguan.permits.workflow import State

LIVE = (State.ISSUED, State.IN_PROGRESS, State.PAUSED, State.ACCEPTANCE_PENDING)
GAS_ALARM_CONDITIONS = frozenset({"H", "HH"})  # over the limit; L/LL (oxygen low) also below
OXYGEN_CONDITIONS = frozenset({"L", "LL", "H", "HH"})


async def check_timers(session: AsyncSession, bus: EventBus | None, now: datetime) -> int:
    """Raise the timer alarms of every live permit; returns how many alarms were opened."""
    opened = 0
    permits = (await session.scalars(select(Permit).where(Permit.state.in_(LIVE)).order_by(Permit.id))).all()
    running = [p.id for p in permits if p.state == State.IN_PROGRESS]
    sampled: dict[int, list[datetime]] = {i: [] for i in running}
    for i in range(0, len(running), 500):  # one query per 500 permits, not one per permit
        rows = await session.execute(
            select(GasTest.permit_id, GasTest.sampled_at)
            .where(GasTest.permit_id.in_(running[i : i + 500]))
            .order_by(GasTest.sampled_at)
        )
        for pid, at in rows.tuples().all():
            sampled[pid].append(at)
    for permit in permits:
        codes: list[str] = []
        if permit.valid_until is not None and rules.permit_overtime(permit.valid_until, now):
            codes.append("1/10")
        if permit.state == State.IN_PROGRESS and permit.started_at is not None:
            tests = sampled.get(permit.id, [])
            if permit.work_type == CONFINED_SPACE:
                last = max([permit.started_at, *tests])
                if last <= now and rules.confined_record_overdue(last, now):
                    codes.append("0/05")
            if rules.daily_retest_missing(
                permit.work_type,
                permit.grade,
                permit.started_at,
                now,
                list(tests),
                hazardous_area=permit.hazardous_area,
            ):
                codes.append("0/04")
        if codes:
            opened += len(await alarms.raise_alarms(session, bus, permit, codes, now, {"by": "timer"}))
    return opened


async def on_gas_alarm(
    session: AsyncSession,
    bus: EventBus | None,
    *,
    point_id: int,
    kind: str,
    condition: str,
    tag: str,
    value: float | None,
    at: datetime,
) -> list[int]:
    """Suspend the live permits a detector in alarm watches; returns their ids."""
    if not kind.startswith("gas_"):
        return []
    over = condition in (OXYGEN_CONDITIONS if kind == "gas_oxygen" else GAS_ALARM_CONDITIONS)
    if not over:
        return []
    live = (
        await session.scalars(
            select(Permit)
            .where(Permit.state.in_([State.IN_PROGRESS, State.ISSUED, State.PAUSED]))
            .order_by(Permit.id)
        )
    ).all()
    hit = []
    for permit in live:
        if point_id not in (permit.detector_ids or []):
            continue
        cause = f"{tag} {condition} {'' if value is None else value}".strip()
        if permit.state == State.IN_PROGRESS:
            await flow.suspend(session, permit, at, f"气体检测报警 {cause}", bus)
        await alarms.raise_alarms(
            session, bus, permit, ["0/09"], at, {"detector": tag, "condition": condition}
        )
        hit.append(permit.id)
    return hit

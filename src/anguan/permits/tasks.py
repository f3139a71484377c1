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

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Person
from anguan.core.events import EventBus
from anguan.core.timeline import TimelineEntry
from anguan.notify import service as notify
from anguan.notify.schemas import NotificationIn
from anguan.permits import alarms, flow, rules
from anguan.permits.models import GasTest, Permit, PermitPerson, Signature, Signer
from anguan.permits.reference import CONFINED_SPACE
from anguan.permits.service import GAS_POINT_KINDS
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
    await remind_pending_steps(session, bus, now)
    return opened


PHASE_OF_STATE = {State.SIGNING: "signing", State.ISSUED: "start", State.ACCEPTANCE_PENDING: "acceptance"}


async def remind_pending_steps(session: AsyncSession, bus: EventBus | None, now: datetime) -> int:
    """AQ 3064.2-2025 §5.2, §5.5.1: a step waiting longer than its time limit is pushed again to whoever
    may sign it (once per step); returns how many reminders were sent."""
    waiting = (
        await session.scalars(
            select(Permit).where(Permit.state.in_(list(PHASE_OF_STATE))).order_by(Permit.id)
        )
    ).all()
    sent = 0
    for permit in waiting:
        signed = (
            await session.execute(
                select(Signature.step, Signature.signed_at).where(Signature.permit_id == permit.id)
            )
        ).all()
        step = rules.next_step(rules.approval_steps(permit.work_type, permit.grade), [s for s, _ in signed])
        if step is None or step.time_limit is None or step.phase != PHASE_OF_STATE[State(permit.state)]:
            continue
        since = await session.scalar(
            select(func.max(TimelineEntry.ts)).where(
                TimelineEntry.entity_type == "permit", TimelineEntry.entity_id == str(permit.id)
            )
        )
        if since is None or now - since <= step.time_limit:
            continue
        users = await _signers_of(session, permit, step.role)
        result = await notify.send(
            session,
            users,
            NotificationIn(
                category="permits.step_overdue",
                severity="medium",
                title_zh=f"待签批超时：{permit.number} {step.zh}",
                title_en=f"Signature overdue: {permit.number} {step.en}",
                body_zh=f"{permit.location}，已等待超过 {int(step.time_limit.total_seconds() // 60)} 分钟",
                body_en=f"{permit.location}: waiting for more than {int(step.time_limit.total_seconds() // 60)} min",
                link=f"/permits/{permit.id}",
                site_id=permit.site_id,
                area_id=permit.area_id,
                source_type="pm_permit",
                source_id=str(permit.id),
                dedupe_key=f"permits.step_overdue:{permit.id}:{step.code}",
            ),
            bus=bus,
        )
        sent += int(result.message_id is not None and not result.duplicate)
    return sent


async def _signers_of(session: AsyncSession, permit: Permit, role: str) -> list[int]:
    if role in ("work_leader", "commander"):
        people = (
            [permit.leader_id]
            if role == "work_leader"
            else [
                p.person_id
                for p in (
                    await session.scalars(select(PermitPerson).where(PermitPerson.permit_id == permit.id))
                ).all()
                if p.role == "commander"
            ]
        )
        return sorted(
            {
                u
                for u in (await session.scalars(select(Person.user_id).where(Person.id.in_(people)))).all()
                if u
            }
        )
    rows = await session.scalars(
        select(Signer.user_id).where(
            Signer.role == role, (Signer.area_id.is_(None)) | (Signer.area_id == permit.area_id)
        )
    )
    return sorted(set(rows.all()))


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
    if kind not in GAS_POINT_KINDS:
        return []
    over = condition in (OXYGEN_CONDITIONS if kind == "oxygen" else GAS_ALARM_CONDITIONS)
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

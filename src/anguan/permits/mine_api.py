"""Special-work permits REST API, part six: the caller's own work (AQ 3064.2-2025 §5.12, "pending and
approved counts per user").

`GET /permits-ledger/mine`: the permits whose next step the caller may sign now (their signing role
for the permit's area, the work leader or commander they are, or a delegation in force), oldest
waiting first, with how long each has waited; and the caller's counts: waiting for them, signed by
them this plant month and in all, and applied for by them this month. The ledger page shows it as a
to-do bar; the same check as the permit page's `can_sign`.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.time import as_utc, utcnow
from anguan.core.timeline import TimelineEntry
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.permits import rules, service
from anguan.permits.api import READ_ERRORS, can_sign_now
from anguan.permits.models import Permit, Signature
from anguan.permits.workflow import State

router = APIRouter(tags=["permits"], route_class=TransactionalRoute)

# the states in which a step waits for a signature (签批, 当班班长验票, 完工验收)
WAITING = (State.SIGNING, State.ISSUED, State.ACCEPTANCE_PENDING)
MAX_LISTED = 200


class WaitingOut(BaseModel):
    id: int
    number: str
    work_type: str
    grade: str | None
    state: str
    location: str
    planned_start: datetime
    step: str  # the step code the caller may sign
    step_zh: str
    step_en: str
    since: datetime  # when the step became due (the previous signature, else entering the state)


class MineOut(BaseModel):
    waiting: list[WaitingOut]
    waiting_count: int
    signed_month: int
    signed_total: int
    applied_month: int
    month_start: datetime


@router.get("/permits-ledger/mine", response_model=MineOut, responses=READ_ERRORS)
async def my_work(
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> MineOut:
    """What waits for the caller's signature, and their signing and applying counts."""
    now = utcnow()
    stmt = select(Permit).where(Permit.state.in_([s.value for s in WAITING]))
    clause = await service.visible_area_clause(session, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    permits = (await session.scalars(stmt.order_by(Permit.id))).all()
    signed: dict[int, list[str]] = {p.id: [] for p in permits}
    last: dict[str, datetime] = {}
    if permits:
        for permit_id, step_code in (
            await session.execute(
                select(Signature.permit_id, Signature.step).where(Signature.permit_id.in_(list(signed)))
            )
        ).tuples():
            signed[permit_id].append(step_code)
        # the step became due with the permit's last recorded event (as tasks.remind_pending_steps)
        last = dict(
            (
                await session.execute(
                    select(TimelineEntry.entity_id, func.max(TimelineEntry.ts))
                    .where(
                        TimelineEntry.entity_type == "permit",
                        TimelineEntry.entity_id.in_([str(i) for i in signed]),
                    )
                    .group_by(TimelineEntry.entity_id)
                )
            )
            .tuples()
            .all()
        )
    waiting = []
    for p in permits:
        step = rules.next_step(rules.approval_steps(p.work_type, p.grade), signed[p.id])
        if step is None or not await can_sign_now(session, actor, p, step):
            continue
        since = as_utc(last.get(str(p.id)) or p.updated_at)
        waiting.append(
            WaitingOut(
                id=p.id,
                number=p.number,
                work_type=p.work_type,
                grade=p.grade,
                state=p.state,
                location=p.location,
                planned_start=p.planned_start,
                step=step.code,
                step_zh=step.zh,
                step_en=step.en,
                since=since,
            )
        )
    waiting.sort(key=lambda w: (w.since, w.id))
    month_start = now.astimezone(service.PLANT_TZ).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    mine = select(func.count()).select_from(Signature).where(Signature.signer_id == actor.user_id)
    return MineOut(
        waiting=waiting[:MAX_LISTED],
        waiting_count=len(waiting),
        signed_month=int(await session.scalar(mine.where(Signature.signed_at >= month_start)) or 0),
        signed_total=int(await session.scalar(mine) or 0),
        applied_month=int(
            await session.scalar(
                select(func.count())
                .select_from(Permit)
                .where(Permit.created_by == actor.username, Permit.created_at >= month_start)
            )
            or 0
        ),
        month_start=month_start,
    )

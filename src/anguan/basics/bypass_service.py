"""Interlock bypass workflow (联锁旁路/摘除): request, approve or reject, apply, remove, cancel.

States and transitions are the table `TRANSITIONS` (action → sources, target, permissions). A
bypass is visible to whoever may see its interlock (the interlocks register's data scope). An
interlock has at most one open bypass (requested, approved or active); applying one marks the
interlock `bypassed`, removing it puts the interlock back `in_service`. The approver may not be
the requester (four-eyes). Every transition writes an audit entry and a timeline entry and emits
the durable `BypassChanged`. An active bypass still applied after `approved_until` raises one
urgent alarm (`check_overdue_bypasses`, a worker job). Functions never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import rules
from anguan.basics.events import BypassChanged, BypassOverdue
from anguan.basics.models import Bypass, Interlock
from anguan.basics.ops_locales import BYPASS_OVERDUE_KEY, BYPASS_REQUESTED_KEY
from anguan.basics.ops_schemas import BypassApproveIn, BypassIn, BypassOut
from anguan.basics.registers import INTERLOCKS
from anguan.basics.reminders import readers_by_row
from anguan.basics.scope import can_see, visible_clause
from anguan.basics.settings_service import DEFAULT_TIMEZONE
from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.events import EventBus
from anguan.core.excel import Column, write_xlsx
from anguan.core.pagination import Page, PageParams, paginate
from anguan.core.time import utcnow
from anguan.core.timeline import AuditActor, TimelineEntry, add_timeline, record
from anguan.identity import permissions as P
from anguan.identity.models import User
from anguan.identity.schemas import Actor
from anguan.notify import service as notify
from anguan.notify.schemas import NotificationIn

OPEN = ("requested", "approved", "active")
STATUS_LABELS = {
    "requested": ("待审批", "requested"),
    "approved": ("已批准", "approved"),
    "active": ("旁路中", "active"),
    "removed": ("已恢复", "removed"),
    "rejected": ("已驳回", "rejected"),
    "cancelled": ("已撤销", "cancelled"),
}
ACTION_LABELS = {
    "approve": ("批准", "approved"),
    "reject": ("驳回", "rejected"),
    "apply": ("实施旁路", "applied"),
    "remove": ("恢复联锁", "removed"),
    "cancel": ("撤销", "cancelled"),
}
SORTABLE = {
    "id": Bypass.id,
    "status": Bypass.status,
    "requested_until": Bypass.requested_until,
    "approved_until": Bypass.approved_until,
    "created_at": Bypass.created_at,
}
ENTITY = "basics_bypass"
MAX_EXPORT_ROWS = 10000


@dataclass(frozen=True)
class Transition:
    """One workflow step: from which states, to which state, with which permissions (any of)."""

    sources: frozenset[str]
    target: str
    permissions: tuple[str, ...]


TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(frozenset({"requested"}), "approved", (P.BYPASS_APPROVE,)),
    "reject": Transition(frozenset({"requested"}), "rejected", (P.BYPASS_APPROVE,)),
    "apply": Transition(frozenset({"approved"}), "active", (P.BYPASS_REQUEST,)),
    "remove": Transition(frozenset({"active"}), "removed", (P.BYPASS_REQUEST,)),
    "cancel": Transition(
        frozenset({"requested", "approved"}), "cancelled", (P.BYPASS_REQUEST, P.BYPASS_APPROVE)
    ),
}


def _who(actor: Actor) -> AuditActor:
    return AuditActor(actor.user_id, actor.username, actor.ip)


def _local(at: datetime | None, tz: str = DEFAULT_TIMEZONE) -> str:
    return "" if at is None else at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def bypass_out(b: Bypass, il: Interlock) -> BypassOut:
    """Response body of a bypass with its interlock."""
    values = {c.key: getattr(b, c.key) for c in Bypass.__table__.columns}
    return BypassOut(
        **values,
        interlock_tag=il.tag,
        interlock_name=il.name,
        interlock_status=il.status,
        site_id=il.site_id,
        area_id=il.area_id,
    )


# ------------------------------------------------------------------------------ reading


async def display_name(session: AsyncSession, actor: Actor) -> str:
    """Who did it, as people read it on the bypass record: the user's display name."""
    name = await session.scalar(select(User.display_name).where(User.id == actor.user_id))
    return str(name or actor.username)[:64]


async def _interlock(
    session: AsyncSession, actor: Actor, interlock_id: int, *, lock: bool = False
) -> Interlock:
    stmt = select(Interlock).where(Interlock.id == interlock_id).execution_options(populate_existing=True)
    if lock:
        stmt = stmt.with_for_update()
    il = (await session.scalars(stmt)).one_or_none()
    if il is None:
        raise NotFound("basics.interlock_not_found", id=interlock_id)
    if not await can_see(session, actor, INTERLOCKS, il.id):
        raise Forbidden("identity.out_of_scope")
    return il


async def get_bypass(
    session: AsyncSession, actor: Actor, bypass_id: int, *, lock: bool = False
) -> tuple[Bypass, Interlock]:
    """A bypass and its interlock; 404 when missing, 403 when the interlock is outside the scope.
    With `lock`, the interlock and then the bypass are locked (always in that order)."""
    interlock_id = await session.scalar(select(Bypass.interlock_id).where(Bypass.id == bypass_id))
    if interlock_id is None:
        raise NotFound("basics.bypass_not_found", id=bypass_id)
    il = await _interlock(session, actor, interlock_id, lock=lock)
    stmt = select(Bypass).where(Bypass.id == bypass_id).execution_options(populate_existing=True)
    b = (await session.scalars(stmt.with_for_update() if lock else stmt)).one()
    return b, il


def _list_stmt(clause: Any, status: str | None, interlock_id: int | None) -> Select[Any]:
    stmt = select(Bypass).join(Interlock, Interlock.id == Bypass.interlock_id).where(clause)
    if status is not None:
        stmt = stmt.where(Bypass.status == status)
    if interlock_id is not None:
        stmt = stmt.where(Bypass.interlock_id == interlock_id)
    return stmt


async def _with_interlocks(session: AsyncSession, rows: list[Bypass]) -> list[BypassOut]:
    ids = {b.interlock_id for b in rows}
    interlocks = {
        i.id: i for i in (await session.scalars(select(Interlock).where(Interlock.id.in_(ids)))).all()
    }
    return [bypass_out(b, interlocks[b.interlock_id]) for b in rows]


async def list_bypasses(
    session: AsyncSession, actor: Actor, params: PageParams, *, status: str | None, interlock_id: int | None
) -> Page[BypassOut]:
    """Bypasses of the interlocks within the caller's scope (sort: id, status, requested_until,
    approved_until, created_at; newest first by default)."""
    clause = await visible_clause(session, actor, INTERLOCKS)
    rows, total = await paginate(session, _list_stmt(clause, status, interlock_id), params, SORTABLE, "-id")
    return Page[BypassOut](
        items=await _with_interlocks(session, rows), total=total, page=params.page, page_size=params.page_size
    )


async def timeline(session: AsyncSession, actor: Actor, bypass_id: int) -> list[TimelineEntry]:
    """The bypass's transitions, oldest first."""
    await get_bypass(session, actor, bypass_id)
    stmt = (
        select(TimelineEntry)
        .where(TimelineEntry.entity_type == ENTITY, TimelineEntry.entity_id == str(bypass_id))
        .order_by(TimelineEntry.id)
    )
    return list((await session.scalars(stmt)).all())


EXPORT_COLUMNS = (
    Column("id", "编号", "No.", "int", width=8),
    Column("interlock_tag", "联锁位号", "Interlock tag"),
    Column("interlock_name", "联锁名称", "Interlock name", width=24),
    Column("status", "状态", "Status", width=18),
    Column("reason", "旁路原因", "Reason", width=36),
    Column("measures", "安全措施", "Measures", width=36),
    Column("requested_by_name", "申请人", "Requested by"),
    Column("requested_until", "申请截止", "Requested until", "datetime", width=18),
    Column("approved_by_name", "审批人", "Approved by"),
    Column("approved_at", "审批时间", "Approved at", "datetime", width=18),
    Column("approved_until", "批准截止", "Approved until", "datetime", width=18),
    Column("applied_at", "实施时间", "Applied at", "datetime", width=18),
    Column("removed_at", "恢复时间", "Removed at", "datetime", width=18),
    Column("removed_by_name", "恢复人", "Removed by"),
    Column("overdue_alarmed_at", "超期报警时间", "Overdue alarm at", "datetime", width=18),
    Column("note", "备注", "Note", width=30),
)


async def export_xlsx(
    session: AsyncSession,
    actor: Actor,
    *,
    status: str | None,
    interlock_id: int | None,
    tz: str = DEFAULT_TIMEZONE,
) -> bytes:
    """The caller's bypasses as a workbook (times in the plant's time zone, newest first)."""
    zone = ZoneInfo(tz)
    clause = await visible_clause(session, actor, INTERLOCKS)
    stmt = _list_stmt(clause, status, interlock_id).add_columns(Interlock)
    pairs = (await session.execute(stmt.order_by(Bypass.id.desc()).limit(MAX_EXPORT_ROWS))).all()
    rows = [bypass_out(b, il) for b, il in pairs]
    table = []
    for out in rows:
        values = out.model_dump()
        zh, en = STATUS_LABELS.get(out.status, (out.status, out.status))
        values["status"] = f"{zh} {en}"
        line = []
        for col in EXPORT_COLUMNS:
            v = values.get(col.key)
            # Excel has no time zones: local wall-clock time, as the plant reads it.
            line.append(v.astimezone(zone).replace(tzinfo=None) if isinstance(v, datetime) else v)
        table.append(line)
    notes = [("时区 Time zone", tz), ("行数 Rows", f"{len(table)} (≤ {MAX_EXPORT_ROWS})")]
    return write_xlsx("联锁旁路 Bypasses", EXPORT_COLUMNS, table, notes)


# ------------------------------------------------------------------------------ transitions


def _refuse_state(b: Bypass, action: str) -> None:
    if b.status not in TRANSITIONS[action].sources:
        s_zh, s_en = STATUS_LABELS.get(b.status, (b.status, b.status))
        a_zh, a_en = ACTION_LABELS[action]
        raise Conflict(
            "basics.bypass_bad_state",
            action=action,
            status=b.status,
            status_zh=s_zh,
            status_en=s_en,
            action_zh=a_zh,
            action_en=a_en,
        )


async def _finish(
    session: AsyncSession,
    bus: EventBus,
    actor: Actor,
    b: Bypass,
    il: Interlock,
    action: str,
    before: str | None,
    now: datetime,
    note: str | None = None,
) -> BypassOut:
    who = _who(actor)
    b.updated_at = now
    await session.flush()
    detail = {"interlock_id": il.id, "tag": il.tag, "from": before, "to": b.status, "note": note}
    await record(session, who, f"basics.bypass_{action}", target_type=ENTITY, target_id=b.id, detail=detail)
    await add_timeline(
        session,
        entity_type=ENTITY,
        entity_id=b.id,
        action=action,
        actor=who,
        from_state=before,
        to_state=b.status,
        evidence={"note": note} if note else {},
    )
    event = BypassChanged(
        bypass_id=b.id,
        interlock_id=il.id,
        tag=il.tag,
        action=action,
        status=b.status,
        interlock_status=il.status,
        site_id=il.site_id,
        area_id=il.area_id,
        at=now,
    )
    bus.emit(session, event, durable=True)
    return bypass_out(b, il)


async def request_bypass(
    session: AsyncSession, bus: EventBus, actor: Actor, body: BypassIn, now: datetime
) -> BypassOut:
    """Ask to bypass an in-service interlock until a future time (one open bypass per interlock);
    the approvers who may see the interlock are notified."""
    il = await _interlock(session, actor, body.interlock_id, lock=True)
    if body.requested_until <= now:
        raise Unprocessable("basics.bypass_until_past")
    if il.status != "in_service":
        raise Conflict("basics.interlock_not_in_service", tag=il.tag, status=il.status)
    open_id = await session.scalar(
        select(Bypass.id).where(Bypass.interlock_id == il.id, Bypass.status.in_(OPEN)).limit(1)
    )
    if open_id is not None:
        raise Conflict("basics.bypass_open_exists", bypass_id=open_id)
    b = Bypass(
        interlock_id=il.id,
        reason=body.reason,
        measures=body.measures,
        requested_by=actor.user_id,
        requested_by_name=await display_name(session, actor),
        requested_until=body.requested_until,
        status="requested",
        created_at=now,
        updated_at=now,
    )
    session.add(b)
    await session.flush()
    out = await _finish(session, bus, actor, b, il, "request", None, now)
    approvers = (await readers_by_row(session, P.BYPASS_APPROVE, INTERLOCKS, [il.id]))[il.id]
    message = NotificationIn(
        category="basics.bypass_requested",
        severity="high",
        key=BYPASS_REQUESTED_KEY,
        params={
            "tag": il.tag,
            "interlock_name": il.name,
            "requested_by": actor.username,
            "requested_until": _local(body.requested_until),
            "reason": body.reason[:200],
        },
        link=f"/basics/bypasses?id={b.id}",
        site_id=il.site_id,
        area_id=il.area_id,
        source_type=ENTITY,
        source_id=str(b.id),
        dedupe_key=f"basics.bypass_requested:{b.id}",
    )
    await notify.send(session, [u for u in approvers if u != actor.user_id], message, bus=bus)
    return out


async def approve(
    session: AsyncSession, bus: EventBus, actor: Actor, bypass_id: int, body: BypassApproveIn, now: datetime
) -> BypassOut:
    """Approve until a time after now and not after the requested end; never one's own request."""
    b, il = await get_bypass(session, actor, bypass_id, lock=True)
    _refuse_state(b, "approve")
    if b.requested_by is not None and b.requested_by == actor.user_id:
        raise Forbidden("basics.bypass_self_approval")
    if body.approved_until <= now:
        raise Unprocessable("basics.bypass_until_past")
    if body.approved_until > b.requested_until:
        raise Unprocessable("basics.bypass_until_beyond_request", requested_until=_local(b.requested_until))
    before = b.status
    b.status = TRANSITIONS["approve"].target
    b.approved_by, b.approved_by_name = actor.user_id, await display_name(session, actor)
    b.approved_at, b.approved_until = now, body.approved_until
    if body.note:
        b.note = body.note
    return await _finish(session, bus, actor, b, il, "approve", before, now, body.note)


async def reject(
    session: AsyncSession, bus: EventBus, actor: Actor, bypass_id: int, note: str, now: datetime
) -> BypassOut:
    """Refuse a request, with the reason."""
    b, il = await get_bypass(session, actor, bypass_id, lock=True)
    _refuse_state(b, "reject")
    before = b.status
    b.status = TRANSITIONS["reject"].target
    # The approval columns record whoever decided, either way (approved_until stays empty).
    b.approved_by, b.approved_by_name, b.approved_at = actor.user_id, await display_name(session, actor), now
    b.note = note
    return await _finish(session, bus, actor, b, il, "reject", before, now, note)


async def apply(
    session: AsyncSession, bus: EventBus, actor: Actor, bypass_id: int, note: str | None, now: datetime
) -> BypassOut:
    """Put an approved bypass in place before its approval ends; the interlock becomes bypassed."""
    b, il = await get_bypass(session, actor, bypass_id, lock=True)
    _refuse_state(b, "apply")
    if b.approved_until is None or now > b.approved_until:
        raise Conflict("basics.bypass_approval_expired", approved_until=_local(b.approved_until))
    if il.status != "in_service":
        raise Conflict("basics.interlock_not_in_service", tag=il.tag, status=il.status)
    before = b.status
    b.status = TRANSITIONS["apply"].target
    b.applied_at = now
    if note:
        b.note = note
    il.status = "bypassed"
    return await _finish(session, bus, actor, b, il, "apply", before, now, note)


async def remove(
    session: AsyncSession, bus: EventBus, actor: Actor, bypass_id: int, note: str | None, now: datetime
) -> BypassOut:
    """End an active bypass; the interlock is back in service."""
    b, il = await get_bypass(session, actor, bypass_id, lock=True)
    _refuse_state(b, "remove")
    before = b.status
    b.status = TRANSITIONS["remove"].target
    b.removed_at, b.removed_by_name = now, await display_name(session, actor)
    if note:
        b.note = note
    il.status = "in_service"
    return await _finish(session, bus, actor, b, il, "remove", before, now, note)


async def cancel(
    session: AsyncSession, bus: EventBus, actor: Actor, bypass_id: int, note: str | None, now: datetime
) -> BypassOut:
    """Withdraw a request or an approval that was never applied."""
    b, il = await get_bypass(session, actor, bypass_id, lock=True)
    _refuse_state(b, "cancel")
    before = b.status
    b.status = TRANSITIONS["cancel"].target
    if note:
        b.note = note
    return await _finish(session, bus, actor, b, il, "cancel", before, now, note)


# ------------------------------------------------------------------------------ overdue alarm


async def overdue_pending(session: AsyncSession) -> bool:
    """Scheduler probe: is an active bypass past its approval and not yet alarmed?"""
    found = await session.scalar(
        select(Bypass.id)
        .where(
            Bypass.status == "active", Bypass.overdue_alarmed_at.is_(None), Bypass.approved_until < utcnow()
        )
        .limit(1)
    )
    return found is not None


async def check_overdue_bypasses(
    session: AsyncSession, bus: EventBus, now: datetime, *, batch: int = 500
) -> int:
    """Alarm once for each active bypass past its approved end (rules.bypass_overdue): stamp
    overdue_alarmed_at, notify the approvers who may see the interlock and the requester (urgent),
    emit the durable BypassOverdue and audit it. Returns how many were alarmed."""
    stmt = (
        select(Bypass, Interlock)
        .join(Interlock, Interlock.id == Bypass.interlock_id)
        .where(Bypass.status == "active", Bypass.overdue_alarmed_at.is_(None), Bypass.approved_until < now)
        .order_by(Bypass.id)
        .limit(batch)
    )
    alarmed = 0
    for b, il in (await session.execute(stmt)).all():
        if b.approved_until is None or not rules.bypass_overdue(True, b.approved_until, now):
            continue
        # Claim it: a concurrent run (or a bypass removed meanwhile) leaves nothing to claim.
        claimed = await session.execute(
            update(Bypass)
            .where(Bypass.id == b.id, Bypass.status == "active", Bypass.overdue_alarmed_at.is_(None))
            .values(overdue_alarmed_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            continue
        b.overdue_alarmed_at = now
        users = set((await readers_by_row(session, P.BYPASS_APPROVE, INTERLOCKS, [il.id]))[il.id])
        if b.requested_by is not None and await session.scalar(
            select(User.id).where(User.id == b.requested_by, User.is_active.is_(True))
        ):
            users.add(b.requested_by)
        message = NotificationIn(
            category="basics.bypass_overdue",
            severity="urgent",
            key=BYPASS_OVERDUE_KEY,
            params={"tag": il.tag, "interlock_name": il.name, "approved_until": _local(b.approved_until)},
            link=f"/basics/bypasses?id={b.id}",
            site_id=il.site_id,
            area_id=il.area_id,
            source_type=ENTITY,
            source_id=str(b.id),
            dedupe_key=f"basics.bypass_overdue:{b.id}",
        )
        await notify.send(session, sorted(users), message, bus=bus)
        event = BypassOverdue(
            bypass_id=b.id,
            interlock_id=il.id,
            tag=il.tag,
            interlock_name=il.name,
            site_id=il.site_id,
            area_id=il.area_id,
            approved_until=b.approved_until,
            at=now,
        )
        bus.emit(session, event, durable=True)
        await record(
            session,
            None,
            "basics.bypass_overdue",
            target_type=ENTITY,
            target_id=b.id,
            detail={"interlock_id": il.id, "tag": il.tag, "approved_until": b.approved_until.isoformat()},
        )
        alarmed += 1
    return alarmed


async def job_check_bypasses(session: AsyncSession, bus: EventBus) -> int:
    """Scheduler job: the overdue check at the current time."""
    return await check_overdue_bypasses(session, bus, utcnow())

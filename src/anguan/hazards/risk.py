"""Dynamic risk colour of the units and the warning lifecycle (预警 → 消警 → 上报处置).

Modifiers come from other modules' live data: alarms of the points bound to the unit that are not
back to normal (active or unacknowledged; shelved, out-of-service and suppressed ones excluded), SIS
and interlock bypasses applied in the unit's area (more when overdue), overdue 包保 tasks,
supervision findings past their rectification deadline, the unit's own status. A
colour change is stored with its reasons and pushed live; a rise above the inherent colour opens a
warning that must be closed with the disposal result, cause analysis and corrective measures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import rules as basics_rules
from anguan.basics.models import Bypass, Interlock, Person
from anguan.basics.settings_service import plant_date
from anguan.core.errors import Conflict, NotFound
from anguan.core.events import DomainEvent, EventBus
from anguan.core.timeline import AuditActor, record
from anguan.hazards import rules
from anguan.hazards.models import Duty, DutyTask, Finding, HazardUnit, RiskState, RiskWarning
from anguan.hazards.reference import COLOUR_NAMES, COLOURS
from anguan.hazards.scope import writers
from anguan.monitoring.models import Alarm, Point
from anguan.notify import service as notify
from anguan.notify.schemas import NotificationIn

DIAGNOSTIC = frozenset({"STALE", "BAD"})  # monitoring lost, not a process condition
PRIORITY_ZH = {"urgent": "紧急", "high": "高", "medium": "中", "low": "低"}
STATUS_ZH = {"maintenance": "检修", "stopped": "停用"}
STATUS_EN = {"maintenance": "under maintenance", "stopped": "stopped"}
LEVEL_ZH = {"general": "一般", "major": "重大"}


class RiskEvent(DomainEvent):
    """A unit's live risk: its colour, the inherent and dynamic colours, points and reasons."""

    name: ClassVar[str] = "hazards.risk"
    topic: ClassVar[str | None] = "hazards"
    unit_id: int
    code: str
    site_id: int
    area_id: int | None
    colour: str
    previous: str | None
    inherent: str
    dynamic: str
    points: float
    reasons: list[list[object]]
    model_version: str

    def realtime_scope(self) -> dict[str, int] | None:
        scope = {"site_id": self.site_id}
        if self.area_id is not None:
            scope["area_id"] = self.area_id
        return scope


class ColourChanged(RiskEvent):
    """A unit's risk colour changed (the map recolours it and announces it, with the reasons)."""

    name: ClassVar[str] = "hazards.colour_changed"


class RiskUpdated(RiskEvent):
    """A unit's reasons changed while its colour stayed (a second alarm on a red unit, one cleared):
    the map's reasons follow without announcing a recolouring."""

    name: ClassVar[str] = "hazards.risk_updated"


async def all_modifiers(
    session: AsyncSession, units: Sequence[HazardUnit], now: datetime, today: date
) -> dict[int, list[rules.Modifier]]:
    """The live conditions of many units, four queries in all (the job runs every 5 s)."""
    out: dict[int, list[rules.Modifier]] = {u.id: [] for u in units}
    alarms = (
        await session.execute(
            select(Point.hazard_source_id, Point.tag, Alarm.condition, Alarm.priority)
            .join(Point, Point.id == Alarm.point_id)
            .where(
                Point.hazard_source_id.in_(list(out)),
                or_(Alarm.active.is_(True), Alarm.acked.is_(False)),
                Alarm.oos.is_(False),
                Alarm.suppressed.is_(False),
                or_(Alarm.shelved_until.is_(None), Alarm.shelved_until <= now),
            )
            .order_by(Point.tag, Alarm.condition)
        )
    ).all()
    lost: dict[int, list[str]] = {}
    for unit_id, tag, condition, priority in alarms:
        if unit_id is None:
            continue
        if condition in DIAGNOSTIC:
            lost.setdefault(unit_id, []).append(tag)
            continue
        label = f"{tag} {condition} {PRIORITY_ZH.get(priority, priority)}级报警"
        out[unit_id].append(rules.Modifier("alarm", priority, label, f"{tag} {condition} {priority} alarm"))
    for unit_id, tags in lost.items():
        tags = sorted(set(tags))
        shown = "、".join(tags[:3]) + ("等" if len(tags) > 3 else "")
        en = ", ".join(tags[:3]) + (" …" if len(tags) > 3 else "")
        out[unit_id].append(
            rules.Modifier(
                "monitoring_loss",
                "",
                f"{len(tags)} 个位号数据中断或质量坏（{shown}）",
                f"{len(tags)} point(s) without data or with bad quality ({en})",
            )
        )
    areas = {u.area_id for u in units if u.area_id is not None}
    bypasses = (
        await session.execute(
            select(Interlock.area_id, Interlock.tag, Bypass.approved_until)
            .join(Interlock, Interlock.id == Bypass.interlock_id)
            .where(Interlock.area_id.in_(areas), Bypass.status == "active")
            .order_by(Interlock.tag)
        )
    ).all()
    late = dict(
        (
            await session.execute(
                select(DutyTask.unit_id, func.count())
                .where(DutyTask.unit_id.in_(list(out)), DutyTask.done_at.is_(None), DutyTask.due_on < today)
                .group_by(DutyTask.unit_id)
            )
        )
        .tuples()
        .all()
    )
    findings = (
        await session.execute(
            select(Finding.unit_id, Finding.level, Finding.description)
            .where(Finding.unit_id.in_(list(out)), Finding.status == "open", Finding.deadline < today)
            .order_by(Finding.deadline, Finding.id)
        )
    ).all()
    for unit_id, level, text in findings:
        label = f"{LEVEL_ZH.get(level, level)}督导检查问题逾期未整改：{text[:30]}"
        en = f"{level.capitalize()} supervision finding past its deadline: {text[:30]}"
        out[unit_id].append(rules.Modifier("finding_overdue", level, label, en))
    for unit in units:
        for area_id, tag, until in bypasses:
            if area_id == unit.area_id:
                overdue = until is not None and basics_rules.bypass_overdue(True, until, now)
                kind = "bypass_overdue" if overdue else "bypass"
                zh = f"{tag} 联锁旁路{'超期' if overdue else '中'}"
                en = f"{tag} interlock bypassed{' past its approval' if overdue else ''}"
                out[unit.id].append(rules.Modifier(kind, "", zh, en))
        if late.get(unit.id):
            n = late[unit.id]
            out[unit.id].append(
                rules.Modifier("duty_overdue", "", f"{n} 项包保任务逾期", f"{n} 包保 task(s) overdue")
            )
        if unit.status in STATUS_ZH:
            zh, en = f"单元{STATUS_ZH[unit.status]}", f"Unit {STATUS_EN[unit.status]}"
            out[unit.id].append(rules.Modifier("status", unit.status, zh, en))
    return out


async def modifiers(
    session: AsyncSession, unit: HazardUnit, now: datetime, today: date | None = None
) -> list[rules.Modifier]:
    """The live conditions of one unit (`today`: the plant date, for overdue 包保 tasks)."""
    return (await all_modifiers(session, [unit], now, today or now.date()))[unit.id]


async def refresh(
    session: AsyncSession, bus: EventBus | None, now: datetime, tz: str = "Asia/Shanghai"
) -> int:
    """Recompute every unit's colour; store changes, push them, and move warnings along."""
    today = plant_date(now, tz)
    changed = 0
    states = {s.unit_id: s for s in (await session.scalars(select(RiskState))).all()}
    open_warnings = {
        w.unit_id: w
        for w in (await session.scalars(select(RiskWarning).where(RiskWarning.status == "open"))).all()
    }
    units = list((await session.scalars(select(HazardUnit).order_by(HazardUnit.id))).all())
    live = await all_modifiers(session, units, now, today)
    for unit in units:
        colour = rules.risk_colour(unit.grade if unit.major else None, live[unit.id])
        reasons = [[label, pts, en] for label, pts, en in colour.reasons]
        state = states.get(unit.id)
        previous = state.colour if state else None
        if state is None:
            state = RiskState(unit_id=unit.id, changed_at=now)
            session.add(state)
        if previous != colour.colour:
            state.changed_at = now
            changed += 1
        if (
            bus is not None
            and previous is not None
            and (previous != colour.colour or state.reasons != reasons)
        ):
            event: type[RiskEvent] = ColourChanged if previous != colour.colour else RiskUpdated
            bus.emit(
                session,
                event(
                    unit_id=unit.id,
                    code=unit.code,
                    site_id=unit.site_id,
                    area_id=unit.area_id,
                    colour=colour.colour,
                    previous=previous,
                    inherent=colour.inherent,
                    dynamic=colour.dynamic,
                    points=colour.points,
                    reasons=reasons,
                    model_version=colour.model_version,
                ),
            )
        fresh = (colour.colour, colour.inherent, colour.dynamic, colour.points, reasons, colour.model_version)
        if fresh != (
            state.colour,
            state.inherent,
            state.dynamic,
            state.points,
            state.reasons,
            state.model_version,
        ):
            # Written only when something changed: the job runs every 5 s over every unit.
            state.colour, state.inherent, state.dynamic, state.points, state.reasons, state.model_version = (
                fresh
            )
            state.computed_at = now
        warning = open_warnings.get(unit.id)
        if colour.raised and warning is None:
            warning = RiskWarning(
                unit_id=unit.id, status="open", colour=colour.colour, reasons=reasons, raised_at=now
            )
            session.add(warning)
            await session.flush()
            await _notify_warning(session, bus, unit, warning)
            await record(
                session,
                None,
                "hazards.warning_raised",
                target_type="hz_unit",
                target_id=unit.id,
                detail={"colour": colour.colour},
            )
        elif colour.raised and warning is not None:
            if COLOURS.index(colour.colour) > COLOURS.index(warning.colour):
                warning.colour, warning.reasons = colour.colour, reasons
                await _notify_warning(session, bus, unit, warning)  # escalated: told again
        elif warning is not None:
            warning.status, warning.cleared_at = "cleared", now
            await record(
                session, None, "hazards.warning_cleared", target_type="hz_warning", target_id=warning.id
            )
    await session.flush()
    return changed


WARNING_SEVERITY = {"red": "urgent", "orange": "high", "yellow": "medium", "blue": "low"}


async def warning_recipients(session: AsyncSession, unit: HazardUnit) -> list[int]:
    """Who is told of a unit's warning (AQ 3064.1 §6.2 b: 预警信息及时推送至相关负责人): the unit's
    包保 heads' own accounts, and the module's writers whose data scope covers the unit."""
    heads = (
        await session.scalars(
            select(Person.user_id).join(Duty, Duty.person_id == Person.id).where(Duty.unit_id == unit.id)
        )
    ).all()
    users = {u for u in heads if u}
    users |= {uid for uid, units, _ in await writers(session) if unit.id in units}
    return sorted(users)


async def _notify_warning(
    session: AsyncSession, bus: EventBus | None, unit: HazardUnit, warning: RiskWarning
) -> None:
    """Push a warning (or its escalation to a higher colour) once per colour to whoever answers for it."""
    zh, en = COLOUR_NAMES[warning.colour]
    reasons = warning.reasons[:5]
    await notify.send(
        session,
        await warning_recipients(session, unit),
        NotificationIn(
            category="hazards.warning",
            severity=WARNING_SEVERITY.get(warning.colour, "medium"),
            title_zh=f"{unit.code} {unit.name} 风险预警：{zh}",
            title_en=f"{unit.code} {unit.name} risk warning: {en.lower()}",
            body_zh="；".join(str(r[0]) for r in reasons),
            body_en="; ".join(str(r[2] if len(r) > 2 else r[0]) for r in reasons),
            link=f"/hazards/units/{unit.id}?tab=warnings",
            site_id=unit.site_id,
            area_id=unit.area_id,
            source_type="hz_warning",
            source_id=str(warning.id),
            dedupe_key=f"hazards.warning:{warning.id}:{warning.colour}",
        ),
        bus=bus,
    )


async def close_warning(
    session: AsyncSession,
    actor: AuditActor,
    warning_id: int,
    *,
    disposal: str,
    cause: str,
    measures: str,
    now: datetime,
) -> RiskWarning:
    """Close a cleared warning with its report; an open one must clear first (409)."""
    w = await session.get(RiskWarning, warning_id)
    if w is None:
        raise NotFound("hazards.warning_not_found", id=warning_id)
    if w.status != "cleared":
        raise Conflict("hazards.warning_not_cleared", status=w.status)
    w.disposal, w.cause, w.measures = disposal, cause, measures
    w.status, w.closed_by, w.closed_at = "closed", actor.username, now
    await record(session, actor, "hazards.warning_closed", target_type="hz_warning", target_id=w.id)
    return w

"""Alarm routing and escalation (报警推送与升级): who is told about an alarm, and who next when
nobody acknowledges it in time.

A route (`mon_alarm_route`) says: alarms of site S (and area A with its sub-areas, or the whole
site) of priority at least P go, at escalation level L, to the users holding role R and/or to
explicit users, through channels C (in-app inbox, webhooks). A recipient must be an active user
holding monitoring.read whose data scope covers the alarm's area (or its site, for an alarm without
an area): nobody is told about an alarm they could not open.

Level 0 is notified when the alarm is raised (`on_alarm_raised`). Escalation (`escalate`, a worker
job) applies this rule, with `rt` the point's response_time_s and `k` the alarm's escalation_level:

    an active, unacknowledged alarm of priority high or urgent that is neither shelved,
    suppressed nor out of service escalates when  now - activated_at >= rt * (k + 1)

(so the first escalation happens at exactly rt seconds after activation, not one second before;
the next at 2*rt, ...). It then notifies the next configured level above k that has recipients in
scope (an unstaffed level is skipped in the same run, so nobody waits one more response time
because of it; when no higher level has anyone, the highest configured level is recorded and only
its webhooks are told), sets escalation_level to that level with a targeted UPDATE guarded by the
values just read (bumping `rev`), journals `escalated` in mon_alarm_event and writes an audit entry.
One level per alarm per run. A point with response_time_s <= 0 never escalates. The pipeline resets
escalation_level to 0 when a new occurrence starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import MAX_ID, Base, BigId, IdMixin, TimestampMixin
from anguan.core.errors import Forbidden, NotFound, Unprocessable
from anguan.core.events import EventBus
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.timeline import AuditActor, record
from anguan.identity import permissions as P
from anguan.identity.models import DataScope, Role, User, UserRole
from anguan.identity.schemas import Actor, Scope
from anguan.monitoring.events import AlarmChanged, AlarmRaised, alarm_view
from anguan.monitoring.models import Alarm, AlarmEvent, Point
from anguan.monitoring.types import PRIORITY_RANK
from anguan.notify import service as notify
from anguan.notify.schemas import NotificationIn
from anguan.plant import repository as plant_repo
from anguan.plant.models import Area, Site

# Priorities that escalate when not acknowledged within the point's response time.
ESCALATING = ("urgent", "high")
PRIORITY_ZH = {"urgent": "紧急", "high": "高", "medium": "中", "low": "低"}
RAISED_KEY = "monitoring.notice.alarm_raised"
ESCALATED_KEY = "monitoring.notice.alarm_escalated"
RouteChannel = Literal["inapp", "webhook"]
Priority = Literal["urgent", "high", "medium", "low"]

MESSAGES: dict[str, dict[str, str]] = {
    RAISED_KEY: {
        "zh-CN": "{priority_zh}报警：{tag} {point_name} {condition}",
        "en-US": "{priority_en} priority alarm: {tag} {point_name_en} {condition}",
    },
    RAISED_KEY + ".body": {
        "zh-CN": "位号 {tag}（{point_name}）{condition} 报警，当前值 {value}{unit}，限值 {limit}{unit}。"
        "请在 {response_min} 分钟内确认并处置。",
        "en-US": "Point {tag} ({point_name_en}) is in {condition} alarm: value {value}{unit}, limit {limit}{unit}. "
        "Acknowledge and respond within {response_min} min.",
    },
    ESCALATED_KEY: {
        "zh-CN": "报警升级（第 {level} 级）：{tag} {point_name} {condition}",
        "en-US": "Alarm escalated (level {level}): {tag} {point_name_en} {condition}",
    },
    ESCALATED_KEY + ".body": {
        "zh-CN": "{priority_zh}优先级报警 {tag} {condition} 已 {minutes} 分钟未确认（响应时限 {response_min} 分钟），"
        "请立即跟进处置。",
        "en-US": "The {priority_en} priority alarm {tag} {condition} has been unacknowledged for {minutes} min "
        "(response time {response_min} min); follow up now.",
    },
    "monitoring.route_not_found": {"zh-CN": "报警推送规则不存在", "en-US": "Alarm route not found"},
    "monitoring.route_bad_area": {
        "zh-CN": "区域不属于所选厂区",
        "en-US": "The area does not belong to the selected site",
    },
    "monitoring.route_unknown_role": {"zh-CN": "角色 {code} 不存在", "en-US": "Role {code} does not exist"},
    "monitoring.route_unknown_users": {
        "zh-CN": "用户 {ids} 不存在",
        "en-US": "Users {ids} do not exist",
    },
    "monitoring.route_no_recipient": {
        "zh-CN": "请指定角色或用户",
        "en-US": "Name a role or users",
    },
}


class AlarmRoute(IdMixin, TimestampMixin, Base):
    """Who is notified about which alarms at which escalation level (报警推送规则)."""

    __tablename__ = "mon_alarm_route"

    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("plant_site.id", ondelete="CASCADE"), index=True)
    # None: the whole site; otherwise this area and its sub-areas.
    area_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_area.id", ondelete="CASCADE"), nullable=True, index=True
    )
    level: Mapped[int] = mapped_column(Integer, default=0)
    # Alarms at least this important (urgent > high > medium > low).
    min_priority: Mapped[str] = mapped_column(String(8), default="high")
    role_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    user_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(255), nullable=True)


# --- schemas -------------------------------------------------------------------------------------


class RouteIn(RequestModel):
    site_id: int = Field(ge=1, le=MAX_ID)
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    level: int = Field(default=0, ge=0, le=9)
    min_priority: Priority = "high"
    role_code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]{1,40}$")
    user_ids: list[int] = Field(default_factory=list, max_length=50)
    channels: list[RouteChannel] = Field(default=["inapp"], min_length=1, max_length=4)
    enabled: bool = True
    note: str | None = Field(default=None, max_length=255)

    @model_validator(mode="after")
    def _someone(self) -> RouteIn:
        if not self.role_code and not self.user_ids:
            raise ValueError("a route needs a role_code or user_ids")
        if any(not 1 <= u <= MAX_ID for u in self.user_ids):
            raise ValueError("user ids must be positive")
        self.user_ids = sorted(set(self.user_ids))
        self.channels = sorted(set(self.channels))
        return self


class RouteUpdate(RequestModel):
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    level: int | None = Field(default=None, ge=0, le=9)
    min_priority: Priority | None = None
    role_code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]{1,40}$")
    user_ids: list[int] | None = Field(default=None, max_length=50)
    channels: list[RouteChannel] | None = Field(default=None, min_length=1, max_length=4)
    enabled: bool | None = None
    note: str | None = Field(default=None, max_length=255)


class RouteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    area_id: int | None
    level: int
    min_priority: str
    role_code: str | None
    user_ids: list[int]
    channels: list[str]
    enabled: bool
    note: str | None
    created_at: datetime
    updated_at: datetime


# --- route maintenance ---------------------------------------------------------------------------


def _who(actor: Actor) -> AuditActor:
    return AuditActor(actor.user_id, actor.username, actor.ip)


async def _check_target(session: AsyncSession, actor: Actor, site_id: int, area_id: int | None) -> None:
    """The site (and area) exist, belong together and lie within the actor's data scope."""
    if await session.get(Site, site_id) is None:
        raise NotFound("plant.site_not_found", id=site_id)
    if area_id is None:
        # A whole-site route is for those who hold the whole site.
        if not actor.all_data and site_id not in actor.scope_ids("site"):
            raise Forbidden("identity.out_of_scope")
        return
    area = await session.get(Area, area_id)
    if area is None:
        raise NotFound("plant.area_not_found", id=area_id)
    if area.site_id != site_id:
        raise Unprocessable("monitoring.route_bad_area")
    visible = await plant_repo.visible_area_ids(session, actor)
    if visible is not None and area_id not in visible:
        raise Forbidden("identity.out_of_scope")


async def _check_recipients(session: AsyncSession, role_code: str | None, user_ids: Sequence[int]) -> None:
    if role_code and (await session.scalars(select(Role.id).where(Role.code == role_code))).first() is None:
        raise Unprocessable("monitoring.route_unknown_role", code=role_code)
    if user_ids:
        found = set((await session.scalars(select(User.id).where(User.id.in_(list(user_ids))))).all())
        missing = sorted(set(user_ids) - found)
        if missing:
            raise Unprocessable("monitoring.route_unknown_users", ids=missing)
    if not role_code and not user_ids:
        raise Unprocessable("monitoring.route_no_recipient")


async def list_routes(session: AsyncSession, actor: Actor, site_id: int | None = None) -> list[AlarmRoute]:
    """Routes of the sites and areas within the actor's data scope."""
    stmt = select(AlarmRoute).order_by(AlarmRoute.site_id, AlarmRoute.level, AlarmRoute.id)
    if site_id is not None:
        stmt = stmt.where(AlarmRoute.site_id == site_id)
    areas = await plant_repo.visible_area_ids(session, actor)
    if areas is not None:
        sites = await plant_repo.visible_site_ids(session, actor, areas)
        stmt = stmt.where(
            AlarmRoute.site_id.in_(sites or set()),
            or_(AlarmRoute.area_id.is_(None), AlarmRoute.area_id.in_(areas)),
        )
    return list((await session.scalars(stmt)).all())


async def get_route(session: AsyncSession, actor: Actor, route_id: int) -> AlarmRoute:
    """One route; 404 when missing, 403 outside the data scope."""
    route = await session.get(AlarmRoute, route_id)
    if route is None:
        raise NotFound("monitoring.route_not_found", id=route_id)
    areas = await plant_repo.visible_area_ids(session, actor)
    if areas is not None:
        sites = await plant_repo.visible_site_ids(session, actor, areas) or set()
        if route.site_id not in sites or (route.area_id is not None and route.area_id not in areas):
            raise Forbidden("identity.out_of_scope")
    return route


def _detail(route: AlarmRoute) -> dict[str, Any]:
    return {
        "site_id": route.site_id,
        "area_id": route.area_id,
        "level": route.level,
        "min_priority": route.min_priority,
        "role_code": route.role_code,
        "user_ids": route.user_ids,
        "channels": route.channels,
        "enabled": route.enabled,
    }


async def create_route(session: AsyncSession, actor: Actor, body: RouteIn) -> AlarmRoute:
    """Add a route."""
    await _check_target(session, actor, body.site_id, body.area_id)
    await _check_recipients(session, body.role_code, body.user_ids)
    route = AlarmRoute(**body.model_dump())
    session.add(route)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.route_created",
        target_type="mon_alarm_route",
        target_id=route.id,
        detail=_detail(route),
    )
    return route


async def update_route(session: AsyncSession, actor: Actor, route_id: int, body: RouteUpdate) -> AlarmRoute:
    """Edit a route (`area_id: null` widens it to the whole site)."""
    route = await get_route(session, actor, route_id)
    changes = body.model_dump(exclude_unset=True)
    area_id = changes["area_id"] if "area_id" in changes else route.area_id
    await _check_target(session, actor, route.site_id, area_id)
    role_code = changes["role_code"] if "role_code" in changes else route.role_code
    user_ids = sorted(set(changes["user_ids"])) if changes.get("user_ids") is not None else route.user_ids
    if any(not 1 <= u <= MAX_ID for u in user_ids):
        raise Unprocessable("monitoring.route_unknown_users", ids=[u for u in user_ids if u < 1])
    await _check_recipients(session, role_code, user_ids)
    for key, value in changes.items():
        if key in ("area_id", "role_code", "note"):
            setattr(route, key, value)
        elif key == "user_ids" and value is not None:
            route.user_ids = user_ids
        elif key == "channels" and value is not None:
            route.channels = sorted(set(value))
        elif value is not None:
            setattr(route, key, value)
    route.updated_at = utcnow()
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.route_updated",
        target_type="mon_alarm_route",
        target_id=route.id,
        detail=_detail(route),
    )
    return route


async def delete_route(session: AsyncSession, actor: Actor, route_id: int) -> None:
    """Remove a route."""
    route = await get_route(session, actor, route_id)
    detail = _detail(route)
    await session.delete(route)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.route_deleted",
        target_type="mon_alarm_route",
        target_id=route_id,
        detail=detail,
    )


# --- routing -------------------------------------------------------------------------------------


async def _area_chain(session: AsyncSession, area_id: int | None) -> set[int]:
    """The area and every area above it."""
    chain: set[int] = set()
    current = area_id
    while current is not None and current not in chain:
        chain.add(current)
        current = await session.scalar(select(Area.parent_id).where(Area.id == current))
    return chain


async def routes_for(
    session: AsyncSession, site_id: int, area_id: int | None, priority: str, *, min_level: int, max_level: int
) -> dict[int, list[AlarmRoute]]:
    """Enabled routes by level (min_level..max_level) taking an alarm of this place and priority."""
    chain = await _area_chain(session, area_id)
    stmt = select(AlarmRoute).where(
        AlarmRoute.site_id == site_id,
        AlarmRoute.enabled.is_(True),
        AlarmRoute.level >= min_level,
        AlarmRoute.level <= max_level,
        or_(AlarmRoute.area_id.is_(None), AlarmRoute.area_id.in_(chain))
        if chain
        else AlarmRoute.area_id.is_(None),
    )
    rank = PRIORITY_RANK.get(priority, len(PRIORITY_RANK))
    out: dict[int, list[AlarmRoute]] = {}
    for route in (await session.scalars(stmt.order_by(AlarmRoute.level, AlarmRoute.id))).all():
        if rank <= PRIORITY_RANK.get(route.min_priority, -1):
            out.setdefault(route.level, []).append(route)
    return out


async def _as_actor(session: AsyncSession, user_id: int, username: str) -> Actor:
    grants = (
        await session.execute(select(DataScope.kind, DataScope.ref_id).where(DataScope.user_id == user_id))
    ).all()
    perms = (
        await session.scalars(
            select(Role.permissions)
            .join(UserRole, UserRole.role_id == Role.id)
            .where(UserRole.user_id == user_id)
        )
    ).all()
    scopes: list[Scope] = []
    for kind, ref_id in grants:
        try:
            scopes.append(Scope(kind=kind, ref_id=ref_id))
        except ValueError:
            continue  # a malformed grant grants nothing
    return Actor(
        user_id=user_id,
        username=username,
        permissions=frozenset(p for ps in perms for p in (ps or [])),
        scopes=tuple(scopes),
        session_id=0,
        session_kind="system",
    )


async def recipients(
    session: AsyncSession, routes: Sequence[AlarmRoute], site_id: int, area_id: int | None
) -> list[int]:
    """Active users named by the routes (by role or id) who may read monitoring data of this place."""
    roles = sorted({r.role_code for r in routes if r.role_code})
    explicit = sorted({u for r in routes for u in (r.user_ids or [])})
    conditions = []
    if roles:
        conditions.append(
            User.id.in_(
                select(UserRole.user_id).join(Role, Role.id == UserRole.role_id).where(Role.code.in_(roles))
            )
        )
    if explicit:
        conditions.append(User.id.in_(explicit))
    if not conditions:
        return []
    candidates = (
        await session.execute(
            select(User.id, User.username).where(User.is_active.is_(True), or_(*conditions)).order_by(User.id)
        )
    ).all()
    out: list[int] = []
    for user_id, username in candidates:
        actor = await _as_actor(session, user_id, username)
        if P.MON_READ not in actor.permissions:
            continue
        areas = await plant_repo.visible_area_ids(session, actor)
        if areas is None:
            out.append(user_id)
        elif area_id is not None:
            if area_id in areas:
                out.append(user_id)
        elif site_id in (await plant_repo.visible_site_ids(session, actor, areas) or set()):
            # The same rule as realtime delivery: a site-level alarm reaches whoever sees the site.
            out.append(user_id)
    return out


def escalation_due(activated_at: datetime, response_time_s: int, level: int, now: datetime) -> bool:
    """now - activated_at >= response_time_s * (level + 1): the rule in this module's docstring."""
    if response_time_s <= 0:
        return False
    return now - activated_at >= timedelta(seconds=response_time_s * (level + 1))


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _params(alarm: Any, point: Any) -> dict[str, Any]:
    return {
        "tag": point.tag,
        "point_name": point.name,
        "point_name_en": getattr(point, "name_en", None) or point.name,
        "condition": alarm.condition,
        "priority_zh": PRIORITY_ZH.get(alarm.priority, alarm.priority),
        "priority_en": alarm.priority,
        "value": _fmt(alarm.value),
        "limit": _fmt(alarm.limit),
        "unit": point.unit or "",
        "response_min": _fmt(round(point.response_time_s / 60, 1)),
    }


def _channels(routes: Sequence[AlarmRoute]) -> list[str]:
    return sorted({c for r in routes for c in (r.channels or ["inapp"])})


def _notice(alarm: Any, point: Any, key: str, level: int, params: dict[str, Any]) -> NotificationIn:
    return NotificationIn(
        category="monitoring.alarm_raised" if level == 0 else "monitoring.alarm_escalated",
        severity=alarm.priority if alarm.priority in PRIORITY_RANK else "medium",
        key=key,
        params=params,
        link=f"/monitoring/alarms/{alarm.id}",
        site_id=alarm.site_id,
        area_id=alarm.area_id,
        source_type="mon_alarm",
        source_id=str(alarm.id),
        # One notice per alarm, occurrence and level, however often the trigger is redelivered.
        dedupe_key=f"monitoring.alarm:{alarm.id}:{alarm.occurrence}:{level}",
    )


def _silenced(alarm: Alarm, now: datetime) -> bool:
    shelved = alarm.shelved_until is not None and alarm.shelved_until > now
    return alarm.oos or alarm.suppressed or shelved


async def on_alarm_raised(
    session: AsyncSession, event: AlarmRaised, *, bus: EventBus | None = None, now: datetime | None = None
) -> int:
    """Notify the level-0 recipients of a raised alarm, unless by now it is inactive, acknowledged,
    shelved, suppressed or out of service; returns how many users were notified (idempotent)."""
    row = (
        await session.execute(
            select(Alarm, Point)
            .join(Point, Point.id == Alarm.point_id)
            .where(Alarm.id == event.alarm_id)
            .execution_options(populate_existing=True)
        )
    ).one_or_none()
    if row is None:
        return 0
    alarm, point = row
    now = now or utcnow()
    if not alarm.active or alarm.acked or _silenced(alarm, now):
        return 0
    routes = (
        await routes_for(session, alarm.site_id, alarm.area_id, alarm.priority, min_level=0, max_level=0)
    ).get(0, [])
    if not routes:
        return 0
    users = await recipients(session, routes, alarm.site_id, alarm.area_id)
    notice = _notice(alarm, point, RAISED_KEY, 0, _params(alarm, point))
    result = await notify.send(session, users, notice, channels=_channels(routes), bus=bus)
    return result.inbox


@dataclass(frozen=True)
class _Target:
    level: int
    routes: list[AlarmRoute]
    users: list[int]
    skipped: list[int]


async def _next_target(session: AsyncSession, alarm: Alarm) -> _Target | None:
    """The next configured level above the alarm's that has recipients in scope (see the module rule)."""
    by_level = await routes_for(
        session,
        alarm.site_id,
        alarm.area_id,
        alarm.priority,
        min_level=alarm.escalation_level + 1,
        max_level=99,
    )
    skipped: list[int] = []
    for level in sorted(by_level):
        users = await recipients(session, by_level[level], alarm.site_id, alarm.area_id)
        if users:
            return _Target(level, by_level[level], users, skipped)
        skipped.append(level)
    if not skipped:
        return None
    last = skipped.pop()
    return _Target(last, by_level[last], [], skipped)


async def escalation_pending(session: AsyncSession) -> bool:
    """Read-only probe for the scheduler: is any alarm a candidate for escalation at all?"""
    found = await session.scalar(
        select(Alarm.id)
        .where(
            Alarm.active.is_(True),
            Alarm.acked.is_(False),
            Alarm.priority.in_(ESCALATING),
            Alarm.oos.is_(False),
            Alarm.suppressed.is_(False),
        )
        .limit(1)
    )
    return found is not None


async def escalate(session: AsyncSession, bus: EventBus | None, now: datetime | None = None) -> int:
    """Worker job: escalate every overdue unacknowledged high/urgent alarm by one level; returns how many."""
    now = now or utcnow()
    rows = (
        await session.execute(
            select(Alarm, Point)
            .join(Point, Point.id == Alarm.point_id)
            .where(
                Alarm.active.is_(True),
                Alarm.acked.is_(False),
                Alarm.priority.in_(ESCALATING),
                Alarm.oos.is_(False),
                Alarm.suppressed.is_(False),
                Alarm.activated_at.is_not(None),
                or_(Alarm.shelved_until.is_(None), Alarm.shelved_until <= now),
            )
            .order_by(Alarm.activated_at, Alarm.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    escalated = 0
    for alarm, point in rows:
        assert alarm.activated_at is not None
        if not escalation_due(alarm.activated_at, point.response_time_s, alarm.escalation_level, now):
            continue
        target = await _next_target(session, alarm)
        if target is None:
            continue
        bumped = await session.execute(
            update(Alarm)
            .where(
                Alarm.id == alarm.id,
                Alarm.escalation_level == alarm.escalation_level,
                Alarm.occurrence == alarm.occurrence,
                Alarm.active.is_(True),
                Alarm.acked.is_(False),
            )
            .values(escalation_level=target.level, rev=Alarm.rev + 1)
            .execution_options(synchronize_session=False)
        )
        if not getattr(bumped, "rowcount", 0):
            continue  # acknowledged, returned or re-activated in between: nothing to escalate
        minutes = int((now - alarm.activated_at).total_seconds() // 60)
        params = _params(alarm, point) | {"level": target.level, "minutes": minutes}
        notice = _notice(alarm, point, ESCALATED_KEY, target.level, params)
        result = await notify.send(session, target.users, notice, channels=_channels(target.routes), bus=bus)
        note = f"level {target.level}: {result.inbox} user(s), {result.deliveries} webhook(s)"
        if target.skipped:
            note += f"; levels {target.skipped} have nobody in scope"
        session.add(
            AlarmEvent(
                alarm_id=alarm.id,
                point_id=alarm.point_id,
                console=alarm.console,
                ts=now,
                kind="escalated",
                occurrence=alarm.occurrence,
                priority=alarm.priority,
                value=alarm.value,
                actor_id=None,
                note=note,
            )
        )
        await record(
            session,
            None,
            "monitoring.alarm_escalated",
            target_type="mon_alarm",
            target_id=alarm.id,
            detail={
                "tag": point.tag,
                "condition": alarm.condition,
                "occurrence": alarm.occurrence,
                "from_level": alarm.escalation_level,
                "to_level": target.level,
                "recipients": target.users,
                "webhooks": result.deliveries,
                "skipped_levels": target.skipped,
            },
        )
        if bus is not None:
            state = {c.key: getattr(alarm, c.key) for c in Alarm.__table__.columns}
            state |= {"escalation_level": target.level, "rev": alarm.rev + 1}
            bus.emit(
                session, AlarmChanged(change="escalated", alarm=alarm_view(SimpleNamespace(**state), point))
            )
        escalated += 1
    return escalated


async def seed_demo_routes(session: AsyncSession) -> int:
    """Demo routes for every site without any: operators (level 0, medium and up, in-app), then shift
    leaders (level 1) and safety managers (level 2) for high and urgent alarms, in-app and webhooks.
    Idempotent; returns how many routes were added."""
    sites = (await session.scalars(select(Site.id).order_by(Site.id))).all()
    routed = set((await session.scalars(select(AlarmRoute.site_id).distinct())).all())
    added = 0
    for site_id in sites:
        if site_id in routed:
            continue
        for level, role, min_priority, channels in (
            (0, "operator", "medium", ["inapp"]),
            (1, "shift_leader", "high", ["inapp", "webhook"]),
            (2, "safety_manager", "high", ["inapp", "webhook"]),
        ):
            session.add(
                AlarmRoute(
                    site_id=site_id,
                    area_id=None,
                    level=level,
                    min_priority=min_priority,
                    role_code=role,
                    user_ids=[],
                    channels=channels,
                    enabled=True,
                    note="demo",
                )
            )
            added += 1
    await session.flush()
    return added

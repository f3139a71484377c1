"""Reminder centre (提醒中心): due and expired dates of every register, and overdue bypasses.

An item is listed when its due date lies within the largest lead time of the enterprise's reminder
policy, or is past (`rules.due_status`). Rows that no longer need renewing are skipped:

- licences whose status is not `active` (superseded or revoked);
- equipment that is `scrapped` (stopped equipment is still reminded: it must be inspected before
  it runs again), interlocks `out_of_service`;
- certificates that are revoked, whose holder has left, or that are superseded by a later
  certificate of the same kind held by the same person (the renewed one is the one reminded);
- contractors and suppliers on the blacklist (suspended ones may come back, so they are reminded).

Overdue bypasses (active past their approval) are listed as `what="bypass"`; they are not sent by
`send_reminders`, since `bypass_service.check_overdue_bypasses` raises its own urgent alarm.

Sending: each item is sent once per tier (dedupe key per register, row, field, due date and tier)
to the active users holding basics.write whose data scope covers the row, and for certificates to
the holder's own account.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from anguan.basics import rules
from anguan.basics import settings_service as settings
from anguan.basics.models import Bypass, Interlock, Person, PersonCertificate
from anguan.basics.ops_locales import DUE_KEY, EXPIRED_KEY
from anguan.basics.ops_schemas import ReminderCount, ReminderItem, ReminderSummary
from anguan.basics.reference import CERTIFICATE_KINDS_V1, EQUIPMENT_KINDS, REMINDER_KINDS_V1, ReminderPolicy
from anguan.basics.registers import INTERLOCKS, REGISTERS
from anguan.basics.registry import Register
from anguan.basics.scope import visible_clause
from anguan.core.errors import Unprocessable
from anguan.core.events import EventBus
from anguan.core.excel import Column, write_xlsx
from anguan.core.time import utcnow
from anguan.identity import permissions as P
from anguan.identity import repository as identity_repo
from anguan.identity.models import Role, User, UserRole
from anguan.identity.schemas import Actor, Scope
from anguan.notify import service as notify
from anguan.notify.models import Message
from anguan.notify.schemas import NotificationIn


@dataclass(frozen=True)
class ReminderSource:
    """Due dates another module keeps (a module basics cannot import registers one here at start-up):
    its items join the list, the summary, the export and the sending like a register's.

    `items` returns what the actor may see (it is called with `SYSTEM` when sending); `recipients`
    gives the user ids to notify per item id; `permission` is what a caller needs to see the items.
    """

    name: str
    zh: str
    en: str
    permission: str
    kinds: Mapping[str, tuple[str, str]]
    fields: Mapping[str, tuple[str, str]]
    items: Callable[[AsyncSession, Actor, date, ReminderPolicy], Awaitable[list[ReminderItem]]]
    recipients: Callable[[AsyncSession, list[ReminderItem]], Awaitable[dict[int, set[int]]]]


SOURCES: dict[str, ReminderSource] = {}


def add_source(source: ReminderSource) -> None:
    """Register (or replace) a module's reminder source."""
    SOURCES[source.name] = source


def _sees(actor: Actor, source: ReminderSource) -> bool:
    return actor == SYSTEM or source.permission in actor.permissions


BYPASSES = "bypasses"  # the pseudo-register of overdue bypasses
BYPASSES_ZH, BYPASSES_EN = "联锁旁路", "Interlock bypasses"
CHUNK = 500
SYSTEM = Actor(
    user_id=0,
    username="system",
    permissions=frozenset(),
    scopes=(Scope(kind="all"),),
    session_id=0,
    session_kind="system",
)


def _certificate_live(model: Any) -> ColumnElement[bool]:
    newer = aliased(PersonCertificate)
    superseded = exists().where(
        newer.person_id == model.person_id,
        newer.kind == model.kind,
        newer.revoked.is_(False),
        newer.valid_until > model.valid_until,
    )
    return and_(
        model.revoked.is_(False),
        model.person_id.in_(select(Person.id).where(Person.status == "active")),
        ~superseded,
    )


# Rows that still need renewing, per register (a register missing here is reminded whole).
LIVE_ROWS: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "licences": lambda m: m.status == "active",
    "equipment": lambda m: m.status != "scrapped",
    "interlocks": lambda m: m.status != "out_of_service",
    "certificates": _certificate_live,
    "contractors": lambda m: m.status != "blacklisted",
    "suppliers": lambda m: m.status != "blacklisted",
}


def due_registers() -> list[Register]:
    """Registers with due dates."""
    return [r for r in REGISTERS.values() if r.due]


def _what(reg: Register, row: Any, what: str) -> str:
    if reg.name == "equipment":
        kind = EQUIPMENT_KINDS.get(getattr(row, "kind", "") or "")
        return kind.check if kind else what
    return what


def _title(reg: Register, row: Any, holders: dict[int, str]) -> str:
    title = str(getattr(row, reg.title_field, "") or "")
    if reg.name == "certificates":
        # Holder and kind, not the number: a 特种作业操作证 number embeds the holder's ID number.
        kind = CERTIFICATE_KINDS_V1.get(row.kind, (row.kind,))[0]
        return f"{holders.get(row.person_id, '')} {kind}".strip()
    tag = getattr(row, "tag", None)
    return f"{tag} {title}" if tag and tag != title else title


def _item(
    reg: tuple[str, str, str],
    row_id: int,
    title: str,
    field: str,
    what: str,
    d: rules.Due,
    due: date,
    place: tuple[int | None, int | None],
) -> ReminderItem:
    reg_name, zh, en = reg
    site_id, area_id = place
    what_zh, what_en = REMINDER_KINDS_V1.get(what, (what, what))
    return ReminderItem(
        register_name=reg_name,
        register_zh=zh,
        register_en=en,
        id=row_id,
        title=title[:200],
        field=field,
        what=what,
        what_zh=what_zh,
        what_en=what_en,
        due=due,
        status="expired" if d.status == "expired" else "due",
        days_left=d.days_left,
        tier=d.tier or 0,
        link=f"/basics/{reg_name}?id={row_id}",
        site_id=site_id,
        area_id=area_id,
    )


async def _register_items(
    session: AsyncSession, actor: Actor, reg: Register, today: date, policy: ReminderPolicy
) -> list[ReminderItem]:
    model: Any = reg.model
    horizon = today + timedelta(days=max(policy.lead_days))
    stmt = select(model).where(
        await visible_clause(session, actor, reg),
        or_(*(getattr(model, d.field) <= horizon for d in reg.due)),
    )
    live = LIVE_ROWS.get(reg.name)
    if live is not None:
        stmt = stmt.where(live(model))
    rows = (await session.scalars(stmt.order_by(model.id))).all()
    holders: dict[int, str] = {}
    if reg.name == "certificates" and rows:
        for chunk in _chunks(sorted({r.person_id for r in rows})):
            names = await session.execute(select(Person.id, Person.name).where(Person.id.in_(chunk)))
            holders |= dict(names.all())
    out = []
    for row in rows:
        for due_field in reg.due:
            due = getattr(row, due_field.field)
            if due is None:
                continue
            d = rules.due_status(due, today, policy)
            if d.status == "valid":
                continue
            what = _what(reg, row, due_field.what)
            place = (getattr(row, "site_id", None), getattr(row, "area_id", None))
            title = _title(reg, row, holders)
            out.append(_item((reg.name, reg.zh, reg.en), row.id, title, due_field.field, what, d, due, place))
    return out


async def _bypass_items(
    session: AsyncSession, actor: Actor, today: date, now: datetime, tz: str
) -> list[ReminderItem]:
    stmt = (
        select(Bypass, Interlock)
        .join(Interlock, Interlock.id == Bypass.interlock_id)
        .where(
            await visible_clause(session, actor, INTERLOCKS),
            Bypass.status == "active",
            Bypass.approved_until < now,
        )
        .order_by(Bypass.id)
    )
    out = []
    for b, il in (await session.execute(stmt)).all():
        if b.approved_until is None or not rules.bypass_overdue(True, b.approved_until, now):
            continue
        due = settings.plant_date(b.approved_until, tz)
        d = rules.Due("expired", (due - today).days, 0)
        reg = (BYPASSES, BYPASSES_ZH, BYPASSES_EN)
        title = f"{il.tag} {il.name}"
        out.append(_item(reg, b.id, title, "approved_until", "bypass", d, due, (il.site_id, il.area_id)))
    return out


def _check_filters(what: str | None, register: str | None) -> None:
    known = {r.name for r in due_registers()} | {BYPASSES} | set(SOURCES)
    if register is not None and register not in known:
        raise Unprocessable("basics.bad_reminder_register", register=register[:40])
    kinds = set(REMINDER_KINDS_V1).union(*(s.kinds for s in SOURCES.values()))
    if what is not None and what not in kinds:
        raise Unprocessable("basics.bad_reminder_kind", what=what[:40])


async def list_reminders(
    session: AsyncSession,
    actor: Actor,
    today: date,
    *,
    status: str = "all",
    what: str | None = None,
    register: str | None = None,
    within_days: int | None = None,
    now: datetime | None = None,
    tz: str = settings.DEFAULT_TIMEZONE,
) -> list[ReminderItem]:
    """The reminders the actor may see: expired first, then by days left (`now` dates bypasses)."""
    _check_filters(what, register)
    policy = await settings.reminder_policy(session)
    items: list[ReminderItem] = []
    for reg in due_registers():
        if register in (None, reg.name):
            items += await _register_items(session, actor, reg, today, policy)
    if register in (None, BYPASSES) and what in (None, "bypass"):
        items += await _bypass_items(session, actor, today, now or utcnow(), tz)
    for source in SOURCES.values():
        if register in (None, source.name) and _sees(actor, source):
            items += await source.items(session, actor, today, policy)
    items = [
        i
        for i in items
        if (status == "all" or i.status == status)
        and (what is None or i.what == what)
        and (within_days is None or i.days_left <= within_days)
    ]
    items.sort(key=lambda i: (i.status != "expired", i.days_left, i.register_name, i.id, i.field))
    return items


async def summary(
    session: AsyncSession,
    actor: Actor,
    today: date,
    *,
    now: datetime | None = None,
    tz: str = settings.DEFAULT_TIMEZONE,
) -> ReminderSummary:
    """Counts of due and expired reminders per register."""
    items = await list_reminders(session, actor, today, now=now, tz=tz)
    names = {r.name: (r.zh, r.en) for r in due_registers()} | {BYPASSES: (BYPASSES_ZH, BYPASSES_EN)}
    names |= {s.name: (s.zh, s.en) for s in SOURCES.values() if _sees(actor, s)}
    counts: dict[str, list[int]] = {name: [0, 0] for name in names}
    for i in items:
        counts[i.register_name][i.status == "expired"] += 1
    policy = await settings.reminder_policy(session)
    return ReminderSummary(
        due=sum(c[0] for c in counts.values()),
        expired=sum(c[1] for c in counts.values()),
        lead_days=list(policy.lead_days),
        registers=[
            ReminderCount(
                register_name=n, register_zh=names[n][0], register_en=names[n][1], due=c[0], expired=c[1]
            )
            for n, c in counts.items()
        ],
    )


# ------------------------------------------------------------------------------ recipients


async def actor_of(session: AsyncSession, user_id: int, username: str) -> Actor:
    """A user's permissions and data scope, as a request of theirs would carry them."""
    roles, perms = await identity_repo.role_permissions(session, user_id)
    scopes: list[Scope] = []
    for grant in await identity_repo.scopes_of(session, user_id):
        try:
            scopes.append(Scope(kind=grant.kind, ref_id=grant.ref_id))
        except ValueError:
            continue  # a malformed grant grants nothing
    return Actor(
        user_id=user_id,
        username=username,
        permissions=frozenset(perms),
        scopes=tuple(scopes),
        session_id=0,
        session_kind="system",
        roles=tuple(roles),
    )


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


async def users_holding(session: AsyncSession, permission: str) -> list[Actor]:
    """The active users holding `permission`, each with the data scope a request of theirs carries."""
    role_ids = [
        r.id for r in (await session.scalars(select(Role))).all() if permission in (r.permissions or [])
    ]
    if not role_ids:
        return []
    users = (
        await session.execute(
            select(User.id, User.username)
            .where(
                User.is_active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role_id.in_(role_ids))),
            )
            .order_by(User.id)
        )
    ).all()
    return [await actor_of(session, user_id, username) for user_id, username in users]


async def readers_by_row(
    session: AsyncSession, permission: str, reg: Register, row_ids: Iterable[int]
) -> dict[int, list[int]]:
    """Active users holding `permission` whose data scope covers each row, by row id."""
    ids = sorted(set(row_ids))
    out: dict[int, list[int]] = {i: [] for i in ids}
    if not ids:
        return out
    model: Any = reg.model
    for actor in await users_holding(session, permission):
        clause = await visible_clause(session, actor, reg)
        for chunk in _chunks(ids):
            for row_id in (await session.scalars(select(model.id).where(model.id.in_(chunk), clause))).all():
                out[row_id].append(actor.user_id)
    return out


async def _holders(session: AsyncSession, certificate_ids: list[int]) -> dict[int, int]:
    """The holder's own active account per certificate id."""
    out: dict[int, int] = {}
    for chunk in _chunks(certificate_ids):
        rows = await session.execute(
            select(PersonCertificate.id, Person.user_id)
            .join(Person, Person.id == PersonCertificate.person_id)
            .join(User, User.id == Person.user_id)
            .where(PersonCertificate.id.in_(chunk), User.is_active.is_(True))
        )
        out |= {cid: uid for cid, uid in rows.all() if uid is not None}
    return out


# ------------------------------------------------------------------------------ sending


def dedupe_key(item: ReminderItem) -> str:
    """One message per register row, field, due date and tier."""
    return f"basics.due:{item.register_name}:{item.id}:{item.field}:{item.due.isoformat()}:{item.tier}"


async def _already_sent(session: AsyncSession, keys: list[str]) -> set[str]:
    out: set[str] = set()
    for i in range(0, len(keys), CHUNK):
        rows = await session.scalars(
            select(Message.dedupe_key).where(Message.dedupe_key.in_(keys[i : i + CHUNK]))
        )
        out |= {k for k in rows.all() if k}
    return out


def _notification(item: ReminderItem, severity: str) -> NotificationIn:
    reg = REGISTERS.get(item.register_name)
    field = reg.by_key.get(item.field) if reg else None
    source = SOURCES.get(item.register_name)
    zh, en = source.fields.get(item.field, (item.field, item.field)) if source else (item.field, item.field)
    return NotificationIn(
        category="basics.due",
        severity=severity,
        key=EXPIRED_KEY if item.status == "expired" else DUE_KEY,
        params={
            "register_zh": item.register_zh,
            "register_en": item.register_en,
            "title": item.title,
            "field_zh": field.zh if field else zh,
            "field_en": (field.en if field else en).lower(),
            "what_zh": item.what_zh,
            "what_en": item.what_en,
            "due": item.due.isoformat(),
            "days_left": item.days_left,
            "days_overdue": -item.days_left,
        },
        link=item.link,
        site_id=item.site_id,
        area_id=item.area_id,
        source_type=(item.register_name if source else f"basics.{item.register_name}")[:40],
        source_id=str(item.id),
        dedupe_key=dedupe_key(item),
    )


async def send_reminders(
    session: AsyncSession, bus: EventBus | None, today: date, *, tz: str = settings.DEFAULT_TIMEZONE
) -> int:
    """Notify every reminder at its current tier once; returns how many messages were sent."""
    items = [i for i in await list_reminders(session, SYSTEM, today, tz=tz) if i.register_name != BYPASSES]
    sent_keys = await _already_sent(session, [dedupe_key(i) for i in items])
    pending = [i for i in items if dedupe_key(i) not in sent_keys]
    by_register: dict[str, list[ReminderItem]] = {}
    for i in pending:
        by_register.setdefault(i.register_name, []).append(i)
    sent = 0
    for name, group in by_register.items():
        ids = [i.id for i in group]
        source = SOURCES.get(name)
        if source is not None:
            readers = {k: sorted(v) for k, v in (await source.recipients(session, group)).items()}
        else:
            readers = await readers_by_row(session, P.BASICS_WRITE, REGISTERS[name], ids)
        holders = await _holders(session, ids) if name == "certificates" else {}
        for item in group:
            d = rules.Due(item.status, item.days_left, item.tier)
            severity = rules.reminder_severity(d) or "low"
            users = set(readers.get(item.id, [])) | ({holders[item.id]} if item.id in holders else set())
            result = await notify.send(session, sorted(users), _notification(item, severity), bus=bus)
            if result.message_id is not None and not result.duplicate:
                sent += 1
    return sent


async def job_send_reminders(
    session: AsyncSession, bus: EventBus, tz: str = settings.DEFAULT_TIMEZONE
) -> int:
    """Scheduler job (hourly is plenty; idempotent through the dedupe keys)."""
    return await send_reminders(session, bus, settings.plant_date(utcnow(), tz), tz=tz)


EXPORT_COLUMNS = (
    Column("status", "状态", "Status", width=10),
    Column("due", "到期日", "Due", width=12),
    Column("days_left", "剩余天数", "Days left", "int", width=10),
    Column("register", "台账", "Register", width=20),
    Column("title", "事项", "Item", width=40),
    Column("what", "类型", "Kind", width=14),
    Column("link", "链接", "Link", width=36),
)
_STATUS = {"due": "将到期 due", "expired": "已过期 expired"}


def export_xlsx(items: list[ReminderItem]) -> bytes:
    """The reminder list as a sheet (bilingual headers, one row per due date)."""
    rows = [
        (
            _STATUS[i.status],
            i.due,
            i.days_left,
            i.register_zh,
            i.title,
            i.what_zh,
            i.link,
        )
        for i in items
    ]
    return write_xlsx("提醒中心 Reminders", EXPORT_COLUMNS, rows)

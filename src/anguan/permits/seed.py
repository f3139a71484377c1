"""Demo signing roles and plant calendar of the special-work module (idempotent)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.identity.models import User
from anguan.permits.models import CalendarDay, Signer

# Who signs which step role in the demo plant (AQ 3064.2-2025 §5.2: the flow names its signers).
SIGNERS = {
    "safety": (
        "safety_dept",
        "plant_leader",
        "professional_dept",
        "plant_director",
        "acceptor",
        "power_supplier",
    ),
    "leader": ("unit", "shift_leader", "acceptor", "power_user"),
}

# [D] Demo calendar: the 2026 public holidays and make-up workdays as commonly published (verify
# against the State Council notice before relying on it); the enterprise maintains its own.
HOLIDAYS_2026 = (
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
    (date(2027, 1, 1), date(2027, 1, 1), "元旦"),
)
WORKDAYS_2026 = (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 10, 10))


async def seed_permits(session: AsyncSession) -> dict[str, int]:
    """Signing roles of the demo users and the demo calendar."""
    users = {u.username: u.id for u in (await session.scalars(select(User))).all()}
    have = set((await session.execute(select(Signer.user_id, Signer.role))).tuples().all())
    for username, roles in SIGNERS.items():
        uid = users.get(username)
        if uid is None:
            continue
        for role in roles:
            if (uid, role) not in have:
                session.add(Signer(user_id=uid, role=role, area_id=None))
    days = set((await session.execute(select(CalendarDay.day, CalendarDay.kind))).tuples().all())
    for first, last, name in HOLIDAYS_2026:
        d = first
        while d <= last:
            if (d, "holiday") not in days:
                session.add(CalendarDay(day=d, kind="holiday", name=name))
            d = date.fromordinal(d.toordinal() + 1)
    for d in WORKDAYS_2026:
        if (d, "workday") not in days:
            session.add(CalendarDay(day=d, kind="workday", name="调休上班"))
    await session.flush()
    return {"permit_signers": len((await session.scalars(select(Signer.id))).all())}

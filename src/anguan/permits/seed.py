"""Demo signing roles, plant calendar and special work of the special-work module (idempotent)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Person
from anguan.basics.reminders import actor_of
from anguan.identity.models import User
from anguan.permits import flow, rules, service
from anguan.permits.locating import PhonePositionCheck, Position
from anguan.permits.models import CalendarDay, Permit, Signer
from anguan.permits.service import PLANT_TZ
from anguan.permits.workflow import Action
from anguan.plant.models import Area

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


async def seed_demo_permits(session: AsyncSession, now: datetime) -> dict[str, int]:
    """The demo plant's special work, driven through the real service and life cycle (once): a 特级
    hot-work permit in progress inside 1# 防火堤 next to T-102, watched by the detectors the scripted
    leak reaches (so the leak suspends it with alarm 0/09), and a confined-space inspection of T-105
    booked for tomorrow."""
    if (await session.scalars(select(Permit.id).limit(1))).first() is not None:
        return {"permits": 0}
    users = {u.username: u for u in (await session.scalars(select(User))).all()}
    people = {p.name: p.id for p in (await session.scalars(select(Person))).all()}
    area = (await session.scalars(select(Area).where(Area.code == "DK-01"))).first()
    tank = (await session.scalars(select(Area).where(Area.code == "DK-02"))).first()
    if area is None or tank is None or not {"safety", "leader"} <= set(users) or "刘强" not in people:
        return {"permits": 0}
    safety = await actor_of(session, users["safety"].id, "safety")
    leader = await actor_of(session, users["leader"].id, "leader")
    here = Position(x=118.0, y=252.0)
    checker = PhonePositionCheck()
    start = now - timedelta(minutes=50)
    hot = await service.create(
        session,
        safety,
        {
            "work_type": "hot_work",
            "grade": "special",
            "site_id": area.site_id,
            "area_id": area.id,
            "location": "1# 防火堤 T-102 出口管线支架",
            "x": here.x,
            "y": here.y,
            "hazardous_area": True,
            "content": "T-102 出口管线支架加固，电焊（带料管线已加盲板隔离）",
            "work_unit": "设备维修车间",
            "leader_id": people["刘强"],
            "planned_start": start,
            "planned_end": start + timedelta(hours=7),
            "emergency": True,
            "details": {
                "method": "电焊",
                "hot_work_facts": {"in_fire_explosion_area": True, "in_major_hazard_tank_dike": True},
                "plan": "特级动火作业方案 DH-FA-2026-031（全过程防爆视频录像）",
            },
        },
        start - timedelta(minutes=30),
    )
    step = flow.Step(position=here, opinion="同意", reason="紧急抢修")
    for action, who in ((Action.SUBMIT_BOOKING, safety), (Action.APPROVE_BOOKING, safety)):
        await flow.act(session, who, hot, action, step, start - timedelta(minutes=30), checker)
    crew = [(people.get("曹勇"), "worker"), (people.get("何平"), "guardian")]
    await service.set_people(session, safety, hot, [(p, r) for p, r in crew if p], start)
    await service.set_analysis(
        session, safety, hot, ["火灾", "爆炸", "灼烫", "触电", "高处坠落"], "焊渣飞溅可能引燃泄漏的甲醇蒸气"
    )
    rows = await service.confirm_measures(session, safety, hot, {}, start)
    await service.confirm_measures(
        session, safety, hot, {m.seq: True for m in rows}, start, "动火点周围 15 m 设警戒"
    )
    await service.brief(session, safety, hot, start - timedelta(minutes=25))
    await flow.act(session, safety, hot, Action.APPLY, step, start - timedelta(minutes=24), checker)
    await service.add_gas_test(
        session,
        safety,
        hot,
        sampled_at=start - timedelta(minutes=15),
        point="动火点及 T-102 阀组周围 10 m",
        readings=[{"kind": "combustible", "name": "甲醇", "value": 0.1}],
        now=start - timedelta(minutes=14),
    )
    await flow.act(
        session, safety, hot, Action.SUBMIT_FOR_SIGNING, step, start - timedelta(minutes=12), checker
    )
    signers = {"work_leader": leader, "unit": leader, "safety_dept": safety, "hot_work_approver": safety}
    signers["shift_leader_check"] = leader
    for minutes in (10, 8, 6, 4, 2):
        steps = rules.approval_steps(hot.work_type, hot.grade)
        done = [s.step for s in await service.signatures(session, hot.id)]
        nxt = rules.next_step(steps, done)
        if nxt is None or nxt.code not in signers:
            break
        await flow.act(
            session, signers[nxt.code], hot, Action.SIGN, step, start - timedelta(minutes=minutes), checker
        )
    await flow.act(session, safety, hot, Action.START, step, start, checker)

    tomorrow = now.astimezone(PLANT_TZ).date() + timedelta(days=1)
    begin = datetime.combine(tomorrow, time(9, 0), tzinfo=PLANT_TZ)
    cs = await service.create(
        session,
        safety,
        {
            "work_type": "confined_space",
            "grade": None,
            "site_id": tank.site_id,
            "area_id": tank.id,
            "location": "2# 防火堤 T-105 丙酮储罐内部",
            "x": 190.0,
            "y": 300.0,
            "hazardous_area": True,
            "content": "T-105 储罐内部检查及防腐层修补",
            "work_unit": "储运车间",
            "leader_id": people["刘强"],
            "planned_start": begin,
            "planned_end": begin + timedelta(hours=8),
            "emergency": False,
            "details": {"space": "T-105 丙酮储罐", "medium": "丙酮"},
        },
        now,
    )
    await flow.act(session, safety, cs, Action.SUBMIT_BOOKING, step, now, checker)
    await flow.act(session, safety, cs, Action.APPROVE_BOOKING, step, now, checker)
    return {"permits": 2}

"""Dynamic risk colour on the demo plant: an alarm on a bound point recolours its unit, a warning
opens, clears when the alarm is handled, and closes only with its report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from anguan.core.events import DomainEvent
from anguan.core.time import utcnow
from anguan.hazards import risk
from anguan.hazards.models import HazardUnit, RiskWarning
from anguan.monitoring.models import Alarm, Point
from tests.plant.support import Callers

H = "/api/v1/hazards"


class Recorder:
    """Stands in for the event bus: keeps what was emitted."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []

    def emit(self, session: Any, event: DomainEvent, durable: bool = False) -> None:
        self.events.append(event)


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    c = Callers(app)
    yield c
    await c.aclose()


async def _refresh(app: Any, bus: Recorder, minutes: int = 0) -> None:
    async with app.state.database.transaction() as session:
        await risk.refresh(session, bus, utcnow() + timedelta(minutes=minutes))  # type: ignore[arg-type]


async def _alarm(app: Any, unit_code: str, **state: Any) -> int:
    """Put the first bound point's H alarm of a unit into `state`; returns the alarm id."""
    async with app.state.database.transaction() as session:
        unit = (await session.scalars(select(HazardUnit).where(HazardUnit.code == unit_code))).one()
        point = (
            await session.scalars(select(Point).where(Point.hazard_source_id == unit.id).order_by(Point.tag))
        ).first()
        assert point is not None, "seeded points are bound to their unit"
        alarm = (
            await session.scalars(select(Alarm).where(Alarm.point_id == point.id, Alarm.condition == "H"))
        ).first()
        if alarm is None:
            alarm = Alarm(
                point_id=point.id,
                condition="H",
                priority="urgent",
                site_id=point.site_id,
                area_id=point.area_id,
            )
            session.add(alarm)
        for k, v in state.items():
            setattr(alarm, k, v)
        await session.flush()
        return int(alarm.id)


async def test_an_alarm_recolours_the_unit_and_the_warning_runs_to_closure(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    bus = Recorder()
    await _refresh(app, bus)
    before = {r["code"]: r for r in (await safety.get(f"{H}/risk")).json()}
    assert (
        before["HZ-DK02"]["colour"] == "blue" and before["HZ-DK02"]["inherent"] == "blue"
    )  # 四级, nothing live
    assert before["HZ-DK02"]["model_label_zh"] == "临时模型——非国家预警模型"

    await _alarm(app, "HZ-DK02", active=True, acked=False, priority="urgent")
    await _refresh(app, bus)
    now = {r["code"]: r for r in (await safety.get(f"{H}/risk")).json()}
    assert now["HZ-DK02"]["colour"] == "red"
    assert "紧急级报警" in now["HZ-DK02"]["reasons"][0][0] and now["HZ-DK02"]["reasons"][0][1] == 3.0
    pushed = [e for e in bus.events if isinstance(e, risk.ColourChanged) and e.code == "HZ-DK02"]
    assert [(e.previous, e.colour) for e in pushed] == [("blue", "red")]
    unit_id = now["HZ-DK02"]["unit_id"]
    warning = (await safety.get(f"{H}/warnings", params={"unit_id": unit_id, "status": "open"})).json()[0]
    report = {"disposal": "关阀隔离，泄漏消除", "cause": "法兰垫片老化", "measures": "更换垫片，纳入周检"}
    r = await safety.post(f"{H}/warnings/{warning['id']}/close", json=report)
    assert r.status_code == 409 and r.json()["code"] == "hazards.warning_not_cleared"

    # Returned to normal but not yet acknowledged: still an open alarm (rtn_unack).
    await _alarm(app, "HZ-DK02", active=False)
    await _refresh(app, bus)
    assert {r["code"]: r for r in (await safety.get(f"{H}/risk")).json()}["HZ-DK02"]["colour"] == "red"
    await _alarm(app, "HZ-DK02", acked=True)
    await _refresh(app, bus)
    after = {r["code"]: r for r in (await safety.get(f"{H}/risk")).json()}
    assert (after["HZ-DK02"]["colour"], after["HZ-DK02"]["reasons"]) == ("blue", [])
    w = (await safety.get(f"{H}/warnings", params={"unit_id": unit_id})).json()[0]
    assert (w["status"], w["colour"]) == ("cleared", "red")
    r = await safety.post(f"{H}/warnings/{warning['id']}/close", json=report)
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["cause"] == "法兰垫片老化"
    assert (await safety.post(f"{H}/warnings/{warning['id']}/close", json=report)).status_code == 409


async def test_shelved_and_out_of_service_alarms_do_not_count(app: Any) -> None:
    bus = Recorder()
    await _alarm(app, "HZ-DK02", active=True, acked=False, priority="high", oos=True)
    await _refresh(app, bus)
    await _alarm(app, "HZ-DK02", oos=False, shelved_until=utcnow() + timedelta(hours=1))
    await _refresh(app, bus)
    assert not [e for e in bus.events if isinstance(e, risk.ColourChanged) and e.code == "HZ-DK02"]
    async with app.state.database.transaction() as session:
        unit = (await session.scalars(select(HazardUnit).where(HazardUnit.code == "HZ-DK02"))).one()
        assert await risk.modifiers(session, unit, utcnow()) == []
        # Once the shelf expires the alarm counts again.
        mods = await risk.modifiers(session, unit, utcnow() + timedelta(hours=2))
        assert [m.key for m in mods] == ["high"]


async def test_an_overdue_bypass_in_the_unit_area_raises_it(app: Any) -> None:
    async with app.state.database.transaction() as session:
        rows = (await session.scalars(select(HazardUnit))).all()
        texts = {u.code: [m.label for m in await risk.modifiers(session, u, utcnow())] for u in rows}
    # The demo seeds IS-203's bypass past its approval; it sits in one of the units' areas.
    assert any("联锁旁路超期" in label for labels in texts.values() for label in labels)


async def test_warning_refusals(callers: Any, app: Any) -> None:
    safety, operator = await callers("safety"), await callers("operator")
    body = {"disposal": "处置", "cause": "原因", "measures": "措施"}
    assert (await safety.post(f"{H}/warnings/987654/close", json=body)).status_code == 404
    async with app.state.database.transaction() as session:
        w = (await session.scalars(select(RiskWarning).limit(1))).first()
    if w is not None:
        assert (await operator.post(f"{H}/warnings/{w.id}/close", json=body)).status_code == 403
    r = await safety.post(f"{H}/warnings/1/close", json={"disposal": "", "cause": "x", "measures": "y"})
    assert r.status_code == 422


async def test_stale_and_bad_points_count_once_as_lost_monitoring(app: Any) -> None:
    async with app.state.database.transaction() as session:
        unit = (await session.scalars(select(HazardUnit).where(HazardUnit.code == "HZ-DK01"))).one()
        points = (
            await session.scalars(select(Point).where(Point.hazard_source_id == unit.id).order_by(Point.tag))
        ).all()
        for p in points[:5]:
            session.add(
                Alarm(
                    point_id=p.id,
                    condition="STALE",
                    priority="medium",
                    site_id=p.site_id,
                    active=True,
                    acked=False,
                )
            )
        await session.flush()
        mods = [
            m for m in await risk.modifiers(session, unit, utcnow()) if m.kind in ("monitoring_loss", "alarm")
        ]
    assert [m.kind for m in mods] == ["monitoring_loss"]
    assert mods[0].label.startswith("5 个位号数据中断或质量坏")


async def test_new_reasons_without_a_new_colour_are_pushed_but_not_as_a_recolouring(
    app: Any, callers: Any
) -> None:
    bus = Recorder()
    await _refresh(app, bus)
    await _alarm(app, "HZ-DK02", active=True, acked=False, priority="urgent")  # 3 points: red
    await _refresh(app, bus)
    # A bypass-like second reason: the unit goes into maintenance (+1) and stays red.
    async with app.state.database.transaction() as session:
        unit = (await session.scalars(select(HazardUnit).where(HazardUnit.code == "HZ-DK02"))).one()
        unit.status = "maintenance"
    await _refresh(app, bus)
    mine = [e for e in bus.events if isinstance(e, risk.RiskEvent) and e.code == "HZ-DK02"]
    assert [type(e).__name__ for e in mine] == ["ColourChanged", "RiskUpdated"]
    last = mine[-1]
    assert isinstance(last, risk.RiskUpdated)
    assert (last.colour, last.previous, last.points, len(last.reasons)) == ("red", "red", 4.0, 2)
    # Each reason in both languages: [zh-CN, points, en-US].
    assert last.reasons[0][0].endswith("紧急级报警") and last.reasons[0][2].endswith("urgent alarm")
    assert last.reasons[1] == ["单元检修", 1.0, "Unit under maintenance"]
    await _refresh(app, bus)  # nothing new: nothing pushed
    assert len([e for e in bus.events if isinstance(e, risk.RiskEvent) and e.code == "HZ-DK02"]) == 2


async def test_an_overdue_supervision_finding_raises_the_unit(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    bus = Recorder()
    await _refresh(app, bus)

    async def finding_points() -> float:
        unit = {r["code"]: r for r in (await safety.get(f"{H}/risk")).json()}["HZ-PU01"]
        return sum(p for label, p, *_ in unit["reasons"] if label.startswith(("一般督导", "重大督导")))

    # The demo's hydrogenation-unit finding is past its deadline: a general one adds 1 point.
    assert await finding_points() == 1.0
    finding = next(
        f
        for f in (await safety.get(f"{H}/findings", params={"overdue": True})).json()
        if f["unit_code"] == "HZ-PU01"
    )
    r = await safety.patch(f"{H}/findings/{finding['id']}", json={"level": "major"})
    assert r.status_code == 200
    await _refresh(app, bus)
    assert await finding_points() == 2.0
    found_on = (await safety.get(f"{H}/findings/{finding['id']}")).json()["found_on"]
    r = await safety.post(
        f"{H}/findings/{finding['id']}/rectify",
        json={"measures": "完成紧急切断阀功能测试", "rectified_on": found_on},
    )
    assert r.status_code == 200
    await _refresh(app, bus)
    assert await finding_points() == 0.0


async def test_a_warning_is_pushed_to_the_heads_and_writers_once_per_colour(app: Any, callers: Any) -> None:
    from anguan.basics.models import Person
    from anguan.hazards.models import Duty
    from anguan.identity.models import User
    from anguan.notify.models import InboxItem, Message

    bus = Recorder()
    await _refresh(app, bus)
    async with app.state.database.transaction() as session:
        unit = (await session.scalars(select(HazardUnit).where(HazardUnit.code == "HZ-DK02"))).one()
        leader = (await session.scalars(select(User).where(User.username == "leader"))).one()
        safety = (await session.scalars(select(User.id).where(User.username == "safety"))).one()
        # The operational head gets an account: the head is told, though leader cannot write.
        head = (
            await session.scalars(
                select(Person)
                .join(Duty, Duty.person_id == Person.id)
                .where(Duty.unit_id == unit.id, Duty.role == "operational")
            )
        ).one()
        linked = (await session.scalars(select(Person).where(Person.user_id == leader.id))).first()
        if linked is not None:
            linked.user_id = None
            await session.flush()
        head.user_id = leader.id
    await _alarm(app, "HZ-DK02", active=True, acked=False, priority="high")  # 2 points: orange
    await _refresh(app, bus)
    await _refresh(app, bus)  # still orange: not told twice
    await _alarm(app, "HZ-DK02", priority="urgent")  # 3 points: red, escalated
    await _refresh(app, bus)
    async with app.state.database.transaction(write=False) as session:
        messages = (
            await session.scalars(
                select(Message).where(Message.category == "hazards.warning", Message.source_id.is_not(None))
            )
        ).all()
        mine = [m for m in messages if m.title_zh and m.title_zh.startswith("HZ-DK02")]
        assert [(m.severity, m.title_zh.endswith(c)) for m, c in zip(mine, ("橙", "红"), strict=True)] == [
            ("high", True),
            ("urgent", True),
        ]
        assert "高级报警" in (mine[0].body_zh or "") and "high alarm" in (mine[0].body_en or "")
        users = set(
            (await session.scalars(select(InboxItem.user_id).where(InboxItem.message_id == mine[0].id))).all()
        )
    assert {leader.id, safety} <= users

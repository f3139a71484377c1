"""Live context of permits: a fixed gas detector watching a live hot-work permit alarms → the work is
suspended with its work alarm (through the real `monitoring.alarm_raised` event); the worker's timers
raise 1/10 past the validity and 0/05 when confined-space readings are older than 2 h (exactly 2 h is
still in time), read from the database so they survive a restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from anguan.core.time import utcnow
from anguan.monitoring.events import AlarmRaised
from anguan.monitoring.models import Point
from anguan.permits import tasks
from anguan.permits.models import Permit, WorkAlarm
from tests.permits.test_api_flow import SAME_DAY, _act, _permit, _prepare

PM = "/api/v1/permits"


async def _running(
    callers: Any, people: dict[str, int], worker: str = "马俊", guardian: str = "孙磊", **extra: Any
) -> int:
    safety, leader = await callers("safety"), await callers("leader")
    pid = int((await _permit(safety, people, **(SAME_DAY | extra)))["id"])
    for action in ("submit_booking", "approve_booking"):
        await _act(safety, pid, action)
    await _prepare(safety, pid, people, worker=worker, guardian=guardian)
    await _act(safety, pid, "apply")
    readings = [
        {"kind": "combustible", "name": "甲醇", "value": 0.1},
        {"kind": "oxygen", "name": "O₂", "value": 20.9},
    ]
    r = await safety.post(
        f"{PM}/{pid}/gas-tests",
        json={
            "sampled_at": (utcnow() - timedelta(minutes=5)).isoformat(),
            "point": "作业点",
            "readings": readings,
        },
    )
    assert r.status_code == 201 and r.json()["gas_tests"][-1]["passed"], r.text
    assert (await _act(safety, pid, "submit_for_signing")).status_code == 200
    while (body := (await safety.get(f"{PM}/{pid}")).json())["next_step"] in (
        "work_leader",
        "unit",
        "hot_work_approver",
        "shift_leader_check",
    ):
        assert (await _act(leader, pid, "sign", opinion="同意")).status_code == 200
    assert body["state"] == "issued"
    r = await _act(safety, pid, "start")
    assert r.status_code == 200, r.text
    return pid


async def _codes(app: Any, pid: int) -> list[str]:
    async with app.state.database.transaction(write=False) as s:
        return sorted((await s.scalars(select(WorkAlarm.code).where(WorkAlarm.permit_id == pid))).all())


async def test_a_detector_alarm_suspends_the_hot_work_it_watches(app: Any, world: Any) -> None:
    callers, _, people = world
    pid = await _running(callers, people)
    async with app.state.database.transaction() as s:
        point = (
            await s.scalars(select(Point).where(Point.kind == "gas_combustible").order_by(Point.id))
        ).first()
        assert point is not None
        permit = await s.get(Permit, pid)
        assert permit is not None
        permit.detector_ids = [point.id]
        other = (await s.scalars(select(Point).where(Point.kind == "level").order_by(Point.id))).first()
    event = AlarmRaised(
        alarm_id=1, point_id=point.id, tag=point.tag, kind="gas_combustible", condition="HH", priority="urgent",
        site_id=point.site_id, area_id=point.area_id, equipment_id=None, hazard_source_id=None, value=42.0,
        limit=25.0, at=utcnow(),
    )  # fmt: skip
    # A level alarm or a detector the permit does not watch changes nothing.
    if other is not None:
        await app.state.bus.dispatch(event.model_copy(update={"point_id": other.id, "kind": "level"}))
    await app.state.bus.dispatch(event.model_copy(update={"point_id": point.id + 100000}))
    assert (await (await callers("safety")).get(f"{PM}/{pid}")).json()["state"] == "in_progress"
    await app.state.bus.dispatch(event)
    body = (await (await callers("safety")).get(f"{PM}/{pid}")).json()
    assert body["state"] == "paused" and body["timeline"][-1]["action"] == "suspend"
    assert "气体检测报警" in body["timeline"][-1]["evidence"]["reason"]
    assert await _codes(app, pid) == ["0/09"]
    # Resuming needs the cause gone and, after a long stop, a new analysis.
    assert (await _act(await callers("safety"), pid, "resume")).status_code == 200


async def test_timers_raise_overtime_and_confined_space_records(
    app: Any, world: Any, frozen_clock: Any
) -> None:
    callers, _, people = world
    pid = await _running(callers, people)
    async with app.state.database.transaction() as s:
        await tasks.check_timers(s, None, utcnow())
        permit = await s.get(Permit, pid)
        assert permit is not None and permit.valid_until is not None
        until = permit.valid_until
    assert await _codes(app, pid) == []
    async with app.state.database.transaction() as s:
        await tasks.check_timers(s, None, until)  # exactly at the end: still valid
    assert await _codes(app, pid) == []
    async with app.state.database.transaction() as s:
        await tasks.check_timers(s, None, until + timedelta(seconds=1))
    async with app.state.database.transaction() as s:
        await tasks.check_timers(s, None, until + timedelta(minutes=5))  # once while open
    assert await _codes(app, pid) == ["1/10"]

    cs = await _running(
        callers, people, work_type="confined_space", grade=None, location="T-101 储罐内部", content="储罐内部检查",
        worker="张伟", guardian="赵立新",
    )  # fmt: skip
    async with app.state.database.transaction(write=False) as s:
        started = (await s.get(Permit, cs)).started_at  # type: ignore[union-attr]
    async with app.state.database.transaction() as s:
        await tasks.check_timers(s, None, started + timedelta(hours=2))
    assert await _codes(app, cs) == []
    async with app.state.database.transaction() as s:
        await tasks.check_timers(s, None, started + timedelta(hours=2, seconds=1))
    assert await _codes(app, cs) == ["0/05"]


async def test_the_demo_hot_work_is_watched_by_the_leak_detectors(app: Any) -> None:
    from tests.plant.support import Callers

    callers = Callers(app)
    try:
        safety = await callers("safety")
        page = (await safety.get(PM, params={"state": "in_progress", "work_type": "hot_work"})).json()
        demo = next(p for p in page["items"] if p["location"].startswith("1# 防火堤"))
        assert (demo["grade"], demo["hazardous_area"]) == ("special", True)
        async with app.state.database.transaction(write=False) as s:
            tags = set((await s.scalars(select(Point.tag).where(Point.id.in_(demo["detector_ids"])))).all())
        assert "GT-102" in tags  # the scripted leak's source detector (simulator/plant_sim.py)
        detail = (await safety.get(f"{PM}/{demo['id']}")).json()
        assert [s["step"] for s in detail["signatures"]] == [
            "work_leader", "unit", "safety_dept", "hot_work_approver", "shift_leader_check",
        ]  # fmt: skip
        assert {s["content_hash"] for s in detail["signatures"]} != set()
        booked = (await safety.get(PM, params={"state": "booking_approved"})).json()["items"]
        assert any(p["work_type"] == "confined_space" for p in booked)
    finally:
        await callers.aclose()


async def test_a_step_waiting_past_its_time_limit_is_pushed_again(
    app: Any, world: Any, frozen_clock: Any
) -> None:
    from anguan.identity.models import User
    from anguan.notify.models import InboxItem, Message

    callers, _, people = world
    safety = await callers("safety")
    pid = int((await _permit(safety, people, **SAME_DAY))["id"])
    for action in ("submit_booking", "approve_booking"):
        await _act(safety, pid, action)
    await _prepare(safety, pid, people)
    await _act(safety, pid, "apply")
    await safety.post(
        f"{PM}/{pid}/gas-tests",
        json={
            "sampled_at": (utcnow() - timedelta(minutes=1)).isoformat(),
            "point": "作业点",
            "readings": [{"kind": "combustible", "name": "甲醇", "value": 0.1}],
        },
    )
    assert (await _act(safety, pid, "submit_for_signing")).status_code == 200
    submitted = utcnow()

    async def reminders() -> list[set[int]]:
        async with app.state.database.transaction(write=False) as s:
            msgs = (
                await s.scalars(
                    select(Message).where(Message.dedupe_key == f"permits.step_overdue:{pid}:work_leader")
                )
            ).all()
            return [
                set((await s.scalars(select(InboxItem.user_id).where(InboxItem.message_id == m.id))).all())
                for m in msgs
            ]

    async with app.state.database.transaction() as s:
        await tasks.check_timers(s, None, submitted + timedelta(minutes=60))  # exactly the limit: in time
    assert await reminders() == []
    for _ in range(2):  # once only
        async with app.state.database.transaction() as s:
            await tasks.check_timers(s, None, submitted + timedelta(minutes=60, seconds=1))
    async with app.state.database.transaction(write=False) as s:
        leader = (await s.scalars(select(User.id).where(User.username == "leader"))).one()
    assert await reminders() == [{leader}]  # the work leader, 刘强, signs the first step

"""Permits through the API on the demo plant (SQLite and PostgreSQL): a hot-work permit from booking
to acceptance with on-site signatures sealing the content, and the blocking rules raising their
AQ 3064.2-2025 表A.4 work alarms: a stale gas test (0/02), an expired welding certificate (5/51), an
approver away from the site (3/30), a long interruption without a new analysis (0/03); the
confined-space register counted out before the work may finish."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from anguan.permits.models import Permit, WorkAlarm
from tests.permits.support import NOW, PM
from tests.permits.support import act as _act
from tests.permits.support import gas as _gas
from tests.permits.support import new_permit as _permit
from tests.permits.support import prepare as _prepare
from tests.permits.support import site_and_area as _site_and_area
from tests.plant.support import Callers

# An emergency job booked for now (AQ 3064.2-2025 §5.3.1 allows the same day).
SAME_DAY = {
    "emergency": True,
    "planned_start": NOW.isoformat(),
    "planned_end": (NOW + timedelta(hours=6)).isoformat(),
}


async def _now(client: Any) -> datetime:
    from anguan.core.time import utcnow

    return utcnow()


async def relog(callers: Callers, *names: str) -> list[Any]:
    """Fresh tokens after the clock moved a day (test tokens last one day)."""
    callers._tokens.clear()
    return [await callers(n) for n in names]


async def _alarms(app: Any, pid: int) -> list[str]:
    async with app.state.database.transaction(write=False) as s:
        return sorted((await s.scalars(select(WorkAlarm.code).where(WorkAlarm.permit_id == pid))).all())


async def test_hot_work_from_booking_to_acceptance(app: Any, world: Any, frozen_clock: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    p = await _permit(safety, people)
    pid = p["id"]
    assert (p["state"], p["grade"], p["required_grade"], p["upgrade_causes"]) == ("draft", "2", "2", [])
    assert p["number"].startswith("DH-20270302-") and len(p["measures"]) == 16
    assert p["valid_until"].startswith("2027-03-03T07:00")  # the planned end, within 72 h
    r = await _act(safety, pid, "submit_booking")
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "booked"
    assert (await _act(safety, pid, "approve_booking")).json()["state"] == "booking_approved"
    r = await _act(safety, pid, "apply")
    assert r.status_code == 422 and r.json()["code"] == "permits.no_worker"
    await _prepare(safety, pid, people)
    assert (await _act(safety, pid, "apply")).json()["state"] == "applying"
    # The day of the work: a passing analysis 10 min before submitting.
    frozen_clock.advance(timedelta(days=1))  # the planned start
    safety, leader = await relog(callers, "safety", "leader")
    r = await _gas(safety, pid, minutes_ago=10)
    assert r.status_code == 201 and r.json()["gas_tests"][-1]["passed"] is True
    r = await _act(safety, pid, "submit_for_signing")
    assert r.status_code == 200, r.text
    steps = [s["code"] for s in r.json()["steps"]]
    assert steps == ["work_leader", "unit", "hot_work_approver", "shift_leader_check", "acceptance"]
    # Signing in 表B.1 order: the safety manager is not the work leader.
    r = await _act(safety, pid, "sign", opinion="同意")
    assert r.status_code == 403 and r.json()["code"] == "permits.not_your_step"
    r = await _act(leader, pid, "sign", opinion="措施已落实")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["content_hash"] and body["signatures"][0]["content_hash"] == body["content_hash"]
    # Signed content is sealed (不得涂改).
    r = await safety.patch(f"{PM}/{pid}", json={"content": "改动内容"})
    assert r.status_code == 409 and r.json()["code"] == "permits.content_locked"
    for _ in range(2):  # 所在单位, 动火审批人 (the demo's unit signer)
        r = await _act(leader, pid, "sign", opinion="同意")
        assert r.status_code == 200, r.text
    assert r.json()["state"] == "issued" and r.json()["issued_at"]
    # The shift leader's ticket check, then the work starts within 30 min of the analysis.
    r = await _act(leader, pid, "start")
    assert r.status_code == 409 and r.json()["code"] == "permits.shift_check_missing"
    assert (await _act(leader, pid, "sign", opinion="验票合格")).status_code == 200
    r = await _act(safety, pid, "start")
    assert r.status_code == 200 and r.json()["state"] == "in_progress", r.text
    # Pause, then resume after 20 min (二级: a new analysis only after more than 60 min).
    assert (await _act(safety, pid, "pause", reason="午休")).json()["state"] == "paused"
    frozen_clock.advance(timedelta(minutes=20))
    r = await _act(safety, pid, "resume")
    assert r.status_code == 200 and r.json()["state"] == "in_progress", r.text
    assert (await _act(safety, pid, "finish")).json()["state"] == "acceptance_pending"
    r = await _act(leader, pid, "accept", opinion="现场无余火，已清理")
    body = r.json()
    assert r.status_code == 200 and body["state"] == "accepted" and body["ticket_status"] == "3"
    actions = [t["action"] for t in body["timeline"]]
    assert actions == [
        "created", "submit_booking", "approve_booking", "apply", "submit_for_signing", "sign", "sign",
        "sign", "issue", "sign", "start", "pause", "resume", "finish", "accept",
    ]  # fmt: skip
    assert await _alarms(app, pid) == []


async def test_stale_gas_and_expired_certificate_block_signing(
    app: Any, world: Any, frozen_clock: Any
) -> None:
    callers, _, people = world
    safety = await callers("safety")
    pid = (await _permit(safety, people, **SAME_DAY))["id"]
    await _act(safety, pid, "submit_booking")
    await _act(safety, pid, "approve_booking")
    await _prepare(safety, pid, people, worker="郑海波")  # his welding certificate has expired
    await _act(safety, pid, "apply")
    r = await _act(safety, pid, "submit_for_signing")
    assert r.status_code == 409 and r.json()["code"] == "permits.blocked"
    assert r.json()["params"]["alarms"] == "0/01, 5/51"
    assert await _alarms(app, pid) == ["0/01", "5/51"]  # raised although the step was refused
    # A test 31 min old is stale (exactly 30 min would pass).
    await _gas(safety, pid, minutes_ago=31)
    r = await _act(safety, pid, "submit_for_signing")
    assert r.json()["params"]["alarms"] == "0/02, 5/51"
    await _gas(safety, pid, minutes_ago=30)
    r = await _act(safety, pid, "submit_for_signing")
    assert r.json()["params"]["alarms"] == "5/51"
    async with app.state.database.transaction(write=False) as s:
        permit = await s.get(Permit, pid)
        assert permit is not None and permit.state == "applying"  # nothing moved
    # A failing analysis stops it outright.
    await _gas(safety, pid, minutes_ago=1, value=0.6)  # 甲醇 LEL 6 % ≥ 4 %: limit 0.5 %
    r = await _act(safety, pid, "submit_for_signing")
    assert r.status_code == 422 and r.json()["code"] == "permits.gas_failed"
    # Alarms are closed with a handling record.
    alarms = (await safety.get(f"{PM}/alarms/open")).json()
    mine = [a for a in alarms if a["permit_id"] == pid]
    r = await safety.post(f"{PM}/alarms/{mine[0]['id']}/handle", json={"result": "更换持证焊工"})
    assert r.status_code == 200 and r.json()["ended_at"]


async def test_approver_away_from_the_site_is_refused(app: Any, world: Any, frozen_clock: Any) -> None:
    callers, locator, people = world
    safety, leader = await callers("safety"), await callers("leader")
    pid = (await _permit(safety, people, **SAME_DAY))["id"]
    for action in ("submit_booking", "approve_booking"):
        await _act(safety, pid, action)
    await _prepare(safety, pid, people)
    await _act(safety, pid, "apply")
    await _gas(safety, pid, minutes_ago=5)
    assert (await _act(safety, pid, "submit_for_signing")).status_code == 200
    me = (await leader.get("/api/v1/auth/me")).json()["id"]
    locator.away.add(me)
    r = await _act(leader, pid, "sign", opinion="同意")
    assert r.status_code == 409 and r.json()["params"]["alarms"] == "3/30"
    assert await _alarms(app, pid) == ["3/30"]
    r = await leader.post(f"{PM}/{pid}/actions/sign", json={"opinion": "无位置"})
    assert r.status_code == 422 and r.json()["code"] == "permits.position_required"


async def test_a_long_interruption_needs_a_new_analysis(app: Any, world: Any, frozen_clock: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    pid = (await _permit(safety, people, **SAME_DAY))["id"]
    for action in ("submit_booking", "approve_booking"):
        await _act(safety, pid, action)
    await _prepare(safety, pid, people)
    await _act(safety, pid, "apply")
    await _gas(safety, pid, minutes_ago=5)
    await _act(safety, pid, "submit_for_signing")
    for _ in range(4):
        assert (await _act(leader, pid, "sign", opinion="同意")).status_code == 200
    assert (await _act(safety, pid, "start")).status_code == 200
    await _act(safety, pid, "pause", reason="等待备件")
    frozen_clock.advance(timedelta(minutes=61))  # 二级: more than 60 min
    r = await _act(safety, pid, "resume")
    assert r.status_code == 409 and r.json()["params"]["alarms"] == "0/03"
    await _gas(safety, pid, minutes_ago=2)
    assert (await _act(safety, pid, "resume")).json()["state"] == "in_progress"


async def test_confined_space_register_must_be_counted_out(app: Any, world: Any, frozen_clock: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    p = await _permit(
        safety, people, work_type="confined_space", grade=None, location="T-101 储罐内部",
        content="储罐内部检查", **SAME_DAY,
    )  # fmt: skip
    pid = p["id"]
    assert len(p["measures"]) == 15 and p["steps"][-1]["code"] == "acceptance"
    for action in ("submit_booking", "approve_booking"):
        await _act(safety, pid, action)
    await _prepare(safety, pid, people, worker="张伟")
    await _act(safety, pid, "apply")
    r = await safety.post(
        f"{PM}/{pid}/gas-tests",
        json={
            "sampled_at": (await _now(safety) - timedelta(minutes=5)).isoformat(),
            "point": "罐内上中下",
            "readings": [
                {"kind": "combustible", "name": "甲醇", "value": 0.1},
                {"kind": "oxygen", "name": "O₂", "value": 19.5},  # exactly the lower bound passes
            ],
        },
    )
    assert r.json()["gas_tests"][-1]["passed"] is True
    assert (await _act(safety, pid, "submit_for_signing")).status_code == 200
    for _ in range(2):  # 作业负责人, 所在单位 (approves)
        assert (await _act(leader, pid, "sign", opinion="同意")).status_code == 200
    assert (await _act(safety, pid, "start")).json()["state"] == "in_progress"
    r = await safety.post(f"{PM}/{pid}/entries", json={"kind": "person", "person_id": people["张伟"]})
    assert r.status_code == 201
    r = await safety.post(f"{PM}/{pid}/entries", json={"kind": "tool", "name": "防爆手电", "count": 2})
    entries = r.json()["entries"]
    r = await _act(safety, pid, "finish")
    assert r.status_code == 409 and r.json()["code"] == "permits.still_inside"
    for e in entries:
        assert (await safety.post(f"{PM}/{pid}/entries/{e['id']}/exit")).status_code == 200
    assert (await _act(safety, pid, "finish")).json()["state"] == "acceptance_pending"


async def test_bad_input_changes_nothing(app: Any, world: Any) -> None:
    callers, _, people = world
    safety, inspector = await callers("safety"), await callers("inspector")
    site, area = await _site_and_area(safety, "PU-01")
    async with app.state.database.transaction(write=False) as s:
        before = len((await s.scalars(select(Permit.id))).all())
    for extra, code in (
        ({"planned_end": (NOW + timedelta(days=4, hours=1)).isoformat()}, "permits.validity_exceeded"),
        ({"work_type": "work_at_height", "grade": None, "details": {"height_m": 1.9}}, "permits.not_work_at_height"),
        ({"leader_id": 987654}, "permits.person_not_active"),
        ({"area_id": 987654}, "permits.area_not_in_site"),
        ({"work_type": "fire"}, "common.validation_error"),
        ({"planned_start": "2027-03-03T09:00:00"}, "common.validation_error"),  # no timezone
    ):  # fmt: skip
        body = {
            "work_type": "hot_work", "grade": "2", "site_id": site, "area_id": area, "location": "x",
            "content": "内容", "work_unit": "u", "leader_id": people["刘强"],
            "planned_start": (NOW + timedelta(days=1)).isoformat(),
            "planned_end": (NOW + timedelta(days=1, hours=2)).isoformat(),
        } | extra  # fmt: skip
        r = await safety.post(PM, json=body)
        assert r.status_code == 422 and r.json()["code"] == code, (extra, r.text)
    assert (await inspector.post(PM, json={})).status_code == 403
    async with app.state.database.transaction(write=False) as s:
        assert len((await s.scalars(select(Permit.id))).all()) == before


async def test_detail_tells_who_signs_names_people_and_serves_the_drawn_signature(
    app: Any, world: Any
) -> None:
    from tests.permits.support import signature_png, upload

    callers, _, people = world
    safety, leader, inspector = await callers("safety"), await callers("leader"), await callers("inspector")
    pid = (await _permit(safety, people, **SAME_DAY))["id"]
    other = (await _permit(safety, people, **SAME_DAY, work_type="temporary_electricity", grade=None))["id"]
    r = await safety.post(f"{PM}/{pid}/links", json={"permit_id": other})
    assert [(p["id"], p["work_type"]) for p in r.json()["linked_permits"]] == [
        (other, "temporary_electricity")
    ]
    for action in ("submit_booking", "approve_booking"):
        await _act(safety, pid, action)
    await _prepare(safety, pid, people)
    await _act(safety, pid, "apply")
    await _gas(safety, pid, minutes_ago=5)
    await _act(safety, pid, "submit_for_signing")
    # The work leader's step: 刘强 may sign it, the safety manager may not.
    assert (await leader.get(f"{PM}/{pid}")).json()["can_sign"] is True
    assert (await safety.get(f"{PM}/{pid}")).json()["can_sign"] is False
    image = await upload(leader, signature_png(), "sign.png", "image/png")
    body = (await _act(leader, pid, "sign", opinion="同意", image_id=image)).json()
    sig = body["signatures"][0]
    assert body["user_names"]["leader"].endswith("刘强") and body["user_names"]["safety"].endswith("陈经理")
    r = await inspector.get(f"{PM}/{pid}/signatures/{sig['id']}/image")
    if (
        await inspector.get(f"{PM}/{pid}")
    ).status_code == 200:  # the inspector's scope may not cover 合成装置区
        assert r.status_code == 200 and r.content == signature_png()
    r = await safety.get(f"{PM}/{pid}/signatures/{sig['id']}/image")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert (await safety.get(f"{PM}/{pid}/signatures/{sig['id'] + 999}/image")).status_code == 404


async def test_evidence_photos_ride_on_the_timeline(app: Any, world: Any) -> None:
    from tests.permits.support import upload

    callers, _, people = world
    safety, inspector = await callers("safety"), await callers("inspector")
    pid = (await _permit(safety, people, **SAME_DAY))["id"]
    photo = await upload(safety, b"\x89PNG site photo", "site.png", "image/png")
    foreign = await upload(inspector, b"\x89PNG not mine", "x.png", "image/png")
    r = await _act(safety, pid, "submit_booking", photos=[foreign])
    assert r.status_code == 422 and r.json()["code"] == "permits.unknown_photo"
    body = (await _act(safety, pid, "submit_booking", photos=[photo])).json()
    assert body["state"] == "booked" and body["timeline"][-1]["evidence"]["photos"] == [photo]
    r = await safety.get(f"{PM}/{pid}/photos/{photo}")
    assert r.status_code == 200 and r.content == b"\x89PNG site photo"
    assert (await safety.get(f"{PM}/{pid}/photos/{foreign}")).status_code == 404  # not linked to the permit
    reference = (await safety.get(f"{PM}/reference")).json()
    assert "中毒和窒息" in reference["risk_templates"]["confined_space"]

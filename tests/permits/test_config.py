"""Permit configuration and on-post supervision: signing roles and delegation (委托签批, AQ 3064.2-2025
§5.5.3) decide who may sign a step; the plant calendar feeds the hot-work upgrade; a guardian whose
phone reports a position away from the work suspends it with alarm 3/31 (GB 30871-2022 §4.10 f);
a hand-over keeps the work under the new guardian."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from anguan.core.events import OutboxMessage
from anguan.identity.models import User
from tests.permits.support import NOW, PM, act, alarm_codes, gas, me, new_permit, prepare
from tests.permits.test_api_flow import SAME_DAY

CFG = "/api/v1/permits-config"


async def _user_id(app: Any, username: str) -> int:
    async with app.state.database.transaction(write=False) as s:
        return int((await s.scalars(select(User.id).where(User.username == username))).one())


async def _to_signing(safety: Any, pid: int, people: dict[str, int], **who: str) -> None:
    for action in ("submit_booking", "approve_booking"):
        assert (await act(safety, pid, action)).status_code == 200
    await prepare(safety, pid, people, **who)
    assert (await act(safety, pid, "apply")).status_code == 200
    await gas(safety, pid, minutes_ago=5)
    assert (await act(safety, pid, "submit_for_signing")).status_code == 200


async def test_signers_and_delegation_decide_who_signs(app: Any, world: Any, frozen_clock: Any) -> None:
    callers, _, people = world
    safety, leader, operator = await callers("safety"), await callers("leader"), await callers("operator")
    roles = {(s["username"], s["role"]) for s in (await safety.get(f"{CFG}/signers")).json()}
    assert ("safety", "safety_dept") in roles and ("leader", "shift_leader") in roles
    # 一级动火: 作业负责人 → 所在单位 → 安全管理部门 → 动火审批人 (the safety department) …
    pid = (await new_permit(safety, people, grade="1", **SAME_DAY))["id"]
    await _to_signing(safety, pid, people)
    for _ in range(2):
        assert (await act(leader, pid, "sign", opinion="同意")).status_code == 200
    assert (await safety.get(f"{PM}/{pid}")).json()["next_step"] == "safety_dept"
    r = await act(leader, pid, "sign", opinion="代签")
    assert r.status_code == 403 and r.json()["code"] == "permits.not_your_step"
    # The safety manager delegates the safety department's signature to the shift leader for an hour.
    leader_id = await _user_id(app, "leader")
    period = {"valid_from": NOW.isoformat(), "valid_until": (NOW + timedelta(hours=1)).isoformat()}
    r = await safety.post(
        f"{CFG}/delegations", json={"to_user_id": leader_id, "role": "safety_dept", **period}
    )
    assert r.status_code == 201, r.text
    # Refusals: someone without the role cannot delegate it; a delegate needs signing rights.
    r = await leader.post(
        f"{CFG}/delegations", json={"to_user_id": leader_id, "role": "plant_director", **period}
    )
    assert r.status_code == 422 and r.json()["code"] == "permits.delegate_to_self"
    op_id = await _user_id(app, "operator")
    r = await safety.post(f"{CFG}/delegations", json={"to_user_id": op_id, "role": "safety_dept", **period})
    assert r.status_code == 422 and r.json()["code"] == "permits.delegate_lacks_role"
    body = (await act(leader, pid, "sign", opinion="受托签批")).json()
    sig = body["signatures"][-1]
    assert (sig["step"], sig["signer_name"], sig["on_behalf_of"]) == (
        "safety_dept",
        "leader",
        await me(safety),
    )
    # After the period the delegation no longer counts.
    frozen_clock.advance(timedelta(hours=1, seconds=1))
    leader = (await _fresh(callers, "leader"))[0]
    r = await act(leader, pid, "sign", opinion="过期委托")
    assert r.status_code == 403
    assert (await operator.get(f"{CFG}/delegations")).json() == []  # only one's own, for non-managers


async def _fresh(callers: Any, *names: str) -> list[Any]:
    callers._tokens.clear()
    return [await callers(n) for n in names]


async def test_signer_and_calendar_configuration(app: Any, world: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    op_id = await _user_id(app, "operator")
    r = await safety.post(f"{CFG}/signers", json={"user_id": op_id, "role": "shift_leader"})
    assert r.status_code == 201 and r.json()["username"] == "operator"
    assert (
        await safety.post(f"{CFG}/signers", json={"user_id": op_id, "role": "shift_leader"})
    ).status_code == 409
    assert (await leader.post(f"{CFG}/signers", json={"user_id": op_id, "role": "unit"})).status_code == 403
    assert (await safety.delete(f"{CFG}/signers/{r.json()['id']}")).status_code == 204
    # A special period (重大活动) on the day of the work upgrades 二级 hot work to 一级.
    day = (NOW + timedelta(days=1)).date()
    r = await safety.post(
        f"{CFG}/calendar", json={"day": day.isoformat(), "kind": "special", "name": "重大活动保障"}
    )
    assert r.status_code == 201
    assert any(
        d["day"] == day.isoformat()
        for d in (await safety.get(f"{CFG}/calendar", params={"year": 2027})).json()
    )
    p = await new_permit(safety, people)
    assert (p["grade"], p["required_grade"], p["upgrade_causes"]) == ("2", "1", ["43"])


async def test_a_guardian_leaving_the_site_suspends_the_work(app: Any, world: Any) -> None:
    callers, locator, people = world
    safety, leader, guardian = await callers("safety"), await callers("leader"), await callers("operator")
    # 张伟 (login operator, who sees the whole site) guards a job in the synthesis unit.
    pid = (await new_permit(safety, people, **SAME_DAY))["id"]
    await _to_signing(safety, pid, people, guardian="张伟")
    while (await safety.get(f"{PM}/{pid}")).json()["next_step"] != "acceptance":
        assert (await act(leader, pid, "sign", opinion="同意")).status_code == 200
    assert (await act(safety, pid, "start")).status_code == 200
    r = await safety.post(f"{PM}/{pid}/guardian-position", json={"x": 100, "y": 100})
    assert r.status_code == 403 and r.json()["code"] == "permits.not_the_guardian"
    assert (await guardian.get(f"{PM}/{pid}")).json()["my_roles"] == ["guardian"]
    assert (await safety.get(f"{PM}/{pid}")).json()["my_roles"] == []
    r = await guardian.post(f"{PM}/{pid}/guardian-position", json={"x": 100, "y": 100})
    assert r.json() == {"on_site": True, "state": "in_progress", "alarm_raised": False}
    locator.away.add(await me(guardian))
    r = await guardian.post(f"{PM}/{pid}/guardian-position", json={"x": 400, "y": 100})
    assert r.json() == {"on_site": False, "state": "paused", "alarm_raised": True}
    assert await alarm_codes(app, pid) == ["3/31"]
    # Back on post the work resumes; then he hands over to 何平 and is no longer the guardian.
    locator.away.clear()
    assert (await act(safety, pid, "resume")).status_code == 200
    r = await guardian.post(
        f"{PM}/{pid}/guardian-handover", json={"to_person_id": people["何平"], "note": "交班"}
    )
    assert r.status_code == 204
    body = (await safety.get(f"{PM}/{pid}")).json()
    active = {p["name"] for p in body["people"] if p["role"] == "guardian" and p["active"]}
    assert active == {"何平"} and body["timeline"][-1]["action"] == "guardian_handover"
    # the open pages follow: a realtime permits.changed with the hand-over, the state unchanged
    async with app.state.database.transaction(write=False) as s:
        sent = (
            await s.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.event_name == "permits.changed")
            )
        ).all()
    handed = [e for e in sent if e["permit_id"] == pid and e["action"] == "guardian_handover"]
    assert [(e["state"], e["previous"]) for e in handed] == [("in_progress", "in_progress")]
    assert (await guardian.get(f"{PM}/{pid}")).json()["my_roles"] == []
    r = await guardian.post(f"{PM}/{pid}/guardian-position", json={"x": 100, "y": 100})
    assert r.status_code == 403

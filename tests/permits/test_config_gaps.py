"""Permit configuration: a delegation (委托签批, AQ 3064.2-2025 §5.5.3) can be withdrawn before its end by
the delegator or a permit manager, and the delegate can no longer sign under it; a calendar period
(holidays, make-up workdays, special periods for the GB 30871-2022 §5.1.1 upgrade) is marked in one
request."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from anguan.core.timeline import AuditEntry, TimelineEntry
from anguan.permits import config_api
from anguan.permits.locales import MESSAGES
from anguan.permits.models import CalendarDay, SigningDelegation
from tests.permits.support import NOW, PM, act, me, new_permit
from tests.permits.test_api_flow import SAME_DAY
from tests.permits.test_config import _to_signing, _user_id

CFG = "/api/v1/permits-config"


async def _delegate(
    client: Any, to_user_id: int, role: str, start: Any = NOW, hours: int = 8
) -> dict[str, Any]:
    r = await client.post(
        f"{CFG}/delegations",
        json={
            "to_user_id": to_user_id,
            "role": role,
            "valid_from": start.isoformat(),
            "valid_until": (start + timedelta(hours=hours)).isoformat(),
            "reason": "出差",
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _listed(client: Any, delegation_id: int) -> dict[str, Any]:
    return dict(next(d for d in (await client.get(f"{CFG}/delegations")).json() if d["id"] == delegation_id))


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


# ------------------------------------------------------------------------------ delegations


async def test_a_delegate_signs_before_the_withdrawal_and_not_after(app: Any, world: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    # 一级动火: 作业负责人 → 所在单位 (the leader) → 安全管理部门 → 动火审批人 (both the safety department).
    pid = (await new_permit(safety, people, grade="1", **SAME_DAY))["id"]
    await _to_signing(safety, pid, people)
    for _ in range(2):
        assert (await act(leader, pid, "sign", opinion="同意")).status_code == 200
    d = await _delegate(safety, await _user_id(app, "leader"), "safety_dept")
    assert d["withdrawn_at"] is None and d["withdrawn_by"] is None
    # In force: the delegate is offered the step and signs it for the delegator.
    assert (await leader.get(f"{PM}/{pid}")).json()["can_sign"] is True
    body = (await act(leader, pid, "sign", opinion="受托签批")).json()
    sig = body["signatures"][-1]
    assert (sig["step"], sig["signer_name"], sig["on_behalf_of"]) == (
        "safety_dept",
        "leader",
        await me(safety),
    )
    assert body["next_step"] == "hot_work_approver"
    assert (await leader.get(f"{PM}/{pid}")).json()["can_sign"] is True
    # Withdrawn (at the same instant: the clock does not move): the next step is refused to him.
    assert (await safety.delete(f"{CFG}/delegations/{d['id']}")).status_code == 204
    assert (await leader.get(f"{PM}/{pid}")).json()["can_sign"] is False
    r = await act(leader, pid, "sign", opinion="撤回后代签")
    assert r.status_code == 403 and r.json()["code"] == "permits.not_your_step"
    assert (await act(safety, pid, "sign", opinion="同意动火")).status_code == 200  # the delegator still can
    # The delegation stays on record: its period ends at the withdrawal, with who withdrew it.
    listed = await _listed(leader, d["id"])
    assert _at(listed["valid_from"]) == NOW and listed["reason"] == "出差"
    assert listed["valid_until"] == listed["withdrawn_at"] and listed["withdrawn_by"] == "safety"
    assert _at(listed["withdrawn_at"]) == NOW
    async with app.state.database.transaction(write=False) as s:
        row = await s.get(SigningDelegation, d["id"])
        assert row is not None and row.valid_until == NOW
        audit = (
            await s.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "permits.delegation_withdrawn", AuditEntry.target_id == str(d["id"])
                )
            )
        ).one()
        assert audit.actor_username == "safety"
        assert _at(audit.detail["valid_until"]) == NOW + timedelta(hours=8)
        assert _at(audit.detail["ended_at"]) == NOW
        entry = (
            await s.scalars(
                select(TimelineEntry).where(
                    TimelineEntry.entity_type == "pm_delegation", TimelineEntry.entity_id == str(d["id"])
                )
            )
        ).one()
        assert (entry.action, entry.from_state, entry.to_state) == ("withdrawn", "active", "withdrawn")


async def test_who_may_withdraw_a_delegation(app: Any, world: Any) -> None:
    callers, _, _ = world
    safety, leader, operator = await callers("safety"), await callers("leader"), await callers("operator")
    safety_id, leader_id = await _user_id(app, "safety"), await _user_id(app, "leader")
    given = await _delegate(safety, leader_id, "safety_dept")
    # Neither the delegate nor a third user may withdraw it; an unknown id is 404.
    for client in (leader, operator):
        r = await client.delete(f"{CFG}/delegations/{given['id']}")
        assert r.status_code == 403 and r.json()["code"] == "permits.not_your_delegation", r.text
        assert r.json()["message"]
    r = await safety.delete(f"{CFG}/delegations/987654")
    assert r.status_code == 404 and r.json()["code"] == "permits.delegation_not_found"
    # The delegator withdraws their own (leader → safety for 所在单位) …
    own = await _delegate(leader, safety_id, "unit")
    assert (await leader.delete(f"{CFG}/delegations/{own['id']}")).status_code == 204
    # … a permit manager anyone's; a second withdrawal finds it ended and changes nothing.
    assert (await safety.delete(f"{CFG}/delegations/{given['id']}")).status_code == 204
    r = await safety.delete(f"{CFG}/delegations/{given['id']}")
    assert r.status_code == 409 and r.json()["code"] == "permits.delegation_ended"
    # One that has not started yet ends at its start: it never takes effect, its start is kept.
    later = await _delegate(leader, safety_id, "unit", start=NOW + timedelta(days=2))
    assert (await leader.delete(f"{CFG}/delegations/{later['id']}")).status_code == 204
    listed = await _listed(leader, later["id"])
    assert _at(listed["valid_from"]) == _at(listed["valid_until"]) == NOW + timedelta(days=2)
    assert listed["withdrawn_by"] == "leader"
    # An expired one cannot be withdrawn.
    async with app.state.database.transaction() as s:
        row = SigningDelegation(
            from_user_id=leader_id,
            to_user_id=safety_id,
            role="unit",
            valid_from=NOW - timedelta(days=2),
            valid_until=NOW - timedelta(days=1),
        )
        s.add(row)
        await s.flush()
        expired = row.id
    r = await leader.delete(f"{CFG}/delegations/{expired}")
    assert r.status_code == 409 and r.json()["code"] == "permits.delegation_ended"
    assert (await _listed(leader, expired))["withdrawn_at"] is None


# ------------------------------------------------------------------------------ calendar periods


async def _days(app: Any, kind: str) -> dict[date, str]:
    async with app.state.database.transaction(write=False) as s:
        rows = (
            await s.execute(select(CalendarDay.day, CalendarDay.name).where(CalendarDay.kind == kind))
        ).all()
    return {d: n for d, n in rows}


async def test_a_calendar_period_is_marked_in_one_request(app: Any, world: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    # 2027-03-03 is already a special day; marking 03-02 … 03-04 adds the other two and says so.
    r = await safety.post(
        f"{CFG}/calendar", json={"day": "2027-03-03", "kind": "special", "name": "两会保障"}
    )
    assert r.status_code == 201
    r = await safety.post(
        f"{CFG}/calendar/range",
        json={"from": "2027-03-02", "to": "2027-03-04", "kind": "special", "name": "检修周"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert [(d["day"], d["kind"], d["name"]) for d in body["created"]] == [
        ("2027-03-02", "special", "检修周"),
        ("2027-03-04", "special", "检修周"),
    ]
    assert body["skipped"] == ["2027-03-03"]
    special = await _days(app, "special")
    assert special[date(2027, 3, 3)] == "两会保障" and special[date(2027, 3, 4)] == "检修周"
    # The same day as another kind is no clash (a holiday is not a special period).
    r = await safety.post(
        f"{CFG}/calendar/range",
        json={"from": "2027-03-03", "to": "2027-03-03", "kind": "holiday", "name": "厂休"},
    )
    assert r.status_code == 201 and [d["day"] for d in r.json()["created"]] == ["2027-03-03"]
    # Every day already marked: 409 with the days, nothing changes.
    before = await _days(app, "special")
    r = await safety.post(
        f"{CFG}/calendar/range",
        json={"from": "2027-03-02", "to": "2027-03-04", "kind": "special", "name": "重复"},
    )
    assert r.status_code == 409 and r.json()["code"] == "permits.calendar_day_exists"
    assert r.json()["params"] == {"days": ["2027-03-02", "2027-03-03", "2027-03-04"]}
    assert await _days(app, "special") == before
    # The upgrade reads the new days: 二级 hot work tomorrow (03-03) becomes 一级 (special period 43).
    p = await new_permit(safety, people)
    assert (p["required_grade"], p["upgrade_causes"]) == ("1", ["40", "43"])
    # A whole leap year (366 days) is the longest period.
    r = await safety.post(
        f"{CFG}/calendar/range",
        json={"from": "2028-01-01", "to": "2028-12-31", "kind": "workday", "name": "演练"},
    )
    assert r.status_code == 201 and len(r.json()["created"]) == 366
    listed = (await safety.get(f"{CFG}/calendar", params={"year": 2028})).json()
    assert len([d for d in listed if d["kind"] == "workday"]) == 366
    # Refused, changing nothing: backwards, too long, not permits.manage, unknown kind, `from_`.
    before = await _days(app, "holiday")
    for first, last in (("2027-05-05", "2027-05-01"), ("2029-01-01", "2030-01-02")):
        r = await safety.post(
            f"{CFG}/calendar/range", json={"from": first, "to": last, "kind": "holiday", "name": "x"}
        )
        assert r.status_code == 422 and r.json()["code"] == "permits.calendar_range_invalid", r.text
        assert r.json()["params"] == {"first": first, "last": last, "max": 366}
    period = {"from": "2027-05-01", "to": "2027-05-05", "kind": "holiday", "name": "劳动节"}
    r = await leader.post(f"{CFG}/calendar/range", json=period)
    assert r.status_code == 403
    for bad in (
        {**period, "kind": "weekend"},
        {"from_": "2027-05-01", "to": "2027-05-05", "kind": "holiday"},
    ):
        r = await safety.post(f"{CFG}/calendar/range", json=bad)
        assert r.status_code == 422 and r.json()["code"] == "common.validation_error"
    assert await _days(app, "holiday") == before


def test_every_code_the_configuration_raises_has_both_messages() -> None:
    raised = re.compile(r'(?:NotFound|Forbidden|Conflict|Unprocessable|BadRequest)\(\s*"([a-z_]+\.[a-z_]+)"')
    codes = set(raised.findall(Path(config_api.__file__).read_text(encoding="utf-8")))
    assert {
        "permits.delegation_not_found",
        "permits.not_your_delegation",
        "permits.delegation_ended",
        "permits.calendar_range_invalid",
        "permits.calendar_day_exists",
    } <= codes
    for code in codes:
        assert set(MESSAGES[code]) == {"zh-CN", "en-US"}, code

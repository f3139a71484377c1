"""Interlock bypass workflow (联锁旁路): the transition table enumerated, four-eyes approval, time
bounds, one open bypass per interlock, permissions and data scope, the overdue alarm at its boundary
(exactly at approved_until is not overdue, one second later is) firing once, and the Excel export."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from anguan.basics import bypass_service
from anguan.basics.events import BypassOverdue
from anguan.basics.models import Bypass, Interlock
from anguan.core.events import OutboxMessage
from anguan.core.time import Clock
from anguan.core.timeline import AuditEntry, TimelineEntry
from anguan.notify.models import InboxItem, Message
from anguan.simulator.seed import DEMO_USERS
from tests.basics.ops_support import API, NOW, World, api, world
from tests.plant.support import Callers

DISPLAY = {u.username: u.display_name for u in DEMO_USERS}  # bypass records name people as displayed

__all__ = ["api", "world"]
STATES = ("requested", "approved", "active", "removed", "rejected", "cancelled")


def iso(delta: timedelta) -> str:
    return (NOW + delta).isoformat()


async def _bypass(
    w: World, area: str, status: str, *, requested_by: str = "leader", until: timedelta = timedelta(days=1)
) -> int:
    """A bypass in a given state (built as the workflow would have left it) on a fresh interlock."""
    tag = f"IL-{status}-{area}"
    (il_id,) = await w.add(w.interlock(tag, area, status="bypassed" if status == "active" else "in_service"))
    approved = status in ("approved", "active", "removed")
    b = Bypass(
        interlock_id=il_id,
        reason="仪表检修",
        measures="现场专人监护",
        requested_by=w.ids["user:" + requested_by],
        requested_by_name=requested_by,
        requested_until=NOW + timedelta(days=2),
        approved_until=NOW + until if approved else None,
        approved_at=NOW if approved else None,
        applied_at=NOW if status in ("active", "removed") else None,
        status=status,
    )
    (bid,) = await w.add(b)
    return bid


BODIES: dict[str, dict[str, Any]] = {
    "approve": {"approved_until": iso(timedelta(hours=12)), "note": "同意"},
    "reject": {"note": "措施不足"},
    "apply": {},
    "remove": {},
    "cancel": {"note": "不再需要"},
}
ACTOR_OF = {
    "approve": "approver",
    "reject": "approver",
    "apply": "leader",
    "remove": "leader",
    "cancel": "leader",
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(bypass_service.TRANSITIONS))
async def test_transition_table(world: World, api: Callers, action: str, state: str) -> None:
    await world.add_user("approver", "safety_manager", ("all", None))
    bid = await _bypass(world, "PU-01", state)
    client = await api(ACTOR_OF[action])
    r = await client.post(f"{API}/bypasses/{bid}/{action}", json=BODIES[action])
    t = bypass_service.TRANSITIONS[action]
    after = await world.get(Bypass, bid)
    entries = await world.count(
        TimelineEntry, TimelineEntry.entity_type == bypass_service.ENTITY, TimelineEntry.entity_id == str(bid)
    )
    if state in t.sources:
        assert r.status_code == 200, r.text
        assert r.json()["status"] == t.target == after.status
        assert entries == 1
        il = await world.get(Interlock, after.interlock_id)
        expected = {"apply": "bypassed", "remove": "in_service"}.get(
            action, "bypassed" if state == "active" else "in_service"
        )
        assert il.status == expected
    else:
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "basics.bypass_bad_state"
        assert after.status == state and entries == 0


async def test_full_lifecycle_with_audit_timeline_and_notice(world: World, api: Callers) -> None:
    (il_id,) = await world.add(world.interlock("SIS-201", "PU-01"))
    leader, safety = await api("leader"), await api("safety")
    r = await leader.post(
        f"{API}/bypasses",
        json={
            "interlock_id": il_id,
            "reason": "变送器更换",
            "measures": "手动监控，专人值守",
            "requested_until": iso(timedelta(hours=8)),
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    bid = body["id"]
    assert (body["status"], body["requested_by_name"], body["interlock_tag"]) == (
        "requested",
        DISPLAY["leader"],
        "SIS-201",
    )
    # The approver in scope is told (and the requester is not).
    notice = await world.count(InboxItem, InboxItem.user_id == world.ids["user:safety"])
    assert notice == 1
    assert await world.count(Message, Message.category == "basics.bypass_requested") == 1

    r = await safety.post(f"{API}/bypasses/{bid}/approve", json={"approved_until": iso(timedelta(hours=4))})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["approved_by_name"]) == ("approved", DISPLAY["safety"])
    r = await leader.post(f"{API}/bypasses/{bid}/apply")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["interlock_status"]) == ("active", "bypassed")
    assert (await world.get(Interlock, il_id)).status == "bypassed"
    r = await leader.post(f"{API}/bypasses/{bid}/remove", json={"note": "已恢复投用"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["interlock_status"], r.json()["removed_by_name"]) == (
        "removed",
        "in_service",
        DISPLAY["leader"],
    )

    r = await safety.get(f"{API}/bypasses/{bid}/timeline")
    assert [(e["action"], e["from_state"], e["to_state"], e["actor_name"]) for e in r.json()] == [
        ("request", None, "requested", "leader"),
        ("approve", "requested", "approved", "safety"),
        ("apply", "approved", "active", "leader"),
        ("remove", "active", "removed", "leader"),
    ]
    async with world.db.transaction(write=False) as s:
        actions = (
            await s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.target_type == "basics_bypass")
                .order_by(AuditEntry.seq)
            )
        ).all()
        outbox = (await s.scalars(select(OutboxMessage.event_name))).all()
    assert list(actions) == [
        "basics.bypass_request",
        "basics.bypass_approve",
        "basics.bypass_apply",
        "basics.bypass_remove",
    ]
    assert outbox.count("basics.bypass_changed") == 4
    # Closed: a new bypass of the same interlock may be requested again.
    r = await leader.post(
        f"{API}/bypasses",
        json={
            "interlock_id": il_id,
            "reason": "再次检修",
            "measures": "监护",
            "requested_until": iso(timedelta(hours=8)),
        },
    )
    assert r.status_code == 201, r.text


async def test_the_requester_cannot_approve(world: World, api: Callers) -> None:
    bid = await _bypass(world, "PU-01", "requested", requested_by="safety")
    safety = await api("safety")
    r = await safety.post(f"{API}/bypasses/{bid}/approve", json={"approved_until": iso(timedelta(hours=1))})
    assert r.status_code == 403 and r.json()["code"] == "basics.bypass_self_approval"
    assert (await world.get(Bypass, bid)).status == "requested"
    async with world.db.transaction(write=False) as s:
        denied = (await s.scalars(select(AuditEntry.action).where(AuditEntry.result == "denied"))).all()
    assert denied == ["access.denied"]


@pytest.mark.parametrize(
    ("until", "code"),
    [
        (timedelta(0), "basics.bypass_until_past"),  # exactly now is not in the future
        (timedelta(seconds=-1), "basics.bypass_until_past"),
        (timedelta(days=2, seconds=1), "basics.bypass_until_beyond_request"),
    ],
)
async def test_approval_time_bounds(world: World, api: Callers, until: timedelta, code: str) -> None:
    bid = await _bypass(world, "PU-01", "requested")
    r = await (await api("safety")).post(f"{API}/bypasses/{bid}/approve", json={"approved_until": iso(until)})
    assert r.status_code == 422 and r.json()["code"] == code
    assert (await world.get(Bypass, bid)).status == "requested"


async def test_approval_up_to_the_requested_end_is_accepted(world: World, api: Callers) -> None:
    bid = await _bypass(world, "PU-01", "requested")
    r = await (await api("safety")).post(
        f"{API}/bypasses/{bid}/approve", json={"approved_until": iso(timedelta(days=2))}
    )
    assert r.status_code == 200, r.text


async def test_request_refusals(world: World, api: Callers) -> None:
    (il_id, oos_id) = await world.add(
        world.interlock("SIS-1", "PU-01"), world.interlock("SIS-2", "PU-01", status="out_of_service")
    )
    leader = await api("leader")
    ok = {
        "interlock_id": il_id,
        "reason": "检修",
        "measures": "监护",
        "requested_until": iso(timedelta(hours=1)),
    }
    cases = [
        ({**ok, "requested_until": iso(timedelta(0))}, 422, "basics.bypass_until_past"),
        ({**ok, "requested_until": "2027-01-16T10:00:00"}, 422, "common.validation_error"),  # no offset
        ({**ok, "measures": "  "}, 422, "common.validation_error"),
        ({**ok, "interlock_id": 999999}, 404, "basics.interlock_not_found"),
        ({**ok, "interlock_id": oos_id}, 409, "basics.interlock_not_in_service"),
        ({**ok, "extra": 1}, 422, "common.validation_error"),
    ]
    for body, status, code in cases:
        r = await leader.post(f"{API}/bypasses", json=body)
        assert (r.status_code, r.json()["code"]) == (status, code), body
    assert await world.count(Bypass) == 0
    first = await leader.post(f"{API}/bypasses", json=ok)
    assert first.status_code == 201
    r = await leader.post(f"{API}/bypasses", json=ok)
    assert r.status_code == 409 and r.json()["code"] == "basics.bypass_open_exists"
    assert r.json()["params"]["bypass_id"] == first.json()["id"]


async def test_an_approval_that_ended_cannot_be_applied(
    world: World, api: Callers, frozen_clock: Clock
) -> None:
    bid = await _bypass(world, "PU-01", "approved", until=timedelta(hours=1))
    leader = await api("leader")
    frozen_clock.freeze(NOW + timedelta(hours=1, seconds=1))
    r = await leader.post(f"{API}/bypasses/{bid}/apply")
    assert r.status_code == 409 and r.json()["code"] == "basics.bypass_approval_expired"
    frozen_clock.freeze(NOW + timedelta(hours=1))  # exactly at the end: still approved
    r = await leader.post(f"{API}/bypasses/{bid}/apply")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("username", "method", "path", "body"),
    [
        (
            "operator",
            "post",
            "/bypasses",
            {"interlock_id": 1, "reason": "x", "measures": "y", "requested_until": iso(timedelta(hours=1))},
        ),
        ("leader", "post", "/bypasses/{id}/approve", {"approved_until": iso(timedelta(hours=1))}),
        ("leader", "post", "/bypasses/{id}/reject", {"note": "no"}),
        ("operator", "post", "/bypasses/{id}/cancel", {}),
        ("contractor", "get", "/bypasses", None),
        ("contractor", "get", "/bypasses/{id}", None),
    ],
)
async def test_permissions(
    world: World, api: Callers, username: str, method: str, path: str, body: Any
) -> None:
    bid = await _bypass(world, "PU-01", "requested")
    client = await api(username)
    kwargs = {"json": body} if body is not None else {}
    r = await getattr(client, method)(API + path.format(id=bid), **kwargs)
    assert r.status_code == 403 and r.json()["code"] == "common.forbidden"
    assert (await world.get(Bypass, bid)).status == "requested"


async def test_data_scope(world: World, api: Callers) -> None:
    syn = await _bypass(world, "PU-01", "requested")
    stor = await _bypass(world, "TF-01", "requested")
    leader, inspector = await api("leader"), await api("inspector")  # SYN / STOR departments
    r = await leader.get(f"{API}/bypasses")
    assert [b["id"] for b in r.json()["items"]] == [syn]
    r = await inspector.get(f"{API}/bypasses")
    assert [b["id"] for b in r.json()["items"]] == [stor]
    r = await leader.get(f"{API}/bypasses/{stor}")
    assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"
    r = await leader.post(f"{API}/bypasses/{stor}/cancel")
    assert r.status_code == 403
    tf_il = (await world.get(Bypass, stor)).interlock_id
    r = await leader.post(
        f"{API}/bypasses",
        json={
            "interlock_id": tf_il,
            "reason": "x",
            "measures": "y",
            "requested_until": iso(timedelta(hours=1)),
        },
    )
    assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"
    assert (await world.get(Bypass, stor)).status == "requested"
    r = await leader.get(f"{API}/bypasses/999999")
    assert r.status_code == 404 and r.json()["code"] == "basics.bypass_not_found"
    r = await leader.get(f"{API}/bypasses/0")
    assert r.status_code == 422


async def test_list_filters_sort_and_export(world: World, api: Callers) -> None:
    ids = {s: await _bypass(world, "PU-01", s) for s in ("requested", "active", "removed")}
    safety = await api("safety")
    r = await safety.get(f"{API}/bypasses", params={"status": "active"})
    assert [b["id"] for b in r.json()["items"]] == [ids["active"]]
    r = await safety.get(f"{API}/bypasses", params={"sort": "id", "page_size": 2})
    assert r.json()["total"] == 3 and [b["id"] for b in r.json()["items"]] == sorted(ids.values())[:2]
    assert (await safety.get(f"{API}/bypasses", params={"status": "open"})).status_code == 422
    assert (await safety.get(f"{API}/bypasses", params={"sort": "reason"})).status_code == 400
    r = await safety.get(f"{API}/bypasses/export.xlsx", params={"status": "active"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号 No.", "联锁位号 Interlock tag", "联锁名称 Interlock name", "状态 Status")
    assert len(rows) == 2 and rows[1][0] == ids["active"] and rows[1][3] == "旁路中 active"
    # Excel has no time zone: 2027-01-16 10:00 in Shanghai.
    assert rows[1][10].isoformat() == "2027-01-16T10:00:00"


async def test_overdue_alarm_fires_once_at_its_boundary(world: World) -> None:
    await world.add_user("stor_approver", "safety_manager", ("department", world.ids["dept:STOR"]))
    bid = await _bypass(world, "PU-01", "active")  # approved until NOW + 1 day, requested by leader
    until = NOW + timedelta(days=1)
    bus = world.app.state.bus
    async with world.db.transaction() as s:
        assert await bypass_service.check_overdue_bypasses(s, bus, until) == 0  # exactly at the end
    async with world.db.transaction() as s:
        assert await bypass_service.check_overdue_bypasses(s, bus, until + timedelta(seconds=1)) == 1
    async with world.db.transaction() as s:
        assert await bypass_service.check_overdue_bypasses(s, bus, until + timedelta(seconds=2)) == 0
    assert (await world.get(Bypass, bid)).overdue_alarmed_at == until + timedelta(seconds=1)
    async with world.db.transaction(write=False) as s:
        msg = (await s.scalars(select(Message).where(Message.category == "basics.bypass_overdue"))).one()
        users = set((await s.scalars(select(InboxItem.user_id).where(InboxItem.message_id == msg.id))).all())
        events = (
            await s.scalars(select(OutboxMessage).where(OutboxMessage.event_name == BypassOverdue.name))
        ).all()
    assert (msg.severity, msg.dedupe_key, msg.link) == (
        "urgent",
        f"basics.bypass_overdue:{bid}",
        f"/basics/bypasses?id={bid}",
    )
    # Approvers who see the interlock (safety: all data) and the requester; not the STOR approver.
    assert users == {world.ids["user:safety"], world.ids["user:leader"]}
    assert len(events) == 1 and events[0].payload["bypass_id"] == bid
    assert await world.count(AuditEntry, AuditEntry.action == "basics.bypass_overdue") == 1


async def test_overdue_check_ignores_removed_and_not_applied_bypasses(world: World) -> None:
    for state in ("approved", "removed", "requested"):
        await _bypass(world, "PU-01", state)
    async with world.db.transaction() as s:
        assert not await bypass_service.overdue_pending(s)
        assert (
            await bypass_service.check_overdue_bypasses(s, world.app.state.bus, NOW + timedelta(days=3)) == 0
        )


async def test_the_worker_job_as_app_py_wires_it(world: World, frozen_clock: Clock) -> None:
    from anguan.core.jobs import Scheduler

    bid = await _bypass(world, "PU-01", "active", until=timedelta(hours=1))
    bus = world.app.state.bus
    scheduler = Scheduler(world.db)

    async def bypass_overdue(session):  # type: ignore[no-untyped-def]
        return await bypass_service.job_check_bypasses(session, bus)

    scheduler.add("basics.bypass_overdue", 30.0, bypass_overdue, probe=bypass_service.overdue_pending)
    assert await scheduler.run_once("basics.bypass_overdue") == 0  # the probe finds nothing yet
    frozen_clock.freeze(NOW + timedelta(hours=1, seconds=1))
    assert await scheduler.run_once("basics.bypass_overdue") == 1
    assert await scheduler.run_once("basics.bypass_overdue") == 0
    assert (await world.get(Bypass, bid)).overdue_alarmed_at == NOW + timedelta(hours=1, seconds=1)

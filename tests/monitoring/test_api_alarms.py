"""Alarm handling through the API (ISA-18.2 / OPC UA Part 9): list and filters, acknowledge (with the
occurrence seen), shelve with reason and limit, auto-unshelve and re-annunciation (AL-7), out of
service, comments; journal, audit and events for every action; refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from anguan.core.events import OutboxMessage
from anguan.identity import permissions as P
from anguan.monitoring import service
from anguan.monitoring.events import AlarmChanged
from anguan.monitoring.kpi import MAX_SHELVE_MINUTES
from anguan.monitoring.models import Alarm
from tests.monitoring import support
from tests.monitoring.support import (
    API,
    SITE,
    audit_actions,
    engine_activate,
    engine_return,
    journal,
    last_audit_seq,
    make_point,
    mon_snapshot,
    user_id,
)

# Fixtures shared by the monitoring API tests.
callers = support.callers
events = support.events
ids = support.ids

# Engine history a little in the past, so journal order by time matches the order of the test.
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


async def _alarm(db: Any, alarm_id: int) -> Alarm:
    async with db.transaction(write=False) as s:
        return (await s.scalars(select(Alarm).where(Alarm.id == alarm_id))).one()


async def _outbox(db: Any) -> list[tuple[str, dict[str, Any]]]:
    async with db.transaction(write=False) as s:
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    return [(r.event_name, r.payload) for r in rows]


@pytest.fixture
async def plant(app: Any, callers: Any, ids: dict[str, int]) -> dict[str, Any]:
    """Two points in the process unit (PU-01) and one in the tank farm (TF-01); H of the first active."""
    safety = await callers("safety")
    site = ids[SITE]
    pu1 = await make_point(safety, site, "TST-PU-1", area_id=ids["PU-01"], prio_hh="urgent")
    pu2 = await make_point(safety, site, "TST-PU-2", area_id=ids["PU-01"])
    tf = await make_point(safety, site, "TST-TF-1", area_id=ids["TF-01"])
    db = app.state.database
    h = await engine_activate(db, pu1["id"], "H", T0, value=16.4)
    return {"pu1": pu1, "pu2": pu2, "tf": tf, "h": h}


async def test_acknowledge_the_occurrence_seen(
    app: Any, callers: Any, plant: dict[str, Any], events: list[Any], frozen_clock: Any
):
    base = datetime.now(UTC).replace(microsecond=0)
    frozen_clock.freeze(base)
    operator = await callers("operator")
    db = app.state.database
    alarm_id = plant["h"]
    r = await operator.get(f"{API}/alarms/{alarm_id}")
    assert r.status_code == 200
    view = r.json()
    assert (view["state"], view["occurrence"], view["tag"], view["priority"]) == (
        "unack",
        1,
        "TST-PU-1",
        "medium",
    )

    seq = await last_audit_seq(db)
    before = await mon_snapshot(db)
    r = await operator.post(f"{API}/alarms/{alarm_id}/ack", json={"occurrence": 2})
    assert r.status_code == 409 and r.json()["code"] == "monitoring.alarm_occurrence_changed"
    assert await mon_snapshot(db) == before

    r = await operator.post(f"{API}/alarms/{alarm_id}/ack", json={"occurrence": 1})
    assert r.status_code == 200, r.text
    acked = r.json()
    assert (acked["state"], acked["acked"], acked["rev"]) == ("acked", True, view["rev"] + 1)
    assert acked["acked_by"] is not None and acked["acked_at"] is not None
    assert [(e.change, e.alarm.rev) for e in events if isinstance(e, AlarmChanged)] == [
        ("acknowledged", acked["rev"])
    ]
    assert await audit_actions(db, seq) == [("monitoring.alarm_acknowledged", "ok", "operator")]
    assert [k for k, _, _ in await journal(db, alarm_id)] == ["activated", "acknowledged"]

    r = await operator.post(f"{API}/alarms/{alarm_id}/ack", json={"occurrence": 1})
    assert r.status_code == 409 and r.json()["code"] == "monitoring.alarm_already_acked"

    # The operator saw occurrence 2; the engine returned and re-activated it (occurrence 3) meanwhile.
    await engine_return(db, alarm_id, base + timedelta(minutes=1))
    await engine_activate(db, plant["pu1"]["id"], "H", base + timedelta(minutes=2))
    await engine_return(db, alarm_id, base + timedelta(minutes=3))
    await engine_activate(db, plant["pu1"]["id"], "H", base + timedelta(minutes=4))
    r = await operator.post(f"{API}/alarms/{alarm_id}/ack", json={"occurrence": 2})
    assert r.status_code == 409 and r.json()["params"] == {"given": 2, "current": 3}

    # Acknowledging a returned alarm (rtn_unack → normal) releases linkage through the outbox.
    await engine_return(db, alarm_id, base + timedelta(minutes=5))
    frozen_clock.advance(timedelta(minutes=10))
    assert (await operator.get(f"{API}/alarms/{alarm_id}")).json()["state"] == "rtn_unack"
    r = await operator.post(f"{API}/alarms/{alarm_id}/ack", json={"occurrence": 3})
    assert r.json()["state"] == "normal"
    cleared = [p for name, p in await _outbox(db) if name == "monitoring.alarm_cleared"]
    assert [(p["alarm_id"], p["condition"]) for p in cleared] == [(alarm_id, "H")]

    r = await operator.get(f"{API}/alarms/{alarm_id}/events?page_size=3")
    page = r.json()
    assert page["total"] == 8
    assert [e["kind"] for e in page["items"]] == ["acknowledged", "returned", "activated"]
    assert page["items"][0]["actor_name"] == "操作员 张伟"


async def test_list_filters_and_console_order(app: Any, callers: Any, plant: dict[str, Any]):
    operator = await callers("operator")
    db = app.state.database
    hh = await engine_activate(db, plant["pu1"]["id"], "HH", T0 + timedelta(minutes=1))  # urgent
    l2 = await engine_activate(db, plant["pu2"]["id"], "L", T0 + timedelta(minutes=2))  # medium, newer
    tf = await engine_activate(db, plant["tf"]["id"], "LL", T0 + timedelta(minutes=3))  # high
    await engine_return(db, tf, T0 + timedelta(minutes=4))  # rtn_unack: still annunciated

    async def listed(query: str = "") -> list[int]:
        r = await operator.get(f"{API}/alarms?q=TST-&{query}")
        assert r.status_code == 200, r.text
        return [a["id"] for a in r.json()["items"]]

    assert await listed() == [hh, tf, l2, plant["h"]]
    assert await listed("priority=medium") == [l2, plant["h"]]
    assert await listed("condition=LL") == [tf]
    assert await listed("console=PU-01") == [hh, l2, plant["h"]]
    assert await listed("sort=activated_at") == [plant["h"], hh, l2, tf]
    await operator.post(f"{API}/alarms/{tf}/ack", json={"occurrence": 1})
    assert await listed() == [hh, l2, plant["h"]]  # normal now
    assert await listed("state=all") == [hh, tf, l2, plant["h"]]
    await operator.post(f"{API}/alarms/{l2}/ack", json={"occurrence": 1})
    assert await listed("state=unacked") == [hh, plant["h"]]
    await operator.post(f"{API}/alarms/{l2}/shelve", json={"reason": "仪表检修中", "minutes": 60})
    assert await listed("state=shelved") == [l2]
    assert l2 not in await listed()
    leader = await callers("leader")
    await leader.post(f"{API}/alarms/{hh}/oos", json={"reason": "联锁回路检修"})
    assert await listed("state=oos") == [hh]
    assert hh not in await listed()
    r = await operator.get(f"{API}/alarms?state=everything")
    assert r.status_code == 422


async def test_bulk_acknowledge(app: Any, callers: Any, plant: dict[str, Any]):
    operator = await callers("operator")
    db = app.state.database
    l2 = await engine_activate(db, plant["pu2"]["id"], "L", T0)
    r = await operator.post(f"{API}/alarms/ack", json={"ids": [plant["h"], l2, l2, 999999]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [a["id"] for a in body["acked"]] == [plant["h"], l2]
    assert body["skipped"] == [{"id": 999999, "code": "monitoring.alarm_not_found"}]
    r = await operator.post(f"{API}/alarms/ack", json={"ids": [l2]})
    assert r.json()["skipped"] == [{"id": l2, "code": "monitoring.alarm_already_acked"}]
    # An alarm outside the caller's scope is reported as not found, never acknowledged.
    tf = await engine_activate(db, plant["tf"]["id"], "H", T0)
    leader = await callers("leader")
    r = await leader.post(f"{API}/alarms/ack", json={"ids": [tf]})
    assert r.json() == {"acked": [], "skipped": [{"id": tf, "code": "monitoring.alarm_not_found"}]}
    assert (await _alarm(db, tf)).acked is False
    assert (await operator.post(f"{API}/alarms/ack", json={"ids": []})).status_code == 422


async def test_shelve_input_is_checked_and_changes_nothing(app: Any, callers: Any, plant: dict[str, Any]):
    operator = await callers("operator")
    db = app.state.database
    alarm_id = plant["h"]
    before = await mon_snapshot(db)
    bad = [
        ({"minutes": 30}, "common.validation_error"),  # no reason
        ({"reason": " a ", "minutes": 30}, "common.validation_error"),  # too short once trimmed
        ({"reason": "x" * 256, "minutes": 30}, "common.validation_error"),
        ({"reason": "检修", "minutes": 0}, "common.validation_error"),
        ({"reason": "检修", "minutes": MAX_SHELVE_MINUTES + 1}, "monitoring.shelve_too_long"),
        ({"reason": "检修", "minutes": 30, "until": "tomorrow"}, "common.validation_error"),
    ]
    for body, code in bad:
        r = await operator.post(f"{API}/alarms/{alarm_id}/shelve", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"] == code, body
    assert await mon_snapshot(db) == before
    r = await operator.post(f"{API}/alarms/{alarm_id}/unshelve")
    assert r.status_code == 409 and r.json()["code"] == "monitoring.alarm_not_shelved"
    r = await operator.post(f"{API}/alarms/999999/shelve", json={"reason": "检修", "minutes": 5})
    assert r.status_code == 404 and r.json()["code"] == "monitoring.alarm_not_found"
    inspector = await callers("inspector")  # monitoring.read only
    r = await inspector.post(f"{API}/alarms/{alarm_id}/shelve", json={"reason": "检修", "minutes": 5})
    assert r.status_code == 403 and r.json()["params"] == {"permission": P.MON_SHELVE}
    assert await mon_snapshot(db, audit=False) == {k: v for k, v in before.items() if k != "audit_log"}


async def test_shelve_then_expiry_reannunciates_AL7(
    app: Any, callers: Any, plant: dict[str, Any], events: list[Any], frozen_clock: Any
):
    """AL-7: shelved for 8 h at 08:00 and still active at 16:00 → auto-unshelved and annunciated again."""
    now = datetime.now(UTC).replace(microsecond=0)
    frozen_clock.freeze(now)
    operator = await callers("operator")
    db = app.state.database
    alarm_id = plant["h"]
    returned = await engine_activate(db, plant["pu2"]["id"], "H", T0)
    await operator.post(f"{API}/alarms/{alarm_id}/ack", json={"occurrence": 1})
    seq = await last_audit_seq(db)
    r = await operator.post(
        f"{API}/alarms/{alarm_id}/shelve", json={"reason": "  液位计校验  ", "minutes": 480}
    )
    assert r.status_code == 200, r.text
    shelved = r.json()
    assert shelved["shelve_reason"] == "液位计校验"
    assert datetime.fromisoformat(shelved["shelved_until"]) == now + timedelta(hours=8)
    r = await operator.post(f"{API}/alarms/{alarm_id}/shelve", json={"reason": "再次搁置", "minutes": 10})
    assert r.status_code == 409 and r.json()["code"] == "monitoring.alarm_already_shelved"
    await operator.post(f"{API}/alarms/{returned}/shelve", json={"reason": "现场确认中", "minutes": 60})
    await engine_return(db, returned, T0 + timedelta(minutes=1))
    events.clear()

    bus = app.state.bus
    async with db.transaction() as s:
        assert await service.unshelve_expired(s, bus, now + timedelta(minutes=59)) == 0
    async with db.transaction() as s:
        assert await service.unshelve_expired(s, bus, now + timedelta(hours=1)) == 1
    async with db.transaction() as s:
        assert await service.unshelve_expired(s, bus, now + timedelta(hours=8)) == 1
    async with db.transaction() as s:
        assert await service.unshelve_expired(s, bus, now + timedelta(hours=9)) == 0

    alarm = await _alarm(db, alarm_id)
    assert (alarm.shelved_until, alarm.shelve_reason, alarm.active, alarm.acked) == (None, None, True, False)
    assert [k for k, _, _ in await journal(db, alarm_id)] == [
        "activated",
        "acknowledged",
        "shelved",
        "unshelved",
        "reannunciated",
    ]
    back = await _alarm(db, returned)
    assert (back.shelved_until, back.active, back.acked) == (None, False, False)
    assert [(e.change, e.alarm.id) for e in events if isinstance(e, AlarmChanged)] == [
        ("unshelved", returned),
        ("reannunciated", alarm_id),
    ]
    actions = await audit_actions(db, seq)
    assert actions[0] == ("monitoring.alarm_shelved", "ok", "operator")
    assert actions[-2:] == [
        ("monitoring.alarm_unshelved", "ok", None),
        ("monitoring.alarm_unshelved", "ok", None),
    ]


async def test_manual_unshelve(app: Any, callers: Any, plant: dict[str, Any]):
    operator = await callers("operator")
    db = app.state.database
    alarm_id = plant["h"]
    await operator.post(f"{API}/alarms/{alarm_id}/shelve", json={"reason": "检修", "minutes": 30})
    r = await operator.post(f"{API}/alarms/{alarm_id}/unshelve")
    assert r.status_code == 200 and r.json()["shelved_until"] is None
    assert [k for k, _, _ in await journal(db, alarm_id)] == ["activated", "shelved", "unshelved"]


async def test_out_of_service_and_back(app: Any, callers: Any, plant: dict[str, Any], events: list[Any]):
    operator, leader = await callers("operator"), await callers("leader")
    db = app.state.database
    alarm_id = plant["h"]
    before = await mon_snapshot(db, audit=False)
    r = await operator.post(f"{API}/alarms/{alarm_id}/oos", json={"reason": "仪表检修"})
    assert r.status_code == 403 and r.json()["params"] == {"permission": P.MON_OOS}
    r = await leader.post(f"{API}/alarms/{alarm_id}/oos", json={})
    assert r.status_code == 422
    r = await leader.post(f"{API}/alarms/{alarm_id}/in-service")
    assert r.status_code == 409 and r.json()["code"] == "monitoring.alarm_in_service"
    assert await mon_snapshot(db, audit=False) == before

    await operator.post(f"{API}/alarms/{alarm_id}/shelve", json={"reason": "检修", "minutes": 30})
    seq = await last_audit_seq(db)
    r = await leader.post(f"{API}/alarms/{alarm_id}/oos", json={"reason": "液位计更换"})
    assert r.status_code == 200, r.text
    assert (r.json()["oos"], r.json()["oos_reason"], r.json()["shelved_until"]) == (True, "液位计更换", None)
    r = await operator.post(f"{API}/alarms/{alarm_id}/ack", json={"occurrence": 1})
    assert r.status_code == 409 and r.json()["code"] == "monitoring.alarm_out_of_service"
    r = await leader.post(f"{API}/alarms/{alarm_id}/oos", json={"reason": "再次"})
    assert r.status_code == 409

    await operator.post(f"{API}/alarms/{alarm_id}/comment", json={"text": "已联系仪表班"})
    r = await leader.post(f"{API}/alarms/{alarm_id}/in-service")
    assert r.status_code == 200
    # Still active when back in service: annunciated afresh and raised again for linkage.
    assert (r.json()["oos"], r.json()["state"]) == (False, "unack")
    outbox = [name for name, _ in await _outbox(db)]
    assert outbox == ["monitoring.alarm_cleared", "monitoring.alarm_raised"]
    assert await audit_actions(db, seq) == [
        ("monitoring.alarm_out_of_service", "ok", "leader"),
        ("monitoring.alarm_commented", "ok", "operator"),
        ("monitoring.alarm_in_service", "ok", "leader"),
    ]
    op_id, leader_id = await user_id(db, "operator"), await user_id(db, "leader")
    assert await journal(db, alarm_id) == [
        ("activated", None, None),
        ("shelved", op_id, "检修"),
        ("oos", leader_id, "液位计更换"),
        ("comment", op_id, "已联系仪表班"),
        ("in_service", leader_id, None),
    ]
    changes = [e.change for e in events if isinstance(e, AlarmChanged)]
    assert changes == ["shelved", "oos", "comment", "in_service"]


async def test_comment_and_scope(app: Any, callers: Any, plant: dict[str, Any]):
    operator, leader, inspector = (
        await callers("operator"),
        await callers("leader"),
        await callers("inspector"),
    )
    db = app.state.database
    tf = await engine_activate(db, plant["tf"]["id"], "H", T0)
    r = await operator.post(f"{API}/alarms/{plant['h']}/comment", json={"text": "  "})
    assert r.status_code == 422
    r = await operator.post(f"{API}/alarms/{plant['h']}/comment", json={"text": "现场确认为仪表漂移"})
    assert r.status_code == 200 and r.json()["rev"] == 2
    # Department-scoped users see their own areas only.
    for client, visible, hidden in ((leader, plant["h"], tf), (inspector, tf, plant["h"])):
        r = await client.get(f"{API}/alarms?q=TST-")
        assert [a["id"] for a in r.json()["items"]] == [visible]
        for path in (f"/alarms/{hidden}", f"/alarms/{hidden}/events"):
            r = await client.get(API + path)
            assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"
    before = await mon_snapshot(db, audit=False)
    r = await leader.post(f"{API}/alarms/{tf}/ack", json={"occurrence": 1})
    assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"
    assert await mon_snapshot(db, audit=False) == before
    contractor = await callers("contractor")
    assert (await contractor.get(f"{API}/alarms")).status_code == 403
    assert (await operator.get(f"{API}/alarms/999999")).status_code == 404

"""Reminder centre (提醒中心): tiers at their boundaries (91 days: nothing, exactly 90/30/7, due today
still valid, yesterday expired), rows that need no renewing, data scope, filters, the API and the
summary, and sending once per tier with recipients by permission and scope (plus a certificate's
holder) and severities by tier."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from anguan.basics import models as m
from anguan.basics import reminders
from anguan.core.errors import Unprocessable
from anguan.notify.models import InboxItem, Message
from tests.basics.ops_support import API, NOW, TODAY, World, api, world
from tests.plant.support import Callers

__all__ = ["api", "world"]


def d(days: int) -> date:
    return TODAY + timedelta(days=days)


def licence(name: str, **kw: Any) -> m.Licence:
    return m.Licence(type="safety_production_permit", number=f"No.{name}", name=name, **kw)


@pytest.fixture
async def data(world: World) -> dict[str, int]:
    """Rows around every boundary, and rows that must be skipped."""
    w = world
    ids: dict[str, int] = {}
    leader = w.ids["user:leader"]
    p1, p2 = w.person("张三", 1, user_id=leader), w.person("李四", 2, status="left")
    c1 = m.Contractor(
        name="甲建设",
        uscc="91130100MA0000001X",
        qualification_valid_until=d(60),
        safety_licence_valid_until=d(-1),
    )
    c2 = m.Contractor(
        name="乙建设", uscc="91130100MA0000002X", status="blacklisted", qualification_valid_until=d(-9)
    )
    il_oos = w.interlock("IL-OOS", "PU-01", status="out_of_service", next_due_on=d(-3))
    il = w.interlock("IL-2", "PU-01", next_due_on=d(7))
    for days in (91, 90, 31, 30, 8, 7, 0, -1):
        (ids[f"L{days}"],) = await w.add(licence(f"L{days}", valid_until=d(days)))
    (ids["review"], ids["superseded"]) = await w.add(
        licence("复评", review_due_on=d(30)), licence("旧证", valid_until=d(-1), status="superseded")
    )
    (ids["E1"], ids["E2"], ids["E3"]) = await w.add(
        m.Equipment(tag="PSV-1", name="安全阀", kind="safety_valve", site_id=w.ids["HB-01"], area_id=w.ids["PU-01"], next_due_on=d(10)),
        m.Equipment(tag="V-1", name="储罐", kind="pressure_vessel", site_id=w.ids["HB-01"], area_id=w.ids["TF-01"], next_due_on=d(-5)),
        m.Equipment(tag="V-2", name="旧罐", kind="pressure_vessel", site_id=w.ids["HB-01"], area_id=w.ids["TF-01"], next_due_on=d(-5), status="scrapped"),
    )  # fmt: skip
    (ids["P1"], ids["P2"], ids["C1"], ids["C2"], ids["IL_OOS"], ids["IL2"]) = await w.add(
        p1, p2, c1, c2, il_oos, il
    )
    cert = {"number": "T1", "valid_from": d(-2000)}
    (ids["cert"], ids["old"], ids["revoked"], ids["left"]) = await w.add(
        m.PersonCertificate(person_id=ids["P1"], kind="welding_cutting", **{**cert, "number": "T2"}, valid_until=d(5)),
        m.PersonCertificate(person_id=ids["P1"], kind="welding_cutting", **cert, valid_until=d(-100)),
        m.PersonCertificate(person_id=ids["P1"], kind="work_at_height", **cert, valid_until=d(-1), revoked=True),
        m.PersonCertificate(person_id=ids["P2"], kind="welding_cutting", **cert, valid_until=d(-1)),
    )  # fmt: skip
    (ids["bypass"],) = await w.add(
        m.Bypass(
            interlock_id=ids["IL2"], reason="检修", requested_until=NOW, approved_until=NOW - timedelta(hours=1), status="active"
        )
    )  # fmt: skip
    return ids


def keyed(items: list[Any]) -> dict[tuple[str, int, str], Any]:
    return {(i.register_name, i.id, i.field): i for i in items}


async def _list(w: World, username: str = "safety", **kw: Any) -> list[Any]:
    actor = await w.actor(username)
    async with w.db.transaction(write=False) as s:
        return await reminders.list_reminders(s, actor, TODAY, now=NOW, **kw)


@pytest.mark.parametrize(
    ("days", "status", "tier"),
    [
        (91, None, None),  # beyond the largest lead time: not listed
        (90, "due", 90),
        (31, "due", 90),
        (30, "due", 30),
        (8, "due", 30),
        (7, "due", 7),
        (0, "due", 7),  # valid until today: still valid today
        (-1, "expired", 0),  # expired the day after
    ],
)
async def test_tier_boundaries(
    world: World, data: dict[str, int], days: int, status: str | None, tier: int | None
) -> None:
    item = keyed(await _list(world)).get(("licences", data[f"L{days}"], "valid_until"))
    if status is None:
        assert item is None
    else:
        assert (item.status, item.tier, item.days_left, item.due) == (status, tier, days, d(days))


async def test_what_is_listed_and_skipped(world: World, data: dict[str, int]) -> None:
    items = await _list(world)
    got = set(keyed(items))
    expected = {("licences", data[f"L{x}"], "valid_until") for x in (90, 31, 30, 8, 7, 0, -1)} | {
        ("licences", data["review"], "review_due_on"),
        ("equipment", data["E1"], "next_due_on"),
        ("equipment", data["E2"], "next_due_on"),
        ("certificates", data["cert"], "valid_until"),
        ("contractors", data["C1"], "qualification_valid_until"),
        ("contractors", data["C1"], "safety_licence_valid_until"),
        ("interlocks", data["IL2"], "next_due_on"),
        ("bypasses", data["bypass"], "approved_until"),
    }
    # Skipped: superseded licence, scrapped equipment, out-of-service interlock, the certificate
    # renewed since, a revoked one, the one of a person who left, a blacklisted contractor.
    assert got == expected
    # Expired first (most overdue first), then by days left.
    assert [i.status for i in items[:4]] == ["expired"] * 4
    assert [i.days_left for i in items] == sorted(i.days_left for i in items)
    k = keyed(items)
    e1 = k[("equipment", data["E1"], "next_due_on")]
    assert (e1.what, e1.title, e1.tier, e1.area_id, e1.link) == (
        "calibration",
        "PSV-1 安全阀",
        30,
        world.ids["PU-01"],
        f"/basics/equipment?id={data['E1']}",
    )
    assert k[("equipment", data["E2"], "next_due_on")].what == "inspection"
    assert (
        k[("certificates", data["cert"], "valid_until")].title == "张三 特种作业操作证-焊接与热切割作业"
    )  # holder and kind, never the number
    bp = k[("bypasses", data["bypass"], "approved_until")]
    assert (bp.what, bp.status, bp.title, bp.days_left) == ("bypass", "expired", "IL-2 联锁 IL-2", 0)


async def test_scope_and_filters(world: World, data: dict[str, int]) -> None:
    leader = keyed(await _list(world, "leader"))  # department SYN: area PU-01
    assert ("equipment", data["E1"], "next_due_on") in leader
    assert ("equipment", data["E2"], "next_due_on") not in leader  # TF-01 belongs to STOR
    assert ("certificates", data["cert"], "valid_until") in leader  # 张三 is in SYN
    assert ("contractors", data["C1"], "qualification_valid_until") in leader  # enterprise-wide list
    expired = await _list(world, status="expired")
    assert {i.status for i in expired} == {"expired"} and len(expired) == 4
    assert [i.id for i in await _list(world, what="calibration")] == [data["E1"]]
    assert {i.register_name for i in await _list(world, register="contractors")} == {"contractors"}
    assert [i.id for i in await _list(world, register="bypasses")] == [data["bypass"]]
    week = await _list(world, within_days=7)
    assert max(i.days_left for i in week) == 7 and any(i.status == "expired" for i in week)
    for bad in ({"register": "chemicals"}, {"register": "nope"}, {"what": "nope"}):
        with pytest.raises(Unprocessable):
            await _list(world, **bad)


async def test_api_and_summary(world: World, data: dict[str, int], api: Callers) -> None:
    safety = await api("safety")
    r = await safety.get(f"{API}/reminders", params={"status": "expired"})
    assert r.status_code == 200, r.text
    assert {(i["register"], i["id"]) for i in r.json()} == {
        ("licences", data["L-1"]),
        ("equipment", data["E2"]),
        ("contractors", data["C1"]),
        ("bypasses", data["bypass"]),
    }
    r = await safety.get(f"{API}/reminders/summary")
    body = r.json()
    regs = {x["register"]: (x["due"], x["expired"]) for x in body["registers"]}
    assert (body["due"], body["expired"], body["lead_days"]) == (11, 4, [90, 30, 7])
    assert regs["licences"] == (7, 1) and regs["bypasses"] == (0, 1) and regs["suppliers"] == (0, 0)
    assert (await safety.get(f"{API}/reminders", params={"status": "soon"})).status_code == 422
    assert (await safety.get(f"{API}/reminders", params={"register": "nope"})).json()[
        "code"
    ] == "basics.bad_reminder_register"
    assert (await (await api("contractor")).get(f"{API}/reminders")).status_code == 403


async def _messages(w: World) -> dict[str, tuple[str, set[int]]]:
    async with w.db.transaction(write=False) as s:
        out = {}
        for msg in (await s.scalars(select(Message).where(Message.category == "basics.due"))).all():
            users = set(
                (await s.scalars(select(InboxItem.user_id).where(InboxItem.message_id == msg.id))).all()
            )
            out[msg.dedupe_key or ""] = (msg.severity, users)
        return out


async def test_sending_once_per_tier(world: World, data: dict[str, int]) -> None:
    stor = await world.add_user("stor_writer", "safety_manager", ("department", world.ids["dept:STOR"]))
    safety, leader = world.ids["user:safety"], world.ids["user:leader"]
    bus = world.app.state.bus
    async with world.db.transaction() as s:
        assert await reminders.send_reminders(s, bus, TODAY) == 14  # every item except the bypass
    async with world.db.transaction() as s:
        assert await reminders.send_reminders(s, bus, TODAY) == 0  # deduplicated
    sent = await _messages(world)
    assert len(sent) == 14
    key = "basics.due:{}:{}:{}:{}:{}"
    assert sent[key.format("licences", data["L-1"], "valid_until", d(-1), 0)][0] == "urgent"
    assert sent[key.format("licences", data["L7"], "valid_until", d(7), 7)][0] == "high"
    assert sent[key.format("licences", data["L30"], "valid_until", d(30), 30)][0] == "medium"
    assert sent[key.format("licences", data["L90"], "valid_until", d(90), 90)][0] == "low"
    # PU-01 equipment: the writer who sees everything, not the STOR writer; TF-01: both.
    assert sent[key.format("equipment", data["E1"], "next_due_on", d(10), 30)][1] == {safety}
    assert sent[key.format("equipment", data["E2"], "next_due_on", d(-5), 0)][1] == {safety, stor}
    # A certificate reaches its holder's own account too (leader has no basics.write).
    assert sent[key.format("certificates", data["cert"], "valid_until", d(5), 7)][1] == {safety, leader}
    # Enterprise-wide rows reach every writer.
    assert sent[key.format("contractors", data["C1"], "qualification_valid_until", d(60), 90)][1] == {
        safety,
        stor,
    }

    # The next day only what reached a new tier is sent: L0 expired, L91, L31 and L8 crossed into
    # the 90-, 30- and 7-day tiers.
    async with world.db.transaction() as s:
        assert await reminders.send_reminders(s, bus, d(1)) == 4
    new = set(await _messages(world)) - set(sent)
    assert new == {
        key.format("licences", data["L0"], "valid_until", d(0), 0),
        key.format("licences", data["L91"], "valid_until", d(91), 90),
        key.format("licences", data["L31"], "valid_until", d(31), 30),
        key.format("licences", data["L8"], "valid_until", d(8), 7),
    }


async def test_inactive_writers_are_not_notified(world: World, data: dict[str, int]) -> None:
    uid = await world.add_user("gone", "safety_manager", ("all", None))
    async with world.db.transaction() as s:
        user = await s.get(reminders.User, uid)
        assert user is not None
        user.is_active = False
    async with world.db.transaction() as s:
        await reminders.send_reminders(s, world.app.state.bus, TODAY)
    assert all(uid not in users for _, users in (await _messages(world)).values())


async def test_the_worker_job_as_app_py_wires_it(world: World, data: dict[str, int]) -> None:
    from anguan.core.jobs import Scheduler

    bus = world.app.state.bus
    scheduler = Scheduler(world.db)

    async def send_reminders(session):  # type: ignore[no-untyped-def]
        return await reminders.job_send_reminders(session, bus, "Asia/Shanghai")

    scheduler.add("basics.reminders", 3600.0, send_reminders)
    assert await scheduler.run_once("basics.reminders") == 14  # the clock is frozen at NOW (TODAY)
    assert await scheduler.run_once("basics.reminders") == 0

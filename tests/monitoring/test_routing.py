"""Alarm routing and escalation: level-0 notices on raise, the escalation time rule at its boundary,
acknowledged/shelved/suppressed/out-of-service alarms never escalate, recipients by role and data
scope, the route API (permissions, scope, bad input), and delivery through the durable outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from anguan.core.db import Database
from anguan.core.events import DomainEvent, EventBus
from anguan.core.time import Clock
from anguan.core.timeline import AuditEntry
from anguan.monitoring import routing
from anguan.monitoring.events import AlarmChanged, AlarmRaised
from anguan.monitoring.models import Alarm, AlarmEvent, Point
from anguan.monitoring.routing import (
    AlarmRoute,
    escalate,
    escalation_due,
    escalation_pending,
    on_alarm_raised,
    seed_demo_routes,
)
from anguan.notify.models import Delivery, InboxItem, Message, Webhook
from tests.notify.support import count, user_ids
from tests.plant.support import Callers, ids_by_code

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
RT = 600  # response_time_s of the test points
ROUTES = "/api/v1/monitoring/routes"


@pytest.fixture
async def plant(app: Any, frozen_clock: Clock) -> AsyncIterator[dict[str, Any]]:
    """Demo routes seeded, the clock frozen at T0; ids of sites, areas and users."""
    frozen_clock.freeze(T0)
    database: Database = app.state.database
    async with database.transaction() as session:
        # The demo seed may already have added them: either way the site ends with the three demo routes.
        await seed_demo_routes(session)
        assert await seed_demo_routes(session) == 0  # idempotent
        routes = (await session.scalars(select(AlarmRoute).order_by(AlarmRoute.level))).all()
        assert [(r.level, r.role_code, r.min_priority) for r in routes] == [
            (0, "operator", "medium"),
            (1, "shift_leader", "high"),
            (2, "safety_manager", "high"),
        ]
    yield {"db": database, "app": app, **await ids_by_code(database), **await user_ids(database)}


async def _alarm(
    database: Database,
    site_id: int,
    area_id: int | None,
    *,
    priority: str = "high",
    tag: str = "ZZ-LT-1",
    **state: Any,
) -> int:
    """A point and an alarm condition as the pipeline leaves it when it activates (unacked, level 0)."""
    async with database.transaction() as session:
        point = Point(
            tag=tag,
            name=f"液位 {tag}",
            kind="level",
            unit="m",
            site_id=site_id,
            area_id=area_id,
            response_time_s=state.pop("response_time_s", RT),
        )
        session.add(point)
        await session.flush()
        alarm = Alarm(
            point_id=point.id,
            condition="HH",
            priority=priority,
            site_id=site_id,
            area_id=area_id,
            active=True,
            occurrence=1,
            activated_at=T0,
            value=18.4,
            limit=18.0,
            acked=False,
            escalation_level=0,
            rev=1,
        )
        for k, v in state.items():
            setattr(alarm, k, v)
        session.add(alarm)
        await session.flush()
        return alarm.id


def _raised(alarm_id: int, site_id: int, area_id: int | None, priority: str = "high") -> AlarmRaised:
    return AlarmRaised(
        alarm_id=alarm_id,
        point_id=1,
        tag="ZZ-LT-1",
        kind="level",
        condition="HH",
        priority=priority,
        site_id=site_id,
        area_id=area_id,
        equipment_id=None,
        hazard_source_id=None,
        value=18.4,
        limit=18.0,
        at=T0,
    )


async def _inbox(database: Database) -> dict[int, list[str]]:
    """Inbox items per user: the message's dedupe key."""
    async with database.transaction(write=False) as session:
        rows = (
            await session.execute(
                select(InboxItem.user_id, Message.dedupe_key)
                .join(Message, Message.id == InboxItem.message_id)
                .order_by(InboxItem.id)
            )
        ).all()
    out: dict[int, list[str]] = {}
    for user_id, key in rows:
        out.setdefault(user_id, []).append(key)
    return out


async def _escalate_at(database: Database, clock: Clock, seconds: float, bus: EventBus | None = None) -> int:
    clock.freeze(T0 + timedelta(seconds=seconds))
    async with database.transaction() as session:
        return await escalate(session, bus, clock.now())


async def _level(database: Database, alarm_id: int) -> tuple[int, int]:
    async with database.transaction(write=False) as session:
        row = (
            await session.execute(select(Alarm.escalation_level, Alarm.rev).where(Alarm.id == alarm_id))
        ).one()
    return row[0], row[1]


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "level", "due"),
    [
        (RT - 1, 0, False),
        (RT, 0, True),  # exactly the response time: escalate (>=)
        (RT + 1, 0, True),
        (2 * RT - 1, 1, False),
        (2 * RT, 1, True),
        (3 * RT, 2, True),
        (10 * RT, 9, True),
    ],
)
def test_escalation_rule(elapsed: int, level: int, due: bool):
    assert escalation_due(T0, RT, level, T0 + timedelta(seconds=elapsed)) is due


def test_a_point_without_response_time_never_escalates():
    assert not escalation_due(T0, 0, 0, T0 + timedelta(days=1))


# --- raise ---------------------------------------------------------------------------------------


async def test_raise_notifies_level_zero_in_scope_once(plant: dict[str, Any]):
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"])
    bus, seen = EventBus(), []

    async def sink(event: DomainEvent) -> None:
        seen.append(event)

    bus.add_sink(sink)
    async with db.transaction() as session:
        assert await on_alarm_raised(session, _raised(alarm, plant["HB-01"], plant["PU-01"]), bus=bus) == 1
    # Level 0 is the operators' (the demo operator holds the whole site); leaders and managers wait.
    assert await _inbox(db) == {plant["operator"]: [f"monitoring.alarm:{alarm}:1:0"]}
    assert [e.user_id for e in seen] == [plant["operator"]]  # type: ignore[attr-defined]
    async with db.transaction(write=False) as session:
        msg = (await session.scalars(select(Message))).one()
    assert (msg.link, msg.severity, msg.category) == (
        f"/monitoring/alarms/{alarm}",
        "high",
        "monitoring.alarm_raised",
    )
    assert msg.params["tag"] == "ZZ-LT-1" and msg.params["value"] == "18.4"
    # The outbox redelivers: nothing twice.
    async with db.transaction() as session:
        assert await on_alarm_raised(session, _raised(alarm, plant["HB-01"], plant["PU-01"])) == 0
    assert await count(db, InboxItem) == 1


@pytest.mark.parametrize(
    "state",
    [
        {"acked": True},
        {"active": False},
        {"oos": True},
        {"suppressed": True},
        {"shelved_until": T0 + timedelta(hours=1)},
    ],
    ids=["acked", "returned", "out_of_service", "suppressed", "shelved"],
)
async def test_raise_respects_the_alarm_row(plant: dict[str, Any], state: dict[str, Any]):
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"], **state)
    async with db.transaction() as session:
        assert await on_alarm_raised(session, _raised(alarm, plant["HB-01"], plant["PU-01"])) == 0
    assert await count(db, InboxItem) == 0 and await count(db, Message) == 0


async def test_an_expired_shelve_does_not_silence(plant: dict[str, Any]):
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"], shelved_until=T0 - timedelta(seconds=1))
    async with db.transaction() as session:
        assert await on_alarm_raised(session, _raised(alarm, plant["HB-01"], plant["PU-01"])) == 1


async def test_low_priority_below_every_route_notifies_nobody(plant: dict[str, Any]):
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"], priority="low")
    async with db.transaction() as session:
        assert await on_alarm_raised(session, _raised(alarm, plant["HB-01"], plant["PU-01"], "low")) == 0


async def test_raise_through_the_durable_outbox(plant: dict[str, Any]):
    """As app.py wires it: the handler writes through the outbox delivery's own session (a second write
    transaction would wait for SQLite's lock held by that session)."""
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"])
    bus = EventBus()
    current: dict[str, Any] = {}

    async def handler(event: DomainEvent) -> None:
        assert isinstance(event, AlarmRaised)
        await on_alarm_raised(current["session"], event, bus=bus)

    bus.subscribe(AlarmRaised, handler)
    async with db.transaction() as session:
        bus.emit(session, _raised(alarm, plant["HB-01"], plant["PU-01"]), durable=True)
    async with db.transaction() as session:
        current["session"] = session
        assert await bus.deliver_outbox(session) == 1
    assert await _inbox(db) == {plant["operator"]: [f"monitoring.alarm:{alarm}:1:0"]}


# --- escalation ----------------------------------------------------------------------------------


async def test_escalation_at_exactly_the_response_time_then_each_level(
    plant: dict[str, Any], frozen_clock: Clock
):
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"])
    bus, seen = EventBus(), []

    async def sink(event: DomainEvent) -> None:
        seen.append(event)

    bus.add_sink(sink)
    async with db.transaction(write=False) as session:
        assert await escalation_pending(session)
    assert await _escalate_at(db, frozen_clock, RT - 1, bus) == 0
    assert await _level(db, alarm) == (0, 1)
    assert await _escalate_at(db, frozen_clock, RT, bus) == 1
    assert await _level(db, alarm) == (1, 2)  # level and rev bumped
    # Level 1: the shift leader of the synthesis department, whose scope covers PU-01.
    assert await _inbox(db) == {plant["leader"]: [f"monitoring.alarm:{alarm}:1:1"]}
    changed = [e for e in seen if isinstance(e, AlarmChanged)]
    assert [(e.change, e.alarm.rev) for e in changed] == [("escalated", 2)]

    assert await _escalate_at(db, frozen_clock, RT + 1) == 0  # one level per due time
    assert await _escalate_at(db, frozen_clock, 2 * RT - 1) == 0
    assert await _escalate_at(db, frozen_clock, 2 * RT) == 1
    assert await _level(db, alarm) == (2, 3)
    inbox = await _inbox(db)
    assert inbox[plant["safety"]] == [f"monitoring.alarm:{alarm}:1:2"]
    assert await _escalate_at(db, frozen_clock, 3 * RT) == 0  # no level 3 configured
    assert await _level(db, alarm) == (2, 3)

    async with db.transaction(write=False) as session:
        journal = (
            await session.execute(
                select(AlarmEvent.kind, AlarmEvent.ts, AlarmEvent.note)
                .where(AlarmEvent.alarm_id == alarm)
                .order_by(AlarmEvent.id)
            )
        ).all()
        audit = (
            await session.execute(
                select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.detail)
                .where(AuditEntry.action == "monitoring.alarm_escalated")
                .order_by(AuditEntry.seq)
            )
        ).all()
    assert [(k, ts) for k, ts, _ in journal] == [
        ("escalated", T0 + timedelta(seconds=RT)),
        ("escalated", T0 + timedelta(seconds=2 * RT)),
    ]
    assert journal[0][2].startswith("level 1: 1 user(s)")
    assert [(a, actor, d["from_level"], d["to_level"]) for a, actor, d in audit] == [
        ("monitoring.alarm_escalated", None, 0, 1),
        ("monitoring.alarm_escalated", None, 1, 2),
    ]
    assert audit[0][2]["recipients"] == [plant["leader"]]


async def test_acknowledged_alarms_never_escalate(plant: dict[str, Any], frozen_clock: Clock):
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"], acked=True, acked_at=T0 + timedelta(seconds=5))
    async with db.transaction(write=False) as session:
        assert not await escalation_pending(session)  # the scheduler skips the run without a write lock
    for seconds in (RT, 2 * RT, 10 * RT):
        assert await _escalate_at(db, frozen_clock, seconds) == 0
    assert await _level(db, alarm) == (0, 1)
    assert await count(db, AlarmEvent) == 0 and await count(db, InboxItem) == 0


async def test_an_alarm_acknowledged_after_one_escalation_stops(plant: dict[str, Any], frozen_clock: Clock):
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"])
    assert await _escalate_at(db, frozen_clock, RT) == 1
    async with db.transaction() as session:
        await session.execute(update(Alarm).where(Alarm.id == alarm).values(acked=True, rev=Alarm.rev + 1))
    assert await _escalate_at(db, frozen_clock, 5 * RT) == 0
    assert await _level(db, alarm) == (1, 3)


@pytest.mark.parametrize(
    "state",
    [{"oos": True}, {"suppressed": True}, {"active": False}, {"priority": "medium"}, {"priority": "low"}],
    ids=["out_of_service", "suppressed", "returned_unacked", "medium", "low"],
)
async def test_silenced_or_minor_alarms_never_escalate(
    plant: dict[str, Any], frozen_clock: Clock, state: dict[str, Any]
):
    db = plant["db"]
    await _alarm(db, plant["HB-01"], plant["PU-01"], **state)
    assert await _escalate_at(db, frozen_clock, 10 * RT) == 0
    assert await count(db, AlarmEvent) == 0


async def test_shelved_alarms_escalate_only_once_unshelved(plant: dict[str, Any], frozen_clock: Clock):
    db = plant["db"]
    until = T0 + timedelta(seconds=3 * RT)
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"], shelved_until=until)
    assert await _escalate_at(db, frozen_clock, RT) == 0
    assert await _escalate_at(db, frozen_clock, 3 * RT - 1) == 0
    assert await _level(db, alarm) == (0, 1)
    assert await _escalate_at(db, frozen_clock, 3 * RT) == 1  # the shelve has run out
    assert await _level(db, alarm) == (1, 2)


async def test_urgent_alarms_escalate_and_a_new_occurrence_starts_over(
    plant: dict[str, Any], frozen_clock: Clock
):
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"], priority="urgent")
    assert await _escalate_at(db, frozen_clock, RT) == 1
    # The pipeline: the alarm returned, was acknowledged, and activates again later (level reset to 0).
    restart = T0 + timedelta(seconds=4 * RT)
    async with db.transaction() as session:
        await session.execute(
            update(Alarm)
            .where(Alarm.id == alarm)
            .values(occurrence=2, activated_at=restart, escalation_level=0, acked=False, rev=Alarm.rev + 1)
        )
    assert await _escalate_at(db, frozen_clock, 4 * RT + RT - 1) == 0
    assert await _escalate_at(db, frozen_clock, 5 * RT) == 1
    assert (await _inbox(db))[plant["leader"]] == [
        f"monitoring.alarm:{alarm}:1:1",
        f"monitoring.alarm:{alarm}:2:1",
    ]


async def test_a_level_with_nobody_in_scope_is_skipped(plant: dict[str, Any], frozen_clock: Clock):
    """TF-01 is the storage department's: the synthesis shift leader does not cover it, so the safety
    manager is told at the first due time instead of one response time later."""
    db = plant["db"]
    alarm = await _alarm(db, plant["HB-01"], plant["TF-01"])
    assert await _escalate_at(db, frozen_clock, RT) == 1
    assert await _level(db, alarm) == (2, 2)
    inbox = await _inbox(db)
    assert plant["leader"] not in inbox
    assert inbox[plant["safety"]] == [f"monitoring.alarm:{alarm}:1:2"]
    async with db.transaction(write=False) as session:
        note = await session.scalar(select(AlarmEvent.note).where(AlarmEvent.alarm_id == alarm))
    assert note is not None and "levels [1] have nobody in scope" in note


async def test_recipients_by_role_explicit_users_and_area_scope(plant: dict[str, Any]):
    """Explicit users must hold monitoring.read and cover the area too; sub-areas inherit area routes."""
    db = plant["db"]
    site = plant["HB-01"]
    async with db.transaction() as session:
        session.add(
            AlarmRoute(
                site_id=site,
                area_id=plant["TF-01"],
                level=0,
                min_priority="low",
                role_code=None,
                user_ids=[plant["inspector"], plant["contractor"], plant["leader"]],
                channels=["inapp"],
            )
        )
    in_dike = await _alarm(db, site, plant["DK-01"], tag="ZZ-LT-DK")  # DK-01 lies within TF-01
    in_unit = await _alarm(db, site, plant["PU-01"], tag="ZZ-LT-PU")
    async with db.transaction() as session:
        assert await on_alarm_raised(session, _raised(in_dike, site, plant["DK-01"])) == 2
        assert await on_alarm_raised(session, _raised(in_unit, site, plant["PU-01"])) == 1
    inbox = await _inbox(db)
    # The inspector's department (storage) covers the dike; the contractor lacks monitoring.read;
    # the leader's scope (synthesis) does not cover the tank farm. The operator comes from the site route.
    assert set(inbox) == {plant["inspector"], plant["operator"]}
    assert inbox[plant["inspector"]] == [f"monitoring.alarm:{in_dike}:1:0"]
    assert inbox[plant["operator"]] == [f"monitoring.alarm:{in_dike}:1:0", f"monitoring.alarm:{in_unit}:1:0"]


async def test_an_inactive_user_is_not_notified(plant: dict[str, Any]):
    from anguan.identity.models import User

    db = plant["db"]
    async with db.transaction() as session:
        await session.execute(update(User).where(User.id == plant["operator"]).values(is_active=False))
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"])
    async with db.transaction() as session:
        assert await on_alarm_raised(session, _raised(alarm, plant["HB-01"], plant["PU-01"])) == 0


async def test_escalations_reach_webhooks_of_their_routes(plant: dict[str, Any], frozen_clock: Clock):
    """Level 0 of the demo is in-app only; levels 1 and 2 also queue webhook deliveries."""
    db = plant["db"]
    async with db.transaction() as session:
        session.add(
            Webhook(
                name="值班群",
                url="http://127.0.0.1:9/hook",
                secret_enc="v1.x",
                min_severity="high",
                categories=[],
                timeout_s=1.0,
                max_attempts=1,
                enabled=True,
            )
        )
    alarm = await _alarm(db, plant["HB-01"], plant["PU-01"])
    async with db.transaction() as session:
        await on_alarm_raised(session, _raised(alarm, plant["HB-01"], plant["PU-01"]))
    assert await count(db, Delivery) == 0
    assert await _escalate_at(db, frozen_clock, RT) == 1
    async with db.transaction(write=False) as session:
        payload = (await session.scalars(select(Delivery.payload))).one()
    assert payload["category"] == "monitoring.alarm_escalated" and payload["params"]["level"] == 1
    assert payload["title"]["en-US"] == "Alarm escalated (level 1): ZZ-LT-1 液位 ZZ-LT-1 HH"


# --- the route API -------------------------------------------------------------------------------


@pytest.fixture
async def api(plant: dict[str, Any]) -> AsyncIterator[Callers]:
    c = Callers(plant["app"])
    yield c
    await c.aclose()


async def test_route_crud_by_a_configurer(plant: dict[str, Any], api: Callers):
    safety = await api("safety")
    body = {
        "site_id": plant["HB-01"],
        "area_id": plant["PU-01"],
        "level": 1,
        "min_priority": "urgent",
        "role_code": "inspector",
        "channels": ["webhook", "inapp", "inapp"],
    }
    r = await safety.post(ROUTES, json=body)
    assert r.status_code == 201, r.text
    route = r.json()
    assert route["channels"] == ["inapp", "webhook"] and route["user_ids"] == []
    r = await safety.patch(f"{ROUTES}/{route['id']}", json={"user_ids": [plant["leader"]], "area_id": None})
    assert r.status_code == 200 and r.json()["area_id"] is None and r.json()["user_ids"] == [plant["leader"]]
    assert len((await safety.get(ROUTES)).json()) == 4
    assert (await safety.delete(f"{ROUTES}/{route['id']}")).status_code == 204
    assert (await safety.get(f"{ROUTES}/{route['id']}")).status_code == 404
    async with plant["db"].transaction(write=False) as session:
        actions = (
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("monitoring.route%"))
                .order_by(AuditEntry.seq)
            )
        ).all()
    assert actions == ["monitoring.route_created", "monitoring.route_updated", "monitoring.route_deleted"]


@pytest.mark.parametrize("username", ["operator", "leader", "inspector"])
async def test_route_writes_need_configure(plant: dict[str, Any], api: Callers, username: str):
    client = await api(username)
    body = {"site_id": plant["HB-01"], "role_code": "operator"}
    assert (await client.post(ROUTES, json=body)).status_code == 403
    assert (await client.get(ROUTES)).status_code == 200  # reading needs monitoring.read only
    assert await count(plant["db"], AlarmRoute) == 3


async def test_contractor_cannot_read_routes(plant: dict[str, Any], api: Callers):
    assert (await (await api("contractor")).get(ROUTES)).status_code == 403
    assert (await (await api(None)).get(ROUTES)).status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"role_code": "operator"}, 201),
        ({}, 422),  # neither role nor users
        ({"role_code": "no_such_role"}, 422),
        ({"user_ids": [999999]}, 422),
        ({"role_code": "operator", "channels": []}, 422),
        ({"role_code": "operator", "channels": ["sms"]}, 422),
        ({"role_code": "operator", "min_priority": "critical"}, 422),
        ({"role_code": "operator", "level": 10}, 422),
        ({"role_code": "operator", "site_id": 999999}, 404),
        ({"role_code": "operator", "area_id": 999999}, 404),
        ({"role_code": "operator", "extra": True}, 422),
    ],
)
async def test_route_input_is_checked(plant: dict[str, Any], api: Callers, body: dict[str, Any], status: int):
    safety = await api("safety")
    r = await safety.post(ROUTES, json={"site_id": plant["HB-01"], **body})
    assert r.status_code == status, r.text
    assert await count(plant["db"], AlarmRoute) == 3 + (status == 201)


async def test_route_area_must_belong_to_the_site(plant: dict[str, Any], api: Callers):
    admin = await api("admin")
    r = await admin.post(
        "/api/v1/plant/sites", json={"code": "S-2", "name": "二厂区", "width_m": 100, "height_m": 100}
    )
    other = r.json()["id"]
    r = await admin.post(ROUTES, json={"site_id": other, "area_id": plant["PU-01"], "role_code": "operator"})
    assert r.status_code == 422 and r.json()["code"] == "monitoring.route_bad_area"


async def test_routes_follow_the_data_scope(plant: dict[str, Any], api: Callers):
    """A scoped configurer sees the routes of his areas and his site's site-wide ones (they reach his
    areas too), and edits only routes of areas within scope."""
    from anguan.identity.models import DataScope, Role, User, UserRole

    db = plant["db"]
    async with db.transaction(write=False) as session:
        routes_before = (await session.scalars(select(AlarmRoute))).all()
    async with db.transaction() as session:
        # The shift leader becomes a configurer for his department's area only.
        role = Role(
            code="unit_engineer",
            name_zh="装置工程师",
            name_en="Unit engineer",
            permissions=["monitoring.read", "monitoring.configure"],
        )
        session.add(role)
        await session.flush()
        await session.execute(
            update(User).where(User.id == plant["leader"]).values(authz_version=User.authz_version + 1)
        )
        session.add(UserRole(user_id=plant["leader"], role_id=role.id))
        pu_route = AlarmRoute(
            site_id=plant["HB-01"],
            area_id=plant["PU-01"],
            level=0,
            min_priority="low",
            role_code="operator",
            user_ids=[],
            channels=["inapp"],
        )
        tf_route = AlarmRoute(
            site_id=plant["HB-01"],
            area_id=plant["TF-01"],
            level=0,
            min_priority="low",
            role_code="operator",
            user_ids=[],
            channels=["inapp"],
        )
        session.add_all([pu_route, tf_route])
        await session.flush()
        ids = pu_route.id, tf_route.id
        assert (
            await session.scalars(select(DataScope.kind).where(DataScope.user_id == plant["leader"]))
        ).all() == ["department"]
    leader = await api("leader")
    site_wide = sorted(r.id for r in routes_before)
    assert sorted(r["id"] for r in (await leader.get(ROUTES)).json()) == [*site_wide, ids[0]]
    assert (await leader.get(f"{ROUTES}/{site_wide[0]}")).status_code == 200
    assert (await leader.patch(f"{ROUTES}/{site_wide[0]}", json={"min_priority": "low"})).status_code == 403
    assert (await leader.get(f"{ROUTES}/{ids[1]}")).status_code == 403
    assert (await leader.patch(f"{ROUTES}/{ids[0]}", json={"min_priority": "high"})).status_code == 200
    assert (await leader.patch(f"{ROUTES}/{ids[0]}", json={"area_id": None})).status_code == 403  # whole site
    assert (await leader.delete(f"{ROUTES}/{ids[1]}")).status_code == 403
    r = await leader.post(
        ROUTES, json={"site_id": plant["HB-01"], "area_id": plant["TF-01"], "role_code": "operator"}
    )
    assert r.status_code == 403
    r = await leader.post(
        ROUTES, json={"site_id": plant["HB-01"], "area_id": plant["PU-01"], "role_code": "operator"}
    )
    assert r.status_code == 201


def test_route_messages_are_catalogued_in_both_languages():
    for code, texts in routing.MESSAGES.items():
        assert set(texts) == {"zh-CN", "en-US"}, code

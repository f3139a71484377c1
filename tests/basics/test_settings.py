"""Module settings: reference defaults, a validated and audited replacement, refusals that change
nothing, and the reminder centre following the configured lead times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from anguan.basics import models as m
from anguan.basics import reminders, settings_service
from anguan.basics.reference import REMINDERS_V1, STAFFING_V1
from anguan.core.timeline import AuditEntry
from tests.basics.ops_support import API, NOW, TODAY, World, api, world
from tests.plant.support import Callers

__all__ = ["api", "world"]
STAFFING = {"safety_staff_ratio": 0.03, "safety_staff_min": 2, "registered_engineer_share": 0.2}
GOOD = {"reminder_lead_days": [60, 14, 3], "staffing": STAFFING}


async def test_defaults_then_replace(world: World, api: Callers) -> None:
    safety = await api("safety")
    body = (await safety.get(f"{API}/settings")).json()
    assert body["reminder_lead_days"] == list(REMINDERS_V1.lead_days) == body["default_reminder_lead_days"]
    assert body["staffing"]["safety_staff_ratio"] == STAFFING_V1.safety_staff_ratio
    assert (body["reminder_version"], body["staffing_version"]) == (REMINDERS_V1.version, STAFFING_V1.version)
    r = await safety.put(f"{API}/settings", json=GOOD)
    assert r.status_code == 200, r.text
    body = (await (await api("operator")).get(f"{API}/settings")).json()
    assert (body["reminder_lead_days"], body["staffing"]) == (GOOD["reminder_lead_days"], STAFFING)
    assert body["reminder_version"] == REMINDERS_V1.version + "+custom"
    assert body["default_reminder_lead_days"] == [90, 30, 7]
    async with world.db.transaction(write=False) as s:
        (detail,) = (
            await s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "basics.settings_updated"))
        ).all()
    assert detail["after"]["reminder_lead_days"] == [60, 14, 3]
    assert detail["before"]["reminder_lead_days"] == [90, 30, 7]


@pytest.mark.parametrize(
    "change",
    [
        {"reminder_lead_days": []},
        {"reminder_lead_days": [30, 60]},  # increasing
        {"reminder_lead_days": [30, 30]},  # not strictly decreasing
        {"reminder_lead_days": [0]},
        {"reminder_lead_days": [3651]},
        {"reminder_lead_days": [6, 5, 4, 3, 2, 1]},  # more than five tiers
        {"reminder_lead_days": ["30"]},
        {"reminder_lead_days": [True]},
        {"reminder_lead_days": [7.5]},
        {"staffing": {**STAFFING, "safety_staff_ratio": 1.5}},
        {"staffing": {**STAFFING, "registered_engineer_share": -0.1}},
        {"staffing": {**STAFFING, "safety_staff_min": -1}},
        {"staffing": {k: v for k, v in STAFFING.items() if k != "safety_staff_min"}},
        {"staffing": None},
        {"extra": 1},
    ],
)
async def test_bad_settings_change_nothing(world: World, api: Callers, change: dict[str, Any]) -> None:
    r = await (await api("safety")).put(f"{API}/settings", json={**GOOD, **change})
    assert r.status_code == 422 and r.json()["code"] == "common.validation_error"
    assert await world.count(m.BasicsSetting) == 0


async def test_boundaries_accepted(world: World, api: Callers) -> None:
    body = {"reminder_lead_days": [3650, 1000, 100, 10, 1], "staffing": {**STAFFING, "safety_staff_ratio": 1}}
    assert (await (await api("safety")).put(f"{API}/settings", json=body)).status_code == 200


@pytest.mark.parametrize(
    ("username", "method"), [("leader", "put"), ("operator", "put"), ("contractor", "get")]
)
async def test_permissions(world: World, api: Callers, username: str, method: str) -> None:
    client = await api(username)
    r = await (client.put(f"{API}/settings", json=GOOD) if method == "put" else client.get(f"{API}/settings"))
    assert r.status_code == 403
    assert await world.count(m.BasicsSetting) == 0


async def test_reminders_follow_the_configured_lead_times(world: World, api: Callers) -> None:
    ids = await world.add(
        *(m.Licence(type="other", number=str(n), name=f"L{n}", valid_until=TODAY + timedelta(days=n)) for n in (80, 60, 15, 14))
    )  # fmt: skip
    assert (await (await api("safety")).put(f"{API}/settings", json=GOOD)).status_code == 200
    actor = await world.actor("safety")
    async with world.db.transaction(write=False) as s:
        items = await reminders.list_reminders(s, actor, TODAY, now=NOW)
        assert (await settings_service.reminder_policy(s)).lead_days == (60, 14, 3)
    assert [(i.id, i.tier) for i in items] == [(ids[3], 14), (ids[2], 60), (ids[1], 60)]


async def test_unreadable_stored_values_fall_back_to_the_defaults(world: World) -> None:
    await world.add(
        m.BasicsSetting(key=settings_service.REMINDER_KEY, value=[7, 30]),
        m.BasicsSetting(key=settings_service.STAFFING_KEY, value={"safety_staff_ratio": "lots"}),
    )
    async with world.db.transaction(write=False) as s:
        assert await settings_service.reminder_policy(s) == REMINDERS_V1
        assert await settings_service.staffing_rules(s) == STAFFING_V1

"""包保 responsibility: periods at their boundaries, the demo heads and tasks, completion on the phone
by the head only, overdue tasks raising the unit's colour, the performance report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from anguan.basics.models import Person
from anguan.core.time import utcnow
from anguan.hazards import duty, risk
from anguan.hazards.models import DutyTask, DutyTemplate, HazardUnit
from anguan.hazards.reference import DUTY_TASK_COUNT, OPERATIONAL_TASKS_V1
from anguan.hazards.rules import period_of, task_state
from anguan.identity.models import User
from tests.plant.support import Callers

H = "/api/v1/hazards"


@pytest.mark.parametrize(
    ("day", "cycle", "period"),
    [
        (date(2026, 11, 30), "week", (date(2026, 11, 30), date(2026, 12, 6))),  # a Monday
        (date(2026, 12, 6), "week", (date(2026, 11, 30), date(2026, 12, 6))),  # the Sunday after
        (date(2026, 2, 28), "month", (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2028, 2, 29), "month", (date(2028, 2, 1), date(2028, 2, 29))),  # leap year
        (date(2026, 12, 31), "month", (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2026, 3, 31), "quarter", (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 4, 1), "quarter", (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 12, 31), "quarter", (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_periods(day: date, cycle: str, period: tuple[date, date]) -> None:
    assert period_of(day, cycle) == period


@pytest.mark.parametrize(
    ("due", "done", "today", "state"),
    [
        (date(2026, 12, 6), None, date(2026, 12, 6), "pending"),  # the due day itself
        (date(2026, 12, 6), None, date(2026, 12, 7), "overdue"),  # the day after
        (date(2026, 12, 6), date(2026, 12, 6), date(2026, 12, 9), "done"),
        (date(2026, 12, 6), date(2026, 12, 7), date(2026, 12, 9), "late"),
    ],
)
def test_task_states(due: date, done: date | None, today: date, state: str) -> None:
    assert task_state(due, done, today) == state


def test_unknown_cycle_is_refused() -> None:
    with pytest.raises(ValueError):
        period_of(date(2026, 1, 1), "fortnight")


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    c = Callers(app)
    yield c
    await c.aclose()


async def test_demo_lists_heads_and_tasks(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    templates = (await safety.get(f"{H}/duty-templates")).json()
    counts = {role: sum(1 for t in templates if t["role"] == role) for role in DUTY_TASK_COUNT}
    assert counts == DUTY_TASK_COUNT  # 9 / 9 / 10 as the national exchange numbers them
    national = [t["text"] for t in templates if t["role"] == "operational"]
    assert national == list(OPERATIONAL_TASKS_V1)
    units = {u["code"]: u for u in (await safety.get(f"{H}/units")).json()}
    heads = (await safety.get(f"{H}/units/{units['HZ-DK01']['id']}/duties")).json()
    assert {h["role"] for h in heads} == {"principal", "technical", "operational"}
    tasks = (await safety.get(f"{H}/tasks", params={"unit_id": units["HZ-DK01"]["id"]})).json()
    assert len(tasks) == 28 and {t["state"] for t in tasks} == {"pending"}
    # Not a major hazard source: no heads.
    r = await safety.put(
        f"{H}/units/{units['HZ-PU01']['id']}/duties",
        json={"role": "principal", "person_id": heads[0]["person_id"]},
    )
    assert r.status_code == 409 and r.json()["code"] == "hazards.not_major"


async def _link_head(app: Any, username: str, role: str = "operational") -> int:
    """Log `username` in as the operational head of HZ-DK01; returns one of that head's task ids."""
    async with app.state.database.transaction() as session:
        user = (await session.scalars(select(User).where(User.username == username))).one()
        task = (
            await session.scalars(
                select(DutyTask)
                .join(HazardUnit, HazardUnit.id == DutyTask.unit_id)
                .where(HazardUnit.code == "HZ-DK01", DutyTask.role == role)
                .order_by(DutyTask.task_num)
            )
        ).first()
        assert task is not None
        await session.execute(update(Person).where(Person.user_id == user.id).values(user_id=None))
        await session.execute(update(Person).where(Person.id == task.person_id).values(user_id=user.id))
        return int(task.id)


async def test_only_the_head_completes_with_photos_and_position(app: Any, callers: Any) -> None:
    task_id = await _link_head(app, "inspector")
    inspector, safety = await callers("inspector"), await callers("safety")
    r = await safety.post(f"{H}/tasks/{task_id}/complete", json={"result": "normal"})
    assert r.status_code == 403 and r.json()["code"] == "hazards.not_your_task"
    mine = (await inspector.get(f"{H}/tasks", params={"mine": "true", "open_only": "true"})).json()
    assert task_id in [t["id"] for t in mine] and len(mine) == 20  # head of both tank-farm units
    r = await inspector.post(f"{H}/tasks/{task_id}/complete", json={"result": "abnormal"})
    assert r.status_code == 422 and r.json()["code"] == "hazards.abnormal_needs_note"
    r = await inspector.post(f"{H}/tasks/{task_id}/complete", json={"result": "normal", "photos": [987654]})
    assert r.status_code == 422 and r.json()["code"] == "hazards.unknown_photo"
    photo = (
        await inspector.post("/api/v1/files", files={"file": ("p.jpg", b"\xff\xd8\xff photo", "image/jpeg")})
    ).json()
    body = {
        "result": "abnormal",
        "note": "T-102 出口阀法兰轻微渗漏，已报修",
        "photos": [photo["id"]],
        "x": 126.0,
        "y": 250.0,
    }
    r = await inspector.post(f"{H}/tasks/{task_id}/complete", json=body)
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["state"], done["result"], done["photos"], done["x"]) == (
        "done",
        "abnormal",
        [photo["id"]],
        126.0,
    )
    assert (await inspector.post(f"{H}/tasks/{task_id}/complete", json=body)).status_code == 409


async def test_overdue_tasks_raise_the_colour_and_show_in_the_report(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    async with app.state.database.transaction() as session:
        unit = (await session.scalars(select(HazardUnit).where(HazardUnit.code == "HZ-DK02"))).one()
        tasks = (await session.scalars(select(DutyTask).where(DutyTask.unit_id == unit.id))).all()
        due = max(t.due_on for t in tasks)
        late_day = due + timedelta(days=1)
        mods = await risk.modifiers(session, unit, utcnow(), late_day)
        assert any(m.kind == "duty_overdue" and m.label.startswith(f"{len(tasks)} 项") for m in mods)
        first_due = min(t.due_on for t in tasks)  # the weekly items' due day: nothing late yet
        assert not [
            m for m in await risk.modifiers(session, unit, utcnow(), first_due) if m.kind == "duty_overdue"
        ]
        rows = await duty.report(session, min(t.due_on for t in tasks), due, late_day)
    heads = {r.name: r for r in rows}
    assert heads["田刚"].overdue >= 10 and heads["田刚"].rate == 0.0
    r = await safety.get(f"{H}/duty-report", params={"from": "2026-01-01", "to": "2025-01-01"})
    assert r.status_code == 422 and r.json()["code"] == "hazards.bad_period"


async def test_templates_are_configurable_but_national_texts_fixed(callers: Any, app: Any) -> None:
    safety, operator = await callers("safety"), await callers("operator")
    r = await safety.put(
        f"{H}/duty-templates", json={"role": "operational", "task_num": 1, "text": "改写", "cycle": "week"}
    )
    assert r.status_code == 409 and r.json()["code"] == "hazards.national_text_fixed"
    r = await safety.put(
        f"{H}/duty-templates",
        json={"role": "operational", "task_num": 1, "text": OPERATIONAL_TASKS_V1[0], "cycle": "month"},
    )
    assert r.status_code == 200 and r.json()["cycle"] == "month"
    r = await safety.put(
        f"{H}/duty-templates",
        json={"role": "technical", "task_num": 10, "text": "组织开展 HAZOP 分析", "cycle": "quarter"},
    )
    assert r.status_code == 200 and r.json()["source"] == "enterprise"
    assert (
        await operator.put(
            f"{H}/duty-templates", json={"role": "technical", "task_num": 11, "text": "x x", "cycle": "week"}
        )
    ).status_code == 403
    async with app.state.database.transaction() as session:
        assert await duty.generate_tasks(session, date(2031, 1, 6)) > 0  # a new period makes new tasks
        assert await duty.generate_tasks(session, date(2031, 1, 6)) == 0  # once
        assert (
            await session.scalars(select(DutyTemplate).where(DutyTemplate.task_num == 10))
        ).first() is not None


async def test_duty_endpoints_respect_the_data_scope(callers: Any) -> None:
    safety, inspector = await callers("safety"), await callers("inspector")
    units = {u["code"]: u for u in (await safety.get(f"{H}/units")).json()}
    seen = {u["id"] for u in (await inspector.get(f"{H}/units")).json()}
    tasks = (await inspector.get(f"{H}/tasks")).json()
    assert {t["unit_id"] for t in tasks} <= seen
    hidden = [u for u in units.values() if u["id"] not in seen]
    for u in hidden:
        assert (await inspector.get(f"{H}/units/{u['id']}/duties")).status_code == 403
    assert (await safety.get(f"{H}/units/987654/duties")).status_code == 404

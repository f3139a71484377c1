"""包保 responsibility: periods at their boundaries, the demo heads and tasks (with names, in batched
queries), completion on the phone by the head only, a new head taking over the open tasks of the
current period, task photos for whoever may see the task, overdue tasks raising the unit's colour,
the performance report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from anguan.basics.models import Person
from anguan.basics.settings_service import plant_date
from anguan.core.time import utcnow
from anguan.core.timeline import AuditEntry
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


class StatementLog:
    """Every SQL statement the app's engine sends while active."""

    def __init__(self, app: Any) -> None:
        self.engine = app.state.database.engine.sync_engine
        self.statements: list[str] = []

    def _on(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def __enter__(self) -> StatementLog:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)

    def touching(self, table: str) -> list[str]:
        return [s for s in self.statements if table in s]


async def test_heads_and_tasks_carry_names_in_batched_queries(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    units = {u["code"]: u for u in (await safety.get(f"{H}/units")).json()}
    dk01 = units["HZ-DK01"]
    async with app.state.database.transaction() as session:
        names = {p.id: p.name for p in (await session.scalars(select(Person))).all()}
    heads = (await safety.get(f"{H}/units/{dk01['id']}/duties")).json()
    assert heads and all(h["person_name"] == names[h["person_id"]] for h in heads)
    await safety.get(f"{H}/tasks")  # warm the caller's permission and scope cache
    with StatementLog(app) as log:
        tasks = (await safety.get(f"{H}/tasks")).json()
    assert len(tasks) > 28 and len({t["person_id"] for t in tasks}) >= 3  # several units and heads
    for t in tasks:
        assert t["person_name"] == names[t["person_id"]]
        code = next(c for c, u in units.items() if u["id"] == t["unit_id"])
        assert (t["unit_code"], t["unit_name"]) == (code, units[code]["name"])
    # One query for the people and one for the units, however many tasks: no N+1.
    assert len(log.touching("basics_person")) == 1, log.touching("basics_person")
    assert len(log.touching("FROM hz_unit")) == 1, log.touching("FROM hz_unit")


def _today(app: Any) -> date:
    return plant_date(utcnow(), app.state.settings.site_timezone)


async def test_a_new_head_takes_over_the_open_tasks_of_the_current_period(app: Any, callers: Any) -> None:
    done_id = await _link_head(app, "inspector")
    inspector, safety = await callers("inspector"), await callers("safety")
    assert (
        await inspector.post(f"{H}/tasks/{done_id}/complete", json={"result": "normal"})
    ).status_code == 200
    today = _today(app)
    async with app.state.database.transaction() as session:
        dk01 = (await session.scalars(select(HazardUnit).where(HazardUnit.code == "HZ-DK01"))).one()
        # Last week's tasks: a past period, overdue by now, which stays with the head who missed it.
        assert await duty.generate_tasks(session, today - timedelta(days=7)) > 0
        before = {t.id: t for t in (await session.scalars(select(DutyTask))).all()}
        old_head = before[done_id].person_id
        new_head = (
            await session.scalars(
                select(Person.id).where(Person.status == "active", Person.id != old_head).order_by(Person.id)
            )
        ).first()
        assert new_head is not None
        snapshot = {
            i: (t.person_id, t.unit_id, t.role, t.period_start, t.due_on, t.done_at)
            for i, t in before.items()
        }
        audit_seq = int(max((await session.scalars(select(AuditEntry.seq))).all(), default=0))

    r = await safety.put(f"{H}/units/{dk01.id}/duties", json={"role": "operational", "person_id": new_head})
    assert r.status_code == 200, r.text
    assert r.json()["person_id"] == new_head and r.json()["person_name"]

    async with app.state.database.transaction() as session:
        after = {t.id: t.person_id for t in (await session.scalars(select(DutyTask))).all()}
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.seq > audit_seq))).all()
    moved = {i for i, (pid, *_rest) in snapshot.items() if after[i] != pid}
    expected = {
        i
        for i, (pid, unit_id, role, start, due, done_at) in snapshot.items()
        if unit_id == dk01.id and role == "operational" and done_at is None and start <= today <= due
    }
    assert moved == expected and len(moved) == 9  # the 10 weekly items less the one done
    assert all(after[i] == new_head for i in moved)
    assert after[done_id] == old_head  # done: keeps who did it
    past = [i for i, v in snapshot.items() if v[1] == dk01.id and v[2] == "operational" and v[4] < today]
    assert past and all(after[i] == old_head for i in past)  # earlier periods unchanged
    assigned = [e for e in entries if e.action == "hazards.duty_assigned"]
    assert [(e.target_id, e.detail) for e in assigned] == [
        (str(dk01.id), {"role": "operational", "person_id": new_head, "previous_person_id": old_head})
    ]
    handed = [e for e in entries if e.action == "hazards.duty_task_reassigned"]
    assert {int(e.target_id or 0) for e in handed} == moved
    assert all(
        e.detail["from_person_id"] == old_head and e.detail["to_person_id"] == new_head for e in handed
    )
    assert {e.actor_username for e in entries} == {"safety"}

    # The tasks are the new head's now; naming the same head again moves nothing.
    tasks = (await safety.get(f"{H}/tasks", params={"unit_id": dk01.id, "open_only": "true"})).json()
    assert {t["person_id"] for t in tasks if t["id"] in moved} == {new_head}
    seq = max(e.seq for e in entries)
    assert (
        await safety.put(f"{H}/units/{dk01.id}/duties", json={"role": "operational", "person_id": new_head})
    ).status_code == 200
    async with app.state.database.transaction() as session:
        again = (await session.scalars(select(AuditEntry.action).where(AuditEntry.seq > seq))).all()
    assert list(again) == ["hazards.duty_assigned"]


async def test_task_photos_for_whoever_may_see_the_task(app: Any, callers: Any) -> None:
    task_id = await _link_head(app, "inspector")
    inspector, safety = await callers("inspector"), await callers("safety")
    photo = (
        await inspector.post(
            "/api/v1/files", files={"file": ("现场.jpg", b"\xff\xd8\xff photo", "image/jpeg")}
        )
    ).json()
    other = (
        await inspector.post(
            "/api/v1/files", files={"file": ("other.jpg", b"\xff\xd8\xff other", "image/jpeg")}
        )
    ).json()
    r = await inspector.post(
        f"{H}/tasks/{task_id}/complete", json={"result": "normal", "photos": [photo["id"]]}
    )
    assert r.status_code == 200, r.text
    url = f"{H}/tasks/{task_id}/photos/{photo['id']}"
    # The platform download is the uploader's only; the task's photo route serves any reader of the task.
    assert (await safety.get(f"/api/v1/files/{photo['id']}")).status_code == 404
    for client in (safety, inspector):
        r = await client.get(url)
        assert r.status_code == 200 and r.content == b"\xff\xd8\xff photo"
        assert r.headers["content-type"] == "application/octet-stream"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA.jpg" in r.headers["content-disposition"]
    # A file the task does not link, an unknown file, an unknown task: 404.
    assert (await safety.get(f"{H}/tasks/{task_id}/photos/{other['id']}")).status_code == 404
    assert (await safety.get(f"{H}/tasks/{task_id}/photos/987654")).status_code == 404
    r = await safety.get(f"{H}/tasks/987654/photos/{photo['id']}")
    assert r.status_code == 404 and r.json()["code"] == "hazards.task_not_found"
    # Same rule as the task list: the operator's site scope sees the tank farm; the shift leader's
    # department scope does not; the system administrator holds no hazards.read.
    for username, status, code in (
        ("operator", 200, None),
        ("leader", 403, "identity.out_of_scope"),
        ("admin", 403, "common.forbidden"),
    ):
        client = await callers(username)
        listed = await client.get(f"{H}/tasks")
        assert (listed.status_code == 200 and task_id in [t["id"] for t in listed.json()]) is (status == 200)
        r = await client.get(url)
        assert r.status_code == status, username
        assert code is None or r.json()["code"] == code
    assert (await (await callers(None)).get(url)).status_code == 401

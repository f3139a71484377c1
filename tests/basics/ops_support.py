"""Helpers and fixtures of the master-data operations tests (bypasses, reminders, eligibility,
diagnosis, settings); imported by the test modules, not collected.

Each test runs on its own copy of the seeded demo database; `world` empties the master-data tables
first, so what a test asserts does not depend on what the demo seed adds to them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from anguan.basics import models as m
from anguan.basics import ops_api, ops_locales
from anguan.basics.reminders import actor_of
from anguan.core.db import Database
from anguan.core.i18n import register_messages
from anguan.core.time import Clock
from anguan.hazards.models import Duty as HazardDuty
from anguan.hazards.models import DutyTask, EvaluationReport, Finding, UnitSubstance
from anguan.identity.models import DataScope, Role, User, UserRole
from anguan.identity.schemas import Actor
from anguan.permits.models import EntryLog, Permit, PermitPerson, WorkAlarm
from anguan.plant.models import Area, Department, Site
from tests.plant.support import Callers

API = "/api/v1/basics"
# 2027-01-15 10:00 in Asia/Shanghai (UTC+8).
NOW = datetime(2027, 1, 15, 2, 0, tzinfo=UTC)
TODAY = date(2027, 1, 15)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(seq: int, born: str = "19900101") -> str:
    """A valid GB 11643 identity number (Shijiazhuang, the given birth date, sequence `seq`)."""
    body = f"130102{born}{seq % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def mount(app: Any) -> None:
    """Mount the operations router and its messages unless app.py already does."""
    if not any(getattr(r, "path", "").startswith("/api/v1/basics/bypasses") for r in app.routes):
        app.include_router(ops_api.router, prefix="/api/v1")
    register_messages(ops_locales.MESSAGES)


async def clear_basics(database: Database) -> None:
    """Empty every master-data table (children first)."""
    async with database.transaction() as s:
        for model in (
            m.Bypass,
            m.Interlock,
            WorkAlarm,  # permits refer to people and contractors
            EntryLog,
            PermitPerson,
            Permit,
            Finding,  # hazards rows refer to people and chemicals; their due dates join the reminders
            EvaluationReport,
            DutyTask,
            HazardDuty,
            UnitSubstance,
            m.EquipmentCheck,
            m.Equipment,
            m.StartStop,
            m.Process,
            m.Duty,
            m.Training,
            m.PersonCertificate,
            m.Visitor,
            m.Person,
            m.Contractor,
            m.Supplier,
            m.Licence,
            m.Chemical,
            m.BasicsSetting,
        ):
            await s.execute(delete(model))


@dataclass
class World:
    """The app, its database and the ids the tests use."""

    app: Any
    db: Database
    ids: dict[str, int]  # sites/areas by code, departments as dept:CODE, users as user:NAME

    async def actor(self, username: str) -> Actor:
        async with self.db.transaction(write=False) as s:
            return await actor_of(s, self.ids["user:" + username], username)

    async def add(self, *rows: Any) -> list[int]:
        async with self.db.transaction() as s:
            s.add_all(rows)
            await s.flush()
            return [getattr(r, "id", None) for r in rows]

    async def get(self, model: Any, row_id: Any) -> Any:
        async with self.db.transaction(write=False) as s:
            return await s.get(model, row_id)

    async def count(self, model: Any, *where: Any) -> int:
        async with self.db.transaction(write=False) as s:
            return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    async def add_user(self, username: str, role: str, scope: tuple[str, int | None]) -> int:
        """A user with one built-in role and one data-scope grant."""
        async with self.db.transaction() as s:
            role_id = (await s.scalars(select(Role.id).where(Role.code == role))).one()
            user = User(username=username, display_name=username, password_hash="x", password_history=[])
            s.add(user)
            await s.flush()
            s.add(UserRole(user_id=user.id, role_id=role_id))
            s.add(DataScope(user_id=user.id, kind=scope[0], ref_id=scope[1]))
            self.ids["user:" + username] = user.id
            return user.id

    def interlock(self, tag: str, area: str, **kw: Any) -> m.Interlock:
        return m.Interlock(
            tag=tag, name=f"联锁 {tag}", kind="sis", site_id=self.ids["HB-01"], area_id=self.ids[area], **kw
        )

    def person(self, name: str, seq: int, dept: str | None = "SYN", **kw: Any) -> m.Person:
        kw.setdefault("kind", "employee")
        return m.Person(
            name=name,
            id_number=id_number(seq),
            department_id=self.ids["dept:" + dept] if dept else None,
            **kw,
        )


async def build_world(app: Any) -> World:
    """Mount the router, empty the master data and collect the ids."""
    mount(app)
    database: Database = app.state.database
    await clear_basics(database)
    ids: dict[str, int] = {}
    async with database.transaction(write=False) as s:
        ids |= {x.code: x.id for x in (await s.scalars(select(Site))).all()}
        ids |= {x.code: x.id for x in (await s.scalars(select(Area))).all()}
        ids |= {"dept:" + x.code: x.id for x in (await s.scalars(select(Department))).all()}
        ids |= {"user:" + x.username: x.id for x in (await s.scalars(select(User))).all()}
    return World(app, database, ids)


@pytest.fixture
async def world(app: Any, frozen_clock: Clock) -> World:
    """The app (SQLite and PostgreSQL) with the router mounted, empty master data, clock at NOW."""
    frozen_clock.freeze(NOW)
    return await build_world(app)


@pytest.fixture
async def api(world: World) -> AsyncIterator[Callers]:
    """`await api("safety")`: a bearer-token client of that user (issued at the frozen NOW)."""
    c = Callers(world.app)
    yield c
    await c.aclose()

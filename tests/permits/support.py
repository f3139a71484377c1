"""Helpers and fixtures of the permit ledger tests (print, exchange, statistics); imported by the test
modules, not collected.

Permits are driven through the API as tests/permits/test_api_flow.py does, on the seeded demo plant
(SQLite and PostgreSQL) with a frozen clock and an injected locator. `world` mounts the ledger router
unless app.py already does, so the tests pass with or without it.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from anguan.basics.models import Contractor, Person
from anguan.core.i18n import register_messages
from anguan.core.time import utcnow
from anguan.permits import ledger_api, ledger_locales
from anguan.permits.locating import Position
from anguan.permits.models import Permit, WorkAlarm
from anguan.plant.models import Area
from tests.plant.support import Callers

PM = "/api/v1/permits"
LEDGER = "/api/v1/permits-ledger"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 3, 2, 9, 0, tzinfo=TZ)  # a Tuesday, no holiday
HERE = {"x": 100.0, "y": 100.0}


class Locator:
    """Stands in for positioning: whoever signs is on site unless `away` names them."""

    def __init__(self) -> None:
        self.away: set[int] = set()

    async def on_site(self, session: Any, user_id: int, permit: Permit, reported: Position) -> bool | None:
        return user_id not in self.away


def mount(app: Any) -> None:
    """Mount the ledger router and its messages unless app.py already does."""
    if not any(getattr(r, "path", "") == "/api/v1/permits-ledger/stats" for r in app.routes):
        app.include_router(ledger_api.router, prefix="/api/v1")
    register_messages(ledger_locales.MESSAGES)


@dataclass
class World:
    app: Any
    callers: Callers
    locator: Locator
    people: dict[str, int]  # person ids by name
    areas: dict[str, int]  # area ids by code
    contractors: dict[str, int]  # contractor ids by name


@pytest.fixture
async def world(app: Any, frozen_clock: Any) -> AsyncIterator[World]:
    frozen_clock.freeze(NOW)
    locator = Locator()
    app.state.permit_locator = locator
    mount(app)
    async with app.state.database.transaction(write=False) as s:
        people = {p.name: p.id for p in (await s.scalars(select(Person))).all()}
        areas = {a.code: a.id for a in (await s.scalars(select(Area))).all()}
        contractors = {c.name: c.id for c in (await s.scalars(select(Contractor))).all()}
    c = Callers(app)
    yield World(app, c, locator, people, areas, contractors)
    await c.aclose()


async def site_and_area(client: Any, code: str) -> tuple[int, int]:
    areas = (await client.get("/api/v1/plant/areas")).json()
    area = next(a for a in areas if a["code"] == code)
    return area["site_id"], area["id"]


async def new_permit(
    client: Any, people: dict[str, int], area: str = "PU-01", **extra: Any
) -> dict[str, Any]:
    """A permit in DRAFT (hot work 二级 tomorrow by default)."""
    site, area_id = await site_and_area(client, area)
    body = {
        "work_type": "hot_work",
        "grade": "2",
        "site_id": site,
        "area_id": area_id,
        "location": "合成装置区 检修平台 支架焊接",
        **HERE,
        "content": "更换 E-201 检修平台护栏立柱，电焊",
        "work_unit": "合成车间",
        "leader_id": people["刘强"],
        "planned_start": (NOW + timedelta(days=1)).isoformat(),
        "planned_end": (NOW + timedelta(days=1, hours=6)).isoformat(),
        "details": {"method": "电焊"},
    } | extra
    r = await client.post(PM, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def act(client: Any, pid: int, action: str, **body: Any) -> Any:
    return await client.post(f"{PM}/{pid}/actions/{action}", json={**HERE, **body})


async def prepare(
    client: Any, pid: int, people: dict[str, int], worker: str = "马俊", guardian: str = "孙磊"
) -> None:
    """Workers, guardian, risk analysis, measures (with 其他安全措施) and the briefing."""
    r = await client.put(
        f"{PM}/{pid}/people",
        json={
            "people": [
                {"person_id": people[worker], "role": "worker"},
                {"person_id": people[guardian], "role": "guardian"},
            ]
        },
    )
    assert r.status_code == 200, r.text
    r = await client.put(
        f"{PM}/{pid}/analysis", json={"risks": ["火灾", "灼烫", "触电"], "jha": "焊渣飞溅引燃"}
    )
    assert r.status_code == 200, r.text
    answers = [{"seq": m["seq"], "involved": m["seq"] != 3} for m in r.json()["measures"]]
    r = await client.put(f"{PM}/{pid}/measures", json={"answers": answers, "other": "配备灭火器两具"})
    assert r.status_code == 200, r.text
    assert (await client.post(f"{PM}/{pid}/briefing")).status_code == 200


async def gas(client: Any, pid: int, minutes_ago: int = 5, value: float = 0.1) -> Any:
    r = await client.post(
        f"{PM}/{pid}/gas-tests",
        json={
            "sampled_at": (utcnow() - timedelta(minutes=minutes_ago)).isoformat(),
            "point": "动火点 10 m 内",
            "readings": [{"kind": "combustible", "name": "甲醇", "value": value}],
        },
    )
    assert r.status_code == 201, r.text
    return r


def emergency(minutes: int = 0, hours: int = 6) -> dict[str, Any]:
    """Today's emergency booking (AQ 3064.2-2025 §5.3.1) starting at the frozen NOW, so the work may
    start without moving the clock."""
    return {
        "emergency": True,
        "planned_start": (NOW + timedelta(minutes=minutes)).isoformat(),
        "planned_end": (NOW + timedelta(minutes=minutes, hours=hours)).isoformat(),
    }


async def to_applying(safety: Any, pid: int, people: dict[str, int], **who: str) -> None:
    for action in ("submit_booking", "approve_booking"):
        r = await act(safety, pid, action)
        assert r.status_code == 200, r.text
    await prepare(safety, pid, people, **who)
    r = await act(safety, pid, "apply")
    assert r.status_code == 200, r.text


async def to_issued(safety: Any, leader: Any, pid: int, people: dict[str, int], **sign: Any) -> Any:
    """An emergency 二级 hot-work permit from draft to issued: the leader signs 作业负责人, 所在单位 and
    动火审批人 (`sign` goes with the first signature: opinion, image_id)."""
    await to_applying(safety, pid, people)
    await gas(safety, pid)
    r = await act(safety, pid, "submit_for_signing")
    assert r.status_code == 200, r.text
    first = {"opinion": "措施已落实"} | sign
    for body in (first, {"opinion": "同意"}, {"opinion": "同意动火"}):
        r = await act(leader, pid, "sign", **body)
        assert r.status_code == 200, r.text
    assert r.json()["state"] == "issued"
    return r


async def to_in_progress(safety: Any, leader: Any, pid: int, people: dict[str, int], **sign: Any) -> Any:
    await to_issued(safety, leader, pid, people, **sign)
    r = await act(leader, pid, "sign", opinion="验票合格")  # 当班班长验票
    assert r.status_code == 200, r.text
    r = await act(safety, pid, "start")
    assert r.status_code == 200 and r.json()["state"] == "in_progress", r.text
    return r


async def to_accepted(safety: Any, leader: Any, pid: int, people: dict[str, int], **sign: Any) -> Any:
    await to_in_progress(safety, leader, pid, people, **sign)
    assert (await act(safety, pid, "finish")).json()["state"] == "acceptance_pending"
    r = await act(leader, pid, "accept", opinion="现场无余火，已清理")
    assert r.status_code == 200 and r.json()["state"] == "accepted", r.text
    return r


def signature_png() -> bytes:
    """A drawn signature: a dark stroke on white, as the phone's signature pad sends it."""
    img = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(img)
    draw.line([(10, 60), (60, 15), (90, 65), (140, 20), (180, 60), (230, 30)], fill="navy", width=5)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


async def upload(client: Any, data: bytes, name: str, content_type: str) -> int:
    r = await client.post("/api/v1/files", files={"file": (name, data, content_type)})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def alarm_codes(app: Any, pid: int) -> list[str]:
    async with app.state.database.transaction(write=False) as s:
        return sorted((await s.scalars(select(WorkAlarm.code).where(WorkAlarm.permit_id == pid))).all())


async def me(client: Any) -> int:
    return int((await client.get("/api/v1/auth/me")).json()["id"])

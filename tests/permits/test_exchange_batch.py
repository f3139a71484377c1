"""The exchange feed (AQ 3064.2-2025 §8.2 incremental push) loads a page in a constant number of SQL
statements, whatever its size, and each record in it is byte for byte the permit's own exchange record
(GET /permits/{id}/exchange), on the demo plant (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from anguan.basics.models import Person
from tests.permits.support import (
    LEDGER,
    NOW,
    PM,
    World,
    act,
    alarm_codes,
    gas,
    new_permit,
    to_applying,
    world,
)

__all__ = ["world"]

PAGE_SMALL, PAGE_LARGE = 2, 10


@contextmanager
def counting(app: Any) -> Iterator[list[str]]:
    """The SQL statements the app's engine sends while the block runs."""
    statements: list[str] = []
    engine = app.state.database.engine.sync_engine

    def _count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def as_served(record: Any) -> bytes:
    """A JSON value rendered the way FastAPI's JSONResponse renders a body."""
    return json.dumps(
        record, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode()


async def _permits(world: World, n: int) -> dict[str, int]:
    """`n` alike permits with people, measures, an alarm (0/01) and an analysis; permit id by uid."""
    people, callers, app = world.people, world.callers, world.app
    safety = await callers("safety")
    out: dict[str, int] = {}
    for _ in range(n):
        p = await new_permit(safety, people)
        await to_applying(safety, p["id"], people)
        assert (await act(safety, p["id"], "submit_for_signing")).status_code == 409  # no analysis: 0/01
        await gas(safety, p["id"])
        out[p["uid"]] = p["id"]
    assert await alarm_codes(app, p["id"]) == ["0/01"]
    return out


async def test_a_feed_page_costs_the_same_number_of_statements_whatever_its_size(world: World) -> None:
    mine = await _permits(world, PAGE_LARGE)
    safety = await world.callers("safety")
    since = (NOW - timedelta(seconds=1)).isoformat()

    async def feed(limit: int) -> tuple[list[dict[str, Any]], int]:
        with counting(world.app) as statements:
            r = await safety.get(f"{LEDGER}/exchange", params={"updated_since": since, "limit": limit})
        assert r.status_code == 200, r.text
        return list(r.json()), len(statements)

    await feed(1)  # warm-up: the caller's session and scope are looked up the same way every time
    small, n_small = await feed(PAGE_SMALL)
    large, n_large = await feed(PAGE_LARGE)
    assert len(small) == PAGE_SMALL and len(large) == PAGE_LARGE
    assert {x["ticket"]["ID"] for x in large} == set(mine)
    assert large[:PAGE_SMALL] == small
    assert n_large == n_small, (n_small, n_large)
    # Every record has its people, analysis and alarm: the batch loading left nothing out.
    for x in large:
        t = x["ticket"]
        assert (t["WORKER_NAME"], t["SUPERVISOR_NAME"], t["GAS_NAME"]) == ("马俊", "孙磊", "甲醇")
        assert [a["ALARM_TYPE"] for a in x["alarms"]] == ["01"]


async def test_every_feed_record_is_the_permits_own_record_byte_for_byte(world: World) -> None:
    """The demo plant's permits (live hot work with alarms, a booked confined space …) and new ones of
    every kind: contractor work, a handled alarm, a certificate, a revoked permit."""
    people, callers, app = world.people, world.callers, world.app
    safety = await callers("safety")
    async with app.state.database.transaction(write=False) as s:
        c1 = (await s.scalars(select(Person.contractor_id).where(Person.name == "郑海波"))).one()
    contractor = await new_permit(safety, people, contractor_id=c1)
    await to_applying(safety, contractor["id"], people, worker="郑海波")
    assert (await act(safety, contractor["id"], "submit_for_signing")).status_code == 409  # 0/01, 5/51
    opened = (await safety.get(f"{PM}/alarms/open")).json()
    alarm = next(a for a in opened if a["permit_id"] == contractor["id"] and a["code"] == "5/51")
    r = await safety.post(f"{PM}/alarms/{alarm['id']}/handle", json={"result": "更换持证焊工"})
    assert r.status_code == 200
    revoked = await new_permit(safety, people, area="DK-01", location="1# 防火堤 T-101")
    assert (await act(safety, revoked["id"], "cancel", reason="计划取消")).status_code == 200
    await _permits(world, 2)

    r = await safety.get(f"{LEDGER}/exchange", params={"limit": 1000})
    assert r.status_code == 200, r.text
    records = r.json()
    ids = {p["uid"]: p["id"] for p in (await safety.get(PM, params={"page_size": 200})).json()["items"]}
    assert len(records) == len(ids) and {contractor["uid"], revoked["uid"]} <= set(ids)
    for record in records:
        own = await safety.get(f"{PM}/{ids[record['ticket']['ID']]}/exchange")
        assert own.status_code == 200, own.text
        assert own.content == as_served(record), record["ticket"]["ID"]
    # The whole page in one response is the records one after another.
    assert r.content == b"[" + b",".join(as_served(x) for x in records) + b"]"

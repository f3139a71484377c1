"""Lookups other modules use (chemical facts for the permit gas test and GB 18218), and the
reminder export, on the seeded demo plant."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from anguan.basics.lookups import chemical_facts, chemicals_of_unit
from anguan.basics.models import Chemical


async def test_chemical_facts_by_cas_name_and_alias(app: Any) -> None:
    async with app.state.database.transaction() as session:
        by_cas = await chemical_facts(session, "67-56-1")
        by_name = await chemical_facts(session, "甲醇")
        assert by_cas is not None and by_cas == by_name
        assert (by_cas.lel_pct, by_cas.uel_pct, by_cas.key_supervised) == (6.0, 36.0, True)
        assert "flam_liq:2" in by_cas.ghs
        assert await chemical_facts(session, "7732-18-5") is None  # water is not in the demo
        assert await chemical_facts(session, "  ") is None
        aliased = next(c for c in (await session.scalars(select(Chemical))).all() if c.aliases)
        found = await chemical_facts(session, aliased.aliases[0].upper())
        assert found is not None and found.id == aliased.id


async def test_chemicals_of_a_unit_follow_its_cas_list(app: Any) -> None:
    async with app.state.database.transaction() as session:
        facts = await chemicals_of_unit(session, "PU01-HYD")
        assert [f.cas for f in facts] == ["1333-74-0", "108-88-3", "67-56-1"]
        assert facts[0].lel_pct == 4.0  # hydrogen
        assert await chemicals_of_unit(session, "NO-SUCH-UNIT") == []


async def test_reminder_export_lists_what_the_centre_lists(callers: Any) -> None:
    safety = await callers("safety")
    listed = (await safety.get("/api/v1/basics/reminders", params={"status": "expired"})).json()
    r = await safety.get("/api/v1/basics/reminders/export.xlsx", params={"status": "expired"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(listed) > 0
    assert [row[4] for row in rows] == [i["title"] for i in listed]
    assert {row[0] for row in rows} == {"已过期 expired"}
    assert (
        await (await callers("contractor")).get("/api/v1/basics/reminders/export.xlsx")
    ).status_code == 403

"""The ledger export (AQ 3064.2-2025 §5.11) applies every filter of the ledger list (GET /permits), the
grade and the alarm type included, so that a drill-down from the statistics exports what it shows
(demo plant, SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook

from tests.permits.support import (
    LEDGER,
    NOW,
    PM,
    World,
    act,
    alarm_codes,
    new_permit,
    to_applying,
    world,
)

__all__ = ["world"]

# Tomorrow's permits only (the demo plant's own work starts elsewhere in time).
WINDOW = {
    "start_from": (NOW + timedelta(hours=12)).isoformat(),
    "start_to": (NOW + timedelta(days=2)).isoformat(),
}


def _tomorrow(hour: int) -> dict[str, str]:
    """A planned period tomorrow from `hour` (distinct starts: the list and the export sort by it)."""
    start = (NOW + timedelta(days=1)).replace(hour=hour)
    return {"planned_start": start.isoformat(), "planned_end": (start + timedelta(hours=4)).isoformat()}


async def _exported(client: Any, **params: Any) -> tuple[list[str], dict[str, str]]:
    """The permit numbers of the workbook in order, and its notes."""
    r = await client.get(f"{LEDGER}/export.xlsx", params=WINDOW | params)
    assert r.status_code == 200, r.text
    book = load_workbook(io.BytesIO(r.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    notes = {str(k): str(v) for k, v, *_ in book.worksheets[1].iter_rows(values_only=True)}
    return [str(row[0]) for row in rows[1:]], notes


async def _listed(client: Any, **params: Any) -> list[str]:
    r = await client.get(PM, params=WINDOW | params | {"page_size": 200})
    assert r.status_code == 200, r.text
    return [p["number"] for p in r.json()["items"]]


async def test_the_export_applies_the_grade_and_alarm_type_filters(world: World) -> None:
    people, callers, app = world.people, world.callers, world.app
    safety = await callers("safety")
    # 二级 with an expired welder (alarms 0/01 and 5/51), 一级 without analysis (0/01), 二级 clean.
    expired = await new_permit(safety, people, **_tomorrow(8))
    await to_applying(safety, expired["id"], people, worker="郑海波")
    assert (await act(safety, expired["id"], "submit_for_signing")).status_code == 409
    first = await new_permit(safety, people, grade="1", **_tomorrow(9))
    await to_applying(safety, first["id"], people)
    assert (await act(safety, first["id"], "submit_for_signing")).status_code == 409
    clean = await new_permit(safety, people, **_tomorrow(10))
    assert await alarm_codes(app, expired["id"]) == ["0/01", "5/51"]
    assert await alarm_codes(app, first["id"]) == ["0/01"]
    assert await alarm_codes(app, clean["id"]) == []
    n = {k: p["number"] for k, p in (("expired", expired), ("first", first), ("clean", clean))}

    cases: list[tuple[dict[str, str], set[str]]] = [
        ({}, {n["expired"], n["first"], n["clean"]}),
        ({"grade": "1"}, {n["first"]}),
        ({"grade": "2"}, {n["expired"], n["clean"]}),
        ({"alarm_type": "5/51"}, {n["expired"]}),
        ({"alarm_type": "0/01"}, {n["expired"], n["first"]}),
        ({"grade": "2", "alarm_type": "0/01"}, {n["expired"]}),
        ({"grade": "1", "alarm_type": "5/51"}, set()),
        ({"alarm_type": "4/40", "work_type": "hot_work"}, set()),
    ]
    for params, expected in cases:
        numbers, _ = await _exported(safety, **params)
        assert set(numbers) == expected, params
        # exactly the rows of the list, in its order (newest planned start first)
        assert numbers == await _listed(safety, **params), params
    # The sheet says which filter it holds.
    _, notes = await _exported(safety, grade="2", alarm_type="0/01")
    assert "grade=2" in notes["筛选 Filter"] and "alarm_type=0/01" in notes["筛选 Filter"]
    assert notes["行数 Rows"] == "1"
    # The statistics honour the same filter.
    r = await safety.get(f"{LEDGER}/stats", params=WINDOW | {"alarm_type": "5/51"})
    assert r.status_code == 200 and r.json()["totals"]["permits"] == 1
    assert r.json()["filters"]["alarm_type"] == "5/51"
    # A malformed alarm type is refused as by the list.
    for path in (PM, f"{LEDGER}/export.xlsx"):
        r = await safety.get(path, params={"alarm_type": "51"})
        assert r.status_code == 422 and r.json()["code"] == "common.validation_error"

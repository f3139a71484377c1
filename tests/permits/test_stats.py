"""The permit ledger (AQ 3064.2-2025 §5.11, §5.12): statistics per type, grade, area, contractor, state,
alarm type and plant day with the boundaries of the date range and drill-down filters that reopen
the list, the workbook export, the map of a day, permissions and data scope — pure grouping and the
endpoints on the demo plant (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from anguan.basics.models import Person
from anguan.permits import ledger_locales, stats
from anguan.permits.locales import MESSAGES as PERMITS_MESSAGES
from anguan.permits.stats import AlarmRow, LedgerFilter, LedgerRow, grade_label, group_permits, totals
from tests.permits.support import (
    LEDGER,
    PM,
    TZ,
    World,
    act,
    alarm_codes,
    emergency,
    gas,
    new_permit,
    to_applying,
    world,
)

__all__ = ["world"]

FROM = datetime(2027, 3, 5, 8, 0, tzinfo=TZ)  # a Friday (hot work at night or on a rest day is upgraded)
TO = datetime(2027, 3, 7, 0, 0, tzinfo=TZ)


def at(day: int, hour: int = 9, minute: int = 0) -> str:
    return datetime(2027, 3, day, hour, minute, tzinfo=TZ).isoformat()


# ------------------------------------------------------------------------------ pure grouping

ROWS = [
    LedgerRow(
        1, "hot_work", "2", "applying", 10, None, datetime(2027, 3, 4, 16, 0, tzinfo=UTC)
    ),  # 03-05 00:00
    LedgerRow(2, "confined_space", None, "draft", 11, 7, datetime(2027, 3, 6, 2, 0, tzinfo=UTC)),
    LedgerRow(3, "work_at_height", "II", "draft", None, None, datetime(2027, 3, 6, 15, 0, tzinfo=UTC)),
]
ALARMS = [AlarmRow(1, "0/01", True), AlarmRow(1, "5/51", False), AlarmRow(2, "0/01", False)]
F = LedgerFilter(start_from=FROM, start_to=TO)


def by_key(groups: list[Any]) -> dict[str, Any]:
    return {g.key: g for g in groups}


def test_groups_by_type_list_every_type_with_its_filter() -> None:
    groups = by_key(group_permits(ROWS, ALARMS, "work_type", F))
    assert len(groups) == 8 and groups["lifting"].count == 0
    hot = groups["hot_work"]
    assert (hot.zh, hot.en, hot.count, hot.alarms, hot.open_alarms) == ("动火作业", "Hot work", 1, 2, 1)
    assert hot.filters == {
        "work_type": "hot_work",
        "start_from": FROM.isoformat(),
        "start_to": TO.isoformat(),
    }
    assert hot.exact and groups["confined_space"].contractor == 1


def test_groups_by_grade_area_contractor_state() -> None:
    grades = by_key(group_permits(ROWS, ALARMS, "grade", F))
    assert grades["03"].count == 1 and grades["03"].zh == "二级动火作业" and grades["03"].exact
    assert grades["03"].filters["grade"] == "2" and grades["70"].exact and grades["22"].count == 1
    areas = group_permits(
        ROWS, ALARMS, "area", F, areas={10: ("PU-01", "合成装置区"), 11: ("DK-01", "1# 防火堤")}
    )
    assert [(g.key, g.zh, g.en, g.count) for g in areas] == [
        ("10", "合成装置区", "PU-01", 1), ("11", "1# 防火堤", "DK-01", 1), ("none", "未指定区域", "No area", 1),
    ]  # fmt: skip
    assert areas[0].filters["area_id"] == "10" and not areas[2].exact
    contractors = group_permits(ROWS, ALARMS, "contractor", F, contractors={7: "河北诚信建设"})
    assert [(g.key, g.count, g.exact) for g in contractors] == [("none", 2, False), ("7", 1, True)]
    states = by_key(group_permits(ROWS, ALARMS, "state", F))
    assert (states["draft"].count, states["applying"].count, states["accepted"].count) == (2, 1, 0)
    assert states["draft"].zh == "草稿" and states["draft"].filters["state"] == "draft"


def test_groups_by_alarm_type_count_permits_and_alarms() -> None:
    groups = by_key(group_permits(ROWS, ALARMS, "alarm_type", F))
    assert set(groups) == {"0/01", "5/51"}
    assert (groups["0/01"].count, groups["0/01"].alarms, groups["0/01"].open_alarms) == (2, 2, 1)
    assert groups["5/51"].zh == "资质证书过期" and groups["5/51"].filters["alarm_type"] == "5/51"


def test_days_are_plant_days_and_a_bounded_range_lists_every_day() -> None:
    days = group_permits(ROWS, ALARMS, "day", F)
    assert [(g.key, g.count) for g in days] == [("2027-03-05", 1), ("2027-03-06", 2)]
    assert days[0].filters["start_from"] == FROM.isoformat()
    assert days[1].filters["start_to"] == TO.isoformat()
    # A range starting mid-day keeps its own bounds in the day's filter.
    mid = LedgerFilter(start_from=FROM + timedelta(hours=12), start_to=TO)
    first = group_permits([], [], "day", mid)[0]
    assert first.filters["start_from"] == (FROM + timedelta(hours=12)).isoformat()
    # Without bounds only the days with permits are listed.
    assert [g.key for g in group_permits(ROWS[:1], [], "day", LedgerFilter())] == ["2027-03-05"]


def test_totals() -> None:
    t = totals(ROWS, ALARMS)
    assert (t.permits, t.contractor_permits, t.alarms, t.open_alarms) == (3, 1, 3, 1)
    assert [(a.code, a.count, a.open) for a in t.alarms_by_type] == [("0/01", 2, 1), ("5/51", 1, 0)]


def test_grade_labels() -> None:
    assert grade_label("hot_work", "special") == ("特级", "Special-grade")
    assert grade_label("work_at_height", "III") == ("Ⅲ级", "Grade III")
    assert grade_label("lifting", "1") == ("一级", "Grade 1")
    assert grade_label("excavation", None) == ("", "")


# ------------------------------------------------------------------------------ through the API


async def _ledger(world: World) -> dict[str, Any]:
    """Five permits around the range [03-05 08:00, 03-07 00:00) plant time, with alarms on one."""
    people, callers, app = world.people, world.callers, world.app
    safety = await callers("safety")
    async with app.state.database.transaction(write=False) as s:
        c1 = (await s.scalars(select(Person.contractor_id).where(Person.name == "郑海波"))).one()
    first = await new_permit(safety, people, planned_start=at(5, 8), planned_end=at(5, 14))  # the start: in
    tank = await new_permit(
        safety, people, area="DK-01", work_type="confined_space", grade=None, contractor_id=c1,
        location="1# 防火堤 T-101 储罐内部", planned_start=at(6, 10), planned_end=at(6, 16),
    )  # fmt: skip
    height = await new_permit(
        safety, people, work_type="work_at_height", grade=None, details={"height_m": 6},
        planned_start=at(6, 23, 59), planned_end=at(7, 3),
    )  # fmt: skip
    after = await new_permit(safety, people, planned_start=at(7, 0), planned_end=at(7, 6))  # the end: out
    before = await new_permit(safety, people, planned_start=at(5, 7, 59), planned_end=at(5, 12))  # out
    # Alarms on the first: no analysis (0/01) and an expired certificate (5/51), the latter handled.
    await to_applying(safety, first["id"], people, worker="郑海波")
    assert (await act(safety, first["id"], "submit_for_signing")).status_code == 409
    assert await alarm_codes(app, first["id"]) == ["0/01", "5/51"]
    opened = (await safety.get(f"{PM}/alarms/open")).json()
    expired = next(a for a in opened if a["permit_id"] == first["id"] and a["code"] == "5/51")
    assert (
        await safety.post(f"{PM}/alarms/{expired['id']}/handle", json={"result": "换人"})
    ).status_code == 200
    return {"first": first, "tank": tank, "height": height, "after": after, "before": before, "c1": c1}


async def _stats(client: Any, group_by: str, **params: Any) -> dict[str, Any]:
    r = await client.get(
        f"{LEDGER}/stats",
        params={"group_by": group_by, "start_from": FROM.isoformat(), "start_to": TO.isoformat()} | params,
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def _groups(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["key"]: g for g in body["groups"]}


async def test_statistics_count_each_group_within_the_range(world: World) -> None:
    ledger = await _ledger(world)
    safety = await world.callers("safety")
    body = await _stats(safety, "work_type")
    assert body["totals"] == {
        "permits": 3,
        "contractor_permits": 1,
        "alarms": 2,
        "open_alarms": 1,
        "alarms_by_type": [
            {
                "code": "0/01",
                "zh": "作业前未进行气体分析",
                "en": "No gas analysis before work",
                "count": 1,
                "open": 1,
            },
            {"code": "5/51", "zh": "资质证书过期", "en": "Certificate expired", "count": 1, "open": 0},
        ],
    }
    types = _groups(body)
    assert {k: g["count"] for k, g in types.items() if g["count"]} == {
        "hot_work": 1, "confined_space": 1, "work_at_height": 1,
    }  # fmt: skip
    assert (types["hot_work"]["alarms"], types["hot_work"]["open_alarms"]) == (2, 1)
    assert types["confined_space"]["contractor"] == 1
    grades = _groups(await _stats(safety, "grade"))
    assert (grades["03"]["count"], grades["70"]["count"], grades["22"]["count"]) == (1, 1, 1)
    areas = _groups(await _stats(safety, "area"))
    assert (areas[str(world.areas["PU-01"])]["count"], areas[str(world.areas["DK-01"])]["count"]) == (2, 1)
    contractors = _groups(await _stats(safety, "contractor"))
    assert (contractors["none"]["count"], contractors[str(ledger["c1"])]["count"]) == (2, 1)
    states = _groups(await _stats(safety, "state"))
    assert (states["applying"]["count"], states["draft"]["count"]) == (1, 2)
    alarm_types = _groups(await _stats(safety, "alarm_type"))
    assert {k: (g["count"], g["open_alarms"]) for k, g in alarm_types.items()} == {
        "0/01": (1, 1),
        "5/51": (1, 0),
    }
    days = await _stats(safety, "day")
    assert [(g["key"], g["count"]) for g in days["groups"]] == [("2027-03-05", 1), ("2027-03-06", 2)]
    # Moving the start past the first permit drops it, and with it the alarms.
    later = await _stats(safety, "work_type", start_from=(FROM + timedelta(seconds=1)).isoformat())
    assert (later["totals"]["permits"], later["totals"]["alarms"]) == (2, 0)
    # Other filters of GET /permits apply too.
    body = await _stats(safety, "state", work_type="hot_work")
    assert body["totals"]["permits"] == 1 and body["filters"]["work_type"] == "hot_work"


async def test_drill_down_filters_reopen_the_list(world: World) -> None:
    await _ledger(world)
    safety = await world.callers("safety")
    for group_by in ("work_type", "area", "contractor", "state", "day"):
        for g in (await _stats(safety, group_by))["groups"]:
            if not g["exact"]:
                continue
            r = await safety.get(PM, params=g["filters"] | {"page_size": 200})
            assert r.status_code == 200, (g, r.text)
            assert r.json()["total"] == g["count"], (group_by, g)


def test_every_code_the_ledger_raises_has_both_messages() -> None:
    raised = re.compile(r'(?:NotFound|Forbidden|Conflict|Unprocessable|BadRequest)\(\s*"([a-z_]+\.[a-z_]+)"')
    codes: set[str] = set()
    for name in ("printing", "print_data", "exchange", "stats", "ledger_api"):
        codes |= set(raised.findall((Path(stats.__file__).parent / f"{name}.py").read_text(encoding="utf-8")))
    assert {"permits.ledger_bad_range", "permits.ledger_export_too_large", "permits.not_found"} <= codes
    catalogue = PERMITS_MESSAGES | ledger_locales.MESSAGES
    for code in codes - {"common.invalid_sort"}:
        assert set(catalogue[code]) == {"zh-CN", "en-US"}, code


async def test_bad_ranges_and_groupings_are_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    safety = await world.callers("safety")
    r = await safety.get(
        f"{LEDGER}/stats", params={"start_from": TO.isoformat(), "start_to": FROM.isoformat()}
    )
    assert r.status_code == 422 and r.json()["code"] == "permits.ledger_bad_range"
    assert "开始" in r.json()["message"] or "start" in r.json()["message"]
    r = await safety.get(f"{LEDGER}/stats", params={"group_by": "colour"})
    assert r.status_code == 422 and r.json()["code"] == "common.validation_error"
    r = await safety.get(f"{LEDGER}/export.xlsx", params={"sort": "nonsense"})
    assert r.status_code == 400 and r.json()["code"] == "common.invalid_sort"
    await new_permit(safety, world.people)
    await new_permit(safety, world.people)
    monkeypatch.setattr(stats, "MAX_EXPORT_ROWS", 1)
    r = await safety.get(f"{LEDGER}/export.xlsx", params={"start_from": FROM.replace(day=2).isoformat()})
    assert r.status_code == 422 and r.json()["code"] == "permits.ledger_export_too_large"
    assert r.json()["params"] == {"limit": 1}


async def test_the_export_has_the_ledger_rows(world: World) -> None:
    ledger = await _ledger(world)
    safety = await world.callers("safety")
    r = await safety.get(
        f"{LEDGER}/export.xlsx", params={"start_from": FROM.isoformat(), "start_to": TO.isoformat()}
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号 Number", "类型 Type", "级别 Grade", "状态 State")
    assert rows[0][-1] == "报警数 Alarms" and len(rows[0]) == 15
    numbers = [row[0] for row in rows[1:]]
    expected = [ledger[k]["number"] for k in ("height", "tank", "first")]  # newest planned start first
    assert numbers == expected
    first = rows[1 + numbers.index(ledger["first"]["number"])]
    assert first[1:4] == ("动火作业", "二级", "申请中") and first[7] == "否" and first[8] == "刘强"
    assert first[9] == "孙磊" and first[10] == datetime(2027, 3, 5, 8, 0) and first[14] == 2  # plant time
    tank = rows[1 + numbers.index(ledger["tank"]["number"])]
    assert (tank[1], tank[2], tank[7], tank[14]) == ("受限空间作业", None, "是", 0)
    # Filtered like GET /permits.
    r = await safety.get(
        f"{LEDGER}/export.xlsx", params={"work_type": "confined_space", "start_from": FROM.isoformat()}
    )
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [ledger["tank"]["number"]]


async def test_the_map_of_the_day(world: World) -> None:
    people, callers = world.people, world.callers
    safety, leader = await callers("safety"), await callers("leader")

    async def day_map(client: Any, **params: Any) -> dict[str, Any]:
        r = await client.get(f"{LEDGER}/map/today", params=params)
        assert r.status_code == 200, r.text
        return dict(r.json())

    baseline = await day_map(safety)  # the demo plant's own live work
    live = await new_permit(safety, people, **emergency())
    await to_applying(safety, live["id"], people)
    assert (await act(safety, live["id"], "submit_for_signing")).status_code == 409  # 0/01, stays open
    await gas(safety, live["id"])
    assert (await act(safety, live["id"], "submit_for_signing")).status_code == 200
    for _ in range(4):
        assert (await act(leader, live["id"], "sign", opinion="同意")).status_code == 200
    assert (await act(safety, live["id"], "start")).json()["state"] == "in_progress"
    tonight = await new_permit(safety, people, planned_start=at(2, 23), planned_end=at(3, 5))
    tomorrow = await new_permit(
        safety, people, planned_start=at(3, 0), planned_end=at(3, 6)
    )  # starts at 24:00
    today = await day_map(safety)
    assert today["day"] == "2027-03-02" and today["live_included"] is True
    ids = {p["id"]: p for p in today["permits"]}
    assert live["id"] in ids and tonight["id"] in ids and tomorrow["id"] not in ids
    mine = ids[live["id"]]
    assert (mine["state"], mine["state_zh"], mine["ticket_status"], mine["open_alarms"]) == (
        "in_progress",
        "作业中",
        "2",
        1,
    )
    assert (mine["x"], mine["y"], mine["area_id"], mine["type_zh"], mine["grade_zh"]) == (
        100.0, 100.0, world.areas["PU-01"], "动火作业", "二级",
    )  # fmt: skip

    def counts(m: dict[str, Any]) -> dict[str, int]:
        return {c["key"]: c["count"] for c in m["by_state"]}

    before, after = counts(baseline), counts(today)
    assert after.get("in_progress", 0) - before.get("in_progress", 0) == 1
    assert after.get("draft", 0) - before.get("draft", 0) == 1
    assert today["open_alarms"] - baseline["open_alarms"] == 1
    # Another day: its planned work only, no live permits of today.
    other = await day_map(safety, day="2027-03-03")
    assert other["live_included"] is False
    assert {p["id"] for p in other["permits"]} == {tonight["id"], tomorrow["id"]}
    assert {c["key"]: c["count"] for c in other["by_ticket_status"]} == {"0": 2}
    # Scope: the 储运 inspector does not see the synthesis unit's work.
    inspector = await callers("inspector")
    assert not {live["id"], tonight["id"]} & {p["id"] for p in (await day_map(inspector))["permits"]}


async def test_permissions_and_scope(world: World) -> None:
    ledger = await _ledger(world)
    callers = world.callers
    auditor, inspector = await callers("auditor"), await callers("inspector")
    for path in ("stats", "export.xlsx", "map/today", "exchange"):
        r = await auditor.get(f"{LEDGER}/{path}")
        assert r.status_code == 403 and r.json()["code"] == "common.forbidden", path
        assert (await (await callers(None)).get(f"{LEDGER}/{path}")).status_code == 401
    body = await _stats(inspector, "area")
    assert body["totals"]["permits"] == 1 and list(_groups(body)) == [str(world.areas["DK-01"])]
    r = await inspector.get(
        f"{LEDGER}/export.xlsx", params={"start_from": FROM.isoformat(), "start_to": TO.isoformat()}
    )
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [ledger["tank"]["number"]]

"""Console views, trends, KPIs and data quality through the API; KPI figures against hand-computed
fixtures (AL-5 flood, AL-6 > 300 a day, AL-8 stale, AL-9 chattering); on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import insert

from anguan.monitoring.models import AlarmEvent, Reject, Rollup1m, Sample
from anguan.monitoring.types import from_dt
from tests.monitoring import support
from tests.monitoring.support import (
    API,
    SITE,
    engine_activate,
    engine_return,
    make_point,
    set_current,
)

# Fixtures shared by the monitoring API tests.
callers = support.callers
ids = support.ids


def _iso(d: datetime) -> str:
    return d.isoformat().replace("+00:00", "Z")


async def _activations(
    db: Any, alarm_id: int, point_id: int, console: str, priority: str, times: list[datetime]
) -> None:
    """Extra `activated` journal rows of one alarm (the engine's history, written in bulk)."""
    if not times:
        return
    async with db.transaction() as s:
        await s.execute(
            insert(AlarmEvent),
            [
                {
                    "alarm_id": alarm_id,
                    "point_id": point_id,
                    "console": console,
                    "ts": t,
                    "kind": "activated",
                    "occurrence": i + 1,
                    "priority": priority,
                }
                for i, t in enumerate(times)
            ],
        )


async def _alarm_with_history(
    db: Any, point: dict[str, Any], condition: str, times: list[datetime], priority: str
) -> int:
    """An alarm whose journal holds exactly `times` as activations (the last one left standing)."""
    alarm_id = await engine_activate(db, point["id"], condition, times[-1])
    await _activations(db, alarm_id, point["id"], point["console"], priority, times[:-1])
    return alarm_id


async def test_kpi_flood_bad_actors_priorities_AL5(
    app: Any, callers: Any, ids: dict[str, int], frozen_clock: Any
):
    """AL-5: 11 alarms within 10 minutes on one console: a flood from the 11th until fewer than 5
    remain in the trailing 10 minutes."""
    now = datetime.now(UTC).replace(microsecond=0)
    frozen_clock.freeze(now)
    t0 = (now - timedelta(days=3)).replace(second=0, microsecond=0)
    safety = await callers("safety")
    db = app.state.database
    p1 = await make_point(safety, ids[SITE], "TST-K1", area_id=ids["PU-01"], console="FLOOD")
    p2 = await make_point(safety, ids[SITE], "TST-K2", area_id=ids["PU-01"], console="FLOOD")
    s = timedelta(seconds=1)
    a = await _alarm_with_history(db, p1, "H", [t0 + i * 60 * s for i in range(6)], "medium")  # 0..300 s
    b = await _alarm_with_history(
        db, p2, "H", [t0 + (15 + i * 60) * s for i in range(4)], "medium"
    )  # 15..195 s
    c = await _alarm_with_history(db, p2, "HH", [t0 + 255 * s], "high")
    for alarm_id, at in ((a, 400), (b, 400), (c, 400)):
        await engine_return(db, alarm_id, t0 + at * s)

    r = await safety.get(
        f"{API}/kpi", params={"start": _iso(t0), "end": _iso(t0 + timedelta(hours=1)), "console": "FLOOD"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["limits"]["flood_start_above"] == 10 and body["limits"]["per_day_max"] == 300
    (k,) = body["consoles"]
    assert k["console"] == "FLOOD" and k["total"] == 11
    assert [b["count"] for b in k["per_10min"]] == [11, 0, 0, 0, 0, 0]
    assert k["peak_10min"] == 11
    # 11 alarms in 6 windows: 1.833 per 10 min (amber: above 1, within 2); 264 a day (amber).
    assert (k["avg_per_10min"], k["avg_per_10min_status"]) == (1.833, "amber")
    assert (k["avg_per_day"], k["avg_per_day_status"]) == (264.0, "amber")
    # Sorted arrivals 0,15,60,75,...,255,300 s: the 11th (300 s) starts it; departures from 600 s,
    # the 7th (780 s) leaves 4 in the window and ends it. 480 s of 3600 s = 13.333 %.
    assert k["floods"] == [{"start": _iso(t0 + 300 * s), "end": _iso(t0 + 780 * s), "alarms": 11}]
    assert k["flood_time_pct"] == 13.333
    assert [(x["tag"], x["condition"], x["count"], x["share_pct"]) for x in k["top_bad_actors"]] == [
        ("TST-K1", "H", 6, 54.55),
        ("TST-K2", "H", 4, 36.36),
        ("TST-K2", "HH", 1, 9.09),
    ]
    assert k["top10_share_pct"] == 100.0
    assert k["chattering"] == []  # 60 s apart: never 3 within 60 s
    shares = {x["priority"]: (x["count"], x["pct"], x["target_pct"]) for x in k["priority_distribution"]}
    assert shares == {
        "urgent": (0, 0.0, None),
        "high": (1, 9.09, 5.0),
        "medium": (10, 90.91, 15.0),
        "low": (0, 0.0, 80.0),
    }
    assert k["standing"] == [] and k["stale"] == []

    # A window that starts inside the flood still reports it, from its real start.
    r = await safety.get(
        f"{API}/kpi", params={"start": _iso(t0 + 600 * s), "end": _iso(t0 + 1200 * s), "console": "FLOOD"}
    )
    (k,) = r.json()["consoles"]
    assert k["total"] == 0
    assert k["floods"] == [{"start": _iso(t0 + 300 * s), "end": _iso(t0 + 780 * s), "alarms": 11}]
    assert k["flood_time_pct"] == 30.0  # 600..780 s of 600..1200 s


async def test_kpi_day_rates_AL6_chattering_AL9_stale_AL8(
    app: Any, callers: Any, ids: dict[str, int], frozen_clock: Any
):
    now = datetime.now(UTC).replace(microsecond=0)
    frozen_clock.freeze(now)
    d0 = (now - timedelta(days=5)).replace(hour=0, minute=0, second=0, microsecond=0)
    safety = await callers("safety")
    db = app.state.database
    site = ids[SITE]
    busy = await make_point(safety, site, "TST-DAY", area_id=ids["UT-01"], console="DAY")
    # AL-6: day 1 with 320 annunciations (every 270 s: never a flood), day 2 with 150.
    day1 = [d0 + timedelta(seconds=270 * i) for i in range(320)]
    day2 = [d0 + timedelta(days=1, seconds=576 * i) for i in range(150)]
    alarm = await _alarm_with_history(db, busy, "H", [*day1, *day2], "medium")
    await engine_return(db, alarm, d0 + timedelta(days=2))
    r = await safety.get(
        f"{API}/kpi", params={"start": _iso(d0), "end": _iso(d0 + timedelta(days=2)), "console": "DAY"}
    )
    (k,) = r.json()["consoles"]
    assert k["total"] == 470
    assert [(x["count"], x["status"]) for x in k["per_day"]] == [(320, "red"), (150, "green")]
    assert (k["avg_per_day"], k["avg_per_day_status"]) == (235.0, "amber")
    assert (k["avg_per_10min"], k["avg_per_10min_status"]) == (1.632, "amber")  # 470 / 288 windows
    assert k["floods"] == [] and k["chattering"] == []

    chat = await make_point(safety, site, "TST-CHAT", area_id=ids["UT-01"], console="CHAT")
    t1 = d0 + timedelta(days=3)
    # AL-9: 4 activations in 40 s chatter (60 s window); 3 activations 61 s apart do not.
    x = await _alarm_with_history(
        db,
        chat,
        "H",
        [t1, t1 + timedelta(seconds=10), t1 + timedelta(seconds=25), t1 + timedelta(seconds=40)],
        "medium",
    )
    y = await _alarm_with_history(db, chat, "L", [t1 + timedelta(seconds=61 * i) for i in range(3)], "medium")
    await engine_return(db, x, t1 + timedelta(minutes=5))
    await engine_return(db, y, t1 + timedelta(minutes=5))
    # AL-8: continuously active for 25 h is stale; 23 h is standing only.
    stale = await _alarm_with_history(db, chat, "HH", [now - timedelta(hours=25)], "high")
    standing = await _alarm_with_history(db, busy, "HH", [now - timedelta(hours=23)], "high")
    r = await safety.get(f"{API}/kpi", params={"start": _iso(t1), "end": _iso(t1 + timedelta(hours=1))})
    consoles = {c["console"]: c for c in r.json()["consoles"]}
    assert set(consoles) == {"CHAT", "DAY"}  # DAY: no activations in the window, one standing alarm
    k = consoles["CHAT"]
    assert k["total"] == 7
    assert [(c["alarm_id"], c["activations"]) for c in k["chattering"]] == [(x, 4)]
    assert [s["alarm_id"] for s in k["stale"]] == [stale]
    assert [s["alarm_id"] for s in k["standing"]] == [stale]
    assert [s["alarm_id"] for s in consoles["DAY"]["standing"]] == [standing]
    assert consoles["DAY"]["stale"] == []


async def test_kpi_input_is_checked(app: Any, callers: Any):
    operator = await callers("operator")
    t = datetime(2026, 11, 1, tzinfo=UTC)
    for params, code in (
        ({"start": _iso(t), "end": _iso(t)}, "monitoring.time_range_invalid"),
        ({"start": _iso(t), "end": _iso(t + timedelta(days=32))}, "monitoring.time_range_too_long"),
        ({"start": "yesterday", "end": _iso(t)}, "common.validation_error"),
    ):
        r = await operator.get(f"{API}/kpi", params=params)
        assert r.status_code == 422 and r.json()["code"] == code, params


async def test_trend_and_export(app: Any, callers: Any, ids: dict[str, int]):
    safety, leader = await callers("safety"), await callers("leader")
    db = app.state.database
    p = await make_point(safety, ids[SITE], "TST-TR", area_id=ids["PU-01"], unit="m")
    tf = await make_point(safety, ids[SITE], "TST-TR-TF", area_id=ids["TF-01"])
    t0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    async with db.transaction() as s:
        await s.execute(
            insert(Sample),
            [
                {"point_id": p["id"], "ts": t0 + timedelta(seconds=10 * i), "value": float(i), "quality": 0}
                for i in range(30)
            ],
        )
    q = {"point_ids": str(p["id"]), "start": _iso(t0), "end": _iso(t0 + timedelta(minutes=5))}
    r = await leader.get(f"{API}/trend", params=q)
    assert r.status_code == 200, r.text
    (series,) = r.json()["series"]
    assert (series["tag"], series["unit"], series["tier"]) == ("TST-TR", "m", "raw")
    values = [pt[1] for pt in series["points"]]
    assert values[:3] == [0.0, 1.0, 2.0] and values[-1] == 29.0
    assert series["points"][0][0] == from_dt(t0)

    r = await leader.get(f"{API}/trend/export", params=q | {"format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith('attachment; filename="trend_')
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["time_utc", "time_local", "tag", "value"] and len(rows) == 31
    assert rows[1][1].endswith("+08:00")  # the site's zone
    r = await leader.get(f"{API}/trend/export", params=q | {"format": "xlsx"})
    assert r.headers["content-disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert ws.max_row == 31

    for params, status, code in (
        (q | {"end": q["start"]}, 422, "monitoring.time_range_invalid"),
        (q | {"end": _iso(t0 + timedelta(days=401))}, 422, "monitoring.time_range_too_long"),
        (q | {"max_points": 5001}, 422, "common.validation_error"),
        (q | {"point_ids": "1,a"}, 422, "monitoring.bad_point_ids"),
        (q | {"point_ids": ",".join(str(i) for i in range(1, 22))}, 422, "monitoring.bad_point_ids"),
        (q | {"point_ids": "999999"}, 404, "monitoring.point_not_found"),
        (q | {"point_ids": f"{p['id']},{tf['id']}"}, 403, "identity.out_of_scope"),
        (q | {"format": "pdf"}, 422, "common.validation_error"),
    ):
        path = "/trend/export" if "format" in params else "/trend"
        r = await leader.get(API + path, params=params)
        assert (r.status_code, r.json()["code"]) == (status, code), params


async def test_snapshot_board_and_status(app: Any, callers: Any, ids: dict[str, int], frozen_clock: Any):
    now = datetime.now(UTC).replace(microsecond=0)
    frozen_clock.freeze(now)
    safety = await callers("safety")
    db = app.state.database
    # A site of its own, so the demo points do not count.
    r = await safety.post(
        "/api/v1/plant/sites", json={"code": "TS-09", "name": "测试厂区", "width_m": 50, "height_m": 50}
    )
    site = r.json()["id"]
    p1 = await make_point(safety, site, "TST-S1", expected_interval_s=10.0)
    p2 = await make_point(safety, site, "TST-S2", expected_interval_s=10.0)
    await make_point(safety, site, "TST-S3")
    await make_point(safety, site, "TST-S4", enabled=False)
    await set_current(db, p1["id"], now - timedelta(seconds=5), 17.0)
    await set_current(db, p2["id"], now - timedelta(seconds=30), 3.0)  # silent for 3 intervals: offline
    hh = await engine_activate(db, p1["id"], "HH", now - timedelta(minutes=2), value=18.5)
    await engine_activate(db, p1["id"], "H", now - timedelta(minutes=3), value=16.5)
    minute = now.replace(second=0)
    async with db.transaction() as s:
        await s.execute(
            insert(Rollup1m),
            [
                {
                    "point_id": p1["id"],
                    "bucket": minute - timedelta(minutes=m),
                    "vmin": 0,
                    "vmax": 0,
                    "vsum": 2.0 * m,
                    "count": 2,
                    "vlast": 0,
                }
                for m in range(1, 40)
            ],
        )

    r = await safety.get(f"{API}/status", params={"site_id": site})
    assert r.status_code == 200, r.text
    st = r.json()
    assert (st["points_total"], st["points_configured"], st["points_online"]) == (4, 3, 1)
    assert st["online_rate"] == round(1 / 3, 4)
    assert st["active_alarms"] == {"urgent": 0, "high": 1, "medium": 1, "low": 0}
    assert st["unacked_alarms"] == 2

    r = await safety.get(f"{API}/realtime/snapshot", params={"site_id": site})
    snap = r.json()
    by_tag = {v["tag"]: v for v in snap["values"]}
    assert set(by_tag) == {"TST-S1", "TST-S2"}
    assert (
        by_tag["TST-S1"]["value"],
        by_tag["TST-S1"]["alarm_state"],
        by_tag["TST-S1"]["alarm_priority"],
    ) == (17.0, "HH", "high")
    assert by_tag["TST-S1"]["t"] == from_dt(now - timedelta(seconds=5))
    assert by_tag["TST-S2"]["alarm_state"] is None
    assert snap["alarms"][0]["id"] == hh

    r = await safety.get(f"{API}/board", params={"site_id": site})
    (area,) = r.json()["areas"]
    assert area["area_id"] is None and area["site_id"] == site
    pts = {p["tag"]: p for p in area["points"]}
    assert set(pts) == {"TST-S1", "TST-S2", "TST-S3"}
    # The 30 newest closed minutes, oldest first: the average of minute `now - m` is m.
    assert pts["TST-S1"]["sparkline"] == [float(m) for m in range(30, 0, -1)]
    assert (pts["TST-S3"]["value"], pts["TST-S3"]["sparkline"]) == (None, [])

    # Data scope: the operator (site HB-01) sees nothing of TS-09.
    operator = await callers("operator")
    assert (await operator.get(f"{API}/realtime/snapshot", params={"site_id": site})).json()["values"] == []
    assert (await operator.get(f"{API}/status", params={"site_id": site})).json()["points_total"] == 0


async def test_rejects_are_summed_per_source_and_reason(app: Any, callers: Any, frozen_clock: Any):
    now = datetime.now(UTC).replace(minute=30, second=0, microsecond=0)
    frozen_clock.freeze(now)
    db = app.state.database
    hour = now.replace(minute=0)
    async with db.transaction() as s:
        await s.execute(
            insert(Reject),
            [
                {
                    "source": "gw-http",
                    "reason": "malformed",
                    "hour": hour,
                    "count": 3,
                    "last_at": now - timedelta(minutes=5),
                    "last_detail": "bad json",
                },
                {
                    "source": "gw-http",
                    "reason": "malformed",
                    "hour": hour - timedelta(hours=2),
                    "count": 4,
                    "last_at": hour - timedelta(hours=2),
                    "last_detail": "older",
                },
                {
                    "source": "gw-http",
                    "reason": "unknown_point",
                    "hour": hour,
                    "count": 1,
                    "last_at": now - timedelta(minutes=1),
                    "last_detail": "XX-1",
                },
                {
                    "source": "sim",
                    "reason": "future",
                    "hour": hour - timedelta(hours=30),
                    "count": 9,
                    "last_at": hour - timedelta(hours=30),
                    "last_detail": "old",
                },
            ],
        )
    inspector = await callers("inspector")
    r = await inspector.get(f"{API}/rejects", params={"hours": 24})
    assert r.status_code == 200
    items = [(i["source"], i["reason"], i["count"], i["last_detail"]) for i in r.json()["items"]]
    assert items == [("gw-http", "malformed", 7, "bad json"), ("gw-http", "unknown_point", 1, "XX-1")]
    assert (await inspector.get(f"{API}/rejects", params={"hours": 0})).status_code == 422

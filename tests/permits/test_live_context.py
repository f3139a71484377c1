"""The live context of a permit (AQ 3064.2-2025 §5.6, §5.10): the fixed gas detectors within 30 m and the
cameras within 50 m of the work point or whose sector covers it are bound when the location is set,
rebound when it moves; `GET /permits/{id}/live` shows each detector's last value, its staleness and
worst active alarm, and the cameras' live-view addresses. An oxygen analyser (kind `oxygen`) watching
live work suspends it when it alarms low, like a combustible-gas detector."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from anguan.core.time import utcnow
from anguan.monitoring.events import AlarmRaised
from anguan.monitoring.models import Alarm, Point, PointCurrent
from anguan.video.models import Camera
from tests.monitoring.support import point_body
from tests.permits.support import HERE, NOW, PM, new_permit, site_and_area
from tests.permits.test_live import _codes, _running

MON = "/api/v1/monitoring/points"

# valid set-points per kind (GB/T 50493-2019, as monitoring checks them)
SETPOINTS: dict[str, dict[str, Any]] = {
    "gas_combustible": {"unit": "%LEL", "range_hi": 100.0, "sp_ll": None, "sp_l": None, "sp_h": 20.0, "sp_hh": 40.0},
    "gas_toxic": {"unit": "ppm", "range_hi": 100.0, "gas_oel": 10.0, "sp_ll": None, "sp_l": None, "sp_h": 10.0, "sp_hh": 20.0},
    "oxygen": {"unit": "%VOL", "range_hi": 30.0, "sp_ll": 18.0, "sp_l": 19.5, "sp_h": 23.5, "sp_hh": None},
    "level": {},
}  # fmt: skip
# (tag, kind, dx, dy): offsets from the work point HERE (100, 100)
DETECTORS = [
    ("LC-GAS-10", "gas_combustible", 10.0, 0.0),  # 10 m
    ("LC-GAS-30", "gas_toxic", 30.0, 0.0),  # exactly 30 m: bound
    ("LC-GAS-31", "gas_combustible", 0.0, 30.5),  # 30.5 m: not bound
    ("LC-O2-20", "oxygen", 0.0, -20.0),  # 20 m
    ("LC-LVL-5", "level", 5.0, 0.0),  # not a gas detector
]
# (code, dx, dy, heading, fov, range): 50 m exactly, 40 m, 60 m looking at the point, 60 m looking away
CAMERAS = [
    ("LC-CAM-50", 50.0, 0.0, None, None, None),
    ("LC-CAM-40", 0.0, 40.0, None, None, None),
    ("LC-CAM-SEES", 0.0, 60.0, 180.0, 60.0, 80.0),
    ("LC-CAM-AWAY", 0.0, -60.0, 180.0, 60.0, 80.0),
]


async def _place(app: Any, client: Any) -> tuple[dict[str, int], dict[str, int]]:
    """The detectors through the monitoring API, the cameras in the registry; ids by tag / code."""
    site, area = await site_and_area(client, "PU-01")
    points = {}
    for tag, kind, dx, dy in DETECTORS:
        r = await client.post(
            MON,
            json=point_body(
                site, tag, kind=kind, area_id=area, x=HERE["x"] + dx, y=HERE["y"] + dy, **SETPOINTS[kind]
            ),
        )
        assert r.status_code == 201, r.text
        points[tag] = r.json()["id"]
    cameras = {}
    async with app.state.database.transaction() as s:
        for code, dx, dy, heading, fov, rng in CAMERAS:
            cam = Camera(
                site_id=site,
                area_id=area,
                code=code,
                name=f"测试摄像机 {code}",
                kind="fixed",
                x=HERE["x"] + dx,
                y=HERE["y"] + dy,
                heading_deg=heading,
                fov_deg=fov,
                range_m=rng,
                stream_url=f"rtsp://10.0.0.1/{code}",
                snapshot_url=None,
                status="online",
            )
            s.add(cam)
            await s.flush()
            cameras[code] = cam.id
    return points, cameras


async def test_detectors_and_cameras_are_bound_to_the_work_point(app: Any, world: Any) -> None:
    callers, _, people = world
    safety = await callers("safety")
    points, cameras = await _place(app, safety)
    p = await new_permit(safety, people)
    bound = set(p["detector_ids"])
    assert {points["LC-GAS-10"], points["LC-GAS-30"], points["LC-O2-20"]} <= bound
    assert points["LC-GAS-31"] not in bound and points["LC-LVL-5"] not in bound
    seen = set(p["camera_ids"])
    assert {cameras["LC-CAM-50"], cameras["LC-CAM-40"], cameras["LC-CAM-SEES"]} <= seen
    assert cameras["LC-CAM-AWAY"] not in seen

    # moving the work 200 m away rebinds both
    r = await safety.patch(f"{PM}/{p['id']}", json={"x": 300.0, "y": 100.0})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert not set(points.values()) & set(moved["detector_ids"])
    assert not set(cameras.values()) & set(moved["camera_ids"])


async def test_the_live_context_shows_values_alarms_and_cameras(app: Any, world: Any) -> None:
    callers, _, people = world
    safety = await callers("safety")
    points, _ = await _place(app, safety)
    site, _ = await site_and_area(safety, "PU-01")
    pid = (await new_permit(safety, people))["id"]
    now = utcnow()
    async with app.state.database.transaction() as s:
        s.add(
            PointCurrent(
                point_id=points["LC-GAS-10"],
                ts=now - timedelta(seconds=5),
                value=3.5,
                quality=0,
                received_at=now,
            )
        )
        # exactly 5 min old is still current; one second more is stale
        s.add(
            PointCurrent(
                point_id=points["LC-O2-20"],
                ts=now - timedelta(minutes=5),
                value=20.9,
                quality=0,
                received_at=now,
            )
        )
        s.add(
            PointCurrent(
                point_id=points["LC-GAS-30"],
                ts=now - timedelta(minutes=5, seconds=1),
                value=1.0,
                quality=0,
                received_at=now,
            )
        )
        # the engine's row for the combustible detector's H alarm, active (level 1: 20 %LEL)
        s.add(
            Alarm(
                point_id=points["LC-GAS-10"], condition="H", priority="high", site_id=site,
                area_id=None, active=True, occurrence=1, activated_at=now, value=21.0, limit=20.0,
            )
        )  # fmt: skip
    r = await safety.get(f"{PM}/{pid}/live")
    assert r.status_code == 200, r.text
    live = r.json()
    assert (live["detector_radius_m"], live["camera_radius_m"]) == (30.0, 50.0)
    mine = {d["tag"]: d for d in live["detectors"] if d["tag"].startswith("LC-")}
    assert set(mine) == {"LC-GAS-10", "LC-GAS-30", "LC-O2-20"}
    gas10, gas30, o2 = mine["LC-GAS-10"], mine["LC-GAS-30"], mine["LC-O2-20"]
    assert (gas10["value"], gas10["condition"], gas10["priority"] is not None, gas10["stale"]) == (
        3.5, "H", True, False,
    )  # fmt: skip
    assert (gas10["distance_m"], gas30["distance_m"], o2["distance_m"]) == (10.0, 30.0, 20.0)
    assert (o2["stale"], gas30["stale"], gas30["condition"]) == (False, True, None)
    assert live["detectors"][0]["condition"] is not None  # in alarm first
    cams = {c["code"]: c for c in live["cameras"] if c["code"].startswith("LC-")}
    assert set(cams) == {"LC-CAM-50", "LC-CAM-40", "LC-CAM-SEES"}
    assert cams["LC-CAM-40"]["stream_url"] == "rtsp://10.0.0.1/LC-CAM-40"
    assert [c["distance_m"] for c in live["cameras"]] == sorted(c["distance_m"] for c in live["cameras"])

    # an unknown permit is 404
    assert (await safety.get(f"{PM}/999999/live")).status_code == 404


async def test_an_oxygen_analyser_alarm_suspends_the_work_it_watches(app: Any, world: Any) -> None:
    callers, _, people = world
    safety = await callers("safety")
    points, _ = await _place(app, safety)
    pid = await _running(callers, people)
    async with app.state.database.transaction(write=False) as s:
        point = await s.get(Point, points["LC-O2-20"])
        assert point is not None
    event = AlarmRaised(
        alarm_id=1, point_id=point.id, tag=point.tag, kind="oxygen", condition="LL", priority="urgent",
        site_id=point.site_id, area_id=point.area_id, equipment_id=None, hazard_source_id=None, value=18.0,
        limit=19.5, at=NOW,
    )  # fmt: skip
    await app.state.bus.dispatch(event)
    body = (await safety.get(f"{PM}/{pid}")).json()
    assert body["state"] == "paused"
    assert await _codes(app, pid) == ["0/09"]

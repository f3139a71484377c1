"""The contract other modules call: `cameras_near` and `cameras_by_ids` on the demo cameras, the
`/video/cameras/near` endpoint within the caller's scope, and the demo seed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from anguan.core.errors import Forbidden
from anguan.identity import permissions as P
from anguan.identity.schemas import Actor, Scope
from anguan.plant import rules as plant_rules
from anguan.plant.models import Area
from anguan.video import service
from anguan.video.models import Camera
from anguan.video.schemas import CameraIn
from anguan.video.seed import CAMERAS, seed_demo_cameras
from tests.video.conftest import World

HOT_WORK = (118.0, 252.0)  # the demo 特级 hot-work permit, 1# 防火堤 (DK-01)
CONFINED = (190.0, 300.0)  # the demo confined-space permit, T-105 in 2# 防火堤 (DK-02)


async def near(w: World, x: float | None, y: float | None, area: str | None, radius: float) -> list[str]:
    async with w.app.state.database.transaction(write=False) as s:
        found = await service.cameras_near(s, w.ids["HB-01"], x, y, w.ids[area] if area else None, radius)
        return [c.code for c in found]


@pytest.mark.parametrize(
    ("point", "area", "radius", "expected"),
    [
        # CAM-DK01-1 sees it at 32.2 m (bearing 299.7°, sector 270°–360°), the DK-01 PTZ at 121.1 m
        # (range 150), the tank-farm thermal camera at 181.8 m (bearing 230.4°, sector 195°–255°).
        pytest.param(HOT_WORK, "DK-01", 0.0, ["CAM-DK01-1", "CAM-DK01-2", "CAM-TF01-1"], id="hot-work-seen"),
        pytest.param(
            HOT_WORK, "DK-01", 30.0, ["CAM-DK01-1", "CAM-DK01-2", "CAM-TF01-1"], id="hot-work-radius"
        ),
        # CAM-DK02-1 at 85.0 m, the thermal camera exactly on its heading (225°) at 96.2 m, the PTZ at 145.2 m.
        pytest.param(CONFINED, "DK-02", 0.0, ["CAM-DK02-1", "CAM-TF01-1", "CAM-DK01-2"], id="confined-space"),
        # Nobody's sector covers the middle of the main road; a radius brings the nearest in.
        pytest.param((300.0, 190.0), None, 0.0, [], id="nothing-sees-the-road"),
        pytest.param((300.0, 190.0), None, 50.0, ["CAM-LD01-1"], id="radius-only-offline-kept"),  # 46.7 m
        # Without a point: the area's cameras and those of the areas below it, by id.
        pytest.param((None, None), "DK-02", 50.0, ["CAM-DK02-1"], id="area-only"),
        pytest.param(
            (None, None),
            "TF-01",
            50.0,
            ["CAM-DK01-1", "CAM-DK01-2", "CAM-DK02-1", "CAM-TF01-1"],
            id="area-subtree",
        ),
        pytest.param((None, None), None, 50.0, [], id="neither-point-nor-area"),
    ],
)
async def test_cameras_near(
    world: World, point: Any, area: str | None, radius: float, expected: list[str]
) -> None:
    assert await near(world, point[0], point[1], area, radius) == expected


async def test_radius_boundary_is_inclusive_and_unplaced_area_cameras_come_last(world: World) -> None:
    async with world.app.state.database.transaction() as s:
        s.add_all(
            [
                Camera(
                    site_id=world.ids["HB-01"],
                    area_id=world.ids["CR-01"],
                    code="CAM-R",
                    name="r",
                    kind="dome",
                    x=400.0,
                    y=100.0,
                    stream_url="rtsp://n.example.com/1",
                ),
                Camera(
                    site_id=world.ids["HB-01"],
                    area_id=world.ids["CR-01"],
                    code="CAM-U",
                    name="u",
                    kind="dome",
                    stream_url="rtsp://n.example.com/2",
                ),
            ]
        )
    # (430, 140) is exactly 50 m from CAM-R (no range, so only the radius can match it).
    assert await near(world, 430.0, 140.0, "CR-01", 50.0) == ["CAM-R", "CAM-U"]
    assert await near(world, 430.0, 140.0, "CR-01", 49.999) == ["CAM-U"]
    assert await near(world, 430.0, 140.0, None, 50.0) == ["CAM-R"]
    assert await near(world, None, None, "CR-01", 0.0) == ["CAM-R", "CAM-U"]


async def test_other_sites_cameras_are_not_near(world: World) -> None:
    async with world.app.state.database.transaction(write=False) as s:
        assert await service.cameras_near(s, 987654, *HOT_WORK, None, 1000.0) == []


async def test_cameras_by_ids_keeps_order_and_skips_missing(world: World) -> None:
    c = world.cams
    async with world.app.state.database.transaction(write=False) as s:
        got = await service.cameras_by_ids(s, [c["CAM-PU01-1"], 987654, c["CAM-DK01-1"], c["CAM-PU01-1"]])
        assert [x.code for x in got] == ["CAM-PU01-1", "CAM-DK01-1"]
        assert await service.cameras_by_ids(s, []) == []


async def test_near_endpoint_answers_within_scope(world: World) -> None:
    params = {
        "site_id": world.ids["HB-01"],
        "x": HOT_WORK[0],
        "y": HOT_WORK[1],
        "area_id": world.ids["DK-01"],
        "radius_m": 0,
    }
    contractor = await world.callers("contractor")
    r = await contractor.get("/api/v1/video/cameras/near", params=params)
    assert r.status_code == 200, r.text
    rows = r.json()
    assert [(c["code"], c["sees"]) for c in rows] == [
        ("CAM-DK01-1", True),
        ("CAM-DK01-2", True),
        ("CAM-TF01-1", True),
    ]
    assert rows[0]["distance_m"] == pytest.approx(32.249, abs=1e-3)
    leader = await world.callers("leader")  # 合成车间: no camera of the tank farm
    assert (await leader.get("/api/v1/video/cameras/near", params=params)).json() == []
    r = await contractor.get("/api/v1/video/cameras/near", params={**params, "radius_m": 200})
    assert [c["code"] for c in r.json()] == ["CAM-DK01-1", "CAM-DK01-2", "CAM-DK02-1", "CAM-TF01-1"]
    assert r.json()[2]["sees"] is False  # in the radius, looking away
    r = await contractor.get("/api/v1/video/cameras/near", params={"site_id": world.ids["HB-01"], "x": 1})
    assert (r.status_code, r.json()["code"]) == (422, "video.position_incomplete")
    r = await contractor.get("/api/v1/video/cameras/near", params={"site_id": 987654, "x": 1, "y": 1})
    assert (r.status_code, r.json()["code"]) == (422, "video.site_not_found")
    r = await contractor.get(
        "/api/v1/video/cameras/near", params={"site_id": world.ids["HB-01"], "area_id": world.ids["DK-02"]}
    )
    assert [(c["code"], c["distance_m"], c["sees"]) for c in r.json()] == [("CAM-DK02-1", None, False)]


async def test_an_area_scoped_manager_cannot_place_a_camera_outside_the_scope(world: World) -> None:
    actor = Actor(
        user_id=1,
        username="scoped",
        permissions=frozenset({P.VIDEO_READ, P.VIDEO_MANAGE}),
        scopes=(Scope(kind="area", ref_id=world.ids["TF-01"]),),
        session_id=0,
        session_kind="token",
    )
    body = CameraIn(code="CAM-S-1", name="s", site_id=world.ids["HB-01"], stream_url="rtsp://n.example.com/1")
    async with world.app.state.database.transaction() as s:
        with pytest.raises(Forbidden):
            await service.create_camera(s, actor, body.model_copy(update={"area_id": world.ids["WH-01"]}))
        with pytest.raises(Forbidden):  # a site-level camera needs the whole site in scope
            await service.create_camera(s, actor, body)
        cam = await service.create_camera(s, actor, body.model_copy(update={"area_id": world.ids["DK-02"]}))
        assert cam.id and [c.code for c in await service.visible_cameras(s, actor, [cam])] == ["CAM-S-1"]


async def test_demo_seed_is_idempotent_and_placed(world: World) -> None:
    async with world.app.state.database.transaction() as s:
        assert await seed_demo_cameras(s) == {"cameras": len(CAMERAS)}
        assert await seed_demo_cameras(s) == {"cameras": len(CAMERAS)}
        cams = list((await s.scalars(select(Camera))).all())
        areas = {a.id: a for a in (await s.scalars(select(Area))).all()}
    assert len(cams) == len(CAMERAS) == 8
    assert [c.code for c in cams if c.status == "offline"] == ["CAM-LD01-1"]
    for c in cams:
        assert c.area_id is not None and c.x is not None and c.y is not None
        assert plant_rules.point_in_polygon(c.x, c.y, areas[c.area_id].polygon), c.code
        assert service.url_problem(c.stream_url, frozenset({"rtsp"})) is None
    assert any(service.sees(c, *HOT_WORK) for c in cams)
    assert any(areas[c.area_id].code == "DK-02" for c in cams if c.area_id is not None)

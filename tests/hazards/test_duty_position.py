"""Where a 包保 task was done: the phone's WGS-84 fix becomes plant x/y on a geo-referenced site
(through plant.geo, the conversion the site's published corners use), x/y sent by the client win,
and without a reference, or for a fix far off the site, only lat/lon are kept."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, update

from anguan.hazards.duty import plant_position
from anguan.hazards.models import DutyTask, HazardUnit
from anguan.plant.models import Site
from tests.hazards.test_duty import _link_head
from tests.plant.support import Callers

H = "/api/v1/hazards"
LAT0, LON0 = 38.0428, 114.5149  # the demo site's origin (simulator seed)


def _site(rotation: float | None = 0.0) -> Site:
    return Site(origin_lat=LAT0, origin_lon=LON0, rotation_deg=rotation)


def _moved(north_m: float, east_m: float) -> tuple[float, float]:
    """The fix `north_m`/`east_m` metres from the origin on the WGS-84 ellipsoid (radii of curvature
    computed here, independently of plant.geo)."""
    a, f = 6_378_137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi = math.radians(LAT0)
    w = 1 - e2 * math.sin(phi) ** 2
    meridian, normal = a * (1 - e2) / w**1.5, a / math.sqrt(w)
    return LAT0 + math.degrees(north_m / meridian), LON0 + math.degrees(east_m / (normal * math.cos(phi)))


@pytest.mark.parametrize(
    ("rotation", "north", "east", "xy"),
    [
        pytest.param(0.0, 100, 0, (0, 100), id="100m-north-is-y"),
        pytest.param(0.0, 0, 100, (100, 0), id="100m-east-is-x"),
        pytest.param(0.0, -40, -25, (-25, -40), id="south-west-is-negative"),
        pytest.param(None, 100, 0, (0, 100), id="no-rotation-recorded"),
        # The drawing's +y axis points east: true east is up the drawing, true north to its left.
        pytest.param(90.0, 0, 100, (0, 100), id="rotated-90-east-is-y"),
        pytest.param(90.0, 100, 0, (-100, 0), id="rotated-90-north-is-minus-x"),
        # +y 30° east of north: a point 100 m north lies 50 m left of and 86.6 m up the drawing.
        pytest.param(30.0, 100, 0, (-50, 100 * math.cos(math.radians(30))), id="rotated-30"),
    ],
)
def test_a_phone_fix_becomes_plant_metres(
    rotation: float | None, north: float, east: float, xy: tuple[float, float]
) -> None:
    got = plant_position(_site(rotation), *_moved(north, east))
    assert got is not None
    assert got[0] == pytest.approx(xy[0], abs=0.01) and got[1] == pytest.approx(xy[1], abs=0.01)


def test_no_reference_or_a_fix_far_away_gives_no_plant_position() -> None:
    assert plant_position(Site(origin_lat=None, origin_lon=None), LAT0, LON0) is None
    assert plant_position(Site(origin_lat=LAT0, origin_lon=None), LAT0, LON0) is None
    assert plant_position(_site(), 39.9, 116.4) is None  # Beijing, ~250 km away


def test_wgs84_ellipsoid_metres_within_a_centimetre() -> None:
    a, f = 6_378_137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi = math.radians(LAT0)
    w = 1 - e2 * math.sin(phi) ** 2
    meridian, normal = a * (1 - e2) / w**1.5, a / math.sqrt(w)  # radii of curvature at the origin
    north = plant_position(_site(), LAT0 + math.degrees(100 / meridian), LON0)
    east = plant_position(_site(), LAT0, LON0 + math.degrees(100 / (normal * math.cos(phi))))
    assert north is not None and east is not None
    assert north[1] == pytest.approx(100, abs=0.01) and east[0] == pytest.approx(100, abs=0.01)


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    c = Callers(app)
    yield c
    await c.aclose()


async def _stored(app: Any, task_id: int) -> tuple[float | None, ...]:
    async with app.state.database.transaction() as session:
        t = await session.get(DutyTask, task_id)
        assert t is not None
        return t.x, t.y, t.lat, t.lon


async def _other_task(app: Any, task_id: int) -> int:
    """Another open task of the same head."""
    async with app.state.database.transaction() as session:
        t = await session.get(DutyTask, task_id)
        assert t is not None
        other = (
            await session.scalars(
                select(DutyTask.id).where(
                    DutyTask.person_id == t.person_id, DutyTask.id != task_id, DutyTask.done_at.is_(None)
                )
            )
        ).first()
        assert other is not None
        return int(other)


async def test_completion_stores_plant_xy_from_the_phone_fix(app: Any, callers: Any) -> None:
    task_id = await _link_head(app, "inspector")
    inspector = await callers("inspector")
    lat, lon = _moved(250, 126)  # the demo site is geo-referenced at its bottom-left corner, unrotated
    r = await inspector.post(
        f"{H}/tasks/{task_id}/complete", json={"result": "normal", "lat": lat, "lon": lon}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["x"], r.json()["y"]) == (pytest.approx(126, abs=0.01), pytest.approx(250, abs=0.01))
    assert await _stored(app, task_id) == (r.json()["x"], r.json()["y"], lat, lon)

    # x/y sent by the client (a map pick) are kept as sent.
    other = await _other_task(app, task_id)
    body = {"result": "normal", "x": 10.0, "y": 20.0, "lat": lat, "lon": lon}
    assert (await inspector.post(f"{H}/tasks/{other}/complete", json=body)).status_code == 200
    assert await _stored(app, other) == (10.0, 20.0, lat, lon)


async def test_without_a_geo_reference_only_lat_lon_are_kept(app: Any, callers: Any) -> None:
    task_id = await _link_head(app, "inspector")
    async with app.state.database.transaction() as session:
        unit = (await session.scalars(select(HazardUnit).where(HazardUnit.code == "HZ-DK01"))).one()
        await session.execute(
            update(Site).where(Site.id == unit.site_id).values(origin_lat=None, origin_lon=None)
        )
    inspector = await callers("inspector")
    lat, lon = _moved(250, 126)
    r = await inspector.post(
        f"{H}/tasks/{task_id}/complete", json={"result": "normal", "lat": lat, "lon": lon}
    )
    assert r.status_code == 200, r.text
    assert await _stored(app, task_id) == (None, None, lat, lon)

"""Site metres ↔ WGS-84."""

from __future__ import annotations

import math

import pytest

from anguan.plant.geo import EARTH_RADIUS_M, GeoReference, from_wgs84, to_wgs84

SJZ = GeoReference(origin_lat=38.0428, origin_lon=114.5149)
ONE_M_LAT = math.degrees(1 / EARTH_RADIUS_M)


def test_origin_is_the_reference_point():
    assert to_wgs84(SJZ, 0, 0) == (SJZ.origin_lat, SJZ.origin_lon)


def test_north_and_east_without_rotation():
    lat, lon = to_wgs84(SJZ, 0, 1000)
    assert lat - SJZ.origin_lat == pytest.approx(1000 * ONE_M_LAT, rel=1e-12) and lon == SJZ.origin_lon
    lat, lon = to_wgs84(SJZ, 1000, 0)
    assert lat == SJZ.origin_lat
    # A degree of longitude is shorter by cos(latitude) at 38° N.
    assert (lon - SJZ.origin_lon) == pytest.approx(1000 * ONE_M_LAT / math.cos(math.radians(38.0428)))


@pytest.mark.parametrize(
    ("rotation", "local", "bearing"),
    [
        pytest.param(90, (0, 100), "east", id="drawing-north-points-east"),
        pytest.param(-90, (0, 100), "west", id="drawing-north-points-west"),
        pytest.param(180, (100, 0), "west", id="upside-down-drawing-x-points-west"),
    ],
)
def test_rotation_turns_the_drawing(rotation, local, bearing):
    ref = GeoReference(SJZ.origin_lat, SJZ.origin_lon, rotation)
    lat, lon = to_wgs84(ref, *local)
    assert lat == pytest.approx(SJZ.origin_lat, abs=1e-12)
    assert (lon > SJZ.origin_lon) is (bearing == "east")


@pytest.mark.parametrize("rotation", [0, 17.5, -42, 180])
@pytest.mark.parametrize("point", [(0, 0), (600, 400), (123.4, 7.9), (-50, 2500)])
def test_round_trip_is_exact_to_a_millimetre(rotation, point):
    ref = GeoReference(SJZ.origin_lat, SJZ.origin_lon, rotation)
    x, y = from_wgs84(ref, *to_wgs84(ref, *point))
    assert x == pytest.approx(point[0], abs=1e-3) and y == pytest.approx(point[1], abs=1e-3)

"""Site metres ↔ WGS-84."""

from __future__ import annotations

import math

import pytest

from anguan.plant.geo import GeoReference, from_wgs84, radii, to_wgs84

SJZ = GeoReference(origin_lat=38.0428, origin_lon=114.5149)
# WGS-84 radii of curvature at 38.0428° N, computed independently: M = a(1−e²)/W³ᐟ², N = a/√W.
_A, _E2 = 6_378_137.0, 0.00669437999014
_W = 1 - _E2 * math.sin(math.radians(38.0428)) ** 2
M_38, N_38 = _A * (1 - _E2) / _W**1.5, _A / math.sqrt(_W)
ONE_M_LAT = math.degrees(1 / M_38)


@pytest.mark.parametrize(
    ("lat", "meridian", "normal"),
    [
        (0.0, 6_335_439.327, 6_378_137.0),  # equator: M = a(1−e²), N = a
        (90.0, 6_399_593.626, 6_399_593.626),  # pole: M = N = a/√(1−e²)
    ],
)
def test_radii_of_curvature(lat: float, meridian: float, normal: float) -> None:
    m, east = radii(lat)
    assert m == pytest.approx(meridian, abs=1e-3)
    if lat == 0.0:
        assert east == pytest.approx(normal, abs=1e-3)
    assert radii(38.0428)[0] == pytest.approx(M_38, rel=1e-12)


def test_origin_is_the_reference_point():
    assert to_wgs84(SJZ, 0, 0) == (SJZ.origin_lat, SJZ.origin_lon)


def test_north_and_east_without_rotation():
    lat, lon = to_wgs84(SJZ, 0, 1000)
    assert lat - SJZ.origin_lat == pytest.approx(1000 * ONE_M_LAT, rel=1e-12) and lon == SJZ.origin_lon
    lat, lon = to_wgs84(SJZ, 1000, 0)
    assert lat == SJZ.origin_lat
    # A degree of longitude is N·cos(latitude) long at 38° N.
    assert (lon - SJZ.origin_lon) == pytest.approx(
        math.degrees(1000 / (N_38 * math.cos(math.radians(38.0428))))
    )


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

"""Site metres ↔ WGS-84, for sites whose drawing carries a geographic reference.

A site's local frame has x east and y north on the drawing, in metres, with (0, 0) at the
drawing's bottom-left corner. `origin_lat/origin_lon` place that corner on the earth and
`rotation_deg` is the bearing of the drawing's +y axis, clockwise from true north. A local
tangent-plane (equirectangular) projection is exact to well under a metre across a plant site
(a few kilometres), which is what positioning tags and park-platform exchange need.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius


@dataclass(frozen=True)
class GeoReference:
    """Where a site drawing lies on the earth."""

    origin_lat: float
    origin_lon: float
    rotation_deg: float = 0.0


def to_wgs84(ref: GeoReference, x: float, y: float) -> tuple[float, float]:
    """(lat, lon) in degrees of a point given in site metres."""
    theta = math.radians(ref.rotation_deg)
    east = x * math.cos(theta) + y * math.sin(theta)
    north = -x * math.sin(theta) + y * math.cos(theta)
    lat = ref.origin_lat + math.degrees(north / EARTH_RADIUS_M)
    lon = ref.origin_lon + math.degrees(east / (EARTH_RADIUS_M * math.cos(math.radians(ref.origin_lat))))
    return lat, lon


def from_wgs84(ref: GeoReference, lat: float, lon: float) -> tuple[float, float]:
    """(x, y) in site metres of a WGS-84 position (the inverse of `to_wgs84`)."""
    north = math.radians(lat - ref.origin_lat) * EARTH_RADIUS_M
    east = math.radians(lon - ref.origin_lon) * EARTH_RADIUS_M * math.cos(math.radians(ref.origin_lat))
    theta = math.radians(ref.rotation_deg)
    x = east * math.cos(theta) - north * math.sin(theta)
    y = east * math.sin(theta) + north * math.cos(theta)
    return x, y

"""Camera geometry on the plant map (site metres, x east, y north).

These are project decisions [D], not a national clause: a camera "sees" a point when the point is
within its viewing distance and, for a camera with a fixed heading and field of view, inside the
horizontal sector they span. Boundaries are inclusive (a point exactly at the range or exactly on
the sector's edge is seen), with a tolerance of `EPS` for floating-point round-off.
"""

from __future__ import annotations

import math

# Metres and degrees: round-off of hypot/atan2 must not push an exact boundary point outside.
EPS = 1e-9


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """[D] Straight-line distance in metres between two plant-map points."""
    return math.hypot(b[0] - a[0], b[1] - a[1])


def bearing_deg(origin: tuple[float, float], target: tuple[float, float]) -> float:
    """[D] Compass bearing from origin to target: 0 = north (+y), 90 = east (+x), in [0, 360)."""
    return math.degrees(math.atan2(target[0] - origin[0], target[1] - origin[1])) % 360.0


def angle_between_deg(a: float, b: float) -> float:
    """[D] The smaller angle between two bearings, in [0, 180]."""
    d = abs(a - b) % 360.0
    return 360.0 - d if d > 180.0 else d


def camera_sees(
    camera_xy: tuple[float, float],
    heading_deg: float | None,
    fov_deg: float | None,
    range_m: float | None,
    target_xy: tuple[float, float],
) -> bool:
    """[D] True when the target is within the camera's range and, when both heading and field of view
    are given, within the sector heading ± fov/2 (boundaries inclusive). A camera without a known
    range sees nothing by this rule; without heading or fov (a PTZ) it sees all round."""
    if range_m is None:
        return False
    dist = distance_m(camera_xy, target_xy)
    if dist > range_m + EPS:
        return False
    if heading_deg is None or fov_deg is None or fov_deg >= 360.0 or dist <= EPS:
        return True
    off = angle_between_deg(bearing_deg(camera_xy, target_xy), heading_deg)
    return off <= fov_deg / 2.0 + EPS

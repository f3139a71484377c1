"""Where people are, for the on-site rules: an approver signs at the work site (GB 30871-2022 §4.11;
AQ 3064.2-2025 §5.5.2, alarm 3/30) and a guardian stays on post (§4.10 f, alarm 3/31).

`LocationCheck` is the interface personnel positioning (AQ 3064.3) will implement with tag fixes;
until then `PhonePositionCheck` judges the position the phone reported with the step. Tests inject
their own check.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from anguan.permits.models import Permit
from anguan.plant.geo import GeoReference, from_wgs84
from anguan.plant.models import Area, Site

# [D] The work fence: 50 m around the work point, or the permit's area widened by 20 m. GB 30871 and
# AQ 3064.2 say "at the work site" without a distance; an enterprise may change these.
FENCE_RADIUS_M = 50.0
AREA_MARGIN_M = 20.0


@dataclass(frozen=True)
class Position:
    """A reported position: plant metres, or WGS-84 from the phone."""

    x: float | None = None
    y: float | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def empty(self) -> bool:
        """Nothing was reported."""
        return (self.x is None or self.y is None) and (self.lat is None or self.lon is None)


class LocationCheck(Protocol):
    """Answers whether a user is at a permit's work site now (None: cannot tell)."""

    async def on_site(
        self, session: AsyncSession, user_id: int, permit: Permit, reported: Position
    ) -> bool | None:
        """True inside the work fence, False outside, None when there is no usable position."""
        ...


def point_in_polygon(x: float, y: float, polygon: Sequence[Sequence[float]]) -> bool:
    """Ray casting; points on an edge count as inside."""
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i][0], polygon[i][1]
        x2, y2 = polygon[(i + 1) % n][0], polygon[(i + 1) % n][1]
        if _segment_distance(x, y, x1, y1, x2, y2) < 1e-9:
            return True
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _segment_distance(px: float, py: float, x1: float, y1: float, x2: float, y2: float) -> float:
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(px - x1, py - y1)
    t = max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (x1 + t * dx), py - (y1 + t * dy))


def in_fence(
    x: float,
    y: float,
    work_point: tuple[float, float] | None,
    area_polygon: Sequence[Sequence[float]] | None,
    radius: float = FENCE_RADIUS_M,
    margin: float = AREA_MARGIN_M,
) -> bool | None:
    """Whether plant point (x, y) is inside the work fence: within `radius` of the work point when the
    permit has one (exactly `radius` is inside), else inside its area or within `margin` of its edge;
    None when the permit has neither."""
    if work_point is not None:
        return math.hypot(x - work_point[0], y - work_point[1]) <= radius
    if area_polygon and len(area_polygon) >= 3:
        if point_in_polygon(x, y, area_polygon):
            return True
        n = len(area_polygon)
        edge = min(
            _segment_distance(x, y, *area_polygon[i][:2], *area_polygon[(i + 1) % n][:2]) for i in range(n)
        )
        return edge <= margin
    return None


class PhonePositionCheck:
    """The phone's reported position against the work fence (WGS-84 converted on geo-referenced sites)."""

    async def on_site(
        self, session: AsyncSession, user_id: int, permit: Permit, reported: Position
    ) -> bool | None:
        """See `LocationCheck`."""
        if reported.empty:
            return None
        x, y = reported.x, reported.y
        if x is None or y is None:
            site = await session.get(Site, permit.site_id)
            if site is None or site.origin_lat is None or site.origin_lon is None:
                return None
            assert reported.lat is not None and reported.lon is not None
            ref = GeoReference(site.origin_lat, site.origin_lon, site.rotation_deg or 0.0)
            x, y = from_wgs84(ref, reported.lat, reported.lon)
        point = (permit.x, permit.y) if permit.x is not None and permit.y is not None else None
        polygon = None
        if point is None and permit.area_id is not None:
            area = await session.get(Area, permit.area_id)
            polygon = area.polygon if area is not None else None
        return in_fence(x, y, point, polygon)


def locator_from(app_state: object) -> LocationCheck:
    """The app's location check: the one set as `app.state.permit_locator` (positioning, or a test's
    injected positions), else the phone's reported position."""
    found: LocationCheck | None = getattr(app_state, "permit_locator", None)
    return found or PhonePositionCheck()

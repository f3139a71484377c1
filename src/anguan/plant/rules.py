"""Plant rules: identifier checks and drawing geometry, as pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from anguan.plant.reference import USCC_CHARSET, USCC_WEIGHTS

Point = Sequence[float]


def uscc_check_char(first17: str) -> str | None:
    """GB 32100-2015 §4 (校验码): the 18th character computed from the first 17 (mod 31)."""
    if len(first17) != 17 or any(c not in USCC_CHARSET for c in first17):
        return None
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    """GB 32100-2015 §4: an 18-character code from the allowed set whose last character is its check code."""
    code = code.strip().upper()
    return len(code) == 18 and code[17] in USCC_CHARSET and uscc_check_char(code[:17]) == code[17]


def _segments_cross(p1: Point, p2: Point, p3: Point, p4: Point) -> bool:
    def orient(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def polygon_problems(points: Sequence[Point], width_m: float, height_m: float) -> list[str]:
    """Design rule [D]: an area is a simple polygon of 3..500 vertices inside its site drawing."""
    problems: list[str] = []
    pts = list(points)
    if len(pts) > 1 and list(pts[0]) == list(pts[-1]):
        pts = pts[:-1]
    if not 3 <= len(pts) <= 500:
        return ["vertex_count"]
    if any(len(p) != 2 for p in pts):
        return ["bad_point"]
    if any(not (0 <= p[0] <= width_m and 0 <= p[1] <= height_m) for p in pts):
        problems.append("outside_site")
    if abs(polygon_area(pts)) < 1e-6:
        problems.append("zero_area")
    n = len(pts)
    for i in range(n):
        for j in range(i + 1, n):
            if abs(i - j) in (1, n - 1):
                continue
            if _segments_cross(pts[i], pts[(i + 1) % n], pts[j], pts[(j + 1) % n]):
                problems.append("self_intersecting")
                return problems
    return problems


def polygon_area(points: Sequence[Point]) -> float:
    """Signed area (shoelace), square metres."""
    n = len(points)
    return (
        sum(points[i][0] * points[(i + 1) % n][1] - points[(i + 1) % n][0] * points[i][1] for i in range(n))
        / 2
    )


def point_in_polygon(x: float, y: float, points: Sequence[Point]) -> bool:
    """Ray casting: True when (x, y) lies inside the polygon."""
    inside = False
    n = len(points)
    j = n - 1
    for i in range(n):
        xi, yi = points[i][0], points[i][1]
        xj, yj = points[j][0], points[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside

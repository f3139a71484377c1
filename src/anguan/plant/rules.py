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


def _orient(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(p: Point, a: Point, b: Point) -> bool:
    """True when p lies on the closed segment a-b."""
    return (
        abs(_orient(a, b, p)) <= 1e-9
        and min(a[0], b[0]) - 1e-9 <= p[0] <= max(a[0], b[0]) + 1e-9
        and min(a[1], b[1]) - 1e-9 <= p[1] <= max(a[1], b[1]) + 1e-9
    )


def _segments_meet(p1: Point, p2: Point, p3: Point, p4: Point) -> bool:
    """True when two closed segments share any point (crossing, touching or overlapping)."""
    d1, d2 = _orient(p3, p4, p1), _orient(p3, p4, p2)
    d3, d4 = _orient(p1, p2, p3), _orient(p1, p2, p4)
    if ((d1 > 0 and d2 < 0) or (d1 < 0 and d2 > 0)) and ((d3 > 0 and d4 < 0) or (d3 < 0 and d4 > 0)):
        return True
    return (
        _on_segment(p1, p3, p4)
        or _on_segment(p2, p3, p4)
        or _on_segment(p3, p1, p2)
        or _on_segment(p4, p1, p2)
    )


def _collinear(pts: Sequence[Point]) -> bool:
    distinct = list(dict.fromkeys((float(p[0]), float(p[1])) for p in pts))
    if len(distinct) < 3:
        return True
    a, b = distinct[0], distinct[1]
    return all(abs(_orient(a, b, p)) <= 1e-9 for p in distinct[2:])


def _adjacent_overlap(a: Point, b: Point, c: Point) -> bool:
    """Edges a-b and b-c fold back on themselves (collinear, pointing back over each other)."""
    if abs(_orient(a, b, c)) > 1e-9:
        return False
    return (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0


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
        if _collinear(pts):
            return problems  # a degenerate ring: edge crossings say nothing more
    n = len(pts)
    for i in range(n):
        if _adjacent_overlap(pts[i - 1], pts[i], pts[(i + 1) % n]):
            problems.append("self_intersecting")
            return problems
        for j in range(i + 1, n):
            if abs(i - j) in (1, n - 1):
                continue
            if _segments_meet(pts[i], pts[(i + 1) % n], pts[j], pts[(j + 1) % n]):
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


def point_in_or_on_polygon(x: float, y: float, points: Sequence[Point]) -> bool:
    """True when (x, y) lies inside the polygon or on its boundary."""
    n = len(points)
    if any(_on_segment((x, y), points[i], points[(i + 1) % n]) for i in range(n)):
        return True
    return point_in_polygon(x, y, points)


def polygon_within(inner: Sequence[Point], outer: Sequence[Point]) -> bool:
    """Design rule [D]: a sub-area lies within its parent (every vertex inside or on the parent, no edge crossing out)."""
    if not all(point_in_or_on_polygon(p[0], p[1], outer) for p in inner):
        return False
    n, m = len(inner), len(outer)
    for i in range(n):
        a, b = inner[i], inner[(i + 1) % n]
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        if not point_in_or_on_polygon(mid[0], mid[1], outer):
            return False
        for j in range(m):
            c, d = outer[j], outer[(j + 1) % m]
            d1, d2 = _orient(c, d, a), _orient(c, d, b)
            d3, d4 = _orient(a, b, c), _orient(a, b, d)
            if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
                return False
    return True


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

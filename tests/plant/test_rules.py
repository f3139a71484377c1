"""plant.rules, table-driven; each case id names the clause it exercises."""

from __future__ import annotations

import pytest

from anguan.plant import rules
from anguan.plant.reference import USCC_CHARSET, USCC_WEIGHTS

GB = "GB32100-2015§4"
D = "design[D]-area-polygon"

# A code whose first 17 characters sum to a multiple of 31: its check code is '0', the
# (31 - sum % 31) % 31 wrap (without the outer "% 31" the index would be 31, past the charset).
WRAP_PREFIX = "91350100M000100Y3"


def _check_by_hand(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def test_wrap_prefix_really_sums_to_a_multiple_of_31():
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(WRAP_PREFIX, USCC_WEIGHTS, strict=True))
    assert total % 31 == 0


def test_charset_and_weights_follow_the_standard():
    # 31 characters: digits and capitals without I, O, Z, S, V; weights 3^(i) mod 31.
    assert len(USCC_CHARSET) == 31
    assert not set("IOZSV") & set(USCC_CHARSET)
    assert USCC_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        pytest.param("91350100M000100Y43", True, id=f"{GB}:valid-real-world-style"),
        pytest.param("91110000100010433L", True, id=f"{GB}:valid-letter-check-code"),
        pytest.param(WRAP_PREFIX + "0", True, id=f"{GB}:check-code-wraps-to-0"),
        pytest.param(WRAP_PREFIX + "1", False, id=f"{GB}:wrap-prefix-wrong-check"),
        pytest.param("91350100M000100Y44", False, id=f"{GB}:check-char-changed"),
        pytest.param("91350100M000110Y43", False, id=f"{GB}:body-char-changed"),
        pytest.param("92350100M000100Y43", False, id=f"{GB}:first-char-changed"),
        pytest.param("91350100m000100y43", True, id=f"{GB}:lowercase-input-normalised"),
        pytest.param("  91350100M000100Y43 ", True, id=f"{GB}:surrounding-space-trimmed"),
        pytest.param("91350100I000100Y43", False, id=f"{GB}:forbidden-I"),
        pytest.param("91350100O000100Y43", False, id=f"{GB}:forbidden-O"),
        pytest.param("91350100Z000100Y43", False, id=f"{GB}:forbidden-Z"),
        pytest.param("91350100S000100Y43", False, id=f"{GB}:forbidden-S"),
        pytest.param("91350100V000100Y43", False, id=f"{GB}:forbidden-V"),
        pytest.param("91350100M000100Y4", False, id=f"{GB}:length-17"),
        pytest.param("91350100M000100Y430", False, id=f"{GB}:length-19"),
        pytest.param("", False, id=f"{GB}:empty"),
        pytest.param("91350100M000100Y4-", False, id=f"{GB}:punctuation-check-char"),
        pytest.param("９1350100M000100Y43", False, id=f"{GB}:full-width-digit"),
    ],
)
def test_uscc_valid(code: str, valid: bool):
    assert rules.uscc_valid(code) is valid


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        pytest.param("91350100M000100Y4", "3", id=f"{GB}:digit-check"),
        pytest.param("91110000100010433", "L", id=f"{GB}:letter-check"),
        pytest.param(WRAP_PREFIX, "0", id=f"{GB}:sum-multiple-of-31-gives-0"),
        pytest.param("91350100M000100Y", None, id=f"{GB}:16-chars-refused"),
        pytest.param("91350100M000100Y43", None, id=f"{GB}:18-chars-refused"),
        pytest.param("91350100I000100Y4", None, id=f"{GB}:forbidden-letter-refused"),
        pytest.param("91350100m000100y4", None, id=f"{GB}:lowercase-refused-raw"),
    ],
)
def test_uscc_check_char(first17: str, expected: str | None):
    assert rules.uscc_check_char(first17) == expected


@pytest.mark.parametrize("seed", range(40))
def test_uscc_check_char_matches_hand_computation_and_every_other_char_fails(seed: int):
    """GB32100-2015§4: exactly one of the 31 characters completes a 17-character body."""
    import random

    rnd = random.Random(seed)
    body = "".join(rnd.choice(USCC_CHARSET) for _ in range(17))
    check = rules.uscc_check_char(body)
    assert check == _check_by_hand(body)
    assert [c for c in USCC_CHARSET if rules.uscc_valid(body + c)] == [check]


def _square(x0: float, y0: float, size: float) -> list[list[float]]:
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size]]


def _circle(n: int, cx: float = 300, cy: float = 200, r: float = 150) -> list[list[float]]:
    import math

    return [
        [cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)] for i in range(n)
    ]


W, H = 600.0, 400.0


@pytest.mark.parametrize(
    ("points", "problems"),
    [
        pytest.param(_square(10, 10, 50), [], id=f"{D}:square-ok"),
        pytest.param([[0, 0], [600, 0], [600, 400], [0, 400]], [], id=f"{D}:exactly-on-site-edge-is-inside"),
        pytest.param([[0, 0], [10, 0], [0, 10]], [], id=f"{D}:3-vertices-ok"),
        pytest.param([[0, 0], [10, 0]], ["vertex_count"], id=f"{D}:2-vertices-refused"),
        pytest.param([], ["vertex_count"], id=f"{D}:no-vertices-refused"),
        pytest.param(_circle(500), [], id=f"{D}:500-vertices-ok"),
        pytest.param(_circle(501), ["vertex_count"], id=f"{D}:501-vertices-refused"),
        pytest.param([*_circle(500), _circle(500)[0]], [], id=f"{D}:500-vertices-closed-ring-ok"),
        pytest.param([*_square(10, 10, 50), [10, 10]], [], id=f"{D}:closed-ring-accepted"),
        pytest.param([[0, 0], [10, 0], [0, 0]], ["vertex_count"], id=f"{D}:closed-2-vertex-ring-refused"),
        pytest.param(
            [[0, 0], [30, 20], [30, 0], [0, 10]], ["self_intersecting"], id=f"{D}:bow-tie-self-intersecting"
        ),
        pytest.param(
            [[0, 0], [10, 10], [10, 0], [0, 10]],
            ["zero_area", "self_intersecting"],
            id=f"{D}:symmetric-bow-tie-lobes-cancel",
        ),
        pytest.param([[0, 0], [20, 0], [20, 20], [10, 5], [0, 20]], [], id=f"{D}:concave-ok"),
        pytest.param(
            [[10, 10], [20, 10], [20, 20], [15, 5], [10, 20]],
            ["self_intersecting"],
            id=f"{D}:non-adjacent-edges-cross",
        ),
        pytest.param([[0, 0], [5, 0], [10, 0]], ["zero_area"], id=f"{D}:collinear-zero-area"),
        pytest.param([[1, 1], [1, 1], [2, 2]], ["zero_area"], id=f"{D}:repeated-point-zero-area"),
        pytest.param([[-0.01, 0], [10, 0], [10, 10]], ["outside_site"], id=f"{D}:west-of-site"),
        pytest.param([[0, 0], [600.01, 0], [10, 10]], ["outside_site"], id=f"{D}:east-of-site"),
        pytest.param([[0, 0], [10, 0], [10, 400.5]], ["outside_site"], id=f"{D}:north-of-site"),
        pytest.param([[0, -1], [10, 0], [10, 10]], ["outside_site"], id=f"{D}:south-of-site"),
        pytest.param(
            [[-10, -10], [-10, -10], [-5, -5]], ["outside_site", "zero_area"], id=f"{D}:problems-accumulate"
        ),
        pytest.param([[0, 0], [10, 0, 1], [10, 10]], ["bad_point"], id=f"{D}:3d-point"),
        pytest.param([[0, 0], [10], [10, 10]], ["bad_point"], id=f"{D}:1d-point"),
    ],
)
def test_polygon_problems(points: list[list[float]], problems: list[str]):
    assert rules.polygon_problems(points, W, H) == problems


def test_vertex_touching_another_edge_is_not_simple():
    """design[D]: a simple polygon has no point where non-adjacent edges meet."""
    touching = [[10, 10], [30, 10], [30, 30], [20, 10], [10, 30]]
    assert rules.polygon_problems(touching, W, H) == ["self_intersecting"]


@pytest.mark.parametrize(
    ("x", "y", "inside"),
    [
        pytest.param(50, 50, True, id="ray-casting:centre"),
        pytest.param(0.001, 99.999, True, id="ray-casting:near-corner-inside"),
        pytest.param(-0.001, 50, False, id="ray-casting:just-west"),
        pytest.param(100.001, 50, False, id="ray-casting:just-east"),
        pytest.param(50, 100.001, False, id="ray-casting:just-north"),
        pytest.param(50, -0.001, False, id="ray-casting:just-south"),
        pytest.param(500, 500, False, id="ray-casting:far-away"),
    ],
)
def test_point_in_square(x: float, y: float, inside: bool):
    assert rules.point_in_polygon(x, y, _square(0, 0, 100)) is inside


L_SHAPE = [[0, 0], [100, 0], [100, 40], [40, 40], [40, 100], [0, 100]]


@pytest.mark.parametrize(
    ("x", "y", "inside"),
    [
        pytest.param(20, 80, True, id="ray-casting:concave-upper-arm"),
        pytest.param(80, 20, True, id="ray-casting:concave-right-arm"),
        pytest.param(80, 80, False, id="ray-casting:concave-notch-is-outside"),
        pytest.param(20, 40, True, id="ray-casting:ray-through-a-vertex"),
    ],
)
def test_point_in_concave_polygon(x: float, y: float, inside: bool):
    assert rules.point_in_polygon(x, y, L_SHAPE) is inside


def test_point_in_polygon_ignores_orientation_and_closing_vertex():
    ccw = _square(0, 0, 10)
    cw = list(reversed(ccw))
    closed = [*ccw, ccw[0]]
    for poly in (ccw, cw, closed):
        assert rules.point_in_polygon(5, 5, poly)
        assert not rules.point_in_polygon(15, 5, poly)


@pytest.mark.parametrize(
    ("points", "area"),
    [
        pytest.param(_square(0, 0, 10), 100.0, id="shoelace:ccw-positive"),
        pytest.param(list(reversed(_square(0, 0, 10))), -100.0, id="shoelace:cw-negative"),
        pytest.param(L_SHAPE, 100 * 40 + 40 * 60, id="shoelace:concave"),
    ],
)
def test_polygon_area(points: list[list[float]], area: float):
    assert rules.polygon_area(points) == pytest.approx(area)


def test_edge_folding_back_on_itself_is_not_simple():
    """design[D]: consecutive collinear edges may not double back over each other."""
    folded = [[10, 10], [30, 10], [20, 10], [20, 30]]
    assert rules.polygon_problems(folded, W, H) == ["self_intersecting"]


def test_collinear_vertex_on_straight_edge_is_fine():
    """design[D]: an extra vertex in the middle of a straight edge does not make the polygon non-simple."""
    assert rules.polygon_problems([[10, 10], [20, 10], [30, 10], [30, 30], [10, 30]], W, H) == []


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        pytest.param([[12, 12], [18, 12], [18, 18], [12, 18]], True, id="design-D-strictly-inside"),
        pytest.param([[10, 10], [20, 10], [20, 20], [10, 20]], True, id="design-D-equal-to-parent"),
        pytest.param([[10, 12], [15, 12], [15, 18], [10, 18]], True, id="design-D-sharing-an-edge"),
        pytest.param([[12, 12], [25, 12], [25, 18], [12, 18]], False, id="design-D-sticking-out"),
        pytest.param([[30, 30], [35, 30], [35, 35]], False, id="design-D-outside"),
    ],
)
def test_polygon_within(inner, expected):
    """design[D]: a sub-area (a dike in a tank farm) must lie within its parent area."""
    outer = [[10, 10], [20, 10], [20, 20], [10, 20]]
    assert rules.polygon_within(inner, outer) is expected


def test_polygon_within_concave_parent_refuses_an_edge_across_the_notch():
    """design[D]: all vertices inside an L-shaped parent but an edge crossing the notch is refused."""
    l_shape = [[0, 0], [20, 0], [20, 10], [10, 10], [10, 20], [0, 20]]
    assert rules.polygon_within([[2, 2], [18, 8], [8, 18]], l_shape) is False
    assert rules.polygon_within([[2, 2], [18, 2], [2, 18]], l_shape) is True  # touches the inner corner only
    assert rules.polygon_within([[2, 2], [18, 2], [18, 8], [2, 8]], l_shape) is True

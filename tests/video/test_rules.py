"""Camera geometry rules ([D] project decisions, no national clause), at their exact boundaries."""

from __future__ import annotations

import math

import pytest

from anguan.video import rules
from anguan.video.reference import (
    KIND_LABELS,
    KINDS,
    SNAPSHOT_SCHEMES,
    STATUS_LABELS,
    STATUSES,
    STREAM_SCHEMES,
)
from anguan.video.service import url_problem

ORIGIN = (0.0, 0.0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(ORIGIN, (30.0, 40.0), 50.0, id="D-distance-3-4-5"),
        pytest.param((10.0, 10.0), (10.0, 10.0), 0.0, id="D-distance-same-point"),
        pytest.param((-5.0, 2.0), (7.0, -3.0), 13.0, id="D-distance-5-12-13-negative"),
    ],
)
def test_distance_m(a, b, expected):
    assert rules.distance_m(a, b) == expected
    assert rules.distance_m(b, a) == expected


@pytest.mark.parametrize(
    ("target", "bearing"),
    [
        pytest.param((0.0, 10.0), 0.0, id="D-bearing-north"),
        pytest.param((10.0, 0.0), 90.0, id="D-bearing-east"),
        pytest.param((0.0, -10.0), 180.0, id="D-bearing-south"),
        pytest.param((-10.0, 0.0), 270.0, id="D-bearing-west"),
        pytest.param((10.0, 10.0), 45.0, id="D-bearing-north-east"),
        pytest.param((-10.0, 10.0), 315.0, id="D-bearing-north-west"),
    ],
)
def test_bearing_is_compass_clockwise_from_north(target, bearing):
    assert rules.bearing_deg(ORIGIN, target) == pytest.approx(bearing)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(10.0, 350.0, 20.0, id="D-angle-wraps-north"),
        pytest.param(0.0, 180.0, 180.0, id="D-angle-opposite"),
        pytest.param(90.0, 90.0, 0.0, id="D-angle-same"),
        pytest.param(359.0, 1.0, 2.0, id="D-angle-across-zero"),
    ],
)
def test_angle_between(a, b, expected):
    assert rules.angle_between_deg(a, b) == pytest.approx(expected)


S30 = math.sqrt(3.0) / 2.0

# (camera, heading, fov, range, target, sees)
CASES = [
    # range: inclusive, exactly at the range (3-4-5 triangle: hypot is exact)
    pytest.param(ORIGIN, None, None, 50.0, (30.0, 40.0), True, id="D-range-exactly-at-range"),
    pytest.param(ORIGIN, None, None, 50.0, (30.0, 40.0001), False, id="D-range-just-beyond"),
    pytest.param(ORIGIN, None, None, 50.0, (30.0, 39.9999), True, id="D-range-just-inside"),
    pytest.param((100.0, 100.0), None, None, 13.0, (95.0, 112.0), True, id="D-range-exactly-offset-camera"),
    pytest.param(ORIGIN, None, None, None, (1.0, 1.0), False, id="D-range-unknown-sees-nothing"),
    pytest.param(ORIGIN, 0.0, 90.0, None, (0.0, 1.0), False, id="D-range-unknown-even-in-sector"),
    # the sector: heading ± fov/2, edges inclusive
    pytest.param(ORIGIN, 0.0, 90.0, 100.0, (10.0, 10.0), True, id="D-fov-exactly-at-right-edge"),
    pytest.param(ORIGIN, 0.0, 90.0, 100.0, (-10.0, 10.0), True, id="D-fov-exactly-at-left-edge"),
    pytest.param(ORIGIN, 0.0, 90.0, 100.0, (10.001, 10.0), False, id="D-fov-just-outside-right-edge"),
    pytest.param(ORIGIN, 0.0, 90.0, 100.0, (-10.001, 10.0), False, id="D-fov-just-outside-left-edge"),
    pytest.param(ORIGIN, 0.0, 90.0, 100.0, (9.999, 10.0), True, id="D-fov-just-inside-edge"),
    pytest.param(ORIGIN, 0.0, 60.0, 100.0, (50.0 * 0.5, 50.0 * S30), True, id="D-fov-exactly-at-30deg-edge"),
    pytest.param(ORIGIN, 0.0, 90.0, 100.0, (0.0, -10.0), False, id="D-fov-behind"),
    pytest.param(ORIGIN, 90.0, 180.0, 100.0, (0.0, 10.0), True, id="D-fov-half-plane-edge-north"),
    pytest.param(ORIGIN, 90.0, 180.0, 100.0, (0.0, -10.0), True, id="D-fov-half-plane-edge-south"),
    pytest.param(ORIGIN, 90.0, 180.0, 100.0, (-1.0, 10.0), False, id="D-fov-half-plane-west"),
    pytest.param(
        ORIGIN, 350.0, 40.0, 100.0, (10.0 * math.sin(math.radians(5)), 10.0), True, id="D-fov-wraps-north"
    ),
    pytest.param(ORIGIN, 350.0, 40.0, 100.0, (5.0, 10.0), False, id="D-fov-wraps-north-outside"),
    pytest.param(ORIGIN, 0.0, 360.0, 100.0, (0.0, -10.0), True, id="D-fov-full-circle"),
    # sector and range together: the sector edge at the exact range
    pytest.param(ORIGIN, 45.0, 90.0, 50.0, (0.0, 50.0), True, id="D-edge-and-range-both-exact"),
    pytest.param(ORIGIN, 45.0, 90.0, 50.0, (0.0, 50.001), False, id="D-edge-exact-range-beyond"),
    pytest.param(ORIGIN, 0.0, 90.0, 10.0, (0.0, 20.0), False, id="D-in-sector-beyond-range"),
    # without a fixed sector (a PTZ): all round within range
    pytest.param(ORIGIN, None, None, 10.0, (0.0, -10.0), True, id="D-ptz-all-round"),
    pytest.param(ORIGIN, 0.0, None, 10.0, (0.0, -10.0), True, id="D-heading-without-fov-all-round"),
    pytest.param(ORIGIN, None, 90.0, 10.0, (0.0, -10.0), True, id="D-fov-without-heading-all-round"),
    pytest.param(ORIGIN, 180.0, 10.0, 10.0, ORIGIN, True, id="D-target-at-the-camera"),
]


@pytest.mark.parametrize(("camera", "heading", "fov", "range_m", "target", "sees"), CASES)
def test_camera_sees(camera, heading, fov, range_m, target, sees):
    assert rules.camera_sees(camera, heading, fov, range_m, target) is sees


@pytest.mark.parametrize(
    ("url", "schemes", "problem"),
    [
        pytest.param("rtsp://10.1.2.3:554/Streaming/Channels/101", STREAM_SCHEMES, None, id="D-url-rtsp"),
        pytest.param("rtsps://nvr.example.com/live", STREAM_SCHEMES, None, id="D-url-rtsps"),
        pytest.param("https://media.example.com/live/cam1.m3u8", STREAM_SCHEMES, None, id="D-url-https-hls"),
        pytest.param("HTTP://media.example.com/cam1.flv", STREAM_SCHEMES, None, id="D-url-scheme-any-case"),
        pytest.param("http://[fd00::1]:8080/cam", STREAM_SCHEMES, None, id="D-url-ipv6"),
        pytest.param("ftp://nvr.example.com/cam", STREAM_SCHEMES, "scheme", id="D-url-ftp-refused"),
        pytest.param("javascript:alert(1)", STREAM_SCHEMES, "scheme", id="D-url-javascript-refused"),
        pytest.param("rtsp:///nohost", STREAM_SCHEMES, "host", id="D-url-no-host"),
        pytest.param("nvr.example.com/cam", STREAM_SCHEMES, "scheme", id="D-url-no-scheme"),
        pytest.param("rtsp://nvr.example.com:99999/x", STREAM_SCHEMES, "host", id="D-url-bad-port"),
        pytest.param("rtsp://nvr.example.com/a b", STREAM_SCHEMES, "host", id="D-url-whitespace"),
        pytest.param(
            "rtsp://admin:secret@nvr.example.com/x", STREAM_SCHEMES, "credentials", id="D-url-password"
        ),
        pytest.param("rtsp://admin@nvr.example.com/x", STREAM_SCHEMES, "credentials", id="D-url-user"),
        pytest.param("rtsp://nvr.example.com/snap.jpg", SNAPSHOT_SCHEMES, "scheme", id="D-url-snapshot-rtsp"),
        pytest.param("https://nvr.example.com/snap.jpg", SNAPSHOT_SCHEMES, None, id="D-url-snapshot-https"),
    ],
)
def test_url_problem(url, schemes, problem):
    assert url_problem(url, schemes) == problem


def test_vocabularies_have_both_labels():
    assert set(KIND_LABELS) == set(KINDS) and set(STATUS_LABELS) == set(STATUSES)
    for zh, en in (*KIND_LABELS.values(), *STATUS_LABELS.values()):
        assert zh and en and zh != en

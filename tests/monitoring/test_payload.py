"""Payload validation (docs/mqtt.md): every kind of bad input is rejected with a stable reason."""

from __future__ import annotations

import pytest

from anguan.monitoring.payload import PayloadLimits, parse_payload

NOW = 1_800_000_000.0
LIMITS = PayloadLimits(max_bytes=2048, max_samples=3, max_future_s=300.0, max_past_s=7 * 86400.0)


def reasons(payload: bytes) -> list[str]:
    return [r.reason for r in parse_payload(payload, NOW, LIMITS)[1]]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"not json", ["malformed"]),
        (b'{"samples": [{"tag": "A", "v": NaN}]}', ["malformed"]),
        (b'{"samples": [{"tag": "A", "v": Infinity}]}', ["malformed"]),
        (b'{"samples": [{"tag": "A", "v": 1e999}]}', ["malformed"]),  # orjson refuses an overflow
        (b"[1, 2]", ["malformed"]),
        (b'{"samples": {}}', ["malformed"]),
        (b'{"samples": [1]}', ["malformed"]),
        (b'{"samples": [{"v": 1}]}', ["bad_tag"]),
        (b'{"samples": [{"tag": "", "v": 1}]}', ["bad_tag"]),
        (b'{"samples": [{"tag": "A", "v": "12"}]}', ["bad_value"]),
        (b'{"samples": [{"tag": "A", "v": null}]}', ["bad_value"]),
        (b'{"samples": [{"tag": "A", "v": 1, "q": "great"}]}', ["bad_quality"]),
        (b'{"samples": [{"tag": "A", "v": 1, "q": 3}]}', ["bad_quality"]),
        (b'{"samples": [{"tag": "A", "v": 1, "ts": "yesterday"}]}', ["bad_time"]),
        (b'{"samples": [{"tag": "A", "v": 1, "ts": "2027-01-15T08:00:00"}]}', ["bad_time"]),  # no offset
        (b'{"ts": "soon", "samples": [{"tag": "A", "v": 1}]}', ["bad_time"]),
        (
            b'{"samples": [{"tag": "A", "v": 1}, {"tag": "B", "v": 2}, {"tag": "C", "v": 3}, {"tag": "D", "v": 4}]}',
            ["too_many"],
        ),
        (b'{"samples": []}', []),
        (b'{"samples": [{"tag": "A", "v": 1}, {"tag": "B", "v": "x"}]}', ["bad_value"]),
    ],
)
def test_rejections(payload: bytes, expected: list[str]) -> None:
    assert reasons(payload) == expected


def test_oversized_payload_is_refused_before_parsing() -> None:
    body = b'{"samples": [' + b",".join([b'{"tag": "A", "v": 1}'] * 200) + b"]}"
    assert len(body) > LIMITS.max_bytes
    samples, rejects, _ = parse_payload(body, NOW, LIMITS)
    assert samples == [] and [r.reason for r in rejects] == ["too_large"]


@pytest.mark.parametrize(
    ("offset", "reason"),
    [
        (300.0, None),  # exactly the future tolerance: accepted
        (300.001, "future"),
        (-7 * 86400.0, None),  # exactly the past tolerance: accepted
        (-7 * 86400.0 - 0.001, "past"),
    ],
)
def test_time_window_boundaries(offset: float, reason: str | None) -> None:
    payload = b'{"samples": [{"tag": "A", "v": 1, "ts": %r}]}' % (NOW + offset)
    samples, rejects, _ = parse_payload(payload, NOW, LIMITS)
    if reason is None:
        assert len(samples) == 1 and rejects == []
    else:
        assert samples == [] and [r.reason for r in rejects] == [reason]


def test_valid_samples_keep_time_quality_and_defaults() -> None:
    payload = (
        b'{"source": "gw1", "ts": "2027-01-15T08:00:00+08:00", "connected": true, "samples": ['
        b'{"tag": "LT-101", "v": 12.5},'
        b'{"tag": "XS-1", "v": true, "q": "uncertain"},'
        b'{"tag": "PT-1", "v": 3, "ts": 1800000001.5, "q": 2}]}'
    )
    samples, rejects, meta = parse_payload(payload, NOW, LIMITS)
    assert rejects == [] and meta.connected is True and meta.redelivered is False
    assert [(s.tag, s.value, s.quality) for s in samples] == [
        ("LT-101", 12.5, 0),
        ("XS-1", 1.0, 1),
        ("PT-1", 3.0, 2),
    ]
    assert samples[2].t == 1_800_000_001.5
    # NOW is 2027-01-15T08:00:00Z; the message time 08:00+08:00 is 8 h earlier and applies by default.
    assert samples[0].t == samples[1].t == NOW - 8 * 3600


def test_a_sender_can_mark_a_resend() -> None:
    body = b'{"redelivered": true, "samples": [{"tag": "A", "v": 1}]}'
    assert parse_payload(body, NOW, LIMITS)[2].redelivered is True

"""Validation of telemetry payloads (docs/mqtt.md): pure, never raises on bad input.

A payload is a JSON object `{"source": str?, "ts": time?, "samples": [{"tag", "v", "ts"?, "q"?}]}`.
Time is epoch seconds (number) or an ISO 8601 string with an offset. Every problem becomes a
`Reject` with a stable reason; whatever is valid in a partly bad payload is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from anguan.connectors.base import RawSample
from anguan.monitoring.types import QUALITY_CODES, Reject

MAX_TAG_LENGTH = 64


class PayloadMeta(NamedTuple):
    """Message-level flags: the gateway's data-source connection state (AQ 3064.1 表A.2
    IS_CONNECT_DATASOURCE) and whether the sender marks this message as a resend."""

    connected: bool | None = None
    redelivered: bool = False


@dataclass(frozen=True)
class PayloadLimits:
    """What the ingest accepts (from settings.ingest)."""

    max_bytes: int = 256 * 1024
    max_samples: int = 5000
    max_future_s: float = 300.0
    max_past_s: float = 7 * 86400.0


def _time(value: Any) -> float | None:
    """Epoch seconds from a number or an ISO 8601 string with an offset; None when not a time."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and 0 < len(value) <= 40:
        try:
            d = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if d.tzinfo is None:
            return None  # a time without an offset is ambiguous: refused
        return d.timestamp()
    return None


def _quality(value: Any) -> int | None:
    if value is None:
        return 0
    if isinstance(value, str):
        return QUALITY_CODES.get(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1, 2):
        return value
    return None


def parse_payload(
    payload: bytes, now: float, limits: PayloadLimits
) -> tuple[list[RawSample], list[Reject], PayloadMeta]:
    """Validate a payload: (accepted samples, rejects, message-level flags)."""
    none = PayloadMeta()
    if len(payload) > limits.max_bytes:
        return [], [Reject("too_large", f"{len(payload)} bytes > {limits.max_bytes}")], none
    try:
        doc = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        # orjson refuses NaN and Infinity literals: such a payload is malformed as a whole.
        return [], [Reject("malformed", str(exc)[:200])], none
    if not isinstance(doc, dict) or not isinstance(doc.get("samples"), list):
        return [], [Reject("malformed", "expected an object with a 'samples' array")], none
    raw = doc["samples"]
    if len(raw) > limits.max_samples:
        return [], [Reject("too_many", f"{len(raw)} samples > {limits.max_samples}")], none
    flag = doc.get("connected")
    meta = PayloadMeta(flag if isinstance(flag, bool) else None, doc.get("redelivered") is True)
    default_t: float | None = now
    if "ts" in doc:
        default_t = _time(doc["ts"])
        if default_t is None:
            return [], [Reject("bad_time", f"message ts {str(doc['ts'])[:40]!r}")], meta
    samples: list[RawSample] = []
    rejects: list[Reject] = []
    lo, hi = now - limits.max_past_s, now + limits.max_future_s
    for item in raw:
        if not isinstance(item, dict):
            rejects.append(Reject("malformed", "sample is not an object"))
            continue
        tag = item.get("tag")
        if not isinstance(tag, str) or not 0 < len(tag) <= MAX_TAG_LENGTH:
            rejects.append(Reject("bad_tag", str(tag)[:MAX_TAG_LENGTH]))
            continue
        v = item.get("v")
        if isinstance(v, bool):
            v = float(v)  # switches may send true/false
        if not isinstance(v, int | float):
            rejects.append(Reject("bad_value", f"{tag}: {str(v)[:40]!r}"))
            continue
        v = float(v)
        if not math.isfinite(v):
            rejects.append(Reject("not_finite", tag))
            continue
        t = _time(item["ts"]) if "ts" in item else default_t
        if t is None:
            rejects.append(Reject("bad_time", f"{tag}: {str(item.get('ts'))[:40]!r}"))
            continue
        if t > hi:
            rejects.append(Reject("future", f"{tag}: {t - now:.0f} s ahead"))
            continue
        if t < lo:
            rejects.append(Reject("past", f"{tag}: {now - t:.0f} s old"))
            continue
        q = _quality(item.get("q"))
        if q is None:
            rejects.append(Reject("bad_quality", f"{tag}: {str(item.get('q'))[:20]!r}"))
            continue
        samples.append(RawSample(tag, t, v, q))
    return samples, rejects, meta

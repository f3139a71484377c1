"""Plain types shared by the ingest pipeline, the alarm engine and the historian.

Time inside the hot path is a float: UTC seconds since the epoch (`t`). Conversion to aware
datetimes happens only at the database edge (`to_dt`/`from_dt`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

QUALITY_GOOD = 0
QUALITY_UNCERTAIN = 1
QUALITY_BAD = 2
QUALITY_CODES = {"good": QUALITY_GOOD, "uncertain": QUALITY_UNCERTAIN, "bad": QUALITY_BAD}
QUALITY_NAMES = {v: k for k, v in QUALITY_CODES.items()}

PRIORITIES = ("urgent", "high", "medium", "low")
PRIORITY_RANK = {p: i for i, p in enumerate(PRIORITIES)}  # 0 = most important

# Alarm conditions: process limits, diagnostics and the early-warning pre-alarm (预警).
CONDITIONS = ("HH", "H", "L", "LL", "ROC", "BAD", "STALE", "PRE")


def to_dt(t: float) -> datetime:
    """Epoch seconds → aware UTC datetime."""
    return datetime.fromtimestamp(t, UTC)


def from_dt(d: datetime) -> float:
    """Aware (or naive-UTC) datetime → epoch seconds."""
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return d.timestamp()


@dataclass(slots=True)
class Reading:
    """One sample of one point, after payload validation and tag resolution."""

    point_id: int
    t: float
    value: float
    quality: int = QUALITY_GOOD


@dataclass(slots=True)
class PointConfig:
    """The settings of a point that the hot path needs (a snapshot of a `mon_point` row)."""

    id: int
    tag: str
    kind: str
    site_id: int
    area_id: int | None = None
    console: str = "main"
    unit: str = ""
    range_lo: float = 0.0
    range_hi: float = 100.0
    sp_hh: float | None = None
    sp_h: float | None = None
    sp_l: float | None = None
    sp_ll: float | None = None
    prio_hh: str = "high"
    prio_h: str = "medium"
    prio_l: str = "medium"
    prio_ll: str = "high"
    prio_diag: str = "low"
    deadband: float = 0.0
    on_delay_s: float = 0.0
    off_delay_s: float = 0.0
    roc_limit_per_min: float | None = None
    expected_interval_s: float = 10.0
    suppress_point_id: int | None = None
    suppress_value: float | None = None
    hist_deadband: float = 0.0
    hist_comp_dev: float = 0.0
    hist_max_interval_s: float = 600.0
    forecast_horizon_s: float | None = None
    response_time_s: int = 600
    enabled: bool = True

    @classmethod
    def from_row(cls, row: Any) -> PointConfig:
        """Copy the hot-path fields of a `Point` ORM row (or any object with those attributes)."""
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


@dataclass(slots=True)
class AlarmChange:
    """A process-side change of one alarm condition, produced by the alarm engine.

    kind: activated | returned | suppressed | unsuppressed | chattering | value
    """

    point_id: int
    condition: str
    kind: str
    t: float
    priority: str
    value: float | None = None
    limit: float | None = None
    message: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Reject:
    """One rejected item of input, counted per source and reason."""

    reason: str  # malformed | too_large | unknown_point | not_finite | future | past | bad_quality_code | duplicate | disabled
    detail: str = ""

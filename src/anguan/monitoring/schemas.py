"""Request and response bodies of the monitoring API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from anguan.core.db import MAX_ID
from anguan.core.schemas import RequestModel
from anguan.monitoring.events import AlarmView

PointKind = Literal[
    "level",
    "temperature",
    "pressure",
    "flow",
    "gas_combustible",
    "gas_toxic",
    "oxygen",
    "switch",
    "other",
]
POINT_KINDS: tuple[str, ...] = PointKind.__args__  # type: ignore[attr-defined]
Priority = Literal["urgent", "high", "medium", "low"]
SourceKind = Literal["mqtt", "http", "opcua", "modbus", "simulator"]
SOURCE_KINDS: tuple[str, ...] = SourceKind.__args__  # type: ignore[attr-defined]
AlarmStateFilter = Literal["active", "unacked", "shelved", "oos", "all"]
ImportMode = Literal["validate", "all_or_nothing", "valid_only"]
Status = Literal["green", "amber", "red"]

TAG = r"^[A-Za-z0-9][A-Za-z0-9_.:/#\-]{0,63}$"
CODE = r"^[A-Za-z0-9_\-]{1,40}$"
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]
NonNegative = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1e12)]
Seconds = Annotated[float, Field(allow_inf_nan=False, gt=0, le=86400)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=255)]
Text2000 = Annotated[str, Field(max_length=2000)]


# ---------------------------------------------------------------- points (位号)


class PointIn(RequestModel):
    """A new point; set-points are checked against its range and, for gas detectors, GB/T 50493-2019."""

    tag: str = Field(pattern=TAG)
    name: str = Field(min_length=1, max_length=120)
    name_en: str | None = Field(default=None, max_length=120)
    kind: PointKind
    unit: str = Field(default="", max_length=16)
    range_lo: Finite = 0.0
    range_hi: Finite = 100.0
    site_id: Id
    area_id: Id | None = None
    equipment_id: Id | None = None
    hazard_source_id: Id | None = None
    x: Finite | None = None
    y: Finite | None = None
    source_id: Id | None = None
    source_address: str | None = Field(default=None, max_length=200)
    # Operator position for flood counting; empty: the area's code (or "main" without an area).
    console: str | None = Field(default=None, pattern=CODE)
    enabled: bool = True
    sp_hh: Finite | None = None
    sp_h: Finite | None = None
    sp_l: Finite | None = None
    sp_ll: Finite | None = None
    prio_hh: Priority = "high"
    prio_h: Priority = "medium"
    prio_l: Priority = "medium"
    prio_ll: Priority = "high"
    prio_diag: Priority = "low"
    deadband: NonNegative = 0.0
    on_delay_s: Annotated[float, Field(allow_inf_nan=False, ge=0, le=3600)] = 0.0
    off_delay_s: Annotated[float, Field(allow_inf_nan=False, ge=0, le=3600)] = 0.0
    roc_limit_per_min: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e12)] | None = None
    expected_interval_s: Seconds = 10.0
    suppress_point_id: Id | None = None
    suppress_value: Finite | None = None
    gas_oel: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e12)] | None = None
    gas_idlh: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e12)] | None = None
    hist_deadband: NonNegative = 0.0
    hist_comp_dev: NonNegative = 0.0
    hist_max_interval_s: Seconds = 600.0
    forecast_horizon_s: Seconds | None = None
    cause: Text2000 | None = None
    consequence: Text2000 | None = None
    operator_action: Text2000 | None = None
    response_time_s: int = Field(default=600, ge=1, le=86400)


# Columns that cannot hold NULL: a PATCH may leave them out but not blank them.
NOT_NULL_POINT_FIELDS = frozenset(
    {
        "tag",
        "name",
        "kind",
        "unit",
        "range_lo",
        "range_hi",
        "site_id",
        "enabled",
        "prio_hh",
        "prio_h",
        "prio_l",
        "prio_ll",
        "prio_diag",
        "deadband",
        "on_delay_s",
        "off_delay_s",
        "expected_interval_s",
        "hist_deadband",
        "hist_comp_dev",
        "hist_max_interval_s",
        "response_time_s",
    }
)


class PointUpdate(RequestModel):
    """Fields to change; null clears a nullable field (a set-point, the area...)."""

    tag: str | None = Field(default=None, pattern=TAG)
    name: str | None = Field(default=None, min_length=1, max_length=120)
    name_en: str | None = Field(default=None, max_length=120)
    kind: PointKind | None = None
    unit: str | None = Field(default=None, max_length=16)
    range_lo: Finite | None = None
    range_hi: Finite | None = None
    site_id: Id | None = None
    area_id: Id | None = None
    equipment_id: Id | None = None
    hazard_source_id: Id | None = None
    x: Finite | None = None
    y: Finite | None = None
    source_id: Id | None = None
    source_address: str | None = Field(default=None, max_length=200)
    console: str | None = Field(default=None, pattern=CODE)
    enabled: bool | None = None
    sp_hh: Finite | None = None
    sp_h: Finite | None = None
    sp_l: Finite | None = None
    sp_ll: Finite | None = None
    prio_hh: Priority | None = None
    prio_h: Priority | None = None
    prio_l: Priority | None = None
    prio_ll: Priority | None = None
    prio_diag: Priority | None = None
    deadband: NonNegative | None = None
    on_delay_s: Annotated[float, Field(allow_inf_nan=False, ge=0, le=3600)] | None = None
    off_delay_s: Annotated[float, Field(allow_inf_nan=False, ge=0, le=3600)] | None = None
    roc_limit_per_min: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e12)] | None = None
    expected_interval_s: Seconds | None = None
    suppress_point_id: Id | None = None
    suppress_value: Finite | None = None
    gas_oel: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e12)] | None = None
    gas_idlh: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e12)] | None = None
    hist_deadband: NonNegative | None = None
    hist_comp_dev: NonNegative | None = None
    hist_max_interval_s: Seconds | None = None
    forecast_horizon_s: Seconds | None = None
    cause: Text2000 | None = None
    consequence: Text2000 | None = None
    operator_action: Text2000 | None = None
    response_time_s: int | None = Field(default=None, ge=1, le=86400)

    @model_validator(mode="after")
    def _no_null_for_required(self) -> PointUpdate:
        blanked = sorted(k for k in self.model_fields_set & NOT_NULL_POINT_FIELDS if getattr(self, k) is None)
        if blanked:
            raise ValueError(f"these fields cannot be null: {', '.join(blanked)}")
        return self


class PointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    tag: str
    name: str
    name_en: str | None
    kind: str
    unit: str
    range_lo: float
    range_hi: float
    site_id: int
    area_id: int | None
    equipment_id: int | None
    hazard_source_id: int | None
    x: float | None
    y: float | None
    source_id: int | None
    source_address: str | None
    console: str
    enabled: bool
    sp_hh: float | None
    sp_h: float | None
    sp_l: float | None
    sp_ll: float | None
    prio_hh: str
    prio_h: str
    prio_l: str
    prio_ll: str
    prio_diag: str
    deadband: float
    on_delay_s: float
    off_delay_s: float
    roc_limit_per_min: float | None
    expected_interval_s: float
    suppress_point_id: int | None
    suppress_value: float | None
    gas_oel: float | None
    gas_idlh: float | None
    hist_deadband: float
    hist_comp_dev: float
    hist_max_interval_s: float
    forecast_horizon_s: float | None
    cause: str | None
    consequence: str | None
    operator_action: str | None
    response_time_s: int
    created_at: datetime
    updated_at: datetime


class ImportRowError(BaseModel):
    row: int  # the spreadsheet's row number (the header is row 1)
    field: str  # the column key (see the template's header)
    code: str
    message: str


class ImportReport(BaseModel):
    mode: ImportMode
    total_rows: int
    valid_rows: int
    created: int
    updated: int
    written: bool  # false: nothing was saved (validate mode, or errors under all_or_nothing)
    errors: list[ImportRowError]


# ---------------------------------------------------------------- sources


class SourceIn(RequestModel):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=120)
    kind: SourceKind
    enabled: bool = True
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("config")
    @classmethod
    def _small_config(cls, v: dict[str, Any]) -> dict[str, Any]:
        if len(v) > 50 or len(str(v)) > 8000:
            raise ValueError("config is too large (at most 50 keys, 8000 characters)")
        return v


class SourceUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    enabled: bool | None = None
    config: dict[str, Any] | None = None

    @field_validator("config")
    @classmethod
    def _small_config(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is not None and (len(v) > 50 or len(str(v)) > 8000):
            raise ValueError("config is too large (at most 50 keys, 8000 characters)")
        return v

    @model_validator(mode="after")
    def _no_null(self) -> SourceUpdate:
        blanked = [
            k
            for k in ("name", "enabled", "config")
            if k in self.model_fields_set and getattr(self, k) is None
        ]
        if blanked:
            raise ValueError(f"these fields cannot be null: {', '.join(blanked)}")
        return self


class SourceOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    enabled: bool
    config: dict[str, Any]  # secret-looking values are returned as "***"
    has_token: bool
    last_seen_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SourceWithToken(SourceOut):
    # The plain HTTP batch token: shown once, at creation or rotation; only its SHA-256 is kept.
    token: str | None = None


# ---------------------------------------------------------------- alarms


class AckIn(RequestModel):
    occurrence: int = Field(ge=0, le=2**31 - 1)


class BulkAckIn(RequestModel):
    ids: list[Id] = Field(min_length=1, max_length=500)


class BulkSkip(BaseModel):
    id: int
    code: str


class BulkAckOut(BaseModel):
    acked: list[AlarmView]
    skipped: list[BulkSkip]


class ShelveIn(RequestModel):
    reason: Reason
    minutes: int = Field(ge=1, le=100000)


class ReasonIn(RequestModel):
    reason: Reason


class CommentIn(RequestModel):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class AlarmEventOut(BaseModel):
    id: int
    alarm_id: int
    ts: datetime
    kind: str
    occurrence: int
    priority: str
    value: float | None
    actor_id: int | None
    actor_name: str | None
    note: str | None


# ---------------------------------------------------------------- realtime, board


class SnapshotValue(BaseModel):
    point_id: int
    tag: str
    t: float  # epoch seconds, like the realtime frames
    value: float
    quality: int
    alarm_state: str | None  # the worst active condition (HH, H, ..., BAD, STALE) or null
    alarm_priority: str | None


class SnapshotOut(BaseModel):
    at: datetime
    values: list[SnapshotValue]
    # Active or unacknowledged alarms (shelved / suppressed / out-of-service ones carry their flags).
    alarms: list[AlarmView]


class BoardPoint(BaseModel):
    point_id: int
    tag: str
    name: str
    kind: str
    unit: str
    range_lo: float
    range_hi: float
    sp_hh: float | None
    sp_h: float | None
    sp_l: float | None
    sp_ll: float | None
    t: float | None
    value: float | None
    quality: int | None
    alarm_state: str | None
    alarm_priority: str | None
    sparkline: list[float]  # 1-minute averages of the last 30 minutes, oldest first


class BoardArea(BaseModel):
    area_id: int | None
    area_code: str | None
    area_name: str | None
    site_id: int
    points: list[BoardPoint]


class BoardOut(BaseModel):
    at: datetime
    areas: list[BoardArea]


# ---------------------------------------------------------------- trend


class TrendSeriesOut(BaseModel):
    point_id: int
    tag: str
    name: str
    unit: str
    tier: Literal["raw", "1m", "1h"]
    held: bool  # the last point is the current value, not archived yet
    # [t (epoch s), value, min, max, quality (null for rollups)]
    points: list[tuple[float, float, float, float, int | None]]


class TrendOut(BaseModel):
    start: datetime
    end: datetime
    series: list[TrendSeriesOut]


# ---------------------------------------------------------------- KPI


class BucketCount(BaseModel):
    start: datetime
    count: int


class DayCount(BaseModel):
    start: datetime
    count: int
    status: Status


class FloodPeriod(BaseModel):
    start: datetime
    end: datetime | None  # null: still in flood
    alarms: int  # annunciations of the window that started the flood and of the flood itself


class BadActor(BaseModel):
    alarm_id: int
    point_id: int
    tag: str
    condition: str
    count: int
    share_pct: float


class ChatteringAlarm(BaseModel):
    alarm_id: int
    point_id: int
    tag: str
    condition: str
    activations: int


class StandingAlarm(BaseModel):
    alarm_id: int
    point_id: int
    tag: str
    condition: str
    priority: str
    since: datetime


class PriorityShare(BaseModel):
    priority: str
    count: int
    pct: float
    target_pct: float | None


class ConsoleKpi(BaseModel):
    console: str
    total: int
    per_10min: list[BucketCount]
    peak_10min: int
    avg_per_10min: float
    avg_per_10min_status: Status
    per_day: list[DayCount]
    avg_per_day: float
    avg_per_day_status: Status
    floods: list[FloodPeriod]
    flood_time_pct: float
    top_bad_actors: list[BadActor]
    top10_share_pct: float
    chattering: list[ChatteringAlarm]
    stale: list[StandingAlarm]
    standing: list[StandingAlarm]
    priority_distribution: list[PriorityShare]


class KpiLimitsOut(BaseModel):
    version: str
    per_10min_acceptable: int
    per_10min_max: int
    per_day_acceptable: int
    per_day_max: int
    flood_start_above: int
    flood_end_below: int
    flood_window_s: int
    chatter_window_s: int
    chatter_min_activations: int
    stale_after_s: int


class KpiOut(BaseModel):
    start: datetime
    end: datetime
    at: datetime
    limits: KpiLimitsOut
    consoles: list[ConsoleKpi]


# ---------------------------------------------------------------- data quality


class RejectOut(BaseModel):
    source: str
    reason: str
    count: int
    last_at: datetime
    last_detail: str | None


class RejectsOut(BaseModel):
    since: datetime
    items: list[RejectOut]


class StatusOut(BaseModel):
    at: datetime
    points_total: int
    points_configured: int  # enabled points
    points_online: int
    online_rate: float  # 0..1, AQ 3064.1 §6.2 c 在线率
    active_alarms: dict[str, int]  # by priority, in service
    unacked_alarms: int

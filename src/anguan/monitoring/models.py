"""Tables of the monitoring module (在线监测预警): sources, points (位号), current values, the
historian (raw compressed samples and rollups), alarm conditions with their journal, and
rejected-input counters.

Ownership of writes (several processes touch these tables; docs/adr/0007-telemetry-pipeline.md):
- the ingest pipeline owns `mon_point_current`, `mon_sample`, `mon_rollup_1m`, `mon_reject` and
  the process side of `mon_alarm` (active, occurrence, activated_at, returned_at, value, limit,
  message, priority, suppressed, chattering; on a new activation it also resets acked_* and
  escalation_level);
- the API writes the operator side (acked_*, shelved_*, oos_*) and the worker writes expired
  shelving and escalation_level; both use targeted UPDATEs guarded on what they read, never
  whole-row ORM flushes, and every writer bumps `rev`;
- the worker owns rollups to 1 h, retention and PostgreSQL partitions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, BigId, IdMixin, TimestampMixin, UTCDateTime


class Source(IdMixin, TimestampMixin, Base):
    """A data source: an MQTT gateway, an HTTP batch client, an OPC UA or Modbus peer, the simulator.

    HTTP batch clients authenticate with a per-source token; only its SHA-256 is stored.
    """

    __tablename__ = "mon_source"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # mqtt | http | opcua | modbus | simulator
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Point(IdMixin, TimestampMixin, Base):
    """A monitored point (位号, QUOTAID in AQ 3064.1 表A.2) with its alarm and historian settings.

    Set-points: process variables use HH/H/L/LL (H/L = level 1, HH/LL = level 2, requirements §7.1
    [D]); gas detectors use H = 一级报警 and HH = 二级报警 (GB/T 50493-2019).
    """

    __tablename__ = "mon_point"

    tag: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))  # zh-CN name
    name_en: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # level | temperature | pressure | flow | gas_combustible | gas_toxic | oxygen | switch | other
    kind: Mapped[str] = mapped_column(String(24))
    unit: Mapped[str] = mapped_column(String(16), default="")
    range_lo: Mapped[float] = mapped_column(Double, default=0.0)
    range_hi: Mapped[float] = mapped_column(Double, default=100.0)
    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("plant_site.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_area.id", ondelete="SET NULL"), nullable=True, index=True
    )
    equipment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_equipment_location.id", ondelete="SET NULL"), nullable=True
    )
    # The hazards module (issue 5) adds the FK; until then a plain id.
    hazard_source_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    x: Mapped[float | None] = mapped_column(Double, nullable=True)
    y: Mapped[float | None] = mapped_column(Double, nullable=True)
    source_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("mon_source.id", ondelete="SET NULL"), nullable=True
    )
    # Where the source finds the value: a payload key, an OPC UA node id, a Modbus register.
    source_address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Operator position (console) for flood counting; defaults to the area's code.
    console: Mapped[str] = mapped_column(String(40), default="main")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    # Alarm set-points and their priorities (low | medium | high | urgent).
    sp_hh: Mapped[float | None] = mapped_column(Double, nullable=True)
    sp_h: Mapped[float | None] = mapped_column(Double, nullable=True)
    sp_l: Mapped[float | None] = mapped_column(Double, nullable=True)
    sp_ll: Mapped[float | None] = mapped_column(Double, nullable=True)
    prio_hh: Mapped[str] = mapped_column(String(8), default="high")
    prio_h: Mapped[str] = mapped_column(String(8), default="medium")
    prio_l: Mapped[str] = mapped_column(String(8), default="medium")
    prio_ll: Mapped[str] = mapped_column(String(8), default="high")
    # Diagnostic alarms (bad quality, stale data, rate of change) share one priority.
    prio_diag: Mapped[str] = mapped_column(String(8), default="low")
    deadband: Mapped[float] = mapped_column(Double, default=0.0)  # alarm deadband, engineering units
    on_delay_s: Mapped[float] = mapped_column(Double, default=0.0)
    off_delay_s: Mapped[float] = mapped_column(Double, default=0.0)
    roc_limit_per_min: Mapped[float | None] = mapped_column(Double, nullable=True)
    expected_interval_s: Mapped[float] = mapped_column(Double, default=10.0)
    # Suppression by design: while point `suppress_point_id` reads `suppress_value`, alarms are suppressed.
    suppress_point_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("mon_point.id", ondelete="SET NULL"), nullable=True
    )
    suppress_value: Mapped[float | None] = mapped_column(Double, nullable=True)
    # Gas references used to validate set-points (GB/T 50493-2019): LEL %, OEL and IDLH in the point's unit.
    gas_oel: Mapped[float | None] = mapped_column(Double, nullable=True)
    gas_idlh: Mapped[float | None] = mapped_column(Double, nullable=True)

    # Historian: exception deadband and swinging-door compression deviation (engineering units),
    # and the longest time between two archived samples.
    hist_deadband: Mapped[float] = mapped_column(Double, default=0.0)
    hist_comp_dev: Mapped[float] = mapped_column(Double, default=0.0)
    hist_max_interval_s: Mapped[float] = mapped_column(Double, default=600.0)

    # Early warning (预警): pre-alarm when the forecast time to a set-point falls under the horizon.
    forecast_horizon_s: Mapped[float | None] = mapped_column(Double, nullable=True)

    # Rationalisation (ISA-18.2 master alarm database).
    cause: Mapped[str | None] = mapped_column(Text, nullable=True)
    consequence: Mapped[str | None] = mapped_column(Text, nullable=True)
    operator_action: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_time_s: Mapped[int] = mapped_column(Integer, default=600)


class PointCurrent(Base):
    """The last value of each point plus the historian's crash-safe compressor state.

    Upserted by the ingest pipeline in the same transaction as the archived samples, so a restart
    resumes compression and rollups exactly; a redelivered sample (ts <= last_ts) is a duplicate.
    """

    __tablename__ = "mon_point_current"

    point_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("mon_point.id", ondelete="CASCADE"), primary_key=True
    )
    ts: Mapped[datetime] = mapped_column(UTCDateTime())
    value: Mapped[float] = mapped_column(Double)
    quality: Mapped[int] = mapped_column(SmallInteger, default=0)  # 0 good, 1 uncertain, 2 bad
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Swinging door: the last archived sample and the door's slopes from it (None = door reset).
    arch_ts: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    arch_value: Mapped[float | None] = mapped_column(Double, nullable=True)
    slope_lo: Mapped[float | None] = mapped_column(Double, nullable=True)
    slope_hi: Mapped[float | None] = mapped_column(Double, nullable=True)
    # True when (ts, value) has not been archived yet (the held sample of the swinging door).
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    # The open 1-minute rollup bucket (written to mon_rollup_1m when the minute closes).
    m_start: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    m_min: Mapped[float | None] = mapped_column(Double, nullable=True)
    m_max: Mapped[float | None] = mapped_column(Double, nullable=True)
    m_sum: Mapped[float | None] = mapped_column(Double, nullable=True)
    m_count: Mapped[int] = mapped_column(Integer, default=0)


class Sample(Base):
    """An archived raw sample (after compression). PostgreSQL: range-partitioned by day on `ts`."""

    __tablename__ = "mon_sample"

    point_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    value: Mapped[float] = mapped_column(Double)
    quality: Mapped[int] = mapped_column(SmallInteger, default=0)


class Rollup1m(Base):
    """1-minute aggregate of every received sample (compression does not thin rollups)."""

    __tablename__ = "mon_rollup_1m"

    point_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bucket: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    vmin: Mapped[float] = mapped_column(Double)
    vmax: Mapped[float] = mapped_column(Double)
    vsum: Mapped[float] = mapped_column(Double)
    count: Mapped[int] = mapped_column(Integer)
    vlast: Mapped[float] = mapped_column(Double)


class Rollup1h(Base):
    """1-hour aggregate built from the 1-minute rollups by the worker."""

    __tablename__ = "mon_rollup_1h"

    point_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bucket: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    vmin: Mapped[float] = mapped_column(Double)
    vmax: Mapped[float] = mapped_column(Double)
    vsum: Mapped[float] = mapped_column(Double)
    count: Mapped[int] = mapped_column(Integer)
    vlast: Mapped[float] = mapped_column(Double)


class Alarm(IdMixin, Base):
    """One alarm condition of a point (ISA-18.2 / IEC 62682) and its current state.

    condition: HH | H | L | LL (process, gas level 1 = H, level 2 = HH), ROC (rate of change),
    BAD (bad quality), STALE (no data), PRE (early-warning pre-alarm, 预警).
    ISA-18.2 state = f(active, acked): normal (F,T), unack (T,F), acked (T,T), rtn_unack (F,F);
    shelved / suppressed / out of service overlay it.
    """

    __tablename__ = "mon_alarm"
    __table_args__ = (UniqueConstraint("point_id", "condition"),)

    point_id: Mapped[int] = mapped_column(BigId, ForeignKey("mon_point.id", ondelete="CASCADE"), index=True)
    condition: Mapped[str] = mapped_column(String(8))
    priority: Mapped[str] = mapped_column(String(8))
    site_id: Mapped[int] = mapped_column(BigId, index=True)
    area_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    console: Mapped[str] = mapped_column(String(40), default="main")
    # Process side (ingest pipeline).
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    occurrence: Mapped[int] = mapped_column(Integer, default=0)  # +1 per activation
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    value: Mapped[float | None] = mapped_column(Double, nullable=True)  # value at activation
    limit: Mapped[float | None] = mapped_column(Double, nullable=True)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    chattering: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Operator side (API).
    acked: Mapped[bool] = mapped_column(Boolean, default=True)
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acked_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    shelved_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    shelved_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    shelve_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)
    oos: Mapped[bool] = mapped_column(Boolean, default=False)
    oos_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    oos_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Escalation: how many recipients have been notified for this occurrence.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    # Monotonic version: every change bumps it; realtime clients drop changes older than their snapshot.
    rev: Mapped[int] = mapped_column(Integer, default=0)


class AlarmEvent(IdMixin, Base):
    """Append-only alarm journal: activations, returns, operator actions, escalations.

    kind: activated | returned | acknowledged | shelved | unshelved | oos | in_service |
          suppressed | unsuppressed | comment | escalated | chattering | reannunciated
    Operator actions are also written to the hash-chained audit log.
    """

    __tablename__ = "mon_alarm_event"
    __table_args__ = (
        Index("ix_mon_alarm_event_ts", "ts"),
        Index("ix_mon_alarm_event_alarm_ts", "alarm_id", "ts"),
    )

    alarm_id: Mapped[int] = mapped_column(BigId, ForeignKey("mon_alarm.id", ondelete="CASCADE"))
    point_id: Mapped[int] = mapped_column(BigId)
    console: Mapped[str] = mapped_column(String(40), default="main")
    ts: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[str] = mapped_column(String(8))
    value: Mapped[float | None] = mapped_column(Double, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Reject(Base):
    """Rejected input counted per source, reason and hour (bad input is visible in the UI)."""

    __tablename__ = "mon_reject"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_detail: Mapped[str | None] = mapped_column(String(255), nullable=True)

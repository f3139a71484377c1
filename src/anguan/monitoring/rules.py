"""Monitoring and alarm-management rules (GB/T 50493-2019 set-points; ISA-18.2 / EEMUA 191 KPIs).

Pure functions, thresholds from `monitoring.reference`. Grades and open questions are those of
../shared/docs/requirements.md §7 (test vectors AL-1 … AL-10).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from anguan.monitoring.reference import AlarmKpiLimits, GasSetpointLimits

Status = Literal["green", "amber", "red"]


def combustible_setpoint_problems(
    l1_lel_pct: float, l2_lel_pct: float, limits: GasSetpointLimits
) -> list[str]:
    """GB/T 50493-2019 报警值设置 items 1-2: combustible level-1 <= 25 %LEL, level-2 <= 50 %LEL (level-2 > level-1 [D])."""
    problems: list[str] = []
    if not 0 < l1_lel_pct <= limits.combustible_l1_max_lel_pct:
        problems.append("level1_out_of_range")
    if not 0 < l2_lel_pct <= limits.combustible_l2_max_lel_pct:
        problems.append("level2_out_of_range")
    if l2_lel_pct <= l1_lel_pct:
        problems.append("level2_not_above_level1")
    return problems


def toxic_setpoint_problems(
    l1: float,
    l2: float,
    *,
    oel: float,
    limits: GasSetpointLimits,
    idlh: float | None = None,
    range_insufficient: bool = False,
) -> list[str]:
    """GB/T 50493-2019 报警值设置 item 3: toxic level-1 <= 100 %OEL, level-2 <= 200 %OEL; when the
    detector's range cannot reach them, level-1 <= 5 %IDLH and level-2 <= 10 %IDLH instead."""
    problems: list[str] = []
    if range_insufficient:
        if idlh is None or idlh <= 0:
            return ["idlh_required"]
        max1, max2 = limits.toxic_l1_max_idlh_ratio * idlh, limits.toxic_l2_max_idlh_ratio * idlh
    else:
        max1, max2 = limits.toxic_l1_max_oel_ratio * oel, limits.toxic_l2_max_oel_ratio * oel
    if not 0 < l1 <= max1:
        problems.append("level1_out_of_range")
    if not 0 < l2 <= max2:
        problems.append("level2_out_of_range")
    if l2 <= l1:
        problems.append("level2_not_above_level1")
    return problems


def oxygen_alarm(value_pct: float, limits: GasSetpointLimits) -> Literal["high", "low"] | None:
    """GB/T 50493-2019 oxygen: alarm over 23.5 % and under 19.5 % (v/v); the bounds themselves are normal."""
    if value_pct > limits.oxygen_high_pct:
        return "high"
    if value_pct < limits.oxygen_low_pct:
        return "low"
    return None


def flood_periods(
    annunciations: Sequence[datetime], limits: AlarmKpiLimits, now: datetime | None = None
) -> list[tuple[datetime, datetime | None]]:
    """ISA-18.2 / EEMUA 191 flood: starts at more than 10 alarms in 10 min per position, ends at the
    first moment fewer than 5 remain in the trailing 10 min; a flood still running at `now` ends with None."""
    window = timedelta(seconds=limits.flood_window_s)
    # Departures (an alarm leaving the trailing window) sort before arrivals at the same instant.
    events = sorted([(t, 1) for t in annunciations] + [(t + window, 0) for t in annunciations])
    count = 0
    start: datetime | None = None
    periods: list[tuple[datetime, datetime | None]] = []
    for at, arrival in events:
        if now is not None and at > now:
            break
        count += 1 if arrival else -1
        if start is None and arrival and count > limits.flood_start_above:
            start = at
        elif start is not None and not arrival and count < limits.flood_end_below:
            periods.append((start, at))
            start = None
    if start is not None:
        periods.append((start, None))
    return periods


def is_chattering(activations: Sequence[datetime], limits: AlarmKpiLimits) -> bool:
    """ISA-18.2 chattering heuristic [C]: at least 3 activations of one alarm within 60 s (inclusive)."""
    times = sorted(activations)
    n = limits.chatter_min_activations
    window = timedelta(seconds=limits.chatter_window_s)
    return any(times[i + n - 1] - times[i] <= window for i in range(len(times) - n + 1))


def is_stale(active_since: datetime, now: datetime, limits: AlarmKpiLimits) -> bool:
    """Stale alarm [C]: continuously active for more than 24 h (exactly 24 h is not yet stale)."""
    return now - active_since > timedelta(seconds=limits.stale_after_s)


def shelve_expired(shelved_at: datetime, duration: timedelta, now: datetime) -> bool:
    """OPC UA Part 9 timed shelving: the alarm returns by itself once the shelving time has run out."""
    return now >= shelved_at + duration


def rate_status(count: int, acceptable: int, maximum: int) -> Status:
    """EEMUA 191 rates [C]: green up to the acceptable figure, amber up to the manageable maximum, red above."""
    if count <= acceptable:
        return "green"
    return "amber" if count <= maximum else "red"


def data_stale(
    last_sample_at: datetime, expected_interval: timedelta, now: datetime, factor: int = 3
) -> bool:
    """Data quality [D] (AQ 3064.1 §6.2 c online rate): a point silent for 3 expected intervals is offline."""
    return now - last_sample_at >= expected_interval * factor


def online_rate(online_points: int, configured_points: int) -> float:
    """AQ 3064.1 §6.2 c 在线率 [D]: points reporting within their interval over configured points."""
    if configured_points <= 0:
        return 0.0
    return online_points / configured_points

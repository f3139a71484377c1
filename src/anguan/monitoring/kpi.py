"""Alarm-management KPIs per operator position (ISA-18.2 / IEC 62682 / EEMUA 191, requirements §7.3).

Computed from the journal's `activated` rows with the rules module; thresholds come from
`reference.ISA182_EEMUA191_V1` and from the versioned `AlarmHandlingLimits` below. Pure functions:
the service loads the rows, this module counts.

Time buckets are aligned to the requested start: "per 10 min" are consecutive 10-minute windows
from `start`, "per day" consecutive 24-hour windows from `start` (so a caller who wants operator
days asks from the site's local midnight or shift change).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from anguan.monitoring import rules
from anguan.monitoring.reference import AlarmKpiLimits
from anguan.monitoring.schemas import (
    BadActor,
    BucketCount,
    ChatteringAlarm,
    ConsoleKpi,
    DayCount,
    FloodPeriod,
    PriorityShare,
    StandingAlarm,
)
from anguan.monitoring.types import PRIORITIES


@dataclass(frozen=True)
class AlarmHandlingLimits:
    """Operator-handling limits [D/C] (versioned data; change the version with any value).

    - max_shelve_minutes: longest timed shelving an operator may apply (OPC UA Part 9 timed shelve; [D] one shift, 8 h);
    - priority_targets_pct: annunciated priority distribution ≈ 80 % low / 15 % medium / 5 % high (EEMUA 191 via S22) [C].
    """

    version: str
    max_shelve_minutes: int
    priority_targets_pct: tuple[tuple[str, float], ...]


HANDLING_V1 = AlarmHandlingLimits(
    version="alarm-handling/v1",
    max_shelve_minutes=8 * 60,
    priority_targets_pct=(("low", 80.0), ("medium", 15.0), ("high", 5.0)),
)
MAX_SHELVE_MINUTES = HANDLING_V1.max_shelve_minutes


@dataclass(frozen=True)
class Activation:
    """One `activated` journal row with what the KPIs group by."""

    alarm_id: int
    point_id: int
    tag: str
    condition: str
    console: str
    priority: str
    ts: datetime


@dataclass(frozen=True)
class Standing:
    """A currently active alarm (in service) of a console."""

    alarm_id: int
    point_id: int
    tag: str
    condition: str
    console: str
    priority: str
    since: datetime


def _rate_status(average: float, acceptable: int, maximum: int) -> rules.Status:
    # rate_status compares integer counts; for integer limits x <= k exactly when ceil(x) <= k.
    return rules.rate_status(math.ceil(round(average, 9)), acceptable, maximum)


def _buckets(start: datetime, end: datetime, width: timedelta) -> list[datetime]:
    n = max(1, math.ceil((end - start) / width))
    return [start + i * width for i in range(n)]


def console_kpi(
    console: str,
    activations: Sequence[Activation],
    standing: Sequence[Standing],
    start: datetime,
    end: datetime,
    now: datetime,
    limits: AlarmKpiLimits,
    handling: AlarmHandlingLimits = HANDLING_V1,
) -> ConsoleKpi:
    """KPIs of one console over [start, end); `activations` may begin one flood window earlier
    (they count only towards floods that were already running at `start`)."""
    in_range = sorted((a for a in activations if start <= a.ts < end), key=lambda a: a.ts)
    total = len(in_range)
    duration = (end - start).total_seconds()

    ten = timedelta(seconds=600)
    tens = _buckets(start, end, ten)
    ten_counts = Counter(int((a.ts - start) / ten) for a in in_range)
    per_10min = [BucketCount(start=b, count=ten_counts.get(i, 0)) for i, b in enumerate(tens)]
    avg_10 = total / (duration / 600) if duration > 0 else 0.0

    day = timedelta(days=1)
    days = _buckets(start, end, day)
    day_counts = Counter(int((a.ts - start) / day) for a in in_range)
    per_day = [
        DayCount(
            start=b,
            count=day_counts.get(i, 0),
            status=rules.rate_status(day_counts.get(i, 0), limits.per_day_acceptable, limits.per_day_max),
        )
        for i, b in enumerate(days)
    ]
    avg_day = total / (duration / 86400) if duration > 0 else 0.0

    # Floods: every annunciation since one window before `start`, cut to the period.
    times = sorted(a.ts for a in activations if a.ts < end)
    floods: list[FloodPeriod] = []
    flood_seconds = 0.0
    for f_start, f_end in rules.flood_periods(times, limits, now=min(now, end)):
        stop = f_end if f_end is not None else min(now, end)
        if stop <= start:
            continue
        lo, hi = max(f_start, start), min(stop, end)
        flood_seconds += max(0.0, (hi - lo).total_seconds())
        # The flood's alarms: those of the window that started it, and every one until it ended.
        first = f_start - timedelta(seconds=limits.flood_window_s)
        floods.append(
            FloodPeriod(start=f_start, end=f_end, alarms=sum(1 for t in times if first < t <= stop))
        )

    by_alarm: dict[int, list[Activation]] = defaultdict(list)
    for a in in_range:
        by_alarm[a.alarm_id].append(a)
    ranked = sorted(by_alarm.values(), key=lambda acts: (-len(acts), acts[0].tag, acts[0].condition))
    top = [
        BadActor(
            alarm_id=acts[0].alarm_id,
            point_id=acts[0].point_id,
            tag=acts[0].tag,
            condition=acts[0].condition,
            count=len(acts),
            share_pct=round(100.0 * len(acts) / total, 2),
        )
        for acts in ranked[:10]
    ]
    chattering = [
        ChatteringAlarm(
            alarm_id=acts[0].alarm_id,
            point_id=acts[0].point_id,
            tag=acts[0].tag,
            condition=acts[0].condition,
            activations=len(acts),
        )
        for acts in ranked
        if rules.is_chattering([a.ts for a in acts], limits)
    ]

    standing_sorted = sorted(standing, key=lambda s: (s.since, s.tag, s.condition))
    standing_out = [
        StandingAlarm(
            alarm_id=s.alarm_id,
            point_id=s.point_id,
            tag=s.tag,
            condition=s.condition,
            priority=s.priority,
            since=s.since,
        )
        for s in standing_sorted
    ]
    stale = [
        s
        for s, src in zip(standing_out, standing_sorted, strict=True)
        if rules.is_stale(src.since, now, limits)
    ]

    targets = dict(handling.priority_targets_pct)
    prio_counts = Counter(a.priority for a in in_range)
    distribution = [
        PriorityShare(
            priority=p,
            count=prio_counts.get(p, 0),
            pct=round(100.0 * prio_counts.get(p, 0) / total, 2) if total else 0.0,
            target_pct=targets.get(p),
        )
        for p in PRIORITIES
    ]

    return ConsoleKpi(
        console=console,
        total=total,
        per_10min=per_10min,
        peak_10min=max((b.count for b in per_10min), default=0),
        avg_per_10min=round(avg_10, 3),
        avg_per_10min_status=_rate_status(avg_10, limits.per_10min_acceptable, limits.per_10min_max),
        per_day=per_day,
        avg_per_day=round(avg_day, 2),
        avg_per_day_status=_rate_status(avg_day, limits.per_day_acceptable, limits.per_day_max),
        floods=floods,
        flood_time_pct=round(100.0 * flood_seconds / duration, 3) if duration > 0 else 0.0,
        top_bad_actors=top,
        top10_share_pct=round(sum(b.share_pct for b in top), 2),
        chattering=chattering,
        stale=stale,
        standing=standing_out,
        priority_distribution=distribution,
    )

"""Monitoring console views: snapshot, board, trends and exports, KPIs, rejects and status."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import Unprocessable
from anguan.core.time import as_utc, utcnow
from anguan.identity.schemas import Actor
from anguan.monitoring import historian, kpi, rules
from anguan.monitoring import repository as repo
from anguan.monitoring.events import alarm_view
from anguan.monitoring.models import Point
from anguan.monitoring.point_service import get_point
from anguan.monitoring.reference import ISA182_EEMUA191_V1
from anguan.monitoring.schemas import (
    BoardArea,
    BoardOut,
    BoardPoint,
    KpiLimitsOut,
    KpiOut,
    RejectOut,
    RejectsOut,
    SnapshotOut,
    SnapshotValue,
    StatusOut,
    TrendOut,
    TrendSeriesOut,
)
from anguan.monitoring.types import from_dt

KPI_LIMITS = ISA182_EEMUA191_V1
MAX_TREND_POINTS = 20
MAX_TREND_DAYS = 400
MAX_KPI_DAYS = 31
SPARKLINE = timedelta(minutes=30)


# ============================================================== console views


async def snapshot(
    session: AsyncSession, actor: Actor, site_id: int | None, area_id: int | None
) -> SnapshotOut:
    """Current values and active/unacknowledged alarms: what a console loads before it follows the
    realtime topics (it then drops changes whose `rev` / `t` are not newer)."""
    now = utcnow()
    scope = await repo.scope_of(session, actor)
    points = await repo.points_in_scope(session, scope, site_id=site_id, area_id=area_id, enabled=True)
    ids = [p.id for p in points]
    current = await repo.current_values(session, ids)
    worst = await repo.worst_alarms(session, ids)
    values = [
        SnapshotValue(
            point_id=p.id,
            tag=p.tag,
            t=from_dt(c.ts),
            value=c.value,
            quality=c.quality,
            alarm_state=worst[p.id][0] if p.id in worst else None,
            alarm_priority=worst[p.id][1] if p.id in worst else None,
        )
        for p in points
        if (c := current.get(p.id)) is not None
    ]
    alarms = [
        alarm_view(a, p) for a, p in await repo.annunciation_candidates(session, scope, site_id, area_id)
    ]
    return SnapshotOut(at=now, values=values, alarms=alarms)


async def board(session: AsyncSession, actor: Actor, site_id: int | None, area_id: int | None) -> BoardOut:
    """Per area: each point's value, set-points, worst alarm and a 30-minute sparkline."""
    now = utcnow()
    scope = await repo.scope_of(session, actor)
    points = await repo.points_in_scope(session, scope, site_id=site_id, area_id=area_id, enabled=True)
    ids = [p.id for p in points]
    current = await repo.current_values(session, ids)
    worst = await repo.worst_alarms(session, ids)
    # The closed minutes of the last half hour (the open minute is not in mon_rollup_1m yet).
    since = now.replace(second=0, microsecond=0) - SPARKLINE
    lines = await repo.sparklines(session, ids, since)
    areas = {a.id: a for a in await repo.all_areas(session)}
    grouped: dict[tuple[int, int | None], list[BoardPoint]] = defaultdict(list)
    for p in points:
        c = current.get(p.id)
        grouped[(p.site_id, p.area_id)].append(
            BoardPoint(
                point_id=p.id,
                tag=p.tag,
                name=p.name,
                kind=p.kind,
                unit=p.unit,
                range_lo=p.range_lo,
                range_hi=p.range_hi,
                sp_hh=p.sp_hh,
                sp_h=p.sp_h,
                sp_l=p.sp_l,
                sp_ll=p.sp_ll,
                t=from_dt(c.ts) if c else None,
                value=c.value if c else None,
                quality=c.quality if c else None,
                alarm_state=worst[p.id][0] if p.id in worst else None,
                alarm_priority=worst[p.id][1] if p.id in worst else None,
                sparkline=lines.get(p.id, [])[-30:],
            )
        )
    out = []
    for (sid, aid), pts in sorted(
        grouped.items(), key=lambda kv: (kv[0][0], areas[kv[0][1]].code if kv[0][1] in areas else "")
    ):
        area = areas.get(aid) if aid is not None else None
        out.append(
            BoardArea(
                area_id=aid,
                area_code=area.code if area else None,
                area_name=area.name if area else None,
                site_id=sid,
                points=pts,
            )
        )
    return BoardOut(at=now, areas=out)


# ============================================================== trends


def check_range(start: datetime, end: datetime, max_days: int) -> tuple[datetime, datetime]:
    """Both ends as aware UTC; 422 unless start < end and the span is at most `max_days`."""
    start, end = as_utc(start), as_utc(end)
    if not start < end:
        raise Unprocessable("monitoring.time_range_invalid")
    if end - start > timedelta(days=max_days):
        raise Unprocessable("monitoring.time_range_too_long", max_days=max_days)
    return start, end


async def _trend_points(session: AsyncSession, actor: Actor, point_ids: Sequence[int]) -> list[Point]:
    if not 1 <= len(point_ids) <= MAX_TREND_POINTS:
        raise Unprocessable("monitoring.bad_point_ids", max=MAX_TREND_POINTS)
    return [await get_point(session, actor, pid) for pid in dict.fromkeys(point_ids)]


async def trend(
    session: AsyncSession,
    actor: Actor,
    point_ids: Sequence[int],
    start: datetime,
    end: datetime,
    max_points: int,
) -> TrendOut:
    """Trend of up to 20 points over at most 400 days, ≤ `max_points` per series, extremes kept."""
    start, end = check_range(start, end, MAX_TREND_DAYS)
    points = await _trend_points(session, actor, point_ids)
    by_id = {p.id: p for p in points}
    series = await historian.trend(session, [p.id for p in points], start, end, max_points)
    return TrendOut(
        start=start,
        end=end,
        series=[
            TrendSeriesOut(
                point_id=s.point_id,
                tag=s.tag,
                name=by_id[s.point_id].name,
                unit=by_id[s.point_id].unit,
                tier=s.tier,
                held=s.held,
                points=[(tp.t, tp.value, tp.vmin, tp.vmax, tp.quality) for tp in s.points],
            )
            for s in series
        ],
    )


async def trend_export(
    session: AsyncSession, actor: Actor, point_ids: Sequence[int], start: datetime, end: datetime, fmt: str
) -> tuple[bytes, str]:
    """The stored rows of the finest tier that fits, as CSV or XLSX, and a file name."""
    start, end = check_range(start, end, MAX_TREND_DAYS)
    points = await _trend_points(session, actor, point_ids)
    try:
        series = await historian.export_rows(session, [p.id for p in points], start, end)
    except historian.ExportTooLarge as exc:
        raise Unprocessable("monitoring.export_too_large", rows=exc.rows, limit=exc.limit) from exc
    site = await repo.site(session, points[0].site_id)
    tz = site.timezone if site is not None else "Asia/Shanghai"
    data = historian.to_csv(series, tz) if fmt == "csv" else historian.to_xlsx(series, tz)
    name = f"trend_{start:%Y%m%dT%H%M}Z_{end:%Y%m%dT%H%M}Z.{fmt}"
    return data, name


# ============================================================== KPI, data quality


async def kpi_report(
    session: AsyncSession, actor: Actor, start: datetime, end: datetime, console: str | None
) -> KpiOut:
    """ISA-18.2 / EEMUA 191 KPIs per console over [start, end) of at most 31 days (requirements §7.3)."""
    start, end = check_range(start, end, MAX_KPI_DAYS)
    now = utcnow()
    scope = await repo.scope_of(session, actor)
    window = timedelta(seconds=KPI_LIMITS.flood_window_s)
    rows = await repo.activations(session, scope, start - window, end, console)
    standing_rows = await repo.standing_alarms(session, scope, console)
    acts: dict[str, list[kpi.Activation]] = defaultdict(list)
    for r in rows:
        acts[r.console].append(
            kpi.Activation(r.alarm_id, r.point_id, r.tag, r.condition, r.console, r.priority, r.ts)
        )
    standing: dict[str, list[kpi.Standing]] = defaultdict(list)
    for r in standing_rows:
        standing[r.console].append(
            kpi.Standing(r.id, r.point_id, r.tag, r.condition, r.console, r.priority, r.activated_at)
        )
    consoles = sorted({c for c, a in acts.items() if any(x.ts >= start for x in a)} | set(standing))
    if console is not None:
        consoles = [console]
    lim = KPI_LIMITS
    return KpiOut(
        start=start,
        end=end,
        at=now,
        limits=KpiLimitsOut(
            version=lim.version,
            per_10min_acceptable=lim.per_10min_acceptable,
            per_10min_max=lim.per_10min_max,
            per_day_acceptable=lim.per_day_acceptable,
            per_day_max=lim.per_day_max,
            flood_start_above=lim.flood_start_above,
            flood_end_below=lim.flood_end_below,
            flood_window_s=lim.flood_window_s,
            chatter_window_s=lim.chatter_window_s,
            chatter_min_activations=lim.chatter_min_activations,
            stale_after_s=lim.stale_after_s,
        ),
        consoles=[
            kpi.console_kpi(c, acts.get(c, []), standing.get(c, []), start, end, now, lim) for c in consoles
        ],
    )


async def rejects(session: AsyncSession, hours: int) -> RejectsOut:
    """Rejected input of the last `hours`, per source and reason, with the latest detail."""
    now = utcnow()
    since = (now - timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
    totals: dict[tuple[str, str], RejectOut] = {}
    for r in await repo.rejects_since(session, since):
        key = (r.source, r.reason)
        prev = totals.get(key)
        if prev is None:
            totals[key] = RejectOut(
                source=r.source, reason=r.reason, count=r.count, last_at=r.last_at, last_detail=r.last_detail
            )
        else:
            newer = r.last_at >= prev.last_at
            totals[key] = RejectOut(
                source=r.source,
                reason=r.reason,
                count=prev.count + r.count,
                last_at=r.last_at if newer else prev.last_at,
                last_detail=r.last_detail if newer else prev.last_detail,
            )
    items = sorted(totals.values(), key=lambda x: (-x.count, x.source, x.reason))
    return RejectsOut(since=since, items=items)


async def status(session: AsyncSession, actor: Actor, site_id: int | None) -> StatusOut:
    """Online rate (AQ 3064.1 §6.2 c) over enabled points, and alarm counts."""
    now = utcnow()
    scope = await repo.scope_of(session, actor)
    points = await repo.points_in_scope(session, scope, site_id=site_id)
    enabled = [p for p in points if p.enabled]
    current = await repo.current_values(session, [p.id for p in enabled])
    online = sum(
        1
        for p in enabled
        if (c := current.get(p.id)) is not None
        and not rules.data_stale(c.ts, timedelta(seconds=p.expected_interval_s), now)
    )
    by_priority, unacked = await repo.alarm_counts(session, scope, site_id)
    return StatusOut(
        at=now,
        points_total=len(points),
        points_configured=len(enabled),
        points_online=online,
        online_rate=round(rules.online_rate(online, len(enabled)), 4),
        active_alarms=by_priority,
        unacked_alarms=unacked,
    )

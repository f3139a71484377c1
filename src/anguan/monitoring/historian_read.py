"""Historian read side: the Historian protocol, SqlHistorian, trend, export rows and CSV/XLSX export.

The read side sits behind the `Historian` protocol so an external time-series database can replace it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.time import utcnow
from anguan.monitoring.compression import Bucket, downsample_buckets, m4_indices, merge_buckets
from anguan.monitoring.historian_tables import CURRENT, POINT, R1H, R1M, SAMPLE, _chunks
from anguan.monitoring.types import QUALITY_NAMES, from_dt, to_dt

Tier = Literal["raw", "1m", "1h"]


# --- read side --------------------------------------------------------------------------------


class TrendPoint(NamedTuple):
    """One plotted point: raw samples have value = vmin = vmax; rollups carry the average and envelope."""

    t: float
    value: float
    vmin: float
    vmax: float
    quality: int | None  # None for rollups


@dataclass(slots=True)
class Series:
    """The trend or export of one point."""

    point_id: int
    tag: str
    tier: Tier
    points: list[TrendPoint] = field(default_factory=list)
    held: bool = False  # the last point is the current value, not archived yet


class ExportTooLarge(ValueError):
    """The requested range holds more rows than an export may return."""

    def __init__(self, rows: int, limit: int) -> None:
        super().__init__(f"{rows} rows exceed the export limit of {limit}")
        self.rows = rows
        self.limit = limit


class Historian(Protocol):
    """Read side of the historian; an external TSDB can implement it instead of `SqlHistorian`."""

    async def trend(
        self,
        session: AsyncSession,
        point_ids: Sequence[int],
        start: datetime,
        end: datetime,
        max_points: int,
    ) -> list[Series]:
        """At most `max_points` points per series over [start, end], extremes preserved."""
        ...

    async def export_rows(
        self,
        session: AsyncSession,
        point_ids: Sequence[int],
        start: datetime,
        end: datetime,
        *,
        tier: Tier | Literal["auto"] = "auto",
        limit: int = 200_000,
    ) -> list[Series]:
        """Every stored row over [start, end] of the finest tier that fits `limit` (or of `tier`)."""
        ...


def _bucket_from_row(row: Any) -> Bucket:
    m = row._mapping  # `row.count` would be the tuple method
    return Bucket(from_dt(m["bucket"]), m["vmin"], m["vmax"], m["vsum"], m["count"], m["vlast"])


def _open_minute(cur: Any) -> Bucket | None:
    if cur is None or not cur.m_count or cur.m_start is None:
        return None
    return Bucket(from_dt(cur.m_start), cur.m_min, cur.m_max, cur.m_sum, cur.m_count, cur.value)


def _add_bucket(buckets: list[Bucket], b: Bucket) -> None:
    """Append a later aggregate, merging it into the last one when they share a start."""
    if buckets and buckets[-1].start == b.start:
        buckets[-1] = merge_buckets(buckets[-1], b)
    elif not buckets or buckets[-1].start < b.start:
        buckets.append(b)


def _by_hour(minutes: Iterable[Bucket]) -> list[Bucket]:
    out: list[Bucket] = []
    for m in minutes:
        h = (m.start // 3600.0) * 3600.0
        _add_bucket(out, Bucket(h, m.vmin, m.vmax, m.vsum, m.count, m.last))
    return out


def _rollup_points(buckets: Sequence[Bucket]) -> list[TrendPoint]:
    return [
        TrendPoint(b.start, b.vsum / b.count if b.count else b.last, b.vmin, b.vmax, None) for b in buckets
    ]


class SqlHistorian:
    """The historian on the relational database (SQLite, PostgreSQL, MariaDB).

    Tier choice per point: raw samples when the range holds at most `raw_limit` of them (and raw
    retention still covers its start), else 1-minute rollups when the range spans at most
    `m1_limit` minutes (and their retention covers it), else 1-hour rollups.
    """

    def __init__(
        self,
        *,
        raw_limit: int = 20_000,
        m1_limit: int = 20_000,
        raw_days: float | None = None,
        m1_days: float | None = None,
    ) -> None:
        self.raw_limit = raw_limit
        self.m1_limit = m1_limit
        self.raw_days = raw_days
        self.m1_days = m1_days

    # queries ------------------------------------------------------------------------------

    async def _tags(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in _chunks(ids):
            rows = await session.execute(select(POINT.c.id, POINT.c.tag).where(POINT.c.id.in_(chunk)))
            out.update({r.id: r.tag for r in rows})
        return out

    async def _current(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, Any]:
        out: dict[int, Any] = {}
        for chunk in _chunks(ids):
            rows = await session.execute(select(CURRENT).where(CURRENT.c.point_id.in_(chunk)))
            out.update({r.point_id: r for r in rows})
        return out

    async def _raw_counts(
        self, session: AsyncSession, ids: Sequence[int], start: datetime, end: datetime
    ) -> dict[int, int]:
        out: dict[int, int] = {}
        for chunk in _chunks(ids):
            rows = await session.execute(
                select(SAMPLE.c.point_id, func.count())
                .where(SAMPLE.c.point_id.in_(chunk), SAMPLE.c.ts >= start, SAMPLE.c.ts <= end)
                .group_by(SAMPLE.c.point_id)
            )
            out.update({r[0]: r[1] for r in rows})
        return out

    async def _raw(
        self,
        session: AsyncSession,
        pid: int,
        start: datetime,
        end: datetime,
        cur: Any,
        *,
        boundaries: bool,
    ) -> tuple[list[TrendPoint], bool]:
        cols = (SAMPLE.c.ts, SAMPLE.c.value, SAMPLE.c.quality)
        after = None
        rows = list(
            await session.execute(
                select(*cols)
                .where(SAMPLE.c.point_id == pid, SAMPLE.c.ts >= start, SAMPLE.c.ts <= end)
                .order_by(SAMPLE.c.ts)
            )
        )
        if boundaries:
            # A compressed series may have no archived sample near the range's edges: the neighbours
            # outside it let the chart interpolate across the whole window.
            before = (
                await session.execute(
                    select(*cols)
                    .where(SAMPLE.c.point_id == pid, SAMPLE.c.ts < start)
                    .order_by(SAMPLE.c.ts.desc())
                    .limit(1)
                )
            ).first()
            after = (
                await session.execute(
                    select(*cols)
                    .where(SAMPLE.c.point_id == pid, SAMPLE.c.ts > end)
                    .order_by(SAMPLE.c.ts)
                    .limit(1)
                )
            ).first()
            rows = ([before] if before else []) + rows + ([after] if after else [])
        pts = [TrendPoint(from_dt(r.ts), r.value, r.value, r.value, r.quality) for r in rows]
        held = False
        if cur is not None and cur.held:
            # The held sample is the newest one received; past the range it is the right-hand
            # neighbour only when nothing archived lies between.
            t = from_dt(cur.ts)
            wanted = start <= cur.ts <= end or (boundaries and cur.ts > end and after is None)
            if wanted and (not pts or pts[-1].t < t):
                pts.append(TrendPoint(t, cur.value, cur.value, cur.value, cur.quality))
                held = True
        return pts, held

    async def _minutes(
        self, session: AsyncSession, pid: int, start: datetime, end: datetime, cur: Any
    ) -> list[Bucket]:
        lo = to_dt((from_dt(start) // 60.0) * 60.0)
        rows = await session.execute(
            select(R1M)
            .where(R1M.c.point_id == pid, R1M.c.bucket >= lo, R1M.c.bucket <= end)
            .order_by(R1M.c.bucket)
        )
        buckets = [_bucket_from_row(r) for r in rows]
        om = _open_minute(cur)
        if om is not None and from_dt(lo) <= om.start <= from_dt(end):
            _add_bucket(buckets, om)
        return buckets

    async def _hours(
        self, session: AsyncSession, pid: int, start: datetime, end: datetime, cur: Any
    ) -> list[Bucket]:
        lo = to_dt((from_dt(start) // 3600.0) * 3600.0)
        rows = await session.execute(
            select(R1H)
            .where(R1H.c.point_id == pid, R1H.c.bucket >= lo, R1H.c.bucket <= end)
            .order_by(R1H.c.bucket)
        )
        hours = [_bucket_from_row(r) for r in rows]
        # The worker may lag: rebuild the last rolled-up hour and anything after it from the minutes,
        # unless retention already removed (some of) that hour's minutes.
        last = hours.pop() if hours else None
        tail = _by_hour(await self._minutes(session, pid, to_dt(last.start) if last else lo, end, cur))
        if last is not None:
            if tail and tail[0].start == last.start and tail[0].count >= last.count:
                last = tail.pop(0)
            elif tail and tail[0].start == last.start:
                tail.pop(0)
            hours.append(last)
        for b in tail:
            _add_bucket(hours, b)
        return hours

    def _retained(self, days: float | None, start: datetime) -> bool:
        return days is None or days <= 0 or start >= utcnow() - timedelta(days=days)

    async def _choose(
        self, session: AsyncSession, ids: Sequence[int], start: datetime, end: datetime, raw_limit: int
    ) -> dict[int, Tier]:
        counts = (
            await self._raw_counts(session, ids, start, end) if self._retained(self.raw_days, start) else None
        )
        minutes = (end - start).total_seconds() / 60.0
        m1_ok = minutes <= self.m1_limit and self._retained(self.m1_days, start)
        out: dict[int, Tier] = {}
        for pid in ids:
            if counts is not None and counts.get(pid, 0) <= raw_limit:
                out[pid] = "raw"
            else:
                out[pid] = "1m" if m1_ok else "1h"
        return out

    async def _series(
        self,
        session: AsyncSession,
        point_ids: Sequence[int],
        start: datetime,
        end: datetime,
        tiers: dict[int, Tier] | Tier,
        *,
        boundaries: bool,
    ) -> tuple[list[Series], list[list[Bucket]]]:
        ids = list(dict.fromkeys(point_ids))
        tags = await self._tags(session, ids)
        ids = [p for p in ids if p in tags]
        current = await self._current(session, ids)
        series: list[Series] = []
        aggregates: list[list[Bucket]] = []
        for pid in ids:
            tier = tiers if isinstance(tiers, str) else tiers[pid]
            s = Series(pid, tags[pid], tier)
            buckets: list[Bucket] = []
            if tier == "raw":
                s.points, s.held = await self._raw(
                    session, pid, start, end, current.get(pid), boundaries=boundaries
                )
            elif tier == "1m":
                buckets = await self._minutes(session, pid, start, end, current.get(pid))
            else:
                buckets = await self._hours(session, pid, start, end, current.get(pid))
            series.append(s)
            aggregates.append(buckets)
        return series, aggregates

    # public -------------------------------------------------------------------------------

    async def trend(
        self,
        session: AsyncSession,
        point_ids: Sequence[int],
        start: datetime,
        end: datetime,
        max_points: int,
    ) -> list[Series]:
        """At most `max_points` points per series over [start, end]; no extreme is ever dropped.

        Raw tier: M4 over the archived samples plus the held value and the archived neighbours just
        outside the range (a compressed series may have none inside); an unarchived sample differs
        from the plotted line by at most the point's deviation. Rollup tiers: exact min/max envelope.
        """
        if not end > start:
            raise ValueError("end must be after start")
        if max_points < 1:
            raise ValueError("max_points must be positive")
        ids = list(dict.fromkeys(point_ids))
        tiers = await self._choose(session, ids, start, end, self.raw_limit)
        series, aggregates = await self._series(session, ids, start, end, tiers, boundaries=True)
        t0, t1 = from_dt(start), from_dt(end)
        for s, buckets in zip(series, aggregates, strict=True):
            if s.tier == "raw":
                pts = s.points
                keep = m4_indices([p.t for p in pts], [p.value for p in pts], max_points, t0, t1)
                s.held = s.held and bool(keep) and keep[-1] == len(pts) - 1
                s.points = [pts[i] for i in keep]
            else:
                s.points = _rollup_points(downsample_buckets(buckets, max_points, t0, t1))
        return series

    async def export_rows(
        self,
        session: AsyncSession,
        point_ids: Sequence[int],
        start: datetime,
        end: datetime,
        *,
        tier: Tier | Literal["auto"] = "auto",
        limit: int = 200_000,
    ) -> list[Series]:
        """Every row over [start, end] of the finest tier that fits `limit` rows in total (or of `tier`)."""
        if not end > start:
            raise ValueError("end must be after start")
        ids = list(dict.fromkeys(point_ids))
        # Estimated rows per tier (raw: counted, plus one held value per point), checked before loading.
        raw_rows = sum((await self._raw_counts(session, ids, start, end)).values()) + len(ids)
        span = (end - start).total_seconds()
        estimate = {
            "raw": raw_rows,
            "1m": int(span / 60 + 2) * len(ids),
            "1h": int(span / 3600 + 2) * len(ids),
        }
        chosen: Tier
        if tier != "auto":
            chosen = tier
        elif estimate["raw"] <= limit and self._retained(self.raw_days, start):
            chosen = "raw"
        elif estimate["1m"] <= limit and self._retained(self.m1_days, start):
            chosen = "1m"
        else:
            chosen = "1h"
        if chosen == "raw" and raw_rows - len(ids) > limit:
            raise ExportTooLarge(raw_rows, limit)
        series, aggregates = await self._series(session, ids, start, end, chosen, boundaries=False)
        for s, buckets in zip(series, aggregates, strict=True):
            if s.tier != "raw":
                s.points = _rollup_points(buckets)
        rows = sum(len(s.points) for s in series)
        if rows > limit:
            raise ExportTooLarge(rows, limit)
        return series


default_historian = SqlHistorian()


async def trend(
    session: AsyncSession, point_ids: Sequence[int], start: datetime, end: datetime, max_points: int
) -> list[Series]:
    """Trend through the default SQL historian."""
    return await default_historian.trend(session, point_ids, start, end, max_points)


async def export_rows(
    session: AsyncSession,
    point_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    tier: Tier | Literal["auto"] = "auto",
    limit: int = 200_000,
) -> list[Series]:
    """Export rows through the default SQL historian."""
    return await default_historian.export_rows(session, point_ids, start, end, tier=tier, limit=limit)


# --- CSV / XLSX -------------------------------------------------------------------------------

EXPORT_HEADER = ("time_utc", "time_local", "tag", "value", "min", "max", "quality", "tier")


def _safe_text(s: str) -> str:
    """Neutralise spreadsheet formulas in text cells (CSV/formula injection)."""
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def export_table(series: Sequence[Series], tz: str = "Asia/Shanghai") -> list[tuple[Any, ...]]:
    """Rows (without header) sorted by time then tag: ISO time in UTC and in the site's zone."""
    zone = ZoneInfo(tz)
    rows: list[tuple[Any, ...]] = []
    for s in series:
        tag = _safe_text(s.tag)
        for p in s.points:
            d = to_dt(p.t)
            q = "" if p.quality is None else QUALITY_NAMES.get(p.quality, str(p.quality))
            rows.append(
                (
                    d.isoformat(timespec="microseconds"),
                    d.astimezone(zone).isoformat(timespec="microseconds"),
                    tag,
                    p.value,
                    p.vmin,
                    p.vmax,
                    q,
                    s.tier,
                )
            )
    rows.sort(key=lambda r: (r[0], r[2]))
    return rows


def to_csv(series: Sequence[Series], tz: str = "Asia/Shanghai") -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads it right), one row per point and time."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(EXPORT_HEADER)
    w.writerows(export_table(series, tz))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(series: Sequence[Series], tz: str = "Asia/Shanghai") -> bytes:
    """An .xlsx workbook with one sheet, the same columns as the CSV."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("trend")
    ws.append(list(EXPORT_HEADER))
    for row in export_table(series, tz):
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

"""Historian (历史数据): compressed raw samples, 1-minute and 1-hour rollups, trends, exports, and
the worker's jobs (hourly rollups, retention, PostgreSQL partitions).

The write side (`HistorianWriter`) runs inside the ingest pipeline's transaction and never commits:
archived samples, closed minutes and the compressor state in `mon_point_current` land in the same
commit, so a restart resumes exactly and a redelivered sample (ts <= last ts) is dropped.
The read side sits behind the `Historian` protocol so an external time-series database can replace it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.time import utcnow
from anguan.monitoring.compression import (
    US,
    Bucket,
    DoorState,
    MinuteAccumulator,
    door_step,
    downsample_buckets,
    m4_indices,
    merge_buckets,
)
from anguan.monitoring.models import Point, PointCurrent, Rollup1h, Rollup1m, Sample
from anguan.monitoring.types import QUALITY_NAMES, PointConfig, Reading, from_dt, to_dt

Tier = Literal["raw", "1m", "1h"]

_EPOCH = datetime(1970, 1, 1)
_CHUNK = 1000  # ids per IN (...) list, well under every driver's parameter limit
_PARTITION = re.compile(r"^mon_sample_p(\d{8})$")

SAMPLE: Table = Sample.__table__  # type: ignore[assignment]
CURRENT: Table = PointCurrent.__table__  # type: ignore[assignment]
R1M: Table = Rollup1m.__table__  # type: ignore[assignment]
R1H: Table = Rollup1h.__table__  # type: ignore[assignment]
POINT: Table = Point.__table__  # type: ignore[assignment]


def _naive(t: float) -> datetime:
    """Epoch seconds → naive UTC datetime, exact to the microsecond (what the columns store)."""
    return _EPOCH + timedelta(microseconds=round(t * US))


def _opt(d: datetime | None) -> float | None:
    return None if d is None else from_dt(d)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


# --- write side -------------------------------------------------------------------------------


@dataclass(slots=True)
class _PointState:
    door: DoorState
    minute: MinuteAccumulator


@dataclass(slots=True)
class FlushStats:
    """What one flush wrote."""

    received: int = 0  # samples accepted by add() since the previous flush
    duplicates: int = 0  # samples dropped as duplicate or out of order
    archived: int = 0  # rows offered to mon_sample
    rollups: int = 0  # closed minutes upserted into mon_rollup_1m
    points: int = 0  # mon_point_current rows upserted


class HistorianWriter:
    """Compresses and rolls up readings in memory; `flush` writes them in the caller's transaction.

    Call `load` for a batch's points before `add` (already loaded points cost nothing); points
    without a `mon_point_current` row start fresh. When the caller's transaction rolls back, call
    `forget()` so the state is reloaded from what was actually committed.
    """

    def __init__(self, dialect: str | None = None) -> None:
        self.dialect = dialect  # None: taken from the session at flush
        self._points: dict[int, _PointState] = {}
        self._samples: list[tuple[int, float, float, int]] = []
        self._buckets: dict[tuple[int, float], Bucket] = {}
        self._touched: set[int] = set()
        self._received = 0
        self._duplicates = 0

    async def load(self, session: AsyncSession, point_ids: Iterable[int]) -> int:
        """Restore compressor and rollup state of points not yet in memory; returns how many were read."""
        missing = sorted({p for p in point_ids if p not in self._points})
        for chunk in _chunks(missing):
            rows = (await session.execute(select(CURRENT).where(CURRENT.c.point_id.in_(chunk)))).all()
            for row in rows:
                self._points[row.point_id] = _PointState(
                    DoorState(
                        t=from_dt(row.ts),
                        value=row.value,
                        quality=row.quality,
                        arch_t=_opt(row.arch_ts),
                        arch_value=row.arch_value,
                        slope_lo=row.slope_lo,
                        slope_hi=row.slope_hi,
                        held=bool(row.held),
                    ),
                    MinuteAccumulator(
                        start=_opt(row.m_start) if row.m_count else None,
                        vmin=row.m_min if row.m_min is not None else 0.0,
                        vmax=row.m_max if row.m_max is not None else 0.0,
                        vsum=row.m_sum if row.m_sum is not None else 0.0,
                        count=row.m_count or 0,
                        last=row.value,
                    ),
                )
        for pid in missing:
            self._points.setdefault(pid, _PointState(DoorState(), MinuteAccumulator()))
        return len(missing)

    def forget(self, point_ids: Iterable[int] | None = None) -> None:
        """Drop in-memory state (all of it by default) and anything not flushed, after a rollback."""
        if point_ids is None:
            self._points.clear()
        else:
            for pid in point_ids:
                self._points.pop(pid, None)
        self._samples.clear()
        self._buckets.clear()
        self._touched.clear()
        self._received = self._duplicates = 0

    def last_t(self, point_id: int) -> float | None:
        """Timestamp of the last accepted sample of a point (None when unknown)."""
        st = self._points.get(point_id)
        return None if st is None else st.door.t

    def add(self, cfg: PointConfig, r: Reading) -> bool:
        """Compress and roll up one reading; False when it is a duplicate or out of order (dropped)."""
        pid = r.point_id
        st = self._points.get(pid)
        if st is None:
            st = self._points[pid] = _PointState(DoorState(), MinuteAccumulator())
        t = round(r.t * US) / US
        door = st.door
        if door.t is not None and t <= door.t:
            self._duplicates += 1
            return False
        value = float(r.value)
        for a in door_step(
            door,
            t,
            value,
            r.quality,
            comp_dev=cfg.hist_comp_dev,
            deadband=cfg.hist_deadband,
            max_interval_s=cfg.hist_max_interval_s,
        ):
            self._samples.append((pid, a.t, a.value, a.quality))
        closed = st.minute.add(t, value)
        if closed is not None:
            self._put_bucket(pid, closed)
        self._touched.add(pid)
        self._received += 1
        return True

    def close_idle(self, now: float, grace_s: float = 10.0) -> int:
        """Close open minutes that ended at least `grace_s` ago (a point that went quiet), so the
        1-minute tier does not wait for its next sample; a late sample of that minute merges later."""
        n = 0
        for pid, st in self._points.items():
            start = st.minute.start
            if start is not None and start + 60.0 + grace_s <= now:
                closed = st.minute.close()
                if closed is not None:
                    self._put_bucket(pid, closed)
                    self._touched.add(pid)
                    n += 1
        return n

    def _put_bucket(self, pid: int, b: Bucket) -> None:
        key = (pid, b.start)
        prev = self._buckets.get(key)
        self._buckets[key] = b if prev is None else merge_buckets(prev, b)

    @property
    def pending(self) -> int:
        """Samples accepted since the last flush."""
        return self._received

    async def flush(self, session: AsyncSession) -> FlushStats:
        """Write archived samples, closed minutes and the state of every touched point (no commit)."""
        stats = FlushStats(
            received=self._received,
            duplicates=self._duplicates,
            archived=len(self._samples),
            rollups=len(self._buckets),
            points=len(self._touched),
        )
        dialect = self.dialect or _dialect(session)
        received_at = utcnow().astimezone(UTC).replace(tzinfo=None)
        samples, buckets, touched = self._samples, self._buckets, self._touched
        self._samples, self._buckets, self._touched = [], {}, set()
        self._received = self._duplicates = 0
        current = [self._current_row(pid, received_at) for pid in sorted(touched)]
        if dialect == "postgresql":
            await _pg_write(session, samples, list(buckets.values()), list(buckets), current)
        else:
            await _generic_write(session, dialect, samples, buckets, current)
        return stats

    def _current_row(self, pid: int, received_at: datetime) -> dict[str, Any]:
        st = self._points[pid]
        d, m = st.door, st.minute
        assert d.t is not None
        open_minute = m.start is not None and m.count > 0
        return {
            "point_id": pid,
            "ts": _naive(d.t),
            "value": d.value,
            "quality": d.quality,
            "received_at": received_at,
            "arch_ts": None if d.arch_t is None else _naive(d.arch_t),
            "arch_value": d.arch_value,
            "slope_lo": d.slope_lo,
            "slope_hi": d.slope_hi,
            "held": d.held,
            "m_start": _naive(m.start) if open_minute and m.start is not None else None,
            "m_min": m.vmin if open_minute else None,
            "m_max": m.vmax if open_minute else None,
            "m_sum": m.vsum if open_minute else None,
            "m_count": m.count if open_minute else 0,
        }


_CURRENT_COLS = (
    ("point_id", "BIGINT"),
    ("ts", "TIMESTAMP"),
    ("value", "DOUBLE PRECISION"),
    ("quality", "SMALLINT"),
    ("received_at", "TIMESTAMP"),
    ("arch_ts", "TIMESTAMP"),
    ("arch_value", "DOUBLE PRECISION"),
    ("slope_lo", "DOUBLE PRECISION"),
    ("slope_hi", "DOUBLE PRECISION"),
    ("held", "BOOLEAN"),
    ("m_start", "TIMESTAMP"),
    ("m_min", "DOUBLE PRECISION"),
    ("m_max", "DOUBLE PRECISION"),
    ("m_sum", "DOUBLE PRECISION"),
    ("m_count", "INTEGER"),
)
_ROLLUP_COLS = (
    ("point_id", "BIGINT"),
    ("bucket", "TIMESTAMP"),
    ("vmin", "DOUBLE PRECISION"),
    ("vmax", "DOUBLE PRECISION"),
    ("vsum", "DOUBLE PRECISION"),
    ("count", "INTEGER"),
    ("vlast", "DOUBLE PRECISION"),
)


def _unnest_insert(table: str, cols: Sequence[tuple[str, str]], tail: str) -> Any:
    """One INSERT ... SELECT FROM unnest(arrays): a single round trip whatever the row count."""
    names = ", ".join(f'"{c}"' for c, _ in cols)
    arrays = ", ".join(f"CAST(:{c} AS {t}[])" for c, t in cols)
    return text(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {tail}")


# Timestamps travel as integer microseconds: exact, and far cheaper to build than datetimes.
_PG_SAMPLES = text(
    "INSERT INTO mon_sample (point_id, ts, value, quality)"
    " SELECT p, TIMESTAMP '1970-01-01' + us * INTERVAL '1 microsecond', v, q FROM unnest("
    "CAST(:point_id AS BIGINT[]), CAST(:us AS BIGINT[]), CAST(:value AS DOUBLE PRECISION[]),"
    " CAST(:quality AS SMALLINT[])) AS u(p, us, v, q) ON CONFLICT DO NOTHING"
)
_PG_ROLLUP_1M = _unnest_insert(
    "mon_rollup_1m",
    _ROLLUP_COLS,
    "ON CONFLICT (point_id, bucket) DO UPDATE SET"
    " vmin = LEAST(mon_rollup_1m.vmin, EXCLUDED.vmin), vmax = GREATEST(mon_rollup_1m.vmax, EXCLUDED.vmax),"
    " vsum = mon_rollup_1m.vsum + EXCLUDED.vsum, count = mon_rollup_1m.count + EXCLUDED.count,"
    " vlast = EXCLUDED.vlast",
)
_PG_CURRENT = _unnest_insert(
    "mon_point_current",
    _CURRENT_COLS,
    "ON CONFLICT (point_id) DO UPDATE SET "
    + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c, _ in _CURRENT_COLS if c != "point_id"),
)


async def _pg_write(
    session: AsyncSession,
    samples: list[tuple[int, float, float, int]],
    buckets: list[Bucket],
    keys: list[tuple[int, float]],
    current: list[dict[str, Any]],
) -> None:
    if samples:
        await session.execute(
            _PG_SAMPLES,
            {
                "point_id": [s[0] for s in samples],
                "us": [round(s[1] * US) for s in samples],
                "value": [s[2] for s in samples],
                "quality": [s[3] for s in samples],
            },
        )
    if buckets:
        await session.execute(
            _PG_ROLLUP_1M,
            {
                "point_id": [k[0] for k in keys],
                "bucket": [_naive(b.start) for b in buckets],
                "vmin": [b.vmin for b in buckets],
                "vmax": [b.vmax for b in buckets],
                "vsum": [b.vsum for b in buckets],
                "count": [b.count for b in buckets],
                "vlast": [b.last for b in buckets],
            },
        )
    if current:
        await session.execute(_PG_CURRENT, {c: [row[c] for row in current] for c, _ in _CURRENT_COLS})


def _insert(dialect: str, table: Table) -> Any:
    if dialect == "mysql":
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        return mysql_insert(table)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _upsert(dialect: str, table: Table, keys: Sequence[str], merge: dict[str, Any] | None = None) -> Any:
    """INSERT that replaces the non-key columns on conflict (or applies `merge(existing, new)` rules)."""
    stmt = _insert(dialect, table)
    new = stmt.inserted if dialect == "mysql" else stmt.excluded
    values = {c.name: new[c.name] for c in table.columns if c.name not in keys}
    if merge is not None:
        values.update({name: rule(table.c[name], new[name]) for name, rule in merge.items()})
    if dialect == "mysql":
        return stmt.on_duplicate_key_update(**values)
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=values)


def _insert_ignore(dialect: str, table: Table) -> Any:
    stmt = _insert(dialect, table)
    if dialect == "mysql":
        first = next(iter(table.primary_key.columns)).name
        return stmt.on_duplicate_key_update({first: stmt.inserted[first]})
    return stmt.on_conflict_do_nothing()


def _rollup_merge(dialect: str) -> dict[str, Any]:
    least, greatest = (func.min, func.max) if dialect == "sqlite" else (func.least, func.greatest)
    return {
        "vmin": lambda old, new: least(old, new),
        "vmax": lambda old, new: greatest(old, new),
        "vsum": lambda old, new: old + new,
        "count": lambda old, new: old + new,
    }


async def _generic_write(
    session: AsyncSession,
    dialect: str,
    samples: list[tuple[int, float, float, int]],
    buckets: dict[tuple[int, float], Bucket],
    current: list[dict[str, Any]],
) -> None:
    if samples:
        await session.execute(
            _insert_ignore(dialect, SAMPLE),
            [{"point_id": p, "ts": _naive(t), "value": v, "quality": q} for p, t, v, q in samples],
        )
    if buckets:
        await session.execute(
            _upsert(dialect, R1M, ("point_id", "bucket"), _rollup_merge(dialect)),
            [_rollup_row(pid, b) for (pid, _), b in buckets.items()],
        )
    if current:
        await session.execute(_upsert(dialect, CURRENT, ("point_id",)), current)


def _rollup_row(pid: int, b: Bucket) -> dict[str, Any]:
    return {
        "point_id": pid,
        "bucket": _naive(b.start),
        "vmin": b.vmin,
        "vmax": b.vmax,
        "vsum": b.vsum,
        "count": b.count,
        "vlast": b.last,
    }


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


# --- worker jobs ------------------------------------------------------------------------------


def _floor_hour(d: datetime) -> datetime:
    return to_dt((from_dt(d) // 3600.0) * 3600.0)


async def rollup_hours(session: AsyncSession, now: datetime, lookback_hours: int = 3) -> int:
    """Build mon_rollup_1h from the closed minutes of the last `lookback_hours` hours, catching up
    from the last built hour after downtime; idempotent (replacing upsert). Returns rows written."""
    dialect = _dialect(session)
    end_h = _floor_hour(now)
    start_h = end_h - timedelta(hours=lookback_hours)
    last_built = (await session.execute(select(func.max(R1H.c.bucket)))).scalar()
    if last_built is not None:
        start_h = min(start_h, _floor_hour(last_built))
    else:
        first_minute = (await session.execute(select(func.min(R1M.c.bucket)))).scalar()
        if first_minute is None:
            return 0
        start_h = min(start_h, _floor_hour(first_minute))
    stmt = _upsert(dialect, R1H, ("point_id", "bucket"))
    written = 0
    h = start_h
    while h <= end_h:
        nxt = h + timedelta(hours=1)
        agg = (
            select(
                R1M.c.point_id,
                func.min(R1M.c.vmin).label("vmin"),
                func.max(R1M.c.vmax).label("vmax"),
                func.sum(R1M.c.vsum).label("vsum"),
                func.sum(R1M.c.count).label("cnt"),
                func.max(R1M.c.bucket).label("lastb"),
            )
            .where(R1M.c.bucket >= h, R1M.c.bucket < nxt)
            .group_by(R1M.c.point_id)
            .subquery()
        )
        rows = (
            await session.execute(
                select(
                    agg.c.point_id, agg.c.vmin, agg.c.vmax, agg.c.vsum, agg.c.cnt, R1M.c.vlast
                ).select_from(
                    agg.join(R1M, and_(R1M.c.point_id == agg.c.point_id, R1M.c.bucket == agg.c.lastb))
                )
            )
        ).all()
        if rows:
            await session.execute(
                stmt,
                [
                    {
                        "point_id": r.point_id,
                        "bucket": h,
                        "vmin": r.vmin,
                        "vmax": r.vmax,
                        "vsum": r.vsum,
                        "count": int(r.cnt),
                        "vlast": r.vlast,
                    }
                    for r in rows
                ],
            )
            written += len(rows)
        h = nxt
    return written


@dataclass(slots=True)
class RetentionStats:
    """What one retention run removed."""

    dropped_partitions: list[str] = field(default_factory=list)
    raw_deleted: int = 0
    m1_deleted: int = 0
    h1_deleted: int = 0


async def _sample_partitions(session: AsyncSession) -> dict[str, datetime]:
    """Daily partitions of mon_sample (name → UTC day), PostgreSQL only."""
    rows = await session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent"
            " WHERE p.relname = 'mon_sample' AND p.relnamespace = to_regnamespace(current_schema())"
        )
    )
    out: dict[str, datetime] = {}
    for (name,) in rows:
        m = _PARTITION.match(name)
        if m:
            out[name] = datetime.strptime(m.group(1), "%Y%m%d").replace(tzinfo=UTC)
    return out


async def apply_retention(
    session: AsyncSession,
    now: datetime,
    raw_days: float | None,
    m1_days: float | None,
    h1_days: float | None,
) -> RetentionStats:
    """Delete what is older than each tier's retention (None or <= 0 keeps forever); on PostgreSQL
    whole daily partitions of raw samples are dropped first."""
    stats = RetentionStats()
    if raw_days is not None and raw_days > 0:
        cutoff = now - timedelta(days=raw_days)
        if _dialect(session) == "postgresql":
            for name, day in sorted((await _sample_partitions(session)).items()):
                if day + timedelta(days=1) <= cutoff:
                    await session.execute(text(f'DROP TABLE "{name}"'))
                    stats.dropped_partitions.append(name)
        res: Any = await session.execute(delete(SAMPLE).where(SAMPLE.c.ts < cutoff))
        stats.raw_deleted = res.rowcount or 0
    if m1_days is not None and m1_days > 0:
        res = await session.execute(delete(R1M).where(R1M.c.bucket < now - timedelta(days=m1_days)))
        stats.m1_deleted = res.rowcount or 0
    if h1_days is not None and h1_days > 0:
        res = await session.execute(delete(R1H).where(R1H.c.bucket < now - timedelta(days=h1_days)))
        stats.h1_deleted = res.rowcount or 0
    return stats


async def ensure_partitions(session: AsyncSession, now: datetime, days_ahead: int = 3) -> list[str]:
    """PostgreSQL: create the daily partitions of mon_sample from yesterday to `days_ahead` days on
    (UTC days), moving any rows the DEFAULT partition already holds for them; elsewhere a no-op."""
    if _dialect(session) != "postgresql":
        return []
    existing = await _sample_partitions(session)
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    created: list[str] = []
    for k in range(-1, days_ahead + 1):
        day = today + timedelta(days=k)
        name = f"mon_sample_p{day:%Y%m%d}"
        if name in existing:
            continue
        lo, hi = f"{day:%Y-%m-%d} 00:00:00", f"{day + timedelta(days=1):%Y-%m-%d} 00:00:00"
        bounds = f"FOR VALUES FROM ('{lo}') TO ('{hi}')"
        stray = (
            await session.execute(
                text(
                    "SELECT 1 FROM mon_sample_default WHERE ts >= CAST(:lo AS TIMESTAMP) AND ts < CAST(:hi AS TIMESTAMP) LIMIT 1"
                ),
                {"lo": day.replace(tzinfo=None), "hi": (day + timedelta(days=1)).replace(tzinfo=None)},
            )
        ).first()
        if stray is None:
            await session.execute(
                text(f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF mon_sample {bounds}')
            )
        else:
            # The default partition would violate the new bound: move its rows, then attach.
            await session.execute(text(f'CREATE TABLE "{name}" (LIKE mon_sample INCLUDING DEFAULTS)'))
            await session.execute(
                text(
                    f"WITH moved AS (DELETE FROM mon_sample_default WHERE ts >= CAST(:lo AS TIMESTAMP)"
                    f" AND ts < CAST(:hi AS TIMESTAMP) RETURNING point_id, ts, value, quality)"
                    f' INSERT INTO "{name}" (point_id, ts, value, quality) SELECT * FROM moved'
                ),
                {"lo": day.replace(tzinfo=None), "hi": (day + timedelta(days=1)).replace(tzinfo=None)},
            )
            await session.execute(text(f'ALTER TABLE mon_sample ATTACH PARTITION "{name}" {bounds}'))
        created.append(name)
    return created

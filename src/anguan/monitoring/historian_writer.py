"""Historian write side: HistorianWriter and the dialect-specific insert/upsert helpers.

`HistorianWriter` runs inside the ingest pipeline's transaction and never commits:
archived samples, closed minutes and the compressor state in `mon_point_current` land in the same
commit, so a restart resumes exactly and a redelivered sample (ts <= last ts) is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.time import utcnow
from anguan.monitoring.compression import US, Bucket, DoorState, MinuteAccumulator, door_step, merge_buckets
from anguan.monitoring.historian_tables import CURRENT, R1M, SAMPLE, _chunks, _dialect
from anguan.monitoring.types import PointConfig, Reading, from_dt

_EPOCH = datetime(1970, 1, 1)


def _naive(t: float) -> datetime:
    """Epoch seconds → naive UTC datetime, exact to the microsecond (what the columns store)."""
    return _EPOCH + timedelta(microseconds=round(t * US))


def _opt(d: datetime | None) -> float | None:
    return None if d is None else from_dt(d)


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
    late: int = 0  # late (out-of-order) samples stored raw


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
        self._late: list[tuple[int, float, float, int]] = []

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
        self._late.clear()
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

    def add_late(self, r: Reading) -> None:
        """Queue a sample older than the point's last one (a gateway's buffered backlog, or a
        partitioned replica's second arrival path). `flush` stores it raw, uncompressed, if
        (point, ts) is not stored yet, and merges only what it stored into the 1-minute tier, so a
        late sample is never lost and never counted twice. The compressor state is untouched."""
        self._late.append((r.point_id, round(r.t * US) / US, float(r.value), r.quality))

    async def _flush_late(self, session: AsyncSession) -> int:
        late, self._late = self._late, []
        by_key = {(p, t): (p, t, v, q) for p, t, v, q in late}
        stored: set[tuple[int, float]] = set()
        for chunk in _chunks(sorted({p for p, _t in by_key})):
            keys = [k for k in by_key if k[0] in set(chunk)]
            lo, hi = min(k[1] for k in keys), max(k[1] for k in keys)
            rows = await session.execute(
                select(SAMPLE.c.point_id, SAMPLE.c.ts).where(
                    SAMPLE.c.point_id.in_(chunk), SAMPLE.c.ts >= _naive(lo), SAMPLE.c.ts <= _naive(hi)
                )
            )
            stored.update((pid, round(from_dt(ts) * US) / US) for pid, ts in rows)
        fresh = [s for k, s in by_key.items() if k not in stored]
        if not fresh:
            return 0
        await session.execute(
            SAMPLE.insert(),
            [{"point_id": p, "ts": _naive(t), "value": v, "quality": q} for p, t, v, q in fresh],
        )
        for pid, t, v, _q in fresh:
            start = t - t % 60.0
            st = self._points.get(pid)
            m = st.minute if st is not None else None
            if m is not None and m.start is not None and m.count and start == m.start:
                m.vmin, m.vmax, m.vsum, m.count = min(m.vmin, v), max(m.vmax, v), m.vsum + v, m.count + 1
                self._touched.add(pid)
            else:
                self._put_bucket(pid, Bucket(start, v, v, v, 1, v))
        return len(fresh)

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
        if self._late:
            stats.late = await self._flush_late(session)
            stats.rollups = len(self._buckets)
            stats.points = len(self._touched)
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

"""Historian worker jobs: hourly rollups, retention and PostgreSQL day partitions of mon_sample."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.monitoring.historian_tables import R1H, R1M, SAMPLE, _dialect
from anguan.monitoring.historian_writer import _upsert
from anguan.monitoring.types import from_dt, to_dt

_PARTITION = re.compile(r"^mon_sample_p(\d{8})$")


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

"""Historian against SQLite and PostgreSQL: writes, crash-restart, duplicates, rollups, trends,
retention, partitions, exports."""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, insert, select, text

from anguan.core.db import Database
from anguan.monitoring import historian as h
from anguan.monitoring.compression import Bucket, compress, quantise
from anguan.monitoring.models import Point, PointCurrent, Rollup1h, Rollup1m, Sample
from anguan.monitoring.types import QUALITY_BAD, QUALITY_GOOD, PointConfig, Reading, from_dt
from anguan.plant.models import Site

T0 = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)
E0 = from_dt(T0)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    yield database
    await database.dispose()


async def make_points(db: Database, n: int, **hist: float) -> list[PointConfig]:
    async with db.transaction() as s:
        site_id = (await s.execute(select(Site.id).where(Site.code == "HB-01"))).scalar_one()
        rows = [
            Point(
                tag=f"HIST-{i:03d}", name=f"historian test {i}", kind="temperature", site_id=site_id, **hist
            )
            for i in range(n)
        ]
        s.add_all(rows)
        await s.flush()
        return [PointConfig.from_row(p) for p in rows]


def walk(cfg: PointConfig, n: int, seed: int, dt: float = 1.0, t0: float = E0) -> list[Reading]:
    rng = random.Random(seed)
    v, out = 20.0, []
    for i in range(n):
        v += rng.gauss(0, 0.4)
        q = QUALITY_BAD if rng.random() < 0.01 else QUALITY_GOOD
        out.append(Reading(cfg.id, t0 + i * dt + rng.random() * 0.5, v, q))
    return out


def brute_minutes(readings: list[Reading]) -> list[Bucket]:
    groups: dict[float, list[float]] = {}
    for r in readings:
        groups.setdefault(math.floor(quantise(r.t) / 60) * 60.0, []).append(r.value)
    return [Bucket(k, min(v), max(v), sum(v), len(v), v[-1]) for k, v in sorted(groups.items())]


async def write(db: Database, w: h.HistorianWriter, cfgs: dict[int, PointConfig], readings: list[Reading]):
    async with db.transaction() as s:
        await w.load(s, cfgs)
        accepted = [w.add(cfgs[r.point_id], r) for r in readings]
        stats = await w.flush(s)
    return accepted, stats


async def stored_samples(db: Database, pid: int) -> list[tuple[float, float, int]]:
    async with db.transaction(write=False) as s:
        rows = await s.execute(
            select(Sample.ts, Sample.value, Sample.quality).where(Sample.point_id == pid).order_by(Sample.ts)
        )
        return [(from_dt(r.ts), r.value, r.quality) for r in rows]


async def stored_minutes(db: Database, pid: int) -> list[Bucket]:
    async with db.transaction(write=False) as s:
        rows = await s.execute(select(Rollup1m).where(Rollup1m.point_id == pid).order_by(Rollup1m.bucket))
        return [Bucket(from_dt(r.bucket), r.vmin, r.vmax, r.vsum, r.count, r.vlast) for r in rows.scalars()]


def assert_buckets_equal(got: list[Bucket], expected: list[Bucket]) -> None:
    assert [(b.start, b.vmin, b.vmax, b.count, b.last) for b in got] == [
        (b.start, b.vmin, b.vmax, b.count, b.last) for b in expected
    ]
    for g, e in zip(got, expected, strict=True):
        assert g.vsum == pytest.approx(e.vsum, rel=1e-12)


async def test_crash_restart_resumes_exactly(db):
    cfgs = await make_points(db, 3, hist_comp_dev=0.5, hist_deadband=0.1, hist_max_interval_s=45.0)
    by_id = {c.id: c for c in cfgs}
    readings = {c.id: walk(c, 600, seed=c.id) for c in cfgs}
    stream = sorted((r for rs in readings.values() for r in rs), key=lambda r: r.t)
    batches = [stream[i : i + 97] for i in range(0, len(stream), 97)]

    w = h.HistorianWriter()
    for b in batches[:8]:
        await write(db, w, by_id, b)
    # Crash: batch 8 is processed and flushed, but its transaction never commits.
    session = db.new_session()
    await w.load(session, by_id)
    for r in batches[8]:
        w.add(by_id[r.point_id], r)
    await w.flush(session)
    await session.rollback()
    await session.close()
    # Restart: a new writer restores its state from mon_point_current; the broker redelivers batch 8.
    # Later on, every other batch runs in a freshly restarted writer.
    for i, b in enumerate(batches[8:]):
        if i % 2 == 0:
            w = h.HistorianWriter()
        accepted, _ = await write(db, w, by_id, b)
        assert all(accepted)

    for c in cfgs:
        samples = [(quantise(r.t), r.value, r.quality) for r in readings[c.id]]
        archived, state = compress(
            samples, comp_dev=c.hist_comp_dev, deadband=c.hist_deadband, max_interval_s=c.hist_max_interval_s
        )
        assert await stored_samples(db, c.id) == [tuple(a) for a in archived]
        expected = brute_minutes(readings[c.id])
        assert_buckets_equal(await stored_minutes(db, c.id), expected[:-1])
        async with db.transaction(write=False) as s:
            cur = (await s.execute(select(PointCurrent).where(PointCurrent.point_id == c.id))).scalar_one()
        assert (from_dt(cur.ts), cur.value, cur.quality, cur.held) == (
            state.t,
            state.value,
            state.quality,
            state.held,
        )
        assert (cur.slope_lo, cur.slope_hi, cur.arch_value) == (
            state.slope_lo,
            state.slope_hi,
            state.arch_value,
        )
        assert from_dt(cur.arch_ts) == state.arch_t
        last = expected[-1]
        assert (from_dt(cur.m_start), cur.m_min, cur.m_max, cur.m_count) == (
            last.start,
            last.vmin,
            last.vmax,
            last.count,
        )


async def test_duplicates_and_out_of_order_dropped(db):
    (cfg,) = await make_points(db, 1, hist_comp_dev=0.0)
    rs = [Reading(cfg.id, E0 + i, float(i % 3), QUALITY_GOOD) for i in range(10)]
    w = h.HistorianWriter()
    accepted, stats = await write(db, w, {cfg.id: cfg}, [*rs[:6], rs[5], rs[2]])
    assert accepted == [True] * 6 + [False, False]
    assert (stats.received, stats.duplicates) == (6, 2)
    before = await stored_samples(db, cfg.id)
    # After a restart the redelivered, already committed samples are still recognised.
    w2 = h.HistorianWriter()
    accepted, stats = await write(db, w2, {cfg.id: cfg}, rs)
    assert accepted == [False] * 6 + [True] * 4
    after = await stored_samples(db, cfg.id)
    assert after[: len(before)] == before
    assert len({t for t, _, _ in after}) == len(after)
    # Sub-microsecond differences are the same timestamp once stored.
    accepted, _ = await write(db, w2, {cfg.id: cfg}, [Reading(cfg.id, E0 + 9 + 4e-7, 5.0, QUALITY_GOOD)])
    assert accepted == [False]


async def test_idle_minute_closed_then_late_sample_merges(db):
    (cfg,) = await make_points(db, 1)
    pts = {cfg.id: cfg}
    w = h.HistorianWriter()
    await write(db, w, pts, [Reading(cfg.id, E0 + 5, 4.0), Reading(cfg.id, E0 + 10, 2.0)])
    assert await stored_minutes(db, cfg.id) == []
    assert w.close_idle(E0 + 65, grace_s=10) == 0  # minute ended 5 s ago: within the grace
    assert w.close_idle(E0 + 70, grace_s=10) == 1
    async with db.transaction() as s:
        await w.flush(s)
    assert await stored_minutes(db, cfg.id) == [Bucket(E0, 2.0, 4.0, 6.0, 2, 2.0)]
    # A late sample of the same minute reopens it; when it closes, the stored row is merged.
    await write(db, w, pts, [Reading(cfg.id, E0 + 30, 9.0), Reading(cfg.id, E0 + 61, 1.0)])
    assert await stored_minutes(db, cfg.id) == [Bucket(E0, 2.0, 9.0, 15.0, 3, 9.0)]


async def test_rollup_hours_match_brute_force_and_are_idempotent(db):
    cfgs = await make_points(db, 2)
    by_id = {c.id: c for c in cfgs}
    readings = {c.id: walk(c, 3 * 360, seed=10 + c.id, dt=10.0) for c in cfgs}
    w = h.HistorianWriter()
    stream = sorted((r for rs in readings.values() for r in rs), key=lambda r: r.t)
    for i in range(0, len(stream), 500):
        await write(db, w, by_id, stream[i : i + 500])
    now = T0 + timedelta(hours=3, minutes=5)
    for _ in range(2):
        async with db.transaction() as s:
            assert await h.rollup_hours(s, now) == 2 * 3
    for c in cfgs:
        closed = brute_minutes(readings[c.id])[:-1]  # the open minute is not rolled up yet
        expected: dict[float, list[Bucket]] = {}
        for m in closed:
            expected.setdefault(m.start // 3600 * 3600, []).append(m)
        async with db.transaction(write=False) as s:
            rows = (
                (await s.execute(select(Rollup1h).where(Rollup1h.point_id == c.id).order_by(Rollup1h.bucket)))
                .scalars()
                .all()
            )
        assert [from_dt(r.bucket) for r in rows] == sorted(expected)
        for r in rows:
            ms = expected[from_dt(r.bucket)]
            assert (r.vmin, r.vmax, r.count, r.vlast) == (
                min(m.vmin for m in ms),
                max(m.vmax for m in ms),
                sum(m.count for m in ms),
                ms[-1].last,
            )
            assert r.vsum == pytest.approx(sum(m.vsum for m in ms), rel=1e-12)


async def _spiky(db: Database, hours: int = 3):
    """A noisy point with one spike, compressed with a small deviation; returns (cfg, readings, spike t)."""
    (cfg,) = await make_points(db, 1, hist_comp_dev=0.05, hist_max_interval_s=600.0)
    readings = walk(cfg, hours * 3600 // 5, seed=99, dt=5.0)
    spike = len(readings) // 3
    readings[spike] = Reading(cfg.id, readings[spike].t, 500.0, QUALITY_GOOD)
    w = h.HistorianWriter()
    for i in range(0, len(readings), 1000):
        await write(db, w, {cfg.id: cfg}, readings[i : i + 1000])
    return cfg, readings, quantise(readings[spike].t)


@pytest.mark.parametrize(
    ("limits", "tier"),
    [
        pytest.param({}, "raw", id="raw"),
        pytest.param({"raw_limit": 10}, "1m", id="1m"),
        pytest.param({"raw_limit": 10, "m1_limit": 10}, "1h", id="1h-without-worker"),
    ],
)
async def test_trend_tiers_keep_the_spike(db, limits, tier):
    cfg, readings, spike_t = await _spiky(db)
    hist = h.SqlHistorian(**limits)
    end = T0 + timedelta(hours=4)
    async with db.transaction(write=False) as s:
        (series,) = await hist.trend(s, [cfg.id], T0, end, 200)
    assert series.tier == tier and series.tag == cfg.tag
    assert 0 < len(series.points) <= 200
    assert max(p.vmax for p in series.points) == 500.0
    assert [p.t for p in series.points] == sorted(p.t for p in series.points)
    values = [r.value for r in readings]
    if tier == "raw":
        assert spike_t in [p.t for p in series.points]
        assert series.points[-1].t == quantise(readings[-1].t)
        assert min(p.value for p in series.points) == min(values)
    else:
        # The open minute (not in mon_rollup_1m yet) is part of the last point.
        assert min(p.vmin for p in series.points) == min(values)
        assert sum(1 for _ in series.points) <= 200
        assert series.points[-1].t <= readings[-1].t


async def test_trend_1h_same_after_worker(db):
    cfg, _, _ = await _spiky(db)
    hist = h.SqlHistorian(raw_limit=10, m1_limit=10)
    end = T0 + timedelta(hours=4)
    async with db.transaction(write=False) as s:
        (before,) = await hist.trend(s, [cfg.id], T0, end, 1000)
    async with db.transaction() as s:
        await h.rollup_hours(s, T0 + timedelta(hours=2, minutes=30))
    async with db.transaction(write=False) as s:
        (after,) = await hist.trend(s, [cfg.id], T0, end, 1000)
    assert after.tier == before.tier == "1h"
    assert len(after.points) == len(before.points) == 3
    for a, b in zip(after.points, before.points, strict=True):
        assert (a.t, a.vmin, a.vmax) == (b.t, b.vmin, b.vmax)
        assert a.value == pytest.approx(b.value, rel=1e-12)
    # Once retention has removed the minutes, the rolled-up hours still answer.
    async with db.transaction() as s:
        await s.execute(delete(Rollup1m))
    async with db.transaction(write=False) as s:
        (aged,) = await hist.trend(s, [cfg.id], T0, end, 1000)
    assert [p.t for p in aged.points] == [p.t for p in before.points]
    assert max(p.vmax for p in aged.points) == 500.0
    assert [p.vmin for p in aged.points[:2]] == [p.vmin for p in before.points[:2]]


async def test_trend_held_value_and_neighbours(db):
    (cfg,) = await make_points(db, 1, hist_comp_dev=1.0, hist_max_interval_s=0.0)
    w = h.HistorianWriter()
    # Flat for 100 s: only the first sample is archived, the last is held.
    await write(db, w, {cfg.id: cfg}, [Reading(cfg.id, E0 + i, 7.0) for i in range(101)])
    assert len(await stored_samples(db, cfg.id)) == 1
    async with db.transaction(write=False) as s:
        (inner,) = await h.trend(s, [cfg.id], T0 + timedelta(seconds=30), T0 + timedelta(seconds=60), 100)
        (whole,) = await h.trend(s, [cfg.id], T0, T0 + timedelta(seconds=200), 100)
        (before,) = await h.trend(s, [cfg.id], T0 - timedelta(hours=1), T0 - timedelta(minutes=1), 100)
    # No archived sample inside: the neighbours (archived before, held after) span the window.
    assert [(p.t, p.value) for p in inner.points] == [(E0, 7.0), (E0 + 100, 7.0)]
    assert inner.held
    assert [(p.t, p.value, p.quality) for p in whole.points] == [(E0, 7.0, 0), (E0 + 100, 7.0, 0)]
    assert whole.held
    assert [p.t for p in before.points] == [E0]  # only the right neighbour
    assert not before.held


async def test_trend_rejects_bad_input_and_skips_unknown_points(db):
    (cfg,) = await make_points(db, 1)
    async with db.transaction(write=False) as s:
        with pytest.raises(ValueError):
            await h.trend(s, [cfg.id], T0, T0, 100)
        with pytest.raises(ValueError):
            await h.trend(s, [cfg.id], T0, T0 + timedelta(hours=1), 0)
        out = await h.trend(s, [cfg.id, 987654321], T0, T0 + timedelta(hours=1), 100)
    assert [x.point_id for x in out] == [cfg.id]
    assert out[0].points == []


async def test_export_csv_and_xlsx(db):
    cfgs = await make_points(db, 2, hist_comp_dev=0.0)
    w = h.HistorianWriter()
    rs = [
        Reading(c.id, E0 + i * 1.5, float((-1) ** i * i * (k + 1)), QUALITY_GOOD)
        for k, c in enumerate(cfgs)
        for i in range(6)
    ]
    rs.sort(key=lambda r: r.t)
    await write(db, w, {c.id: c for c in cfgs}, rs)
    async with db.transaction(write=False) as s:
        series = await h.export_rows(s, [c.id for c in cfgs], T0, T0 + timedelta(minutes=1))
        with pytest.raises(h.ExportTooLarge):
            await h.export_rows(s, [c.id for c in cfgs], T0, T0 + timedelta(minutes=1), tier="raw", limit=5)
        m1 = await h.export_rows(s, [cfgs[0].id], T0, T0 + timedelta(minutes=1), tier="1m")
    assert {x.tier for x in series} == {"raw"}
    assert sum(len(x.points) for x in series) == 12  # every sample archived (dev 0, zig-zag) or held
    expected = sorted((quantise(r.t), next(c.tag for c in cfgs if c.id == r.point_id), r.value) for r in rs)

    rows = list(csv.reader(io.StringIO(h.to_csv(series).decode("utf-8-sig"))))
    assert rows[0] == list(h.EXPORT_HEADER)
    assert len(rows) == 13
    first = rows[1]
    assert first[0] == "2026-11-29T00:00:00.000000+00:00"
    assert first[1] == "2026-11-29T08:00:00.000000+08:00"
    assert [(datetime.fromisoformat(r[0]).timestamp(), r[2], float(r[3])) for r in rows[1:]] == expected
    assert {r[6] for r in rows[1:]} == {"good"} and {r[7] for r in rows[1:]} == {"raw"}
    for r in rows[1:]:
        assert datetime.fromisoformat(r[0]) == datetime.fromisoformat(r[1])

    wb = load_workbook(io.BytesIO(h.to_xlsx(series)))
    assert len(wb.sheetnames) == 1
    xrows = list(wb.active.iter_rows(values_only=True))
    assert list(xrows[0]) == list(h.EXPORT_HEADER)
    assert [(datetime.fromisoformat(r[0]).timestamp(), r[2], r[3]) for r in xrows[1:]] == expected
    assert [list(r) for r in xrows[1:]] == [
        [*r[:3], float(r[3]), float(r[4]), float(r[5]), *r[6:]] for r in rows[1:]
    ]

    # The open minute of the 1-minute tier has no quality; tier is named.
    (m1s,) = m1
    assert m1s.tier == "1m" and len(m1s.points) == 1 and m1s.points[0].quality is None
    assert h.to_csv(m1).decode("utf-8-sig").splitlines()[1].endswith(",,1m")


def test_export_neutralises_formulas():
    s = h.Series(1, '=HYPERLINK("x")', "raw", [h.TrendPoint(E0, 1.0, 1.0, 1.0, QUALITY_GOOD)])
    assert list(csv.reader(io.StringIO(h.to_csv([s]).decode("utf-8-sig"))))[1][2] == '\'=HYPERLINK("x")'
    ws = load_workbook(io.BytesIO(h.to_xlsx([s]))).active
    assert ws.cell(2, 3).value == '\'=HYPERLINK("x")'
    assert ws.cell(2, 3).data_type == "s"


async def _seed_days(db: Database, pid: int, now: datetime, days: int) -> None:
    rows = []
    minutes = []
    t = now - timedelta(days=days)
    while t < now:
        rows.append({"point_id": pid, "ts": t, "value": 1.0, "quality": 0})
        minutes.append(
            {"point_id": pid, "bucket": t, "vmin": 1, "vmax": 1, "vsum": 1, "count": 1, "vlast": 1}
        )
        t += timedelta(hours=3)
    async with db.transaction() as s:
        await s.execute(insert(Sample), rows)
        await s.execute(insert(Rollup1m), minutes)
        await s.execute(insert(Rollup1h), minutes)


async def test_retention(db):
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    async with db.transaction() as s:
        created = await h.ensure_partitions(s, now - timedelta(days=6), days_ahead=7)
    await _seed_days(db, 42, now, 8)
    async with db.transaction() as s:
        stats = await h.apply_retention(s, now, raw_days=2, m1_days=3, h1_days=None)
    async with db.transaction(write=False) as s:
        raw = [r[0] for r in await s.execute(select(Sample.ts))]
        m1 = [r[0] for r in await s.execute(select(Rollup1m.bucket))]
        h1 = (await s.execute(select(func.count()).select_from(Rollup1h))).scalar_one()
    assert raw and min(raw) >= now - timedelta(days=2)
    assert len(raw) == 2 * 8  # every 3 h over the last two days
    assert m1 and min(m1) >= now - timedelta(days=3) and len(m1) == 3 * 8
    assert h1 == 8 * 8
    if db.dialect == "postgresql":
        # Day partitions wholly before the cutoff (27 Nov 12:00) are dropped; 27 Nov itself is trimmed.
        assert stats.dropped_partitions == [f"mon_sample_p202611{d}" for d in (22, 23, 24, 25, 26)]
        assert set(stats.dropped_partitions) <= set(created)
        async with db.transaction(write=False) as s:
            left = await h._sample_partitions(s)
        assert "mon_sample_p20261127" in left and "mon_sample_p20261126" not in left
        assert stats.raw_deleted == 4 + 4  # 21 Nov 12:00-21:00 in the default partition + 27 Nov 00:00-09:00
    else:
        assert stats.dropped_partitions == []
        assert stats.raw_deleted == 6 * 8
    assert stats.m1_deleted == 5 * 8 and stats.h1_deleted == 0


async def test_ensure_partitions(db):
    now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    stray = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)
    async with db.transaction() as s:
        await s.execute(insert(Sample), [{"point_id": 1, "ts": stray, "value": 3.0, "quality": 0}])
    async with db.transaction() as s:
        created = await h.ensure_partitions(s, now, days_ahead=3)
    async with db.transaction() as s:
        again = await h.ensure_partitions(s, now, days_ahead=3)
    assert again == []
    if db.dialect != "postgresql":
        assert created == []
        return
    assert created == [f"mon_sample_p202{d}" for d in ("61130", "61201", "61202", "61203", "61204")]
    async with db.transaction(write=False) as s:
        where = (await s.execute(text("SELECT tableoid::regclass::text, value FROM mon_sample"))).all()
        # New rows route to the day partitions.
        await s.execute(
            insert(Sample),
            [{"point_id": 2, "ts": now + timedelta(days=3, hours=10), "value": 1.0, "quality": 0}],
        )
        routed = (
            await s.execute(text("SELECT tableoid::regclass::text FROM mon_sample WHERE point_id = 2"))
        ).scalar()
    assert where == [("mon_sample_p20261203", 3.0)]  # moved out of the default partition
    assert routed == "mon_sample_p20261204"


async def test_flush_without_samples_is_harmless(db):
    w = h.HistorianWriter()
    async with db.transaction() as s:
        stats = await w.flush(s)
    assert stats == h.FlushStats()

"""Historian compression, 1-minute rollups and extreme-preserving downsampling (pure, no I/O).

Compression is an exception deadband in front of a swinging door whose doors pivot on the last
archived sample itself (not on archived ± deviation), so linear interpolation between archived
samples stays within `comp_dev` of every received sample (within `comp_dev + 2 * deadband` when an
exception deadband is set, because a sample inside the deadband counts as the archived value).
The whole state fits the `mon_point_current` columns, so a restart resumes bit-for-bit.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from anguan.monitoring.types import QUALITY_GOOD

US = 1_000_000


def quantise(t: float) -> float:
    """Round epoch seconds to the microsecond, the resolution every database stores."""
    return round(t * US) / US


class Archived(NamedTuple):
    """A sample the compressor decided to keep."""

    t: float
    value: float
    quality: int


@dataclass(slots=True)
class DoorState:
    """Per-point compressor state; maps 1:1 onto `mon_point_current` (ts, value, quality, arch_*,
    slope_lo, slope_hi, held).

    `t`/`value`/`quality` are the last received sample; when `held` it is not archived yet.
    `slope_lo`/`slope_hi` bound the slopes from the archived sample that keep every sample received
    since within the deviation; None means no sample has been received since the archive.
    """

    t: float | None = None
    value: float = 0.0
    quality: int = QUALITY_GOOD
    arch_t: float | None = None
    arch_value: float | None = None
    slope_lo: float | None = None
    slope_hi: float | None = None
    held: bool = False


def _archive_current(s: DoorState, out: list[Archived]) -> None:
    """Archive the held sample and pivot the door on it."""
    assert s.t is not None
    out.append(Archived(s.t, s.value, s.quality))
    s.arch_t = s.t
    s.arch_value = s.value
    s.slope_lo = s.slope_hi = None
    s.held = False


def door_step(
    s: DoorState,
    t: float,
    value: float,
    quality: int,
    *,
    comp_dev: float,
    deadband: float = 0.0,
    max_interval_s: float = 0.0,
) -> list[Archived]:
    """Feed one sample (t strictly after `s.t`); returns the samples to archive, in time order.

    Rules: the first sample and any quality change archive (with the held sample before it); a sample
    that no line from the archived sample can reach while staying within `comp_dev` of every sample
    since archives the held one; consecutive archived samples are never more than `max_interval_s`
    apart while samples keep coming (a held sample exactly that far is archived; <= 0 disables it).
    """
    if s.t is not None and t <= s.t:
        raise ValueError(f"sample at {t} is not after the last one at {s.t}")
    out: list[Archived] = []
    if s.arch_t is None or quality != s.quality:
        if s.held:
            _archive_current(s, out)
        s.t, s.value, s.quality = t, value, quality
        _archive_current(s, out)
        return out
    if s.held and max_interval_s > 0 and t - s.arch_t > max_interval_s:
        # Keep the archive dense: the held sample goes in before the gap is exceeded.
        _archive_current(s, out)
    arch_t, va = s.arch_t, s.arch_value
    assert arch_t is not None and va is not None
    dt = t - arch_t
    # Exception deadband: a sample within it of the archived value counts as unchanged.
    c = va if abs(value - va) <= deadband else value
    slope = (c - va) / dt
    lo, hi = s.slope_lo, s.slope_hi
    if lo is not None and hi is not None and not lo <= slope <= hi:
        # The doors have closed on the new sample: the held one ends the segment.
        _archive_current(s, out)
        arch_t, va = s.arch_t, s.arch_value
        assert arch_t is not None and va is not None
        dt = t - arch_t
        c = va if abs(value - va) <= deadband else value
        lo = hi = None
    new_lo = (c - comp_dev - va) / dt
    new_hi = (c + comp_dev - va) / dt
    s.slope_lo = new_lo if lo is None else max(lo, new_lo)
    s.slope_hi = new_hi if hi is None else min(hi, new_hi)
    s.t, s.value, s.quality = t, value, quality
    s.held = True
    if max_interval_s > 0 and t - arch_t >= max_interval_s:
        _archive_current(s, out)
    return out


def compress(
    samples: Iterable[tuple[float, float, int]],
    *,
    comp_dev: float,
    deadband: float = 0.0,
    max_interval_s: float = 0.0,
    state: DoorState | None = None,
) -> tuple[list[Archived], DoorState]:
    """Compress a whole series (for tests, backfills and tools); returns (archived, final state)."""
    s = state if state is not None else DoorState()
    out: list[Archived] = []
    for t, v, q in samples:
        out.extend(door_step(s, t, v, q, comp_dev=comp_dev, deadband=deadband, max_interval_s=max_interval_s))
    return out, s


# --- 1-minute rollups -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bucket:
    """A closed aggregate: start (epoch s), min, max, sum, count, last value."""

    start: float
    vmin: float
    vmax: float
    vsum: float
    count: int
    last: float


@dataclass(slots=True)
class MinuteAccumulator:
    """The open 1-minute bucket of a point (`mon_point_current.m_*`; `last` is its `value`)."""

    start: float | None = None
    vmin: float = 0.0
    vmax: float = 0.0
    vsum: float = 0.0
    count: int = 0
    last: float = 0.0

    def close(self) -> Bucket | None:
        """Emit the open bucket (if any) and empty the accumulator."""
        if self.start is None or self.count == 0:
            self.start = None
            return None
        b = Bucket(self.start, self.vmin, self.vmax, self.vsum, self.count, self.last)
        self.start = None
        self.count = 0
        self.vsum = 0.0
        return b

    def add(self, t: float, value: float) -> Bucket | None:
        """Add a sample; returns the previous bucket when the sample opens a later minute."""
        start = (t // 60.0) * 60.0
        closed = None
        if self.start is not None and start != self.start:
            closed = self.close()
        if self.start is None:
            self.start = start
            self.vmin = self.vmax = self.vsum = self.last = value
            self.count = 1
            return closed
        if value < self.vmin:
            self.vmin = value
        elif value > self.vmax:
            self.vmax = value
        self.vsum += value
        self.count += 1
        self.last = value
        return closed


def merge_buckets(a: Bucket, b: Bucket) -> Bucket:
    """Merge two aggregates of the same interval, `b` holding the later samples."""
    return Bucket(
        a.start, min(a.vmin, b.vmin), max(a.vmax, b.vmax), a.vsum + b.vsum, a.count + b.count, b.last
    )


# --- downsampling -----------------------------------------------------------------------------


def _edges(ts: Sequence[float], nb: int, t0: float, t1: float) -> list[int]:
    """Index boundaries of `nb` equal time buckets over [t0, t1] (outliers join the end buckets)."""
    width = (t1 - t0) / nb
    edges = [0]
    for i in range(1, nb):
        edges.append(max(edges[-1], bisect_left(ts, t0 + i * width)))
    edges.append(len(ts))
    return edges


def m4_indices(
    ts: Sequence[float],
    values: Sequence[float],
    max_points: int,
    t0: float | None = None,
    t1: float | None = None,
) -> list[int]:
    """Indices of at most `max_points` samples (sorted by time) keeping, per time bucket, the first,
    the minimum, the maximum and the last sample (M4), so no extreme is ever lost.

    With fewer than 4 points allowed, the global maximum, minimum, first and last are kept in that order.
    """
    n = len(ts)
    if n <= max_points:
        return list(range(n))
    if max_points <= 0:
        return []
    get = values.__getitem__
    if max_points < 4:
        keep: list[int] = []
        for i in (max(range(n), key=get), min(range(n), key=get), 0, n - 1):
            if i not in keep:
                keep.append(i)
        return sorted(keep[:max_points])
    nb = max_points // 4
    lo_t = ts[0] if t0 is None else t0
    hi_t = ts[-1] if t1 is None else t1
    if not hi_t > lo_t:
        edges = [n * i // nb for i in range(nb + 1)]
    else:
        edges = _edges(ts, nb, lo_t, hi_t)
    out: list[int] = []
    for a, b in pairwise(edges):
        if a >= b:
            continue
        picks = {a, b - 1}
        if b - a > 2:
            picks.add(min(range(a, b), key=get))
            picks.add(max(range(a, b), key=get))
        out.extend(sorted(picks))
    return out


def downsample_buckets(
    buckets: Sequence[Bucket], max_points: int, t0: float | None = None, t1: float | None = None
) -> list[Bucket]:
    """Merge time-ordered aggregates into at most `max_points` equal time buckets (min of minima,
    max of maxima), so the envelope keeps every extreme."""
    n = len(buckets)
    if n <= max_points:
        return list(buckets)
    if max_points <= 0:
        return []
    starts = [b.start for b in buckets]
    lo_t = starts[0] if t0 is None else t0
    hi_t = starts[-1] if t1 is None else t1
    if not hi_t > lo_t:
        edges = [n * i // max_points for i in range(max_points + 1)]
    else:
        edges = _edges(starts, max_points, lo_t, hi_t)
    out: list[Bucket] = []
    for a, b in pairwise(edges):
        if a >= b:
            continue
        group = buckets[a:b]
        out.append(
            Bucket(
                group[0].start,
                min(g.vmin for g in group),
                max(g.vmax for g in group),
                sum(g.vsum for g in group),
                sum(g.count for g in group),
                group[-1].last,
            )
        )
    return out

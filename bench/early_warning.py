"""Early-warning (PRE) figures on the demo plant's simulator, printed (no pass/fail).

1. Scripted incidents: the simulator's DEFAULT_INCIDENTS over several cycles, fed through the
   AlarmEngine (with a tick every simulated second). For every incident occurrence and every point
   expected to raise a process alarm (H/HH/L/LL), it reports when the first real alarm came and how
   many seconds the PRE pre-alarm came before it (the first PRE activation on that point in the
   horizon before the alarm), or "none". Diagnostic incidents (STALE, BAD) are checked too.
2. Normal operation: a long run without incidents (24 h of simulated time by default). A PRE
   activation is false when no real alarm (H/HH/L/LL activation) follows on the same point within
   the point's horizon. Reports the totals, the rate per forecast point-day and the top offenders.
3. Synthetic stress (not the plant): one point (H = 80, horizon 600 s, a sample every 5 s) under
   stationary AR(1) noise of standard deviation 3 around 70 (H at 3.3 sigma) for several
   correlation times, where every PRE is false unless the noise itself reaches H; and clean
   ramps from 50 with a growing slope, reporting the PRE lead against the ideal
   min(horizon, ramp duration).

    .venv/bin/python bench/early_warning.py                 # 4 incident cycles (2 h) + 24 h normal
    .venv/bin/python bench/early_warning.py --hours 72 --cycles 8 --seed 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from anguan.monitoring.alarm_engine import AlarmEngine
from anguan.monitoring.forecast import EW_V1
from anguan.monitoring.types import AlarmChange, PointConfig, Reading
from anguan.simulator.plant_sim import DEFAULT_INCIDENTS, PlantSimulator
from anguan.simulator.points import DEMO_POINTS, DemoPoint

START = 1_795_132_800.0  # 2026-11-21 00:00 Asia/Shanghai (16:00 UTC the day before)
LIMITS = ("HH", "H", "L", "LL")


def point_configs(points: Sequence[DemoPoint]) -> tuple[list[PointConfig], dict[str, int]]:
    """PointConfig snapshots of the demo points with ids 1..n (suppressors resolved by tag)."""
    ids = {p.tag: i + 1 for i, p in enumerate(points)}
    fields = PointConfig.__dataclass_fields__
    configs = []
    for p in points:
        cols = {k: v for k, v in p.point_columns().items() if k in fields}
        cols.update(id=ids[p.tag], site_id=1, suppress_point_id=ids.get(p.suppress_tag or ""))
        configs.append(PointConfig(**cols))
    return configs, ids


@dataclass
class Run:
    """Every alarm change of one simulated run, by point and condition."""

    changes: list[AlarmChange] = field(default_factory=list)
    samples: int = 0
    engine_s: float = 0.0
    sim_s: float = 0.0

    def activations(self, point_id: int, conditions: Iterable[str]) -> list[AlarmChange]:
        wanted = set(conditions)
        return [
            c
            for c in self.changes
            if c.point_id == point_id and c.kind == "activated" and c.condition in wanted
        ]


def simulate(sim: PlantSimulator, engine: AlarmEngine, ids: dict[str, int], t0: float, t1: float) -> Run:
    """Feed [t0, t1) through the engine in time order, ticking once per simulated second."""
    run = Run()
    out = run.changes
    process, tick = engine.process, engine.tick
    next_tick = float(int(t0)) + 1.0
    chunk = 600.0
    a = t0
    while a < t1:
        b = min(a + chunk, t1)
        s0 = time.perf_counter()
        samples = list(sim.samples_between(a, b))
        s1 = time.perf_counter()
        run.sim_s += s1 - s0
        for tag, t, value, quality in samples:
            while next_tick <= t:
                out += tick(next_tick)
                next_tick += 1.0
            out += process(Reading(ids[tag], t, value, quality))
        while next_tick < b:
            out += tick(next_tick)
            next_tick += 1.0
        run.engine_s += time.perf_counter() - s1
        run.samples += len(samples)
        a = b
    return run


def incidents(seed: int, cycles: int) -> None:
    configs, ids = point_configs(DEMO_POINTS)
    by_id = {c.id: c for c in configs}
    sim = PlantSimulator(seed=seed, start=START, incidents=DEFAULT_INCIDENTS)
    engine = AlarmEngine()
    engine.set_points(configs)
    # One cycle of warm-up so the forecasts are ready, then the measured cycles.
    warm = sim.cycle_s
    t1 = START + warm + cycles * sim.cycle_s
    run = simulate(sim, engine, ids, START, t1)
    print(
        f"## Scripted incidents: seed {seed}, {cycles} cycles of {sim.cycle_s:g} s after a {warm:g} s warm-up"
    )
    print(
        f"   {run.samples:,} samples; engine {run.samples / run.engine_s:,.0f} samples/s incl. ticks; "
        f"simulator {run.sim_s:.1f} s"
    )
    print()
    print(
        f"{'incident':<12} {'cycle':>5} {'point':<10} {'alarm':<6} {'at (s)':>7} {'horizon':>8} {'PRE lead (s)':>12}"
    )
    leads: dict[str, list[float]] = defaultdict(list)
    missed: Counter[str] = Counter()
    diag_ok: Counter[str] = Counter()
    diag_total: Counter[str] = Counter()
    for w in sim.incident_windows(START + warm, t1):
        cycle = int((w.start - START) // sim.cycle_s)
        for tag, conds in w.expected.items():
            pid = ids[tag]
            cfg = by_id[pid]
            process_conds = [c for c in conds if c in LIMITS]
            for diag in (c for c in conds if c not in LIMITS):
                diag_total[w.name] += 1
                if any(
                    w.start <= a.t <= w.end + 3 * cfg.expected_interval_s
                    for a in run.activations(pid, [diag])
                ):
                    diag_ok[w.name] += 1
            if not process_conds:
                continue
            alarms = [a for a in run.activations(pid, LIMITS) if w.start <= a.t <= w.end]
            if not alarms:
                print(f"{w.name:<12} {cycle:>5} {tag:<10} {'-':<6} {'-':>7} {'':>8} {'no alarm':>12}")
                continue
            first = alarms[0]
            horizon = cfg.forecast_horizon_s
            if horizon is None:
                lead_txt = "no forecast"
            else:
                pres = [p for p in run.activations(pid, ["PRE"]) if first.t - horizon <= p.t <= first.t]
                if pres:
                    lead = first.t - pres[0].t
                    leads[w.name].append(lead)
                    lead_txt = f"{lead:.0f}"
                else:
                    missed[w.name] += 1
                    lead_txt = "none"
            at = first.t - w.start
            hz = f"{horizon:g}" if horizon else "-"
            print(f"{w.name:<12} {cycle:>5} {tag:<10} {first.condition:<6} {at:>7.0f} {hz:>8} {lead_txt:>12}")
    print()
    print("Summary per incident (points with a forecast horizon):")
    for name in sorted(set(leads) | set(missed)):
        ls = leads.get(name, [])
        n = len(ls) + missed[name]
        if ls:
            print(
                f"  {name:<12} PRE before the alarm in {len(ls)}/{n}; lead min {min(ls):.0f} s, "
                f"median {statistics.median(ls):.0f} s, max {max(ls):.0f} s"
            )
        else:
            print(f"  {name:<12} PRE before the alarm in 0/{n}")
    for name in sorted(diag_total):
        print(f"  {name:<12} expected diagnostic conditions raised: {diag_ok[name]}/{diag_total[name]}")
    print()


def normal(seed: int, hours: float) -> None:
    configs, ids = point_configs(DEMO_POINTS)
    by_id = {c.id: c for c in configs}
    tag_of = {v: k for k, v in ids.items()}
    sim = PlantSimulator(seed=seed, start=START, incidents=())
    engine = AlarmEngine()
    engine.set_points(configs)
    t1 = START + hours * 3600.0
    run = simulate(sim, engine, ids, START, t1)
    forecast_points = [c for c in configs if c.forecast_horizon_s is not None]
    pres = [c for c in run.changes if c.condition == "PRE" and c.kind == "activated"]
    real = [c for c in run.changes if c.condition in LIMITS and c.kind == "activated"]
    real_by_point: dict[int, list[float]] = defaultdict(list)
    for c in real:
        real_by_point[c.point_id].append(c.t)
    false_by_point: Counter[int] = Counter()
    true_count = 0
    for p in pres:
        horizon = by_id[p.point_id].forecast_horizon_s or 0.0
        if any(p.t <= t <= p.t + horizon for t in real_by_point[p.point_id]):
            true_count += 1
        else:
            false_by_point[p.point_id] += 1
    n_false = sum(false_by_point.values())
    point_days = len(forecast_points) * hours / 24.0
    print(f"## Normal operation: seed {seed}, {hours:g} h simulated, no incident")
    print(
        f"   {run.samples:,} samples; engine {run.samples / run.engine_s:,.0f} samples/s incl. ticks; "
        f"simulator {run.sim_s:.1f} s"
    )
    print(f"   points with a forecast horizon: {len(forecast_points)} ({point_days:.1f} point-days)")
    hidden = sum(1 for c in real if c.extra.get("suppressed"))
    print(
        f"   real limit alarms (H/HH/L/LL activations): {len(real)} on {len(real_by_point)} points, "
        f"{hidden} of them suppressed by design"
    )
    print(f"   PRE activations: {len(pres)}; followed by a real alarm within the horizon: {true_count}")
    print(
        f"   false pre-alarms: {n_false} ({n_false / point_days if point_days else 0:.2f} per forecast point-day)"
    )
    if false_by_point:
        print("   false pre-alarms by point:")
        for pid, n in false_by_point.most_common(10):
            cfg = by_id[pid]
            print(f"     {tag_of[pid]:<10} {cfg.kind:<16} horizon {cfg.forecast_horizon_s:g} s: {n}")
    print()


SYN = PointConfig(
    id=1, tag="SYN", kind="level", site_id=1, sp_h=80.0, sp_hh=90.0, sp_l=20.0, sp_ll=10.0,
    deadband=1.0, expected_interval_s=5.0, forecast_horizon_s=600.0,
)  # fmt: skip


def _feed(samples: Iterable[tuple[float, float]]) -> list[AlarmChange]:
    engine = AlarmEngine()
    engine.set_points([SYN])
    out: list[AlarmChange] = []
    for t, v in samples:
        out += engine.process(Reading(1, START + t, v))
    return out


def synthetic(seed: int, hours: float) -> None:
    import math
    import random

    horizon = SYN.forecast_horizon_s or 0.0
    print(f"## Synthetic stress: H {SYN.sp_h:g}, horizon {horizon:g} s, one sample every 5 s")
    print(f"{'noise (AR1, sd 3 around 70)':<34} {'PRE':>5} {'real H':>7} {'false PRE/day':>14}")
    for corr_s in (0.0, 60.0, 300.0, 1200.0):
        pres = real = false = 0
        for k in range(3):
            rng = random.Random(f"{seed}:{corr_s}:{k}")
            phi = math.exp(-5.0 / corr_s) if corr_s else 0.0
            x, series = 0.0, []
            for i in range(int(hours * 720)):
                x = phi * x + rng.gauss(0.0, 3.0 * math.sqrt(1.0 - phi * phi))
                series.append((i * 5.0, 70.0 + x))
            out = _feed(series)
            alarms = [c.t for c in out if c.condition in LIMITS and c.kind == "activated"]
            for c in out:
                if c.condition == "PRE" and c.kind == "activated":
                    pres += 1
                    false += not any(c.t <= t <= c.t + horizon for t in alarms)
            real += sum(1 for c in out if c.condition == "H" and c.kind == "activated")
        label = "white" if not corr_s else f"correlation time {corr_s:g} s"
        print(f"{label:<34} {pres:>5} {real:>7} {false / (3 * hours / 24):>14.1f}")
    print()
    print(f"{'clean ramp 50 -> H (s to cross)':<34} {'ideal lead':>10} {'PRE lead':>9}")
    for cross_s in (150.0, 300.0, 600.0, 1200.0, 2400.0, 4800.0):
        slope = 30.0 / cross_s
        flat = [(i * 5.0, 50.0) for i in range(240)]
        ramp = [(1200.0 + i * 5.0, 50.0 + slope * i * 5.0) for i in range(int(cross_s / 5) + 10)]
        out = _feed(flat + ramp)
        h = [c.t for c in out if c.condition == "H" and c.kind == "activated"]
        pre = [c.t for c in out if c.condition == "PRE" and c.kind == "activated"]
        lead = f"{h[0] - pre[0]:.0f}" if h and pre and pre[0] <= h[0] else "none"
        print(f"{cross_s:<34g} {min(horizon, cross_s):>10g} {lead:>9}")
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--cycles", type=int, default=4, help="incident cycles to measure (after one warm-up cycle)"
    )
    ap.add_argument("--hours", type=float, default=24.0, help="simulated hours of normal operation")
    args = ap.parse_args(argv)
    print(f"# Early warning on the demo plant — parameters {EW_V1.version}: {EW_V1}")
    print(f"# Python {sys.version.split()[0]}")
    print()
    incidents(args.seed, args.cycles)
    normal(args.seed, args.hours)
    synthetic(args.seed, args.hours)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

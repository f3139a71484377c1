"""A deterministic simulator of the demo plant HB-01: values of every `DEMO_POINTS` point over time.

Each value is a pure function of (seed, start, incidents, point, time), so any split of a time range
yields the same samples and a replay is exact. Behaviour:
- weather: seasonal mean and a daily cycle in Asia/Shanghai time (peak at 15:00), plus slow fronts;
  tank and warehouse temperatures follow it with a first-order lag;
- tanks fill and empty on slow schedules; P-101 starts and stops and draws from T-101/T-102; a tank
  truck is loaded every 40 minutes; R-202 runs 90-minute chlorination batches; R-201 temperature,
  pressure and hydrogen flow move together;
- measurement noise (fixed per-point tables, indexed by sample number) and slow drifts;
- scripted incidents that repeat every `cycle_s` seconds from `start` (a demo user sees them within
  minutes): a growing combustible-gas leak, a tank overfill, a chattering value, a stale detector
  and a bad-quality transmitter. `incident_windows` gives the ground truth.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from anguan.simulator.points import DEMO_POINTS, DemoPoint

Sample = tuple[str, float, float, int]  # (tag, t epoch seconds, value, quality 0/1/2)
Fn = Callable[[float], float]

TWO_PI = 2.0 * math.pi
DAY_S = 86400.0
# Asia/Shanghai is UTC+8 all year (China has had no daylight saving time since 1991).
SHANGHAI_OFFSET_S = 8 * 3600.0
INCIDENT_KINDS = ("gas_leak", "overfill", "chattering", "stale", "bad_quality")
# Samples are generated in slices of this many seconds and sorted by time within each slice, so a
# long range comes out in time order (suppression and rate logic downstream depend on that).
SLICE_S = 10.0
_NOISE_A, _NOISE_B = 1021, 1031  # two prime-length tables: the noise repeats after ~1 M samples
_GUST_MIN, _GUST_MAX = 0.8, 1.2  # bounds of the gust factor of a leak (see _leak_effect)


@dataclass(frozen=True)
class Incident:
    """A scripted incident, repeated every cycle at `offset_s` from the simulator's start.

    kind: gas_leak (tags = detectors the vapour reaches; params x, y, peak_lel, length_m,
    wind_to_deg) | overfill (tags = one level point; params above_hh_m) | chattering (tags = one
    point oscillating across its H set-point; params period_s, amplitude) | stale (tags stop
    reporting) | bad_quality (tags report quality 2 with a NAMUR NE 43 under-range value).
    """

    name: str
    kind: str
    tags: tuple[str, ...]
    offset_s: float
    duration_s: float
    title_zh: str = ""
    params: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentWindow:
    """One occurrence of an incident: when, which points, and which conditions it must raise."""

    name: str
    kind: str
    title_zh: str
    start: float
    end: float
    tags: tuple[str, ...]
    expected: Mapping[str, tuple[str, ...]]  # tag -> conditions (H, HH, STALE, BAD ...)


TANK_FARM_DETECTORS = tuple(f"GT-1{n:02d}" for n in range(1, 11))

DEFAULT_INCIDENTS: tuple[Incident, ...] = (
    Incident(
        "gas_leak",
        "gas_leak",
        TANK_FARM_DETECTORS,
        60.0,
        720.0,
        "T-102 甲醇储罐出口阀法兰泄漏（东北风），关阀隔离后消散",
        {"x": 126.0, "y": 247.0, "peak_lel": 90.0, "length_m": 25.0, "wind_to_deg": 225.0},
    ),
    Incident(
        "overfill",
        "overfill",
        ("LT-104",),
        240.0,
        1440.0,
        "T-104 甲苯储罐收料超量，液位越过高、高高报警，LSHH-104 联锁关闭进料阀后倒罐",
        {"above_hh_m": 0.3},
    ),
    Incident(
        "chattering",
        "chattering",
        ("PT-105",),
        900.0,
        240.0,
        "T-105 氮封阀调节振荡，罐顶压力在高报警值上下反复波动（颤振报警）",
        {"period_s": 15.0, "amplitude": 0.2},
    ),
    Incident("stale", "stale", ("GT-703",), 1200.0, 300.0, "GT-703 检测器通信中断，数据停止上传 5 分钟"),
    Incident(
        "bad_quality",
        "bad_quality",
        ("LT-301",),
        1500.0,
        240.0,
        "LT-301 液位变送器故障（输出低于 3.6 mA），数据质量为坏值",
    ),
)


# -- weather and shared signals ----------------------------------------------------------------------


def _season(t: float) -> float:
    """-1 in mid-January, +1 in mid-July (day of year from the epoch's 1 January)."""
    doy = ((t + SHANGHAI_OFFSET_S) / DAY_S) % 365.2425
    return -math.cos(TWO_PI * (doy - 18.0) / 365.2425)


def _tri(x: float) -> float:
    """Triangle wave of period 1 between 0 and 1."""
    return 1.0 - abs(2.0 * (x % 1.0) - 1.0)


class _Weather:
    """Air temperature of the site (°C): a Hebei-like climate with a daily cycle in Shanghai time."""

    MEAN, SEASON_AMP, DAY_AMP, PEAK_HOUR = 13.0, 15.0, 5.0, 15.0
    OMEGA = TWO_PI / DAY_S

    def __init__(self, rng: random.Random) -> None:
        self.p1, self.p2 = rng.uniform(0, TWO_PI), rng.uniform(0, TWO_PI)

    def front(self, t: float) -> float:
        return 2.0 * math.sin(TWO_PI * t / (3.7 * DAY_S) + self.p1) + math.sin(
            TWO_PI * t / (1.3 * DAY_S) + self.p2
        )

    def daily(self, t: float, tau: float = 0.0) -> float:
        """The daily swing (mean zero), seen through a first-order lag of time constant tau."""
        wt = self.OMEGA * tau
        phase = self.OMEGA * (t + SHANGHAI_OFFSET_S - self.PEAK_HOUR * 3600.0) - math.atan(wt)
        return self.DAY_AMP / math.sqrt(1.0 + wt * wt) * math.cos(phase)

    def lagged(self, t: float, tau: float) -> float:
        """Temperature of a body following the air with time constant tau seconds (closed form)."""
        return self.MEAN + self.SEASON_AMP * _season(t) + self.daily(t, tau) + self.front(t - tau)


class _Schedule:
    """A periodic on/off schedule anchored to absolute time."""

    def __init__(self, period: float, on_s: float, phase: float) -> None:
        self.period, self.on_s, self.phase = period, on_s, phase

    def state(self, t: float) -> tuple[bool, float]:
        """(running, seconds since the last switch)."""
        s = (t + self.phase) % self.period
        return (True, s) if s < self.on_s else (False, s - self.on_s)

    def on(self, t: float) -> float:
        return 1.0 if (t + self.phase) % self.period < self.on_s else 0.0


def _approach(start: float, target: float, since: float, tau: float) -> float:
    """First-order step response from start to target."""
    return target + (start - target) * math.exp(-since / tau)


# -- per-point models ----------------------------------------------------------------------------------


class _Model:
    __slots__ = (
        "bad",
        "bad_value",
        "base",
        "cutoff",
        "decimals",
        "hi",
        "lo",
        "na",
        "nb",
        "offset_ms",
        "period_ms",
        "point",
        "sd",
        "stale",
        "tag",
    )

    def __init__(self, point: DemoPoint, base: Fn, sd: float, offset_ms: int, rng: random.Random) -> None:
        self.point = point
        self.tag = point.tag
        self.period_ms = round(point.period_s * 1000)
        if self.period_ms < 1:
            raise ValueError(f"{point.tag}: period under 1 ms")
        self.offset_ms = offset_ms
        self.base = base
        self.sd = sd
        self.lo, self.hi = point.range_lo, point.range_hi
        self.na = [rng.gauss(0.0, 0.7071) for _ in range(_NOISE_A)]
        self.nb = [rng.gauss(0.0, 0.7071) for _ in range(_NOISE_B)]
        span = point.range_hi - point.range_lo
        if point.kind == "level" and point.unit == "m":
            self.decimals = 3  # radar gauges resolve millimetres
        else:
            self.decimals = max(0, min(4, 3 - math.floor(math.log10(span))))
        # Flow meters cut small flows off to zero (a stopped pump reads 0, not noise).
        self.cutoff = 0.01 * span if point.kind == "flow" else float("-inf")
        self.stale: list[tuple[float, float]] = []  # (offset, end) within the cycle
        self.bad: list[tuple[float, float]] = []
        # NAMUR NE 43: a failed 4-20 mA transmitter drives its output to <= 3.6 mA.
        self.bad_value = round(point.range_lo - 0.025 * span, self.decimals)


def _noise_sd(p: DemoPoint) -> float:
    span = p.range_hi - p.range_lo
    if p.kind == "switch":
        return 0.0
    if p.kind == "level":
        return 0.003 if p.unit == "m" else 0.3
    if p.kind == "temperature":
        return 0.05
    if p.kind == "gas_combustible":
        return 0.25
    if p.kind == "gas_toxic":
        return 0.02 * (p.sp_h or span * 0.05)
    if p.kind == "oxygen":
        return 0.03
    if p.kind == "flow":
        return 0.005 * span
    if p.kind == "other":
        return 0.3
    return 0.002 * span  # pressure


class _Plant:
    """Builds the noise-free base function of every point from shared plant signals."""

    def __init__(self, seed: int, points: Sequence[DemoPoint]) -> None:
        self.seed = seed
        self.points = {p.tag: p for p in points}
        rng = self.rng("plant")
        self.weather = _Weather(rng)
        self.p101 = _Schedule(3000.0, 2100.0, rng.uniform(0, 3000))
        self.loading_ground = _Schedule(2400.0, 1080.0, rng.uniform(0, 2400))
        self.r202_phase = rng.uniform(0, 5400)
        self.fan = _Schedule(3600.0, 1200.0, rng.uniform(0, 3600))
        self.air_phase = rng.uniform(0, 240)
        self.r201_phase = rng.uniform(0, TWO_PI)
        self.r201_drift = self.drift("R-201", 0.8, 3600.0, 9 * 3600.0)
        self.fns: dict[str, Fn] = {}

    def rng(self, *what: object) -> random.Random:
        return random.Random(":".join(str(w) for w in (self.seed, *what)))

    def drift(self, tag: str, amp: float, p_min: float = 1800.0, p_max: float = 6 * 3600.0) -> Fn:
        r = self.rng(tag, "drift")
        w1, w2 = TWO_PI / r.uniform(p_min * 3, p_max), TWO_PI / r.uniform(p_min, p_min * 3)
        f1, f2 = r.uniform(0, TWO_PI), r.uniform(0, TWO_PI)
        a1, a2 = amp * 0.7, amp * 0.3
        sin = math.sin
        return lambda t: a1 * sin(w1 * t + f1) + a2 * sin(w2 * t + f2)

    # shared process signals ------------------------------------------------------------------------

    def cooling_water(self, t: float) -> float:
        """Cooling-water supply temperature (°C): follows the air through the cooling tower."""
        return 24.0 + 0.35 * (self.weather.lagged(t, 2 * 3600.0) - 15.0)

    def p101_draw(self, t: float) -> float:
        """0 → 1 while P-101 runs, 1 → 0 while it is stopped (tank refills): continuous."""
        running, since = self.p101.state(t)
        if running:
            return since / self.p101.on_s
        return 1.0 - since / (self.p101.period - self.p101.on_s)

    def p101_pressure(self, t: float) -> float:
        running, since = self.p101.state(t)
        if running:
            return _approach(0.06, 0.82, since, 2.0)
        return _approach(0.82, 0.06, since, 3.0)

    def p101_flow(self, t: float) -> float:
        running, since = self.p101.state(t)
        return _approach(0.0, 45.0, since, 3.0) if running else 45.0 * math.exp(-since / 2.0)

    def loading(self, t: float) -> tuple[bool, float]:
        """Loading pump: runs from 60 s after the earthing clamp is on until 60 s before it is off."""
        grounded, since = self.loading_ground.state(t)
        if grounded and 60.0 <= since < self.loading_ground.on_s - 60.0:
            return True, since - 60.0
        if grounded:
            stopped = since - (self.loading_ground.on_s - 60.0) if since >= 60.0 else 1e9
        else:
            stopped = since + 60.0
        return False, stopped

    def loading_flow(self, t: float) -> float:
        running, since = self.loading(t)
        if not running:
            return 60.0 * math.exp(-since / 2.0) if since < 120.0 else 0.0
        if since < 120.0:  # initial flow kept low (≤ 1 m/s at the arm) until the outlet is covered
            return _approach(0.0, 25.0, since, 3.0)
        return _approach(25.0, 60.0, since - 120.0, 10.0)

    def r202(self, t: float) -> tuple[float, float, float, float]:
        """R-202 batch state: (temperature °C, pressure MPa, chlorine feed kg/h, agitator 0/1)."""
        s = (t + self.r202_phase) % 5400.0
        if s < 600.0:  # charge and heat
            temp = 45.0 + 15.0 * s / 600.0
            return temp, 0.05 + 0.0047 * (temp - 45.0), 0.0, 1.0
        if s < 4500.0:  # chlorination
            temp = 60.0 + 1.5 * math.sin(TWO_PI * (s - 600.0) / 900.0)
            feed = _approach(0.0, 120.0, s - 600.0, 20.0) + 5.0 * math.sin(TWO_PI * s / 700.0)
            return temp, 0.12 + 0.004 * (temp - 60.0), max(feed, 0.0), 1.0
        if s < 5100.0:  # degassing
            x = (s - 4500.0) / 600.0
            return 60.0 - 5.0 * x, 0.12 - 0.06 * x, 120.0 * math.exp(-(s - 4500.0) / 10.0), 1.0
        x = (s - 5100.0) / 300.0  # discharge: agitator stopped
        return 55.0 - 10.0 * x, 0.06 - 0.01 * x, 0.0, 0.0

    # the points ------------------------------------------------------------------------------------------

    def build(self) -> dict[str, Fn]:
        """Base (noise-free) value functions by tag."""
        w = self.weather
        fns = self.fns
        for tag, p in self.points.items():
            fns[tag] = self._build_one(tag, p, w)
        return fns

    def _build_one(self, tag: str, p: DemoPoint, w: _Weather) -> Fn:
        r = self.rng(tag, "shape")
        kind = p.kind
        prefix, _, num = tag.partition("-")
        if prefix == "LT" and p.unit == "m":
            return self._tank_level(tag, num, r)
        if prefix == "LSHH":
            lt = self.points[f"LT-{num}"]
            trip = (lt.sp_hh or lt.range_hi) + 0.2  # the switch sits 0.2 m above the HH set-point
            # Looked up at call time: it must see the level with any incident applied.
            return lambda t: 1.0 if self.fns[f"LT-{num}"](t) >= trip else 0.0
        if prefix == "TT" and num.startswith("10"):  # tank temperature: slow lag plus solar gain
            gain, d = r.uniform(0.3, 1.0), self.drift(tag, 0.2)
            return lambda t: w.lagged(t, 6 * 3600.0) + gain + d(t)
        if prefix == "PT" and num.startswith("10"):  # nitrogen blanket breathes with the daily cycle
            d = self.drift(tag, 0.03)
            return lambda t: 0.5 + 0.02 * w.daily(t, 6 * 3600.0) + d(t)
        if kind == "gas_combustible":
            return self._combustible(tag, p, r)
        if kind == "gas_toxic":
            h = p.sp_h or 1.0
            d = self.drift(tag, 0.02 * h)
            return lambda t: 0.03 * h + d(t)
        if kind == "oxygen":
            mean = 20.6 if tag == "AT-504" else 20.9  # the sump pit runs a little low
            d = self.drift(tag, 0.1)
            return lambda t: mean + d(t)
        special = self._special(tag, w, r)
        if special is not None:
            return special
        if kind == "switch":
            return lambda t: 1.0
        mid = _normal_value(p)
        d = self.drift(tag, 0.01 * (p.range_hi - p.range_lo))
        return lambda t: mid + d(t)

    def _tank_level(self, tag: str, num: str, r: random.Random) -> Fn:
        # (bottom m, swing m, period h): inside L..H; T-104 runs high (the overfill tank).
        table = {
            "101": (4.0, 3.5, 6.0),
            "102": (3.0, 4.5, 8.0),
            "103": (5.0, 3.0, 5.0),
            "104": (8.2, 0.4, 4.0),
            "105": (2.5, 4.0, 3.5),
            "106": (2.0, 4.5, 4.5),
        }
        bottom, swing, hours = table.get(num, (3.0, 3.0, 5.0))
        period, ph = hours * 3600.0, r.random()
        if num in ("101", "102"):  # P-101 draws from the methanol tanks
            return lambda t: bottom + 0.25 + swing * _tri(t / period + ph) - 0.25 * self.p101_draw(t)
        return lambda t: bottom + swing * _tri(t / period + ph)

    def _combustible(self, tag: str, p: DemoPoint, r: random.Random) -> Fn:
        d = self.drift(tag, 0.3)
        zero = r.uniform(0.2, 0.6)
        if tag.startswith("GT-7"):  # warehouse: vapour builds up while the exhaust fan is off
            return lambda t: zero + d(t) + 0.6 * (1.0 - self.fan.on(t))
        if tag.startswith("GT-4"):  # loading bay: a little vapour while a truck is being loaded
            return lambda t: zero + d(t) + (1.2 if self.loading(t)[0] else 0.0)
        return lambda t: zero + d(t)

    def _special(self, tag: str, w: _Weather, r: random.Random) -> Fn | None:
        sin = math.sin
        ph = r.uniform(0, TWO_PI)
        match tag:
            case "XS-101":
                return lambda t: 1.0 if self.p101.state(t)[0] else 0.0
            case "PT-111":
                d = self.drift(tag, 0.01)
                return lambda t: self.p101_pressure(t) + (d(t) if self.p101.state(t)[0] else 0.0)
            case "FT-101":
                return self.p101_flow
            case "XS-401":
                return self.loading_ground.on
            case "XS-402":
                return lambda t: 1.0 if self.loading(t)[0] else 0.0
            case "FT-401":
                return self.loading_flow
            case "TT-201":
                return self._r201
            case "PT-201":
                d = self.drift(tag, 0.015, 600.0, 3600.0)
                return lambda t: 2.45 + 0.012 * (self._r201(t) - 125.0) + d(t)
            case "LT-201":
                return lambda t: 52.0 + 3.0 * sin(TWO_PI * t / 1800.0 + ph)
            case "FT-201":
                return lambda t: 300.0 + 6.0 * (self._r201(t) - 125.0) + 4.0 * sin(TWO_PI * t / 170.0 + ph)
            case "TT-202":
                return lambda t: self.r202(t)[0]
            case "PT-202":
                return lambda t: self.r202(t)[1]
            case "FT-202":
                return lambda t: self.r202(t)[2]
            case "XS-202":
                return lambda t: self.r202(t)[3]
            case "TT-203":
                return lambda t: self.cooling_water(t) + 2.0 + 6.0 * self.r202(t)[2] / 120.0
            case "TT-301":
                return lambda t: 108.0 + sin(TWO_PI * t / 3600.0 + ph)
            case "PT-301":
                return lambda t: (
                    5.0 + 0.8 * sin(TWO_PI * t / 3600.0 + ph) + 0.3 * (self.cooling_water(t) - 28.0)
                )
            case "LT-301":  # level control hunting a little around 50 %
                return lambda t: 50.0 + 6.0 * sin(TWO_PI * t / 1300.0 + ph) + 2.0 * sin(TWO_PI * t / 170.0)
            case "TT-211":
                return lambda t: self.cooling_water(t) + 10.0 + 0.5 * sin(TWO_PI * t / 2000.0 + ph)
            case "PT-501":  # the compressor loads (0.62 → 0.70 MPa in 90 s) and unloads (150 s)

                def air(t: float) -> float:
                    s = (t + self.air_phase) % 240.0
                    return 0.62 + 0.08 * s / 90.0 if s < 90.0 else 0.70 - 0.08 * (s - 90.0) / 150.0

                return air
            case "PT-502":
                d = self.drift(tag, 0.02)
                return lambda t: 0.6 + d(t) - 0.02 * (self.r202(t)[1] < 0.1)
            case "TT-601":
                return self.cooling_water
            case "PT-601":
                d = self.drift(tag, 0.01)
                return lambda t: 0.45 + d(t)
            case "XS-701":
                return self.fan.on
            case "TT-701" | "TT-702":
                east = 0.5 if tag == "TT-702" else 0.0
                return lambda t: 0.6 * w.lagged(t, 3 * 3600.0) + 0.4 * 20.0 + east
            case "MT-701" | "MT-702":
                d = self.drift(tag, 2.0)
                return lambda t: 55.0 + 10.0 * _season(t) - 1.5 * w.daily(t, 3 * 3600.0) + d(t)
        return None

    def _r201(self, t: float) -> float:
        """R-201 temperature (°C): its pressure and hydrogen uptake follow it."""
        return 125.0 + 1.5 * math.sin(TWO_PI * t / 2700.0 + self.r201_phase) + self.r201_drift(t)


def _normal_value(p: DemoPoint) -> float:
    """Midway between the inner set-points (or mid-range)."""
    lo = p.sp_l if p.sp_l is not None else p.range_lo
    hi = p.sp_h if p.sp_h is not None else p.range_hi
    return (lo + hi) / 2.0


# -- incident effects ----------------------------------------------------------------------------------


def _leak_factors(inc: Incident, points: Mapping[str, DemoPoint]) -> dict[str, float]:
    """Share of the leak's source concentration reaching each detector (distance and wind)."""
    prm = inc.params
    sx, sy = prm.get("x"), prm.get("y")
    if sx is None or sy is None:  # default: right at the first detector
        first = points[inc.tags[0]]
        sx, sy = first.x, first.y
    length = prm.get("length_m", 25.0)
    wd = math.radians(prm.get("wind_to_deg", 225.0))
    wx, wy = math.sin(wd), math.cos(wd)
    out: dict[str, float] = {}
    for tag in inc.tags:
        p = points[tag]
        dx, dy = p.x - sx, p.y - sy
        dist = math.hypot(dx, dy)
        along = (dx * wx + dy * wy) / dist if dist > 0 else 1.0
        out[tag] = math.exp(-dist / length) * (0.35 + 0.65 * max(0.0, along))
    return out


def _leak_profile(u: float) -> float:
    """Leak strength over the window (u in 0..1): grows, holds, then decays once isolated at 0.70."""
    if u < 0.55:
        x = u / 0.55
        return x * x
    if u < 0.70:
        return 1.0
    x = (u - 0.70) / 0.30
    return math.exp(-5.0 * x) * (1.0 - x)


def _gust(t: float) -> float:
    """Turbulence: between 0.81 and 1.19 (inside _GUST_MIN.._GUST_MAX)."""
    return 1.0 + 0.12 * math.sin(TWO_PI * t / 23.0) + 0.07 * math.sin(TWO_PI * t / 7.3 + 1.0)


def _overfill_profile(u: float) -> float:
    """Level excursion (0..1): rises, the SIS trips and holds, then the tank is pumped back down."""
    if u < 0.50:
        return u / 0.50
    if u < 0.55:
        return 1.0
    return max(0.0, 1.0 - (u - 0.55) / 0.45)


class PlantSimulator:
    """The demo plant over time: `samples_between(t0, t1)` yields every sample due in [t0, t1)."""

    def __init__(
        self,
        seed: int = 1,
        start: float | None = None,
        incidents: Sequence[Incident] | None = None,
        cycle_s: float = 1800.0,
        points: Sequence[DemoPoint] = DEMO_POINTS,
    ) -> None:
        if cycle_s <= 0:
            raise ValueError("cycle_s must be positive")
        self.seed = seed
        self.start = float(time.time() if start is None else start)
        self.cycle_s = float(cycle_s)
        self.points: tuple[DemoPoint, ...] = tuple(points)
        self.by_tag = {p.tag: p for p in self.points}
        self.incidents: tuple[Incident, ...] = tuple(DEFAULT_INCIDENTS if incidents is None else incidents)
        self._cursor = self.start
        self._expected: dict[str, Mapping[str, tuple[str, ...]]] = {}

        base = _Plant(seed, self.points).build()
        for inc in self.incidents:
            self._expected[inc.name] = self._apply(inc, base)
        self._base = base

        self._models: list[_Model] = []
        for p in self.points:
            r = random.Random(f"{seed}:{p.tag}:noise")
            m = _Model(p, base[p.tag], _noise_sd(p), r.randrange(round(p.period_s * 1000)), r)
            self._models.append(m)
        models = {m.tag: m for m in self._models}
        for inc in self.incidents:
            for tag in inc.tags:
                if inc.kind == "stale":
                    models[tag].stale.append((inc.offset_s, inc.offset_s + inc.duration_s))
                elif inc.kind == "bad_quality":
                    models[tag].bad.append((inc.offset_s, inc.offset_s + inc.duration_s))

    @property
    def cursor(self) -> float:
        """Where `step` resumes: samples before this time have been handed out."""
        return self._cursor

    @property
    def nominal_rate(self) -> float:
        """Samples per simulated second across all points."""
        return sum(1.0 / p.period_s for p in self.points)

    # -- incidents -----------------------------------------------------------------------------------

    def _apply(self, inc: Incident, base: dict[str, Fn]) -> dict[str, tuple[str, ...]]:
        """Validate an incident, wrap the affected base functions, return its expected conditions."""
        if inc.kind not in INCIDENT_KINDS:
            raise ValueError(f"incident {inc.name}: unknown kind {inc.kind!r}")
        if not inc.tags:
            raise ValueError(f"incident {inc.name}: no tags")
        for tag in inc.tags:
            if tag not in self.by_tag:
                raise ValueError(f"incident {inc.name}: unknown tag {tag}")
        if inc.duration_s <= 0 or inc.offset_s < 0 or inc.offset_s + inc.duration_s > self.cycle_s:
            raise ValueError(f"incident {inc.name}: offset/duration must fit in the {self.cycle_s:g} s cycle")
        off, cyc, start = inc.offset_s, self.cycle_s, self.start

        def phase(t: float) -> float:
            """Seconds since this cycle's window opened (negative or > dur when outside)."""
            return (t - start) % cyc - off

        if inc.kind == "gas_leak":
            return self._apply_leak(inc, base, phase)
        if inc.kind == "overfill":
            return self._apply_overfill(inc, base, phase)
        if inc.kind == "chattering":
            return self._apply_chatter(inc, base, phase)
        condition = "STALE" if inc.kind == "stale" else "BAD"
        return {tag: (condition,) for tag in inc.tags}

    def _apply_leak(self, inc: Incident, base: dict[str, Fn], phase: Fn) -> dict[str, tuple[str, ...]]:
        peak = inc.params.get("peak_lel", 90.0)
        dur = inc.duration_s
        expected: dict[str, tuple[str, ...]] = {}
        for tag, factor in _leak_factors(inc, self.by_tag).items():
            p = self.by_tag[tag]
            if p.kind != "gas_combustible":
                raise ValueError(f"incident {inc.name}: {tag} is not a combustible-gas detector")
            top = peak * factor
            conds: list[str] = []
            for name, sp in (("H", p.sp_h), ("HH", p.sp_hh)):
                if sp is None:
                    continue
                if top * _GUST_MIN > sp:
                    conds.append(name)
                elif top * _GUST_MAX >= sp:
                    raise ValueError(f"incident {inc.name}: {tag} peaks too close to its {name} set-point")
            if conds:
                expected[tag] = tuple(conds)
            if top < 0.05:
                continue
            f0 = base[tag]

            def leaked(t: float, f0: Fn = f0, top: float = top) -> float:
                s = phase(t)
                if 0.0 <= s < dur:
                    return f0(t) + top * _leak_profile(s / dur) * _gust(t)
                return f0(t)

            base[tag] = leaked
        return expected

    def _apply_overfill(self, inc: Incident, base: dict[str, Fn], phase: Fn) -> dict[str, tuple[str, ...]]:
        (tag,) = inc.tags
        p = self.by_tag[tag]
        if p.sp_hh is None or p.sp_h is None:
            raise ValueError(f"incident {inc.name}: {tag} needs H and HH set-points")
        peak = p.sp_hh + inc.params.get("above_hh_m", 0.3)
        dur = inc.duration_s
        f0 = base[tag]

        def overfilled(t: float) -> float:
            s = phase(t)
            if 0.0 <= s < dur:
                t_peak = t - s + 0.50 * dur
                return f0(t) + (peak - f0(t_peak)) * _overfill_profile(s / dur)
            return f0(t)

        base[tag] = overfilled
        expected: dict[str, tuple[str, ...]] = {tag: ("H", "HH")}
        switch = "LSHH-" + tag.partition("-")[2]
        if switch in self.by_tag and peak >= p.sp_hh + 0.2:
            expected[switch] = ("HH",)
        return expected

    def _apply_chatter(self, inc: Incident, base: dict[str, Fn], phase: Fn) -> dict[str, tuple[str, ...]]:
        (tag,) = inc.tags
        p = self.by_tag[tag]
        if p.sp_h is None:
            raise ValueError(f"incident {inc.name}: {tag} needs an H set-point")
        period = inc.params.get("period_s", 15.0)
        amp = inc.params.get("amplitude", 0.2)
        centre = p.sp_h + 0.25 * amp
        dur = inc.duration_s
        ramp = min(20.0, dur / 4)
        f0 = base[tag]

        def chatter(t: float) -> float:
            s = phase(t)
            if not 0.0 <= s < dur:
                return f0(t)
            env = min(1.0, s / ramp, (dur - s) / ramp)
            v0 = f0(t)
            return v0 + env * (centre - v0 + amp * math.sin(TWO_PI * s / period))

        base[tag] = chatter
        return {tag: ("H",)}

    def incident_windows(self, t0: float, t1: float) -> list[IncidentWindow]:
        """Every incident occurrence overlapping [t0, t1), in order of start."""
        out: list[IncidentWindow] = []
        if t1 <= t0:
            return out
        first = math.floor((t0 - self.start) / self.cycle_s) - 1
        last = math.floor((t1 - self.start) / self.cycle_s)
        for n in range(first, last + 1):
            cs = self.start + n * self.cycle_s
            for inc in self.incidents:
                a, b = cs + inc.offset_s, cs + inc.offset_s + inc.duration_s
                if a < t1 and b > t0:
                    exp = self._expected[inc.name]
                    tags = (*inc.tags, *(tag for tag in exp if tag not in inc.tags))
                    out.append(IncidentWindow(inc.name, inc.kind, inc.title_zh, a, b, tags, exp))
        out.sort(key=lambda w: (w.start, w.name))
        return out

    # -- samples -------------------------------------------------------------------------------------

    def value_at(self, tag: str, t: float) -> float:
        """The noise-free value of a point at time t (ground truth for tests and benches)."""
        return self._base[tag](t)

    def samples_between(self, t0: float, t1: float) -> Iterator[Sample]:
        """Every sample due in [t0, t1) by each point's period, in time order (stale points skip)."""
        a = float(t0)
        while a < t1:
            b = min(a + SLICE_S, t1)
            batch = self._slice(a, b)
            batch.sort(key=_BY_TIME)
            yield from batch
            a = b

    def _slice(self, a: float, b: float) -> list[Sample]:
        out: list[Sample] = []
        app = out.append
        start, cyc = self.start, self.cycle_s
        for m in self._models:
            # Sample k is due at (k × period + offset) ms: integer arithmetic gives exact, split-proof times.
            p, off, base, tag = m.period_ms, m.offset_ms, m.base, m.tag
            sd, na, nb, lo, hi, nd, cut = m.sd, m.na, m.nb, m.lo, m.hi, m.decimals, m.cutoff
            stale, bad = m.stale, m.bad
            k = (math.floor(a * 1000.0) - off) // p - 1
            ts = (k * p + off) / 1000.0
            while ts < a:
                k += 1
                ts = (k * p + off) / 1000.0
            while ts < b:
                q = 0
                if stale or bad:
                    ph = (ts - start) % cyc
                    if any(s0 <= ph < s1 for s0, s1 in stale):
                        k += 1
                        ts = (k * p + off) / 1000.0
                        continue
                    if any(s0 <= ph < s1 for s0, s1 in bad):
                        q = 2
                if q:
                    v = m.bad_value
                else:
                    v = base(ts)
                    if sd:
                        v += sd * (na[k % _NOISE_A] + nb[k % _NOISE_B])
                        v = 0.0 if v < cut else round(lo if v < lo else hi if v > hi else v, nd)
                app((tag, ts, v, q))
                k += 1
                ts = (k * p + off) / 1000.0
        return out

    def step(self, now: float | None = None) -> list[Sample]:
        """The samples due since the previous step (the first step starts at `start`)."""
        t = time.time() if now is None else float(now)
        if t <= self._cursor:
            return []
        out = list(self.samples_between(self._cursor, t))
        self._cursor = t
        return out


_BY_TIME = itemgetter(1)

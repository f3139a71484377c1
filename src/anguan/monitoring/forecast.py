"""Early warning (预警, AQ 3064.1 §6.2 b): forecast of the time left before a value crosses its next set-point.

Method (see docs/early-warning.md): an exponentially weighted linear regression of value on time,
updated in O(1) per sample (West's weighted mean/covariance recursion with a forgetting factor
exp(-Δt/τ)). The line's slope and its coefficient of determination R² give a trend and how much of
the recent variance that trend explains; the fitted value now, extrapolated along the slope, gives
the time to the set-point (ETA). A pre-alarm needs enough samples, enough history, a trend that
explains most of the variance (R² ≥ r2_on) and an ETA under the horizon; it returns with hysteresis
(ETA over horizon × release_ratio, or R² below r2_off, or the trend turning away).

The thresholds are versioned reference data (`EarlyWarningParams`), not literals in the engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf


@dataclass(frozen=True)
class EarlyWarningParams:
    """Tuning of the early-warning forecast [D]; change the version with any value."""

    version: str
    # Forgetting time constant τ = max(tau_horizon_ratio × horizon, tau_min_intervals × expected interval).
    tau_horizon_ratio: float
    tau_min_intervals: float
    # A forecast is "ready" only after min_samples samples spanning min_span_tau × τ since the last reset.
    min_samples: int
    min_span_tau: float
    # Explained trend: R² needed to raise the pre-alarm, and the R² under which it returns.
    r2_on: float
    r2_off: float
    # The pre-alarm returns when the ETA grows past horizon × release_ratio (hysteresis).
    release_ratio: float
    # A gap longer than this many expected intervals (or bad quality) restarts the fit.
    reset_gap_intervals: float


EW_V1 = EarlyWarningParams(
    version="anguan-ew/v1",
    tau_horizon_ratio=0.2,
    tau_min_intervals=6.0,
    min_samples=8,
    min_span_tau=1.0,
    r2_on=0.8,
    r2_off=0.5,
    release_ratio=1.25,
    reset_gap_intervals=3.0,
)


def time_constant(horizon_s: float, expected_interval_s: float, params: EarlyWarningParams) -> float:
    """Forgetting time constant τ (s) of the regression for a point."""
    return max(params.tau_horizon_ratio * horizon_s, params.tau_min_intervals * expected_interval_s)


class TrendEstimator:
    """Exponentially weighted linear regression of value on time, O(1) per sample.

    Holds the weighted sum of weights `w`, the weighted means of time `mt` (seconds after
    `t_first`) and value `mv`, and the
    weighted co-moments `ctt`, `ctv`, `cvv`; the weight of a sample of age a is exp(-a/τ).
    """

    __slots__ = ("ctt", "ctv", "cvv", "mt", "mv", "n", "t_first", "t_last", "tau", "w")

    def __init__(self, tau_s: float) -> None:
        self.tau = tau_s
        self.reset()

    def reset(self) -> None:
        """Forget every sample."""
        self.n = 0
        self.t_first = 0.0
        self.t_last = 0.0
        self.w = 0.0
        self.mt = 0.0
        self.mv = 0.0
        self.ctt = 0.0
        self.ctv = 0.0
        self.cvv = 0.0

    def update(self, t: float, v: float) -> None:
        """Add one sample (t in epoch seconds, non-decreasing)."""
        if self.n == 0:
            self.n = 1
            self.t_first = self.t_last = t
            self.mt = 0.0
            self.mv = v
            self.w = 1.0
            self.ctt = self.ctv = self.cvv = 0.0
            return
        dt = t - self.t_last
        d = math.exp(-dt / self.tau) if dt > 0.0 else 1.0
        w = self.w * d + 1.0
        x = t - self.t_first  # time relative to the first sample keeps full precision
        dtm = x - self.mt
        dvm = v - self.mv
        mt = self.mt + dtm / w
        mv = self.mv + dvm / w
        self.ctt = self.ctt * d + dtm * (x - mt)
        self.ctv = self.ctv * d + dtm * (v - mv)
        self.cvv = self.cvv * d + dvm * (v - mv)
        self.w = w
        self.mt = mt
        self.mv = mv
        self.n += 1
        if dt > 0.0:
            self.t_last = t

    def ready(self, params: EarlyWarningParams) -> bool:
        """Enough samples over enough time for the fit to be trusted."""
        return self.n >= params.min_samples and self.t_last - self.t_first >= params.min_span_tau * self.tau

    def slope(self) -> float:
        """Fitted slope (units per second); 0 without a time spread."""
        return self.ctv / self.ctt if self.ctt > 0.0 else 0.0

    def r2(self) -> float:
        """Share of the weighted variance explained by the line (0 when the value is constant)."""
        return explained(self.ctt, self.ctv, self.cvv)

    def fitted(self, t: float) -> float:
        """Value of the fitted line at t."""
        return self.mv + self.slope() * (t - self.t_first - self.mt)


def explained(ctt: float, ctv: float, cvv: float) -> float:
    """Coefficient of determination R² of a weighted least-squares line from its co-moments."""
    if ctt <= 0.0 or cvv <= 0.0:
        return 0.0
    return min(1.0, ctv * ctv / (ctt * cvv))


def time_to_cross(level: float, slope_per_s: float, limit: float, rising: bool) -> float:
    """Seconds until a line at `level` with `slope_per_s` crosses `limit` (0 if already past, inf if never)."""
    if rising:
        if slope_per_s <= 0.0:
            return 0.0 if level > limit else INF
        return max(0.0, (limit - level) / slope_per_s)
    if slope_per_s >= 0.0:
        return 0.0 if level < limit else INF
    return max(0.0, (limit - level) / slope_per_s)


def pre_alarm_active(
    was_active: bool, eta_s: float, r2: float, horizon_s: float, params: EarlyWarningParams
) -> bool:
    """Hysteresis of the pre-alarm: raise at ETA < horizon with R² >= r2_on; keep while ETA <= horizon × release_ratio and R² >= r2_off."""
    if was_active:
        return eta_s <= horizon_s * params.release_ratio and r2 >= params.r2_off
    return eta_s < horizon_s and r2 >= params.r2_on

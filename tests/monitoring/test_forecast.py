"""Early-warning maths: the O(1) weighted regression, the ETA and the hysteresis at their boundaries."""

from __future__ import annotations

import math
import random

import pytest

from anguan.monitoring.forecast import (
    EW_V1,
    TrendEstimator,
    explained,
    pre_alarm_active,
    time_constant,
    time_to_cross,
)

T0 = 1_795_000_000.0


def batch_fit(samples: list[tuple[float, float]], tau: float) -> tuple[float, float, float]:
    """Direct weighted least squares (weights exp(-age/τ)): slope, R², fitted value at the last t."""
    t_last = samples[-1][0]
    w = [math.exp(-(t_last - t) / tau) for t, _ in samples]
    sw = sum(w)
    mt = sum(wi * t for wi, (t, _) in zip(w, samples, strict=True)) / sw
    mv = sum(wi * v for wi, (_, v) in zip(w, samples, strict=True)) / sw
    stt = sum(wi * (t - mt) ** 2 for wi, (t, _) in zip(w, samples, strict=True))
    stv = sum(wi * (t - mt) * (v - mv) for wi, (t, v) in zip(w, samples, strict=True))
    svv = sum(wi * (v - mv) ** 2 for wi, (_, v) in zip(w, samples, strict=True))
    slope = stv / stt
    return slope, stv * stv / (stt * svv), mv + slope * (t_last - mt)


def test_recursion_equals_batch_weighted_least_squares():
    rng = random.Random(7)
    t = T0
    samples = []
    for i in range(400):
        t += rng.uniform(1.0, 9.0)  # irregular sampling
        samples.append((t, 0.01 * i + rng.gauss(0, 0.5)))
    est = TrendEstimator(120.0)
    for s in samples:
        est.update(*s)
    slope, r2, fitted = batch_fit(samples, 120.0)
    assert est.slope() == pytest.approx(slope, rel=1e-6)
    assert est.r2() == pytest.approx(r2, rel=1e-6)
    assert est.fitted(samples[-1][0]) == pytest.approx(fitted, rel=1e-9)


def test_a_perfect_line_is_recovered_exactly():
    est = TrendEstimator(300.0)
    for i in range(100):
        est.update(T0 + 5 * i, 40.0 + 0.02 * 5 * i)
    assert est.slope() == pytest.approx(0.02, rel=1e-9)
    assert est.r2() == pytest.approx(1.0, abs=1e-9)
    assert est.fitted(T0 + 495) == pytest.approx(40.0 + 0.02 * 495, rel=1e-12)


def test_constant_value_has_no_trend():
    est = TrendEstimator(300.0)
    for i in range(100):
        est.update(T0 + 5 * i, 50.0)
    assert est.slope() == 0.0 and est.r2() == 0.0


def test_old_samples_are_forgotten():
    # A step long ago does not tilt the line once several τ have passed.
    est = TrendEstimator(60.0)
    for i in range(200):
        est.update(T0 + 5 * i, 0.0 if i < 20 else 10.0)
    assert abs(est.slope()) < 1e-3


@pytest.mark.parametrize(
    ("n", "span", "ready"),
    [
        pytest.param(8, 300.0, True, id="min-samples-and-one-tau"),
        pytest.param(7, 300.0, False, id="one-sample-short"),
        pytest.param(61, 299.999, False, id="span-short-of-tau"),
    ],
)
def test_readiness(n, span, ready):
    est = TrendEstimator(300.0)
    for i in range(n):
        est.update(T0 + span * i / (n - 1), float(i))
    assert est.ready(EW_V1) is ready


@pytest.mark.parametrize(
    ("level", "slope", "limit", "rising", "eta"),
    [
        pytest.param(70.0, 0.1, 80.0, True, 100.0, id="rising-100s"),
        pytest.param(80.0, 0.1, 80.0, True, 0.0, id="rising-at-limit"),
        pytest.param(81.0, 0.1, 80.0, True, 0.0, id="rising-past-limit"),
        pytest.param(70.0, 0.0, 80.0, True, math.inf, id="flat-never"),
        pytest.param(70.0, -0.1, 80.0, True, math.inf, id="falling-away-never"),
        pytest.param(30.0, -0.1, 20.0, False, 100.0, id="falling-100s"),
        pytest.param(30.0, 0.1, 20.0, False, math.inf, id="rising-away-from-low-never"),
    ],
)
def test_time_to_cross(level, slope, limit, rising, eta):
    assert time_to_cross(level, slope, limit, rising) == pytest.approx(eta)


H = 600.0


@pytest.mark.parametrize(
    ("was", "eta", "r2", "now"),
    [
        pytest.param(False, 599.999, 0.8, True, id="raise-under-horizon-at-r2-on"),
        pytest.param(False, 600.0, 0.99, False, id="not-raised-exactly-at-horizon"),
        pytest.param(False, 100.0, 0.799, False, id="not-raised-under-r2-on"),
        pytest.param(True, 750.0, 0.5, True, id="kept-at-release-and-r2-off"),
        pytest.param(True, 750.001, 0.9, False, id="returns-past-release"),
        pytest.param(True, 100.0, 0.499, False, id="returns-under-r2-off"),
        pytest.param(True, math.inf, 0.9, False, id="returns-when-trend-turns"),
    ],
)
def test_hysteresis(was, eta, r2, now):
    assert pre_alarm_active(was, eta, r2, H, EW_V1) is now


def test_time_constant():
    assert time_constant(600.0, 5.0, EW_V1) == 120.0
    assert time_constant(60.0, 10.0, EW_V1) == 60.0  # at least 6 intervals


def test_explained_degenerate_inputs():
    assert explained(0.0, 0.0, 1.0) == 0.0
    assert explained(1.0, 0.0, 0.0) == 0.0
    assert explained(1.0, 2.0, 4.0) == 1.0

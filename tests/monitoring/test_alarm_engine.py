"""Alarm engine at its boundaries (ISA-18.2 process side; requirements.md §7.5 AL-4, AL-9, AL-10).

Boundary decisions under test (see the module docstring of `monitoring.alarm_engine`):
- a value exactly at a set-point is normal (HH/H activate at value > sp, L/LL at value < sp),
  as `rules.oxygen_alarm` treats 23.5 % and 19.5 %;
- a high alarm returns at value <= sp - deadband (exactly sp - deadband returns), a low one at
  value >= sp + deadband;
- on/off delays are complete when exactly on_delay_s / off_delay_s have elapsed;
- STALE at exactly 3 × expected_interval_s of silence (as `rules.data_stale`);
- chattering at 3 activations within 60 s inclusive (as `rules.is_chattering`).
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from anguan.monitoring.alarm_engine import AlarmEngine, pre_priority
from anguan.monitoring.reference import ISA182_EEMUA191_V1 as KPI
from anguan.monitoring.types import QUALITY_BAD, QUALITY_UNCERTAIN, AlarmChange, PointConfig, Reading

T0 = 1_795_000_000.0  # 2026-11-18 UTC, an exact float: T0 + 60 - T0 == 60
PV = PointConfig(
    id=1,
    tag="LT-101",
    kind="level",
    site_id=1,
    unit="%",
    sp_hh=90.0,
    sp_h=80.0,
    sp_l=20.0,
    sp_ll=10.0,
    prio_hh="urgent",
    prio_h="high",
    prio_l="medium",
    prio_ll="high",
    prio_diag="low",
    deadband=2.0,
    expected_interval_s=10.0,
)


def engine(*configs: PointConfig) -> AlarmEngine:
    e = AlarmEngine()
    e.set_points(configs or [PV])
    return e


def feed(e: AlarmEngine, samples, point_id: int = 1, quality: int = 0) -> list[AlarmChange]:
    """Feed (seconds after T0, value) pairs; returns every change."""
    out: list[AlarmChange] = []
    for s, v in samples:
        out += e.process(Reading(point_id, T0 + s, v, quality))
    return out


def chatter(changes: list[AlarmChange]) -> list[AlarmChange]:
    return [c for c in changes if c.kind == "chattering"]


def supp(changes: list[AlarmChange]) -> list[AlarmChange]:
    """Only the suppression changes (a silent point goes STALE in these timelines too)."""
    return [c for c in changes if c.kind in ("suppressed", "unsuppressed")]


def kinds(changes: list[AlarmChange]) -> list[tuple[str, str]]:
    return [(c.condition, c.kind) for c in changes]


# -- limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(50.0, [], id="normal"),
        pytest.param(80.0, [], id="H-exactly-at-set-point-is-normal"),
        pytest.param(80.000001, [("H", "activated")], id="H-just-above"),
        pytest.param(90.0, [("H", "activated")], id="HH-exactly-at-set-point-only-H"),
        pytest.param(90.000001, [("HH", "activated"), ("H", "activated")], id="HH-just-above-both-active"),
        pytest.param(20.0, [], id="L-exactly-at-set-point-is-normal"),
        pytest.param(19.999999, [("L", "activated")], id="L-just-below"),
        pytest.param(10.0, [("L", "activated")], id="LL-exactly-only-L"),
        pytest.param(9.999999, [("L", "activated"), ("LL", "activated")], id="LL-just-below"),
    ],
)
def test_limit_activation_boundaries(value, expected):
    changes = feed(engine(), [(0, 50.0), (10, value)])
    assert kinds(changes) == expected


def test_activation_carries_priority_value_limit_level_and_message():
    (hh, h) = feed(engine(), [(0, 95.0)])
    assert (hh.condition, hh.priority, hh.value, hh.limit, hh.t) == ("HH", "urgent", 95.0, 90.0, T0)
    assert (h.condition, h.priority, h.limit) == ("H", "high", 80.0)
    assert hh.extra["level"] == 2 and h.extra["level"] == 1
    assert h.message == "High alarm: 95 % above 80"


@pytest.mark.parametrize(
    ("back_to", "returned"),
    [
        pytest.param(78.0, True, id="H-returns-exactly-at-sp-minus-deadband"),
        pytest.param(78.000001, False, id="H-held-inside-deadband"),
        pytest.param(80.0, False, id="H-held-at-set-point"),
    ],
)
def test_high_return_with_deadband(back_to, returned):
    e = engine()
    feed(e, [(0, 85.0)])
    changes = feed(e, [(10, back_to)])
    assert kinds(changes) == ([("H", "returned")] if returned else [])
    assert e.active(1)["H"] is not returned


@pytest.mark.parametrize(
    ("back_to", "returned"),
    [
        pytest.param(22.0, True, id="L-returns-exactly-at-sp-plus-deadband"),
        pytest.param(21.999999, False, id="L-held-inside-deadband"),
    ],
)
def test_low_return_with_deadband(back_to, returned):
    e = engine()
    feed(e, [(0, 15.0)])
    assert kinds(feed(e, [(10, back_to)])) == ([("L", "returned")] if returned else [])


def test_return_carries_value_and_limit():
    e = engine()
    feed(e, [(0, 85.0)])
    (ret,) = feed(e, [(10, 70.0)])
    assert (ret.kind, ret.value, ret.limit, ret.t, ret.priority) == ("returned", 70.0, 80.0, T0 + 10, "high")


GAS = PointConfig(
    id=3,
    tag="GT-301",
    kind="gas_combustible",
    site_id=1,
    unit="%LEL",
    sp_h=25.0,
    sp_hh=50.0,
    prio_h="high",
    prio_hh="urgent",
)


def test_gas_detector_level1_is_H_and_level2_is_HH():
    """GB/T 50493-2019: H = 一级报警 (<= 25 %LEL), HH = 二级报警 (<= 50 %LEL)."""
    e = engine(GAS)
    (l1,) = feed(e, [(0, 30.0)], point_id=3)
    assert (l1.condition, l1.extra["level"], l1.priority) == ("H", 1, "high")
    assert l1.message == "Gas level-1 alarm (H): 30 %LEL above 25"
    (l2,) = feed(e, [(5, 50.5)], point_id=3)
    assert (l2.condition, l2.extra["level"], l2.priority) == ("HH", 2, "urgent")
    assert l2.message.startswith("Gas level-2 alarm (HH)")


O2 = PointConfig(id=4, tag="AT-401", kind="oxygen", site_id=1, unit="%", sp_h=23.5, sp_l=19.5, deadband=0.1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(23.6, [("H", "activated")], id="GB/T50493-O2:AL-4-23.6-high"),
        pytest.param(19.4, [("L", "activated")], id="GB/T50493-O2:AL-4-19.4-low"),
        pytest.param(20.9, [], id="GB/T50493-O2:AL-4-20.9-normal"),
        pytest.param(23.5, [], id="GB/T50493-O2:exactly-23.5-normal"),
        pytest.param(19.5, [], id="GB/T50493-O2:exactly-19.5-normal"),
    ],
)
def test_oxygen_AL4(value, expected):
    assert kinds(feed(engine(O2), [(0, value)], point_id=4)) == expected


# -- on-delay / off-delay -----------------------------------------------------------------------

DELAYED = replace(PV, on_delay_s=10.0, off_delay_s=20.0)


@pytest.mark.parametrize(
    ("samples", "activated_at"),
    [
        pytest.param([(0, 85), (5, 85), (10, 85)], 10.0, id="on-delay-exactly-elapsed"),
        pytest.param([(0, 85), (5, 85), (9.999, 85)], None, id="on-delay-not-yet"),
        pytest.param([(0, 85), (5, 70), (10, 85), (19.999, 85)], None, id="broken-run-restarts"),
        pytest.param([(0, 85), (5, 70), (10, 85), (20, 85)], 20.0, id="restarted-run-completes"),
        pytest.param([(0, 85), (5, 80), (10, 85)], None, id="at-set-point-breaks-run"),
    ],
)
def test_on_delay(samples, activated_at):
    changes = feed(engine(DELAYED), samples)
    assert [c.t for c in changes if c.condition == "H"] == ([T0 + activated_at] if activated_at else [])


@pytest.mark.parametrize(
    ("samples", "returned_at"),
    [
        pytest.param([(30, 70), (40, 70), (50, 70)], 50.0, id="off-delay-exactly-elapsed"),
        pytest.param([(30, 70), (49.999, 70)], None, id="off-delay-not-yet"),
        pytest.param([(30, 70), (40, 79), (50, 70), (60, 70)], None, id="deadband-sample-restarts-run"),
        pytest.param([(30, 70), (40, 79), (50, 70), (70, 70)], 70.0, id="restarted-run-completes"),
    ],
)
def test_off_delay(samples, returned_at):
    e = engine(DELAYED)
    feed(e, [(0, 85), (10, 85)])
    assert e.active(1)["H"]
    changes = feed(e, samples)
    assert [c.t for c in changes if c.condition == "H"] == ([T0 + returned_at] if returned_at else [])


def test_tick_expires_the_on_delay_at_its_due_time():
    e = engine(replace(DELAYED, expected_interval_s=60.0))
    assert feed(e, [(0, 85)]) == []
    assert e.tick(T0 + 9.999) == []
    (h,) = e.tick(T0 + 10.5)
    assert (h.condition, h.kind, h.t, h.value) == ("H", "activated", T0 + 10.0, 85)
    # The next sample confirms the alarm without re-activating it.
    assert feed(e, [(60, 85)]) == []


def test_tick_expires_the_off_delay():
    e = engine(replace(DELAYED, expected_interval_s=60.0))
    feed(e, [(0, 85), (10, 85), (20, 70)])
    assert e.tick(T0 + 39.999) == []
    (h,) = e.tick(T0 + 40)
    assert (h.condition, h.kind, h.t) == ("H", "returned", T0 + 40)


# -- STALE (AL-10) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("silence", "stale"),
    [
        pytest.param(30.0, True, id="D-data-quality:AL-10-exactly-3-intervals"),
        pytest.param(29.999, False, id="D-data-quality:under-3-intervals"),
    ],
)
def test_stale_after_three_intervals(silence, stale):
    e = engine()
    feed(e, [(0, 50.0)])
    changes = e.tick(T0 + silence)
    assert kinds(changes) == ([("STALE", "activated")] if stale else [])
    if stale:
        assert changes[0].priority == "low"  # prio_diag: a data-quality alarm, not a process alarm
        assert changes[0].t == T0 + silence


@pytest.mark.parametrize(
    ("received_ago", "stale"),
    [
        pytest.param(30.0, True, id="D-data-quality:received-exactly-3-intervals-ago"),
        pytest.param(29.999, False, id="D-data-quality:backfill-received-recently"),
    ],
)
def test_stale_counts_from_reception_not_from_the_sample_time(received_ago, stale):
    """A backlog (readings an hour old, received now) is not 'not reporting' (AL-10)."""
    e = engine()
    now = T0 + 3600
    e.clock = now - received_ago
    e.process(Reading(1, T0, 50.0))  # the reading itself is an hour old
    assert kinds(e.tick(now)) == ([("STALE", "activated")] if stale else [])


def test_stale_is_never_a_process_alarm_and_returns_with_data():
    e = engine()
    feed(e, [(0, 15.0)])  # L active
    assert kinds(e.tick(T0 + 100)) == [("STALE", "activated")]
    assert e.tick(T0 + 200) == []  # emitted once
    assert {k for k, v in e.active(1).items() if v} == {"L", "STALE"}
    assert kinds(feed(e, [(300, 50.0)])) == [("STALE", "returned"), ("L", "returned")]


def test_a_point_that_never_reports_goes_stale_three_intervals_after_the_first_tick():
    e = engine()
    assert e.tick(T0) == []
    assert e.tick(T0 + 29.999) == []
    assert kinds(e.tick(T0 + 30)) == [("STALE", "activated")]


def test_restore_current_seeds_the_stale_clock():
    e = engine()
    e.restore_current(1, T0 - 25, 50.0)
    assert e.tick(T0 - 1) == []
    assert kinds(e.tick(T0 + 5)) == [("STALE", "activated")]


# -- BAD quality --------------------------------------------------------------------------------


def test_bad_quality_holds_process_conditions():
    e = engine()
    feed(e, [(0, 85.0)])
    changes = feed(e, [(10, 0.0)], quality=QUALITY_BAD)
    # 0.0 would be LL on a good value; while bad, nothing is evaluated and H is held.
    assert kinds(changes) == [("BAD", "activated")]
    assert changes[0].priority == "low"
    assert feed(e, [(20, 0.0), (30, 70.0)], quality=QUALITY_BAD) == []
    assert e.active(1)["H"]
    # First good value: BAD returns and evaluation resumes on the real value.
    assert kinds(feed(e, [(40, 85.0)])) == [("BAD", "returned")]
    assert kinds(feed(e, [(50, 70.0)])) == [("H", "returned")]


def test_bad_quality_cancels_a_pending_on_delay():
    e = engine(DELAYED)
    feed(e, [(0, 85.0), (5, 85.0)])
    feed(e, [(8, 85.0)], quality=QUALITY_BAD)
    assert kinds(feed(e, [(10, 85.0)])) == [("BAD", "returned")]  # the run restarts at 10 s
    assert feed(e, [(19.999, 85.0)]) == []
    assert kinds(feed(e, [(20, 85.0)])) == [("H", "activated")]


def test_uncertain_quality_is_evaluated():
    assert kinds(feed(engine(), [(0, 85.0)], quality=QUALITY_UNCERTAIN)) == [("H", "activated")]


# -- ROC ----------------------------------------------------------------------------------------

ROC = replace(PV, roc_limit_per_min=10.0, sp_h=None, sp_hh=None, sp_l=None, sp_ll=None)


@pytest.mark.parametrize(
    ("step", "active"),
    [
        pytest.param(1.2, False, id="6-per-min"),
        pytest.param(2.0, False, id="exactly-10-per-min-is-not-over"),
        pytest.param(2.04, True, id="10.2-per-min"),
        pytest.param(-2.04, True, id="falling-10.2-per-min"),
    ],
)
def test_rate_of_change(step, active):
    e = engine(ROC)
    changes = feed(e, [(12 * i, 50.0 + step * i) for i in range(8)])  # one sample every 12 s
    roc = [c for c in changes if c.condition == "ROC"]
    if not active:
        assert roc == []
        return
    # Needs one full 60 s window: first evaluated at the 6th sample (60 s after the first).
    assert [(c.kind, c.t) for c in roc] == [("activated", T0 + 60)]
    assert roc[0].value == pytest.approx(abs(step) * 5) and roc[0].limit == 10.0
    assert roc[0].priority == "low" and roc[0].extra["pv"] == 50.0 + step * 5


def test_rate_of_change_returns_when_the_rate_drops():
    e = engine(ROC)
    feed(e, [(10 * i, 50.0 + 2 * i) for i in range(7)])
    assert e.active(1)["ROC"]
    changes = feed(e, [(70 + 10 * i, 62.0) for i in range(7)])
    assert [c.kind for c in changes if c.condition == "ROC"] == ["returned"]


# -- chattering (AL-9) --------------------------------------------------------------------------

CHATTY = replace(PV, deadband=0.0)


def toggles(*activation_times: float) -> list[tuple[float, float]]:
    out = []
    for t in activation_times:
        out += [(t, 85.0), (t + 1, 50.0)]
    return out


@pytest.mark.parametrize(
    ("times", "chattering"),
    [
        pytest.param((0, 10, 25, 40), True, id="ISA18.2-chatter:AL-9-4-in-40s"),
        pytest.param((0, 30, 60), True, id="ISA18.2-chatter:3-in-exactly-60s"),
        pytest.param((0, 30, 60.001), False, id="ISA18.2-chatter:3-in-just-over-60s"),
        pytest.param((0, 50), False, id="ISA18.2-chatter:2-activations"),
    ],
)
def test_chattering(times, chattering):
    e = engine(CHATTY)
    changes = feed(e, toggles(*times))
    chat = [c for c in changes if c.kind == "chattering"]
    assert len([c for c in changes if c.kind == "activated"]) == len(times)
    if chattering:
        assert len(chat) == 1  # emitted once even with a 4th activation
        third = times[KPI.chatter_min_activations - 1]
        assert (chat[0].condition, chat[0].t, chat[0].extra) == ("H", T0 + third, {"on": True})
    else:
        assert chat == []


def test_chattering_clears_after_a_quiet_window():
    e = engine(CHATTY)
    feed(e, toggles(0, 10, 20))
    assert chatter(e.tick(T0 + 79.999)) == []  # last activation at 20 s
    (end,) = chatter(e.tick(T0 + 80))
    assert (end.condition, end.kind, end.extra) == ("H", "chattering", {"on": False})
    # Two more activations after the clear are not chattering: the count starts over.
    assert [c.kind for c in feed(e, toggles(100, 110)) if c.condition == "H"] == ["activated", "returned"] * 2


# -- restore after a restart --------------------------------------------------------------------


def test_restore_of_an_active_alarm_does_not_reemit_activated_and_keeps_its_return():
    e = engine()
    e.restore(1, "H", active=True, activated_at=T0 - 100, suppressed=False, chattering=False)
    assert feed(e, [(0, 85.0), (10, 86.0)]) == []
    (ret,) = feed(e, [(20, 70.0)])
    assert (ret.condition, ret.kind) == ("H", "returned")


def test_restore_of_an_active_alarm_returns_on_the_first_normal_sample():
    e = engine()
    e.restore(1, "HH", active=True, activated_at=T0 - 100, suppressed=False, chattering=False)
    assert kinds(feed(e, [(0, 50.0)])) == [("HH", "returned")]


def test_restore_before_set_points_is_applied_when_the_point_is_configured():
    e = AlarmEngine()
    e.restore(1, "H", active=True, activated_at=T0 - 100, suppressed=False, chattering=False)
    e.set_points([PV])
    assert feed(e, [(0, 85.0)]) == []


@pytest.mark.parametrize("condition", ["BAD", "STALE"])
def test_restored_diagnostics_return_with_the_next_good_reading(condition):
    e = engine()
    e.restore(1, condition, active=True, activated_at=T0 - 100, suppressed=False, chattering=False)
    assert kinds(feed(e, [(0, 50.0)])) == [(condition, "returned")]


def test_restored_chattering_flag_clears_after_a_quiet_window():
    e = engine()
    e.restore(1, "H", active=False, activated_at=None, suppressed=False, chattering=True)
    assert chatter(e.tick(T0)) == []  # the quiet window starts at the first tick
    assert chatter(e.tick(T0 + 59.999)) == []
    assert [c.extra for c in chatter(e.tick(T0 + 60))] == [{"on": False}]


def test_set_points_keeps_state_and_applies_new_limits():
    e = engine()
    feed(e, [(0, 85.0)])
    e.set_points([replace(PV, sp_h=88.0)])
    assert feed(e, [(10, 86.5)]) == []  # still above 88 - 2 = 86
    assert kinds(feed(e, [(20, 86.0)])) == [("H", "returned")]
    e.set_points([replace(PV, sp_h=None)])
    assert feed(e, [(30, 86.5)]) == []


# -- suppression by design ----------------------------------------------------------------------

PUMP = PointConfig(id=2, tag="P-101.RUN", kind="switch", site_id=1, sp_h=None, expected_interval_s=10.0)
FLOW = replace(PV, id=1, suppress_point_id=2, suppress_value=0.0)


def test_suppression_by_design():
    e = engine(FLOW, PUMP)
    changes = feed(e, [(0, 0.0)], point_id=2)  # pump stopped
    assert sorted(kinds(changes)) == sorted((n, "suppressed") for n in ("HH", "H", "L", "LL"))
    assert all(c.point_id == 1 and c.t == T0 and c.extra["by_point_id"] == 2 for c in changes)
    # A suppressed condition still tracks its state and is marked suppressed.
    changes = feed(e, [(1, 5.0)])
    assert [(c.condition, c.kind, c.extra["suppressed"]) for c in changes] == [
        ("L", "activated", True),
        ("LL", "activated", True),
    ]
    assert feed(e, [(10, 0.0)], point_id=2) == []  # unchanged: nothing new
    assert feed(e, [(20, 1.0)], point_id=2) == []  # pump running: release pending
    assert supp(e.tick(T0 + 49.999)) == []  # off_delay 0 + 3 × 10 s not yet over
    changes = supp(e.tick(T0 + 50))
    assert sorted(kinds(changes)) == sorted((n, "unsuppressed") for n in ("HH", "H", "L", "LL"))
    assert {c.t for c in changes} == {T0 + 50}
    assert e.active(1)["L"] and e.active(1)["LL"]
    returns = [c for c in feed(e, [(51, 50.0)]) if c.condition in ("L", "LL")]
    assert [(c.kind, c.extra) for c in returns] == [("returned", {})] * 2
    (h,) = feed(e, [(52, 85.0)])
    assert h.extra["suppressed"] is False


def test_suppression_release_is_due_on_the_points_own_sample():
    e = engine(FLOW, PUMP)
    feed(e, [(0, 0.0), (20, 1.0)], point_id=2)
    assert feed(e, [(49.999, 50.0)]) == []
    assert [c.kind for c in feed(e, [(50, 50.0)])] == ["unsuppressed"] * 4


def test_suppressor_back_to_its_value_cancels_the_release():
    e = engine(FLOW, PUMP)
    feed(e, [(0, 0.0), (20, 1.0), (40, 0.0)], point_id=2)  # pump trips again within the delay
    assert supp(e.tick(T0 + 100)) == []
    assert supp(feed(e, [(110, 1.0)], point_id=2)) == []
    assert [c.kind for c in supp(e.tick(T0 + 140))] == ["unsuppressed"] * 4


def test_diagnostics_are_not_suppressed_by_design():
    e = engine(FLOW, PUMP)
    feed(e, [(0, 0.0)], point_id=2)
    (bad,) = feed(e, [(1, 5.0)], quality=QUALITY_BAD)
    assert bad.condition == "BAD" and "suppressed" not in bad.extra


def test_restored_suppression_is_not_reemitted():
    e = engine(FLOW, PUMP)
    for cond in ("HH", "H", "L", "LL"):
        e.restore(1, cond, active=False, activated_at=None, suppressed=True, chattering=False)
    assert feed(e, [(0, 0.0)], point_id=2) == []
    feed(e, [(10, 1.0)], point_id=2)
    assert len(supp(e.tick(T0 + 40))) == 4


def test_after_a_restart_an_unknown_suppression_is_released_at_once():
    e = engine(FLOW, PUMP)
    e.restore(1, "L", active=True, activated_at=T0 - 100, suppressed=True, chattering=False)
    assert kinds(feed(e, [(0, 1.0)], point_id=2)) == [("L", "unsuppressed")]


def test_bad_suppressor_value_changes_nothing():
    e = engine(FLOW, PUMP)
    feed(e, [(0, 1.0)], point_id=2)
    assert kinds(feed(e, [(10, 0.0)], point_id=2, quality=QUALITY_BAD)) == [("BAD", "activated")]


# -- early warning (PRE) ------------------------------------------------------------------------

RAMP = replace(PV, forecast_horizon_s=600.0, expected_interval_s=5.0, roc_limit_per_min=None)


def ramp(start: float, slope_per_s: float, t_from: float, t_to: float, dt: float = 5.0):
    n = int((t_to - t_from) / dt)
    return [(t_from + i * dt, start + slope_per_s * i * dt) for i in range(n + 1)]


def test_pre_alarm_fires_before_H_on_a_steady_ramp_and_returns_when_H_activates():
    e = engine(RAMP)
    changes = feed(e, [(s, 50.0) for s in range(0, 600, 5)])  # 10 min flat
    changes += feed(e, ramp(50.0, 0.02, 600, 3600))  # +1.2 %/min: reaches 80 % at 2100 s
    seq = [(c.condition, c.kind) for c in changes]
    assert seq[:3] == [("PRE", "activated"), ("H", "activated"), ("PRE", "returned")]
    pre, h, ret = changes[:3]
    lead = h.t - pre.t
    assert 0 < lead <= 600.0
    assert h.t == ret.t == T0 + 2105  # 80.1 % is the first value over 80
    assert pre.extra["target"] == "H" and pre.limit == 80.0
    assert 0.0 <= pre.extra["eta_s"] < 600.0
    assert pre.priority == "medium"  # prio_h "high" demoted one rank
    assert ret.extra == {"reason": "alarm"}
    assert ("PRE", "activated") not in seq[3:]  # not re-raised toward HH while H is active


def test_pre_alarm_on_a_falling_ramp_targets_L():
    e = engine(RAMP)
    changes = feed(e, [(s, 50.0) for s in range(0, 600, 5)] + ramp(50.0, -0.02, 600, 3600))
    first = changes[0]
    assert (first.condition, first.kind, first.extra["target"], first.limit) == (
        "PRE",
        "activated",
        "L",
        20.0,
    )
    assert changes[1].condition == "L"


def test_pre_alarm_without_horizon_is_disabled():
    e = engine(replace(RAMP, forecast_horizon_s=None))
    changes = feed(e, [(s, 50.0) for s in range(0, 600, 5)] + ramp(50.0, 0.02, 600, 3600))
    assert "PRE" not in {c.condition for c in changes}


@pytest.mark.parametrize("mean", [50.0, 76.0], ids=["mid-range", "close-to-H"])
def test_no_pre_alarm_on_stationary_noise(mean):
    rng = random.Random(20261128)
    e = engine(RAMP)
    samples = [(s, rng.gauss(mean, 1.0)) for s in range(0, 6 * 3600, 5)]
    changes = feed(e, samples)
    assert [c for c in changes if c.condition == "PRE"] == []


def test_pre_alarm_returns_with_hysteresis_when_the_trend_stops():
    e = engine(RAMP)
    changes = feed(e, [(s, 50.0) for s in range(0, 600, 5)] + ramp(50.0, 0.02, 600, 1800))
    assert kinds(changes) == [("PRE", "activated")]
    level = 50.0 + 0.02 * 1200
    changes = feed(e, [(1800 + s, level) for s in range(5, 1800, 5)])
    assert kinds(changes) == [("PRE", "returned")]
    assert changes[0].priority == "medium"


def test_pre_alarm_needs_history():
    # A clean ramp 6.5 min from H: nothing until the samples span τ (0.2 × 600 s horizon = 120 s).
    e = engine(RAMP)
    assert feed(e, ramp(70.0, 0.02, 0, 115)) == []
    (pre,) = feed(e, [(120, 70.0 + 0.02 * 120)])
    assert (pre.condition, pre.kind, pre.t) == ("PRE", "activated", T0 + 120)
    assert pre.extra["eta_s"] == pytest.approx(380.0)


@pytest.mark.parametrize(
    ("prio_h", "prio_diag", "expected"),
    [
        pytest.param("urgent", "low", "high", id="urgent-demoted"),
        pytest.param("high", "low", "medium", id="high-demoted"),
        pytest.param("medium", "low", "low", id="medium-demoted"),
        pytest.param("low", "low", "low", id="low-stays-low"),
        pytest.param("medium", "high", "high", id="never-below-diag"),
    ],
)
def test_pre_priority(prio_h, prio_diag, expected):
    cfg = replace(PV, prio_h=prio_h, prio_diag=prio_diag)
    assert pre_priority(cfg, "H") == expected
    assert pre_priority(cfg, None) == prio_diag


def test_unknown_and_disabled_points_are_ignored():
    e = engine(replace(PV, enabled=False))
    assert feed(e, [(0, 99.0)]) == []
    assert feed(e, [(0, 99.0)], point_id=42) == []
    assert e.tick(T0 + 1000) == []

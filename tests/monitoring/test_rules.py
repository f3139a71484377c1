"""Monitoring rules at their boundaries (requirements.md §7.5 test vectors AL-1 … AL-10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from anguan.monitoring import rules
from anguan.monitoring.reference import GBT50493_2019 as GAS
from anguan.monitoring.reference import ISA182_EEMUA191_V1 as KPI

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
S = "GB/T50493-2019"


@pytest.mark.parametrize(
    ("l1", "l2", "problems"),
    [
        pytest.param(25.0, 50.0, [], id=f"{S}-item1-2:AL-1/AL-2-exactly-25-and-50-accepted"),
        pytest.param(30.0, 50.0, ["level1_out_of_range"], id=f"{S}-item1:AL-1-level1-30-rejected"),
        pytest.param(25.000001, 50.0, ["level1_out_of_range"], id=f"{S}-item1:level1-just-above-25"),
        pytest.param(20.0, 60.0, ["level2_out_of_range"], id=f"{S}-item2:AL-2-level2-60-rejected"),
        pytest.param(20.0, 50.000001, ["level2_out_of_range"], id=f"{S}-item2:level2-just-above-50"),
        pytest.param(20.0, 20.0, ["level2_not_above_level1"], id="design-D:AL-2-level2-equal-level1"),
        pytest.param(0.0, 10.0, ["level1_out_of_range"], id="design-D:level1-zero"),
    ],
)
def test_combustible_setpoints(l1, l2, problems):
    assert rules.combustible_setpoint_problems(l1, l2, GAS) == problems


OEL = 20.0  # e.g. mg/m³
IDLH = 300.0


@pytest.mark.parametrize(
    ("l1", "l2", "kwargs", "problems"),
    [
        pytest.param(1.0 * OEL, 2.0 * OEL, {}, [], id=f"{S}-item3:AL-3-100pct-and-200pct-OEL-accepted"),
        pytest.param(
            1.0 * OEL, 2.1 * OEL, {}, ["level2_out_of_range"], id=f"{S}-item3:AL-3-210pct-OEL-rejected"
        ),
        pytest.param(1.01 * OEL, 2.0 * OEL, {}, ["level1_out_of_range"], id=f"{S}-item3:level1-101pct-OEL"),
        pytest.param(
            0.05 * IDLH,
            0.10 * IDLH,
            {"idlh": IDLH, "range_insufficient": True},
            [],
            id=f"{S}-item3:range-short-5pct-and-10pct-IDLH-accepted",
        ),
        pytest.param(
            0.06 * IDLH,
            0.10 * IDLH,
            {"idlh": IDLH, "range_insufficient": True},
            ["level1_out_of_range"],
            id=f"{S}-item3:range-short-6pct-IDLH-rejected",
        ),
        pytest.param(1.0, 2.0, {"range_insufficient": True}, ["idlh_required"], id=f"{S}-item3:idlh-needed"),
    ],
)
def test_toxic_setpoints(l1, l2, kwargs, problems):
    assert rules.toxic_setpoint_problems(l1, l2, oel=OEL, limits=GAS, **kwargs) == problems


@pytest.mark.parametrize(
    ("value", "alarm"),
    [
        pytest.param(23.6, "high", id=f"{S}-O2:AL-4-23.6-high"),
        pytest.param(19.4, "low", id=f"{S}-O2:AL-4-19.4-low"),
        pytest.param(20.9, None, id=f"{S}-O2:AL-4-20.9-normal"),
        pytest.param(23.5, None, id=f"{S}-O2:exactly-23.5-is-not-over"),
        pytest.param(19.5, None, id=f"{S}-O2:exactly-19.5-is-not-under"),
    ],
)
def test_oxygen_band(value, alarm):
    assert rules.oxygen_alarm(value, GAS) == alarm


def at(*seconds: float) -> list[datetime]:
    return [T0 + timedelta(seconds=s) for s in seconds]


def test_flood_AL5_eleven_alarms_in_ten_minutes_start_a_flood_that_ends_below_five():
    alarms = at(*range(0, 550, 50))  # 11 alarms, one every 50 s: 0 … 500 s
    periods = rules.flood_periods(alarms, KPI)
    # Starts with the 11th alarm; ends when the 7th oldest has left the trailing 10 min (4 remain).
    assert periods == [(T0 + timedelta(seconds=500), T0 + timedelta(seconds=300 + 600))]


def test_exactly_ten_alarms_in_ten_minutes_is_not_a_flood():
    assert rules.flood_periods(at(*range(0, 500, 50)), KPI) == []


def test_an_alarm_exactly_ten_minutes_later_falls_outside_the_window():
    # 10 alarms at t=0 and the 11th at exactly 600 s: the first ten have left the window by then.
    assert rules.flood_periods(at(*([0] * 10), 600), KPI) == []
    assert rules.flood_periods(at(*([0] * 10), 599.999), KPI)[0][0] == T0 + timedelta(seconds=599.999)


def test_a_burst_floods_from_its_11th_alarm_until_four_remain():
    # 11 alarms at 0 … 10 s: the 7th departure (the alarm of t=6 s, at 606 s) leaves 4 < 5.
    assert rules.flood_periods(at(*range(11)), KPI) == [
        (T0 + timedelta(seconds=10), T0 + timedelta(seconds=6 + 600))
    ]


def test_a_flood_still_running_has_no_end():
    ongoing = at(*range(0, 1200, 5))  # 240 alarms in 20 min, still arriving
    assert rules.flood_periods(ongoing, KPI, now=ongoing[-1]) == [(T0 + timedelta(seconds=50), None)]
    # Seen later, once the alarms have stopped, the same flood has an end.
    assert rules.flood_periods(ongoing, KPI)[0][1] == ongoing[-5] + timedelta(minutes=10)


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
    assert rules.is_chattering(at(*times), KPI) is chattering


@pytest.mark.parametrize(
    ("active_for", "stale"),
    [
        pytest.param(timedelta(hours=25), True, id="stale:AL-8-25h"),
        pytest.param(timedelta(hours=24), False, id="stale:exactly-24h-not-yet"),
        pytest.param(timedelta(hours=24, microseconds=1), True, id="stale:just-over-24h"),
    ],
)
def test_stale_alarm(active_for, stale):
    assert rules.is_stale(T0, T0 + active_for, KPI) is stale


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        pytest.param(T0 + timedelta(hours=8), True, id="OPC-UA-P9-shelve:AL-7-exactly-8h-returns"),
        pytest.param(
            T0 + timedelta(hours=8) - timedelta(microseconds=1), False, id="OPC-UA-P9-shelve:before-8h"
        ),
    ],
)
def test_shelving_runs_out(now, expired):
    assert rules.shelve_expired(T0, timedelta(hours=8), now) is expired


@pytest.mark.parametrize(
    ("count", "status"),
    [
        pytest.param(150, "green", id="EEMUA191-day:150-acceptable"),
        pytest.param(151, "amber", id="EEMUA191-day:151"),
        pytest.param(300, "amber", id="EEMUA191-day:exactly-300-manageable"),
        pytest.param(320, "red", id="EEMUA191-day:AL-6-320"),
    ],
)
def test_daily_alarm_rate(count, status):
    assert rules.rate_status(count, KPI.per_day_acceptable, KPI.per_day_max) == status


@pytest.mark.parametrize(
    ("silent_for", "offline"),
    [
        pytest.param(timedelta(seconds=30), True, id="D-data-quality:AL-10-exactly-3-intervals"),
        pytest.param(timedelta(seconds=29.999), False, id="D-data-quality:under-3-intervals"),
    ],
)
def test_silent_point_is_offline(silent_for, offline):
    assert rules.data_stale(T0, timedelta(seconds=10), T0 + silent_for) is offline


def test_online_rate():
    assert rules.online_rate(45, 50) == 0.9
    assert rules.online_rate(0, 0) == 0.0

"""Versioned reference data for the monitoring rules (set-points and alarm-management KPIs).

Grades follow ../shared/docs/requirements.md §7: the gas set-point limits are grade C (two sources
agree on GB/T 50493-2019's text), the KPI figures grade C (ISA-18.2 / EEMUA 191 as reported, to be
checked against licensed copies). Keep every threshold here, never as a literal in code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GasSetpointLimits:
    """Upper bounds of gas-detector alarm set-points and the oxygen alarm band."""

    version: str
    combustible_l1_max_lel_pct: float
    combustible_l2_max_lel_pct: float
    toxic_l1_max_oel_ratio: float
    toxic_l2_max_oel_ratio: float
    toxic_l1_max_idlh_ratio: float
    toxic_l2_max_idlh_ratio: float
    oxygen_high_pct: float
    oxygen_low_pct: float


GBT50493_2019 = GasSetpointLimits(
    version="gbt50493-2019/v1",
    combustible_l1_max_lel_pct=25.0,
    combustible_l2_max_lel_pct=50.0,
    toxic_l1_max_oel_ratio=1.0,
    toxic_l2_max_oel_ratio=2.0,
    toxic_l1_max_idlh_ratio=0.05,
    toxic_l2_max_idlh_ratio=0.10,
    oxygen_high_pct=23.5,
    oxygen_low_pct=19.5,
)


@dataclass(frozen=True)
class AlarmKpiLimits:
    """Alarm-management performance limits per operator position."""

    version: str
    flood_window_s: int
    flood_start_above: int  # a flood starts at MORE than this many alarms in the window
    flood_end_below: int  # ...and ends at the first window with FEWER than this
    chatter_window_s: int
    chatter_min_activations: int
    stale_after_s: int
    per_10min_acceptable: int
    per_10min_max: int
    per_day_acceptable: int
    per_day_max: int


ISA182_EEMUA191_V1 = AlarmKpiLimits(
    version="isa18.2-eemua191/v1",
    flood_window_s=600,
    flood_start_above=10,
    flood_end_below=5,
    chatter_window_s=60,
    chatter_min_activations=3,
    stale_after_s=24 * 3600,
    per_10min_acceptable=1,
    per_10min_max=2,
    per_day_acceptable=150,
    per_day_max=300,
)

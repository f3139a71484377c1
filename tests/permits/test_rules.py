"""GB 30871-2022 / AQ 3064.2-2025 permit rules, table-driven at the exact boundaries (clause ids in the ids)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from anguan.permits import locales
from anguan.permits.reference import (
    BLINDING,
    CONFINED_SPACE,
    EXCAVATION,
    HEIGHT_EXTRA_CASES_V1,
    HOT_WORK,
    LIFTING,
    ROAD_BREAKING,
    TEMPORARY_ELECTRICITY,
    WORK_AT_HEIGHT,
    GuardianPolicy,
    HeightCase,
    UpgradePolicy,
)
from anguan.permits.rules import (
    PIPELINE_CONFLICT,
    PLANT_TZ,
    BlindAction,
    BlindJob,
    Delegation,
    GasReading,
    Num,
    PermitInputError,
    PlantCalendar,
    SigningSnapshot,
    approval_steps,
    blind_permit_problems,
    confined_record_overdue,
    daily_retest_missing,
    exact,
    gas_analysis_required,
    gas_fresh,
    gas_limit_pct,
    gas_result_ok,
    guardian_overloaded,
    height_grade,
    hot_work_grade,
    hot_work_upgrade,
    lifting_grade,
    lifting_permit_required,
    may_sign,
    mixture_lel,
    next_step,
    not_upgraded_alarms,
    permit_overtime,
    phase_complete,
    pipeline_conflicts,
    retest_needed,
    signing_blockers,
    ticket_type,
    upgrade_causes,
    validity_limit,
    validity_ok,
    work_grade,
)

S = timedelta(seconds=1)
MIN = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    """An instant in plant time (Asia/Shanghai)."""
    return datetime(y, mo, d, h, mi, s, tzinfo=PLANT_TZ)


WED = local(2027, 3, 10, 9)  # Wednesday 2027-03-10 09:00, an ordinary workday


# ------------------------------------------------------------------ types and grades


def test_ticket_type_codes_of_table_a2() -> None:
    assert ticket_type(HOT_WORK, "special") == "01"
    assert ticket_type(WORK_AT_HEIGHT, "IV") == "24"
    assert ticket_type(CONFINED_SPACE, None) == "70"


@pytest.mark.parametrize(
    ("work_type", "grade", "code"),
    [
        pytest.param("welding", None, "permits.unknown_work_type", id="§3.1 unknown type"),
        pytest.param(HOT_WORK, None, "permits.unknown_grade", id="§5.1 hot work needs a grade"),
        pytest.param(HOT_WORK, "3", "permits.unknown_grade", id="§5.1 hot work has no 三级"),
        pytest.param(CONFINED_SPACE, "1", "permits.unknown_grade", id="§6 confined space has no grade"),
    ],
)
def test_work_grade_refuses(work_type: str, grade: str | None, code: str) -> None:
    with pytest.raises(PermitInputError) as err:
        work_grade(work_type, grade)
    assert err.value.code == code


# ------------------------------------------------------------------ §8.1 work at height


@pytest.mark.parametrize(
    ("h", "factors", "grade"),
    [
        pytest.param("0", set(), None, id="§3.8 h=0 m not at height"),
        pytest.param("1.99", {"a"}, None, id="§3.8 h=1.99 m not at height"),
        pytest.param("2", set(), "I", id="§8.1.1 h=2 m Ⅰ"),
        pytest.param("2", {"a"}, "II", id="§8.1.3 h=2 m factor a Ⅱ"),
        pytest.param("5", set(), "I", id="§8.1.1 h=5 m Ⅰ"),
        pytest.param("5", {"i"}, "II", id="§8.1.3 h=5 m factor i Ⅱ"),
        pytest.param("5.01", set(), "II", id="§8.1.1 h=5.01 m Ⅱ"),
        pytest.param("5.01", {"b"}, "III", id="§8.1.3 h=5.01 m factor b Ⅲ"),
        pytest.param("15", set(), "II", id="§8.1.1 h=15 m Ⅱ"),
        pytest.param("15", {"c", "d"}, "III", id="§8.1.3 h=15 m factors c d Ⅲ"),
        pytest.param("15.01", set(), "III", id="§8.1.1 h=15.01 m Ⅲ"),
        pytest.param("15.01", {"e"}, "IV", id="§8.1.3 h=15.01 m factor e Ⅳ"),
        pytest.param("30", set(), "III", id="§8.1.1 h=30 m Ⅲ"),
        pytest.param("30", {"f"}, "IV", id="§8.1.3 h=30 m factor f Ⅳ"),
        pytest.param("30.01", set(), "IV", id="§8.1.1 h=30.01 m Ⅳ"),
        pytest.param("80", {"g", "h"}, "IV", id="§8.1.3 h=80 m Ⅳ stays Ⅳ"),
        pytest.param(5, set(), "I", id="§8.1.1 h=5 (int) Ⅰ"),
        pytest.param(5.0, set(), "I", id="§8.1.1 h=5.0 (float) Ⅰ"),
        pytest.param("3", {"slope_over_45"}, "I", id="表B.1 note slope >45° Ⅰ"),
        pytest.param("3", {"near_openings"}, "III", id="表B.1 note openings Ⅲ [D]"),
        pytest.param("3", {"inside_vessel"}, "III", id="表B.1 note inside vessel Ⅲ [D]"),
        pytest.param("3", {"snowing"}, "IV", id="表B.1 note snowing Ⅳ"),
        pytest.param("3", {"live_line", "a"}, "IV", id="表B.1 note live line Ⅳ"),
        pytest.param("20", {"a", "near_openings"}, "IV", id="表B.1 note never lowers Ⅳ"),
        pytest.param("1.5", {"near_openings"}, None, id="§3.8 note cases need h≥2 m"),
    ],
)
def test_height_grade(h: Num, factors: set[str], grade: str | None) -> None:
    assert height_grade(h, factors) == grade


def test_height_extra_case_grade_is_configurable() -> None:
    cases = {**HEIGHT_EXTRA_CASES_V1, "near_openings": HeightCase("孔洞", "openings", "II")}
    assert height_grade("3", {"near_openings"}, cases) == "II"


@pytest.mark.parametrize(
    ("h", "factors", "code"),
    [
        pytest.param("-1", set(), "permits.negative_height", id="§8.1 negative height"),
        pytest.param("3", {"z"}, "permits.unknown_height_factor", id="§8.1.2 unknown factor"),
        pytest.param("abc", set(), "permits.not_a_number", id="§8.1 not a number"),
    ],
)
def test_height_grade_refuses(h: str, factors: set[str], code: str) -> None:
    with pytest.raises(PermitInputError) as err:
        height_grade(h, factors)
    assert err.value.code == code


# ------------------------------------------------------------------ §9.1 lifting


@pytest.mark.parametrize(
    ("m", "grade"),
    [
        pytest.param("100.01", "1", id="§9.1 m=100.01 t 一级"),
        pytest.param("500", "1", id="§9.1 m=500 t 一级"),
        pytest.param("100", "2", id="§9.1 m=100 t 二级"),
        pytest.param("40", "2", id="§9.1 m=40 t 二级"),
        pytest.param("39.99", "3", id="§9.1 m=39.99 t 三级"),
        pytest.param("0.5", "3", id="§9.1 m=0.5 t 三级"),
    ],
)
def test_lifting_grade(m: str, grade: str) -> None:
    assert lifting_grade(m) == grade


@pytest.mark.parametrize(
    ("m", "required"),
    [
        pytest.param("10", True, id="表B.1 note 3 m=10 t permit"),
        pytest.param("9.99", False, id="表B.1 note 3 m=9.99 t no permit"),
        pytest.param("0.1", False, id="表B.1 note 3 m=0.1 t no permit"),
        pytest.param("40", True, id="表B.1 note 3 m=40 t permit"),
    ],
)
def test_lifting_permit_required(m: str, required: bool) -> None:
    assert lifting_permit_required(m) is required


@pytest.mark.parametrize("m", ["0", "-1"])
def test_lifting_refuses_no_mass(m: str) -> None:
    with pytest.raises(PermitInputError) as err:
        lifting_grade(m)
    assert err.value.code == "permits.bad_mass"


# ------------------------------------------------------------------ §5.1 hot work grade


@pytest.mark.parametrize(
    ("area", "operating", "dike", "rack", "shut_down", "grade"),
    [
        pytest.param(
            True,
            True,
            False,
            False,
            False,
            "special",
            id="§5.1.2 operating equipment in hazardous place 特级",
        ),
        pytest.param(False, False, True, False, False, "special", id="§5.1.2 major-hazard tank dike 特级"),
        pytest.param(True, False, False, False, False, "1", id="§5.1.3 hazardous place 一级"),
        pytest.param(False, False, False, True, False, "1", id="§5.1.3 pipe rack 一级"),
        pytest.param(True, False, False, True, False, "1", id="§5.1.3 pipe rack in hazardous place 一级"),
        pytest.param(
            False, True, False, False, False, "2", id="§5.1.4 operating outside hazardous place 二级"
        ),
        pytest.param(False, False, False, False, False, "2", id="§5.1.4 elsewhere 二级"),
        pytest.param(
            True, False, False, False, True, "2", id="§5.1.4 shut down cleaned isolated approved 二级"
        ),
        pytest.param(False, False, True, False, True, "2", id="§5.1.4 shut-down tank farm 二级"),
    ],
)
def test_hot_work_grade(
    area: bool, operating: bool, dike: bool, rack: bool, shut_down: bool, grade: str
) -> None:
    assert hot_work_grade(area, operating, dike, rack, shut_down) == grade


def test_fixed_hot_work_area_has_no_grade() -> None:
    assert hot_work_grade(False, False, False, False, False, in_fixed_hot_work_area=True) is None
    with pytest.raises(PermitInputError) as err:
        hot_work_grade(True, False, False, False, False, in_fixed_hot_work_area=True)
    assert err.value.code == "permits.fixed_area_in_hazardous_place"


def test_hot_work_grade_refuses_operating_and_shut_down() -> None:
    with pytest.raises(PermitInputError) as err:
        hot_work_grade(True, True, False, False, True)
    assert err.value.code == "permits.operating_but_shut_down"


# ------------------------------------------------------------------ §5.1.1 upgrade


CAL = PlantCalendar(
    holidays=frozenset({date(2027, 10, 1), date(2027, 10, 3)}),  # a Friday and a Sunday
    workdays=frozenset({date(2027, 10, 9)}),  # a Saturday make-up workday
    special_periods=((local(2027, 3, 11, 8), local(2027, 3, 11, 12)),),
)


@pytest.mark.parametrize(
    ("start", "end", "causes"),
    [
        pytest.param(WED, WED + 8 * H, [], id="§5.1.1 weekday 09-17 none"),
        pytest.param(local(2027, 3, 10, 6), local(2027, 3, 10, 22), [], id="§5.1.1 06:00-22:00 exactly none"),
        pytest.param(
            local(2027, 3, 10, 21), local(2027, 3, 10, 22, 0, 1), ["42"], id="§5.1.1 ends 22:00:01 night"
        ),
        pytest.param(
            local(2027, 3, 10, 5, 59, 59), local(2027, 3, 10, 7), ["42"], id="§5.1.1 starts 05:59:59 night"
        ),
        pytest.param(
            local(2027, 3, 10, 23), local(2027, 3, 11, 1), ["42"], id="§5.1.1 across midnight night"
        ),
        pytest.param(local(2027, 3, 13, 9), local(2027, 3, 13, 10), ["41"], id="§5.1.1 Saturday rest day"),
        pytest.param(
            local(2027, 3, 12, 20),
            local(2027, 3, 13, 4),
            ["41", "42"],
            id="§5.1.1 Friday night into Saturday",
        ),
        pytest.param(
            local(2027, 3, 12, 10),
            local(2027, 3, 13, 0),
            ["42"],
            id="§5.1.1 ends at Saturday 00:00 no rest day",
        ),
        pytest.param(
            local(2027, 3, 12, 10),
            local(2027, 3, 13, 0, 0, 1),
            ["41", "42"],
            id="§5.1.1 into Saturday 00:00:01",
        ),
        pytest.param(local(2027, 10, 1, 9), local(2027, 10, 1, 10), ["40"], id="§5.1.1 holiday"),
        pytest.param(
            local(2027, 10, 3, 9), local(2027, 10, 3, 10), ["40"], id="§5.1.1 holiday on Sunday holiday only"
        ),
        pytest.param(local(2027, 10, 9, 9), local(2027, 10, 9, 10), [], id="§5.1.1 make-up Saturday none"),
        pytest.param(
            local(2027, 3, 11, 7), local(2027, 3, 11, 8), [], id="§5.1.1 ends at special period start none"
        ),
        pytest.param(
            local(2027, 3, 11, 11), local(2027, 3, 11, 13), ["43"], id="§5.1.1 overlaps special period"
        ),
        pytest.param(
            datetime(2027, 3, 10, 1, tzinfo=UTC),
            datetime(2027, 3, 10, 9, tzinfo=UTC),
            [],
            id="§5.1.1 UTC 01-09 = 09-17 local",
        ),
    ],
)
def test_upgrade_causes(start: datetime, end: datetime, causes: list[str]) -> None:
    assert upgrade_causes(start, end, CAL) == causes


@pytest.mark.parametrize(
    ("grade", "start", "required", "causes"),
    [
        pytest.param("2", WED, "2", [], id="§5.1.1 二级 weekday stays"),
        pytest.param("2", local(2027, 3, 13, 9), "1", ["41"], id="§5.1.1 二级 rest day → 一级"),
        pytest.param("1", local(2027, 3, 10, 22), "special", ["42"], id="§5.1.1 一级 night → 特级"),
        pytest.param("special", local(2027, 10, 1, 9), "special", ["40"], id="§5.1.1 特级 stays 特级"),
    ],
)
def test_hot_work_upgrade(grade: str, start: datetime, required: str, causes: list[str]) -> None:
    assert hot_work_upgrade(grade, start, start + H, CAL) == (required, causes)


def test_upgrade_policy_is_configurable() -> None:
    two = UpgradePolicy("test", steps=2, causes=frozenset({"40", "41", "42", "43"}))
    assert hot_work_upgrade("2", local(2027, 3, 13, 9), local(2027, 3, 13, 10), CAL, two) == (
        "special",
        ["41"],
    )
    no_night = UpgradePolicy("test", steps=1, causes=frozenset({"40", "41", "43"}))
    assert hot_work_upgrade("2", local(2027, 3, 10, 23), local(2027, 3, 11, 1), CAL, no_night) == ("2", [])
    day_only = PlantCalendar(night_start=time(0), night_end=time(5))  # a non-wrapping window
    assert upgrade_causes(local(2027, 3, 10, 23), local(2027, 3, 11, 0, 30), day_only) == ["42"]
    assert upgrade_causes(local(2027, 3, 10, 5), local(2027, 3, 10, 6), day_only) == []


@pytest.mark.parametrize(
    ("declared", "required", "causes", "alarms"),
    [
        pytest.param("2", "1", ["42"], ["4/42"], id="表A.4 4/42 night not upgraded"),
        pytest.param("2", "1", ["40", "41"], ["4/40", "4/41"], id="表A.4 4/40 4/41"),
        pytest.param("1", "1", ["43"], [], id="表A.4 upgraded: no alarm"),
        pytest.param("special", "1", ["43"], [], id="表A.4 above required: no alarm"),
    ],
)
def test_not_upgraded_alarms(declared: str, required: str, causes: list[str], alarms: list[str]) -> None:
    assert not_upgraded_alarms(declared, required, causes) == alarms


@pytest.mark.parametrize(
    ("start", "end", "calendar", "code"),
    [
        pytest.param(
            datetime(2027, 3, 10, 9), datetime(2027, 3, 10, 10), CAL, "permits.naive_datetime", id="naive"
        ),
        pytest.param(WED, WED, CAL, "permits.end_before_start", id="empty interval"),
        pytest.param(
            WED,
            WED + H,
            PlantCalendar(night_start=time(1), night_end=time(1)),
            "permits.bad_night_window",
            id="night",
        ),
    ],
)
def test_upgrade_refuses(start: datetime, end: datetime, calendar: PlantCalendar, code: str) -> None:
    with pytest.raises(PermitInputError) as err:
        upgrade_causes(start, end, calendar)
    assert err.value.code == code


# ------------------------------------------------------------------ validity


@pytest.mark.parametrize(
    ("work_type", "grade", "duration", "special", "ok"),
    [
        pytest.param(HOT_WORK, "special", 8 * H, False, True, id="§5.1.5 特级 8 h"),
        pytest.param(HOT_WORK, "special", 8 * H + S, False, False, id="§5.1.5 特级 8 h+1 s"),
        pytest.param(HOT_WORK, "1", 8 * H, False, True, id="§5.1.5 一级 8 h"),
        pytest.param(HOT_WORK, "1", 8 * H + S, False, False, id="§5.1.5 一级 8 h+1 s"),
        pytest.param(HOT_WORK, "2", 72 * H, False, True, id="§5.1.5 二级 72 h"),
        pytest.param(HOT_WORK, "2", 72 * H + S, False, False, id="§5.1.5 二级 72 h+1 s"),
        pytest.param(CONFINED_SPACE, None, 24 * H, False, True, id="§6.10 受限空间 24 h"),
        pytest.param(CONFINED_SPACE, None, 24 * H + S, False, False, id="§6.10 受限空间 24 h+1 s"),
        pytest.param(WORK_AT_HEIGHT, "I", 7 * D, False, True, id="§8.2.11 高处 Ⅰ 7 days"),
        pytest.param(WORK_AT_HEIGHT, "IV", 7 * D, False, True, id="§8.2.11 高处 Ⅳ 7 days"),
        pytest.param(WORK_AT_HEIGHT, "IV", 7 * D + S, False, False, id="§8.2.11 高处 Ⅳ 7 days+1 s"),
        pytest.param(TEMPORARY_ELECTRICITY, None, 15 * D, False, True, id="§10.8 临时用电 15 days"),
        pytest.param(TEMPORARY_ELECTRICITY, None, 15 * D + S, False, False, id="§10.8 临时用电 15 days+1 s"),
        pytest.param(TEMPORARY_ELECTRICITY, None, 30 * D, True, True, id="§10.8 临时用电 special 30 days"),
        pytest.param(
            TEMPORARY_ELECTRICITY, None, 30 * D + S, True, False, id="§10.8 临时用电 special 30 days+1 s"
        ),
        pytest.param(HOT_WORK, "special", 8 * H + S, True, False, id="§5.1.5 no special case for hot work"),
        pytest.param(BLINDING, None, 365 * D, False, True, id="§7 盲板抽堵 no maximum"),
        pytest.param(LIFTING, "1", 100 * D, False, True, id="§9 吊装 no maximum"),
        pytest.param(EXCAVATION, None, 100 * D, False, True, id="§11 动土 no maximum"),
        pytest.param(ROAD_BREAKING, None, 100 * D, False, True, id="§12 断路 no maximum"),
    ],
)
def test_validity_ok(work_type: str, grade: str | None, duration: timedelta, special: bool, ok: bool) -> None:
    assert validity_ok(work_type, grade, WED, WED + duration, special) is ok


def test_validity_limits() -> None:
    assert validity_limit(HOT_WORK, "2") == timedelta(hours=72)
    assert validity_limit(TEMPORARY_ELECTRICITY, None) == timedelta(days=15)
    assert validity_limit(TEMPORARY_ELECTRICITY, None, special=True) == timedelta(days=30)
    assert validity_limit(LIFTING, "3") is None


def test_temporary_power_ends_with_the_job_it_serves_10_8() -> None:
    job_end = WED + 8 * H
    assert validity_ok(TEMPORARY_ELECTRICITY, None, WED, job_end, served_job_end=job_end)
    assert not validity_ok(TEMPORARY_ELECTRICITY, None, WED, job_end + S, served_job_end=job_end)


def test_validity_refuses_an_empty_window() -> None:
    with pytest.raises(PermitInputError) as err:
        validity_ok(HOT_WORK, "1", WED, WED)
    assert err.value.code == "permits.end_before_start"


@pytest.mark.parametrize(
    ("now", "over"),
    [
        pytest.param(WED, False, id="AQ 5.9.5 at the end instant"),
        pytest.param(WED + S, True, id="AQ 5.9.5 1 s after → 1/10"),
    ],
)
def test_permit_overtime(now: datetime, over: bool) -> None:
    assert permit_overtime(WED, now) is over


# ------------------------------------------------------------------ gas analysis


@pytest.mark.parametrize(
    ("work_type", "hazardous", "required"),
    [
        pytest.param(HOT_WORK, False, True, id="AQ 5.4.3 动火"),
        pytest.param(CONFINED_SPACE, False, True, id="AQ 5.4.3 受限空间"),
        pytest.param(TEMPORARY_ELECTRICITY, True, True, id="GB §10.1 临时用电 hazardous area"),
        pytest.param(TEMPORARY_ELECTRICITY, False, False, id="GB §10.1 临时用电 elsewhere"),
        pytest.param(WORK_AT_HEIGHT, True, False, id="高处 none"),
    ],
)
def test_gas_analysis_required(work_type: str, hazardous: bool, required: bool) -> None:
    assert gas_analysis_required(work_type, hazardous) is required


@pytest.mark.parametrize(
    ("lel", "limit"),
    [
        pytest.param("4", "0.5", id="§5.3.2 LEL=4 % → 0.5 %"),
        pytest.param("5", "0.5", id="§5.3.2 methane LEL 5 % → 0.5 %"),
        pytest.param("3.99", "0.2", id="§5.3.2 LEL=3.99 % → 0.2 %"),
        pytest.param("2.1", "0.2", id="§5.3.2 propane LEL 2.1 % → 0.2 %"),
        pytest.param(Fraction(210, 71), "0.2", id="§5.3.2 a fraction LEL"),
    ],
)
def test_gas_limit_pct(lel: Num, limit: str) -> None:
    assert str(gas_limit_pct(lel)) == limit


@pytest.mark.parametrize("lel", ["0", "-1", "100.1", "nan"])
def test_gas_limit_refuses_impossible_lel(lel: str) -> None:
    with pytest.raises(PermitInputError):
        gas_limit_pct(lel)


def test_mixture_lel_lowest_by_default_le_chatelier_as_option() -> None:
    parts = [("5", "50"), ("2.1", "50")]  # methane and propane, half and half
    assert mixture_lel(parts) == exact("2.1")
    assert mixture_lel(parts, "le_chatelier") == Fraction(210, 71)  # 1 / (0.5/5 + 0.5/2.1)
    for bad, method in (([], "lowest"), ([("5", "0")], "lowest"), (parts, "average")):
        with pytest.raises(PermitInputError):
            mixture_lel(bad, method)


def comb(v: str, lel: str | None = None) -> GasReading:
    return GasReading("combustible", "可燃气", v, lel_pct=lel)


def o2(v: str) -> GasReading:
    return GasReading("oxygen", "O₂", v)


@pytest.mark.parametrize(
    ("work_type", "readings", "lel", "rich", "failures"),
    [
        pytest.param(HOT_WORK, [comb("0.5")], "5", False, [], id="§5.3.2 0.5 % at LEL 5 % passes"),
        pytest.param(
            HOT_WORK, [comb("0.51")], "5", False, [("combustible_over", "0.5")], id="§5.3.2 0.51 % fails"
        ),
        pytest.param(HOT_WORK, [comb("0.5")], "4", False, [], id="§5.3.2 LEL exactly 4 % → 0.5 % passes"),
        pytest.param(HOT_WORK, [comb("0.2")], "3.99", False, [], id="§5.3.2 0.2 % at LEL 3.99 % passes"),
        pytest.param(
            HOT_WORK, [comb("0.21")], "3.99", False, [("combustible_over", "0.2")], id="§5.3.2 0.21 % fails"
        ),
        pytest.param(
            HOT_WORK,
            [comb("0.3", lel="2.1")],
            "5",
            False,
            [("combustible_over", "0.2")],
            id="§5.3.2 own LEL wins",
        ),
        pytest.param(
            HOT_WORK, [], "5", False, [("missing", None)], id="§5.3.1 hot work needs a combustible reading"
        ),
        pytest.param(HOT_WORK, [comb("0"), o2("23.5")], "5", False, [], id="§5.2.7 O₂ exactly 23.5 % passes"),
        pytest.param(
            HOT_WORK, [comb("0"), o2("23.51")], "5", False, [("oxygen_high", "23.5")], id="§5.2.7 O₂ 23.51 %"
        ),
        pytest.param(HOT_WORK, [comb("0"), o2("15")], "5", False, [], id="§5.2.7 hot work has no O₂ floor"),
        pytest.param(CONFINED_SPACE, [comb("0"), o2("19.5")], "5", False, [], id="§6.4 a O₂ exactly 19.5 %"),
        pytest.param(
            CONFINED_SPACE,
            [comb("0"), o2("19.49")],
            "5",
            False,
            [("oxygen_low", "19.5")],
            id="§6.4 a O₂ 19.49 %",
        ),
        pytest.param(CONFINED_SPACE, [comb("0"), o2("21")], "5", False, [], id="§6.4 a O₂ exactly 21 %"),
        pytest.param(
            CONFINED_SPACE,
            [comb("0"), o2("21.01")],
            "5",
            False,
            [("oxygen_high", "21")],
            id="§6.4 a O₂ 21.01 %",
        ),
        pytest.param(
            CONFINED_SPACE, [comb("0"), o2("23.5")], "5", True, [], id="§6.4 a oxygen-rich O₂ 23.5 %"
        ),
        pytest.param(
            CONFINED_SPACE,
            [comb("0"), o2("23.51")],
            "5",
            True,
            [("oxygen_high", "23.5")],
            id="§6.4 a oxygen-rich 23.51 %",
        ),
        pytest.param(
            CONFINED_SPACE,
            [comb("0"), o2("19.4")],
            "5",
            True,
            [("oxygen_low", "19.5")],
            id="§6.4 a oxygen-rich floor",
        ),
        pytest.param(
            CONFINED_SPACE, [comb("0")], "5", False, [("missing", None)], id="§6.4 confined space needs O₂"
        ),
        pytest.param(
            CONFINED_SPACE,
            [comb("0"), o2("20.9"), GasReading("toxic", "H₂S", "10", limit="10")],
            "5",
            False,
            [],
            id="§6.4 b H₂S exactly its limit",
        ),
        pytest.param(
            CONFINED_SPACE,
            [comb("0"), o2("20.9"), GasReading("toxic", "H₂S", "10.1", limit="10")],
            "5",
            False,
            [("toxic_over", "10")],
            id="§6.4 b H₂S over its limit",
        ),
        pytest.param(
            TEMPORARY_ELECTRICITY, [], None, False, [("missing", None)], id="§10.1 power needs combustible"
        ),
        pytest.param(
            TEMPORARY_ELECTRICITY, [comb("0.2")], "2.1", False, [], id="§10.1 power 0.2 % at LEL 2.1 %"
        ),
        pytest.param(WORK_AT_HEIGHT, [], None, False, [], id="高处 no gas criteria"),
    ],
)
def test_gas_result_ok(
    work_type: str,
    readings: list[GasReading],
    lel: str | None,
    rich: bool,
    failures: list[tuple[str, str | None]],
) -> None:
    got = gas_result_ok(work_type, readings, lel, oxygen_rich=rich)
    assert [
        (f.reason, None if f.limit is None else str(float(f.limit)).removesuffix(".0")) for f in got
    ] == failures


@pytest.mark.parametrize(
    ("reading", "lel", "code"),
    [
        pytest.param(comb("0.1"), None, "permits.lel_missing", id="§5.3.2 no LEL"),
        pytest.param(
            GasReading("toxic", "CO", "5"), "5", "permits.toxic_limit_missing", id="§6.4 b no GBZ 2.1 limit"
        ),
        pytest.param(
            GasReading("toxic", "CO", "5", limit="0"), "5", "permits.bad_toxic_limit", id="§6.4 b zero limit"
        ),
        pytest.param(GasReading("smoke", "x", "1"), "5", "permits.unknown_gas_kind", id="unknown kind"),
        pytest.param(comb("-0.1"), "5", "permits.bad_reading", id="negative reading"),
        pytest.param(o2("101"), "5", "permits.bad_reading", id="O₂ over 100 %"),
    ],
)
def test_gas_result_refuses(reading: GasReading, lel: str | None, code: str) -> None:
    with pytest.raises(PermitInputError) as err:
        gas_result_ok(HOT_WORK, [reading], lel)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("sampled", "code"),
    [
        pytest.param(None, "0/01", id="AQ 5.4.3 missing → 0/01"),
        pytest.param(WED - 30 * MIN, None, id="§5.3.1 c exactly 30 min fresh"),
        pytest.param(WED - 30 * MIN - S, "0/02", id="§5.3.1 c 30 min+1 s → 0/02"),
        pytest.param(WED, None, id="§5.3.1 c sampled at the start"),
        pytest.param(WED + S, "0/01", id="§5.3.1 c sampled after the start → 0/01"),
    ],
)
def test_gas_fresh(sampled: datetime | None, code: str | None) -> None:
    assert gas_fresh(sampled, WED) == code


@pytest.mark.parametrize(
    ("work_type", "grade", "gap", "needed"),
    [
        pytest.param(HOT_WORK, "special", 30 * MIN, False, id="§5.3.1 d 特级 30 min"),
        pytest.param(HOT_WORK, "special", 30 * MIN + S, True, id="§5.3.1 d 特级 30 min+1 s"),
        pytest.param(HOT_WORK, "1", 30 * MIN, False, id="§5.3.1 d 一级 30 min"),
        pytest.param(HOT_WORK, "1", 30 * MIN + S, True, id="§5.3.1 d 一级 30 min+1 s"),
        pytest.param(HOT_WORK, "2", 31 * MIN, False, id="§5.3.1 d 二级 31 min"),
        pytest.param(HOT_WORK, "2", 60 * MIN, False, id="§5.3.1 d 二级 60 min"),
        pytest.param(HOT_WORK, "2", 60 * MIN + S, True, id="§5.3.1 d 二级 60 min+1 s"),
        pytest.param(CONFINED_SPACE, None, 60 * MIN, False, id="§6.3 f 受限空间 60 min"),
        pytest.param(CONFINED_SPACE, None, 60 * MIN + S, True, id="§6.3 f 受限空间 60 min+1 s"),
        pytest.param(WORK_AT_HEIGHT, "I", 5 * H, False, id="§8.2.11 高处 no gas re-test"),
        pytest.param(TEMPORARY_ELECTRICITY, None, 5 * H, False, id="§10 临时用电 no interval stated"),
    ],
)
def test_retest_needed(work_type: str, grade: str | None, gap: timedelta, needed: bool) -> None:
    assert retest_needed(work_type, grade, WED, WED + gap) is needed


def test_retest_refuses_resume_before_pause() -> None:
    with pytest.raises(PermitInputError) as err:
        retest_needed(HOT_WORK, "1", WED, WED - S)
    assert err.value.code == "permits.resumed_before_paused"


DAY2 = local(2027, 3, 11, 8)


@pytest.mark.parametrize(
    ("work_type", "grade", "work_start", "analyses", "hazardous", "missing"),
    [
        pytest.param(HOT_WORK, "2", DAY2, [DAY2 - 20 * MIN], False, False, id="AQ 5.9.2 二级 day 2 tested"),
        pytest.param(
            HOT_WORK, "2", DAY2, [WED - 10 * MIN], False, True, id="AQ 5.9.2 二级 day 2 untested → 0/04"
        ),
        pytest.param(HOT_WORK, "2", DAY2, [DAY2 + S], False, True, id="AQ 5.9.2 二级 tested after the start"),
        pytest.param(
            HOT_WORK, "2", DAY2, [local(2027, 3, 11)], False, False, id="AQ 5.9.2 tested at 00:00 day 2"
        ),
        pytest.param(
            HOT_WORK,
            "2",
            DAY2,
            [local(2027, 3, 10, 23, 59, 59)],
            False,
            True,
            id="AQ 5.9.2 tested 23:59:59 day 1",
        ),
        pytest.param(HOT_WORK, "2", WED + 4 * H, [], False, False, id="AQ 5.9.2 first day not concerned"),
        pytest.param(HOT_WORK, "1", DAY2, [], False, False, id="AQ 5.9.2 一级 not concerned"),
        pytest.param(TEMPORARY_ELECTRICITY, None, DAY2, [], True, True, id="AQ 5.9.2 hazardous-area power"),
        pytest.param(TEMPORARY_ELECTRICITY, None, DAY2, [], False, False, id="AQ 5.9.2 power elsewhere"),
        pytest.param(
            HOT_WORK,
            "2",
            datetime(2027, 3, 10, 16, tzinfo=UTC),  # 00:00 on 11 March plant time: a new plant day
            [],
            False,
            True,
            id="AQ 5.9.2 plant date, not UTC date",
        ),
    ],
)
def test_daily_retest_missing(
    work_type: str,
    grade: str | None,
    work_start: datetime,
    analyses: list[datetime],
    hazardous: bool,
    missing: bool,
) -> None:
    assert (
        daily_retest_missing(work_type, grade, WED, work_start, analyses, hazardous_area=hazardous) is missing
    )


@pytest.mark.parametrize(
    ("gap", "overdue"),
    [
        pytest.param(2 * H, False, id="§6.5 exactly 2 h"),
        pytest.param(2 * H + S, True, id="§6.5 2 h+1 s → 0/05"),
        pytest.param(timedelta(0), False, id="§6.5 just recorded"),
    ],
)
def test_confined_record_overdue(gap: timedelta, overdue: bool) -> None:
    assert confined_record_overdue(WED, WED + gap) is overdue


def test_confined_record_refuses_a_future_record() -> None:
    with pytest.raises(PermitInputError) as err:
        confined_record_overdue(WED + S, WED)
    assert err.value.code == "permits.record_in_future"


# ------------------------------------------------------------------ §7 blinding


@pytest.mark.parametrize(
    ("actions", "problems"),
    [
        pytest.param([BlindAction("B-01", "insert")], [], id="§7.11 one blind inserted"),
        pytest.param([BlindAction("B-01", "remove")], [], id="§7.11 one blind removed"),
        pytest.param(
            [BlindAction("B-01", "insert"), BlindAction("B-01", "remove")],
            [("permits.blind_insert_and_remove", "2/20")],
            id="§7.11 抽 and 堵 one blind → 2/20",
        ),
        pytest.param(
            [BlindAction("B-01", "insert"), BlindAction("B-02", "remove")],
            [("permits.blind_insert_and_remove", "2/20"), ("permits.several_blinds", None)],
            id="§7.11 抽 and 堵 two blinds",
        ),
        pytest.param(
            [BlindAction("B-01", "insert"), BlindAction("B-02", "insert")],
            [("permits.several_blinds", None)],
            id="§7.11 two blinds",
        ),
        pytest.param([], [("permits.blind_missing", None)], id="§7.11 no blind"),
    ],
)
def test_blind_permit_problems(actions: list[BlindAction], problems: list[tuple[str, str | None]]) -> None:
    assert [(p.code, p.alarm) for p in blind_permit_problems(actions)] == problems


def test_blind_permit_refuses_an_unknown_action() -> None:
    with pytest.raises(PermitInputError) as err:
        blind_permit_problems([BlindAction("B-01", "swap")])
    assert err.value.code == "permits.unknown_blind_action"


def test_pipeline_conflicts_7_10() -> None:
    jobs = [
        BlindJob("p1", "L-100"),
        BlindJob("p2", "L-100"),
        BlindJob("p3", "L-200"),
        BlindJob("p4", "L-200", active=False),
        BlindJob("p5", "L-300", active=False),
        BlindJob("p6", "L-300", active=False),
    ]
    assert pipeline_conflicts(jobs) == [("L-100", ("p1", "p2"))]
    assert pipeline_conflicts([]) == []


# ------------------------------------------------------------------ signing blockers


def snapshot(**kw: object) -> SigningSnapshot:
    base: dict[str, Any] = {
        "work_type": HOT_WORK,
        "grade": "1",
        "needs_gas": True,
        "gas_sampled_at": WED - 10 * MIN,
        "now": WED,
        "risk_identified": True,
        "measures_confirmed": True,
        "briefing_done": True,
    }
    base.update(kw)
    return SigningSnapshot(**base)


@pytest.mark.parametrize(
    ("kw", "codes"),
    [
        pytest.param({}, [], id="AQ 5.4 all in order"),
        pytest.param({"gas_sampled_at": None}, ["0/01"], id="AQ 5.4.3 no analysis 0/01"),
        pytest.param({"gas_sampled_at": WED - 30 * MIN}, [], id="AQ 5.4.3 exactly 30 min"),
        pytest.param({"gas_sampled_at": WED - 30 * MIN - S}, ["0/02"], id="AQ 5.4.3 30 min+1 s 0/02"),
        pytest.param({"needs_gas": False, "gas_sampled_at": None}, [], id="AQ 5.4.3 no analysis needed"),
        pytest.param({"risk_identified": False}, ["8/80"], id="GB §4.1 no risk analysis 8/80"),
        pytest.param({"measures_confirmed": False}, ["9/90"], id="AQ 5.4.5 measures 9/90"),
        pytest.param({"briefing_done": False}, ["7/70"], id="GB §4.4 briefing 7/70"),
        pytest.param(
            {"certificate_alarms": ("5/51", "5/50", "5/51")}, ["5/50", "5/51"], id="GB §4.9 certificates"
        ),
        pytest.param(
            {"related_required": frozenset({CONFINED_SPACE})}, ["6/61"], id="GB §4.6 related missing 6/61"
        ),
        pytest.param(
            {
                "related_required": frozenset({CONFINED_SPACE}),
                "related_obtained": frozenset({CONFINED_SPACE}),
            },
            ["6/62"],
            id="GB §4.6 related not linked 6/62",
        ),
        pytest.param(
            {"related_required": frozenset({CONFINED_SPACE}), "related_linked": frozenset({CONFINED_SPACE})},
            [],
            id="GB §4.6 related linked",
        ),
        pytest.param(
            {
                "related_required": frozenset({CONFINED_SPACE, WORK_AT_HEIGHT, TEMPORARY_ELECTRICITY}),
                "related_obtained": frozenset({CONFINED_SPACE}),
                "related_linked": frozenset({WORK_AT_HEIGHT}),
            },
            ["6/61", "6/62"],
            id="GB §4.6 one missing one unlinked",
        ),
        pytest.param({"related_required": frozenset({HOT_WORK})}, [], id="GB §4.6 own type ignored"),
        pytest.param(
            {
                "gas_sampled_at": None,
                "risk_identified": False,
                "measures_confirmed": False,
                "briefing_done": False,
                "certificate_alarms": ("5/52", "5/51", "5/50"),
                "related_required": frozenset({CONFINED_SPACE, WORK_AT_HEIGHT}),
                "related_obtained": frozenset({WORK_AT_HEIGHT}),
            },
            ["0/01", "8/80", "9/90", "7/70", "5/50", "5/51", "5/52", "6/61", "6/62"],
            id="AQ 5.4 everything, in a stable order",
        ),
    ],
)
def test_signing_blockers(kw: dict[str, object], codes: list[str]) -> None:
    assert signing_blockers(snapshot(**kw)) == codes


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        pytest.param(
            {"certificate_alarms": ("0/01",)}, "permits.not_a_certificate_alarm", id="not a 5/5x code"
        ),
        pytest.param(
            {"related_required": frozenset({"welding"})}, "permits.unknown_work_type", id="unknown type"
        ),
        pytest.param({"grade": None}, "permits.unknown_grade", id="hot work needs a grade"),
        pytest.param({"now": datetime(2027, 3, 10, 9)}, "permits.naive_datetime", id="naive now"),
    ],
)
def test_signing_blockers_refuse(kw: dict[str, object], code: str) -> None:
    with pytest.raises(PermitInputError) as err:
        signing_blockers(snapshot(**kw))
    assert err.value.code == code


# ------------------------------------------------------------------ approval steps (表B.1)


@pytest.mark.parametrize(
    ("work_type", "grade", "codes"),
    [
        pytest.param(
            HOT_WORK,
            "special",
            ["work_leader", "unit", "safety_dept", "hot_work_approver", "shift_leader_check", "acceptance"],
            id="表A.1 特级动火",
        ),
        pytest.param(
            HOT_WORK,
            "2",
            ["work_leader", "unit", "hot_work_approver", "shift_leader_check", "acceptance"],
            id="表A.1 二级动火",
        ),
        pytest.param(CONFINED_SPACE, None, ["work_leader", "unit", "acceptance"], id="表A.2 受限空间"),
        pytest.param(
            WORK_AT_HEIGHT,
            "IV",
            ["work_leader", "unit", "review", "approval", "acceptance"],
            id="表A.4 高处 Ⅳ",
        ),
        pytest.param(LIFTING, "3", ["commander", "unit", "approval", "acceptance"], id="表A.5 吊装 三级"),
        pytest.param(
            TEMPORARY_ELECTRICITY,
            None,
            ["work_leader", "power_user", "power_supplier", "acceptance"],
            id="表A.6 临时用电",
        ),
        pytest.param(
            EXCAVATION,
            None,
            ["work_leader", "unit", "countersign", "approval", "acceptance"],
            id="表A.7 动土",
        ),
    ],
)
def test_approval_steps(work_type: str, grade: str | None, codes: list[str]) -> None:
    assert [s.code for s in approval_steps(work_type, grade)] == codes


def test_approval_time_limits_are_configurable() -> None:
    steps = approval_steps(HOT_WORK, "1", {"hot_work_approver": timedelta(minutes=30), "acceptance": None})
    limits = {s.code: s.time_limit for s in steps}
    assert limits["hot_work_approver"] == timedelta(minutes=30)
    assert limits["acceptance"] is None
    assert limits["work_leader"] == timedelta(minutes=60)
    with pytest.raises(PermitInputError) as err:
        approval_steps(HOT_WORK, "1", {"commander": timedelta(minutes=5)})
    assert err.value.code == "permits.unknown_step"


HOT2 = approval_steps(HOT_WORK, "2")


@pytest.mark.parametrize(
    ("signed", "expected"),
    [
        pytest.param([], "work_leader", id="AQ 5.5.1 first step"),
        pytest.param(["work_leader"], "unit", id="AQ 5.5.1 second step"),
        pytest.param(
            ["work_leader", "unit", "hot_work_approver"], "shift_leader_check", id="表A.1 shift leader next"
        ),
        pytest.param([s.code for s in HOT2], None, id="AQ 5.5.1 all signed"),
    ],
)
def test_next_step(signed: list[str], expected: str | None) -> None:
    step = next_step(HOT2, signed)
    assert (step.code if step else None) == expected


@pytest.mark.parametrize(
    ("signed", "code"),
    [
        pytest.param(["unit"], "permits.signed_out_of_order", id="AQ 5.5.1 out of order"),
        pytest.param(["commander"], "permits.unknown_step", id="step not in the flow"),
    ],
)
def test_next_step_refuses(signed: list[str], code: str) -> None:
    with pytest.raises(PermitInputError) as err:
        next_step(HOT2, signed)
    assert err.value.code == code


def test_phase_complete() -> None:
    before = ["work_leader", "unit"]
    issued = [*before, "hot_work_approver"]
    assert not phase_complete(HOT2, before, "signing")
    assert phase_complete(HOT2, issued, "signing")
    assert not phase_complete(HOT2, issued, "start")
    assert phase_complete(HOT2, [*issued, "shift_leader_check"], "start")
    assert not phase_complete(HOT2, [*issued, "shift_leader_check"], "acceptance")
    with pytest.raises(PermitInputError):
        phase_complete(HOT2, issued, "later")


APPROVER = next(s for s in approval_steps(HOT_WORK, "special") if s.code == "hot_work_approver")


@pytest.mark.parametrize(
    ("signer", "roles", "assignee", "delegations", "at", "ok"),
    [
        pytest.param("li", {"plant_leader"}, None, [], None, True, id="GB §4.11 holder of the role"),
        pytest.param("li", {"safety_dept"}, None, [], None, False, id="GB §4.11 wrong role"),
        pytest.param("li", {"plant_leader"}, "li", [], None, True, id="GB §4.11 the assignee"),
        pytest.param(
            "wang", {"plant_leader"}, "li", [], None, False, id="AQ 5.5.3 not assigned, no delegation"
        ),
        pytest.param(
            "wang",
            {"plant_leader"},
            "li",
            [Delegation("hot_work_approver", "li", "wang")],
            None,
            True,
            id="AQ 5.5.3 delegate holding the role",
        ),
        pytest.param(
            "wang",
            {"unit"},
            "li",
            [Delegation("hot_work_approver", "li", "wang")],
            None,
            False,
            id="AQ 5.5.3 delegate without the role",
        ),
        pytest.param(
            "wang",
            {"plant_leader"},
            "li",
            [Delegation("unit", "li", "wang")],
            None,
            False,
            id="AQ 5.5.3 delegation of another step",
        ),
        pytest.param(
            "wang",
            {"plant_leader"},
            "li",
            [Delegation("hot_work_approver", "li", "wang", WED, WED + H)],
            WED + H,
            True,
            id="AQ 5.5.3 delegation on its last instant",
        ),
        pytest.param(
            "wang",
            {"plant_leader"},
            "li",
            [Delegation("hot_work_approver", "li", "wang", WED, WED + H)],
            WED + H + S,
            False,
            id="AQ 5.5.3 delegation expired",
        ),
        pytest.param(
            "wang",
            {"plant_leader"},
            "li",
            [Delegation("hot_work_approver", "li", "wang", WED, None)],
            WED - S,
            False,
            id="AQ 5.5.3 delegation not yet valid",
        ),
    ],
)
def test_may_sign(
    signer: str,
    roles: set[str],
    assignee: str | None,
    delegations: list[Delegation],
    at: datetime | None,
    ok: bool,
) -> None:
    assert may_sign(APPROVER, signer, roles, assignee=assignee, delegations=delegations, at=at) is ok


def test_dated_delegation_needs_the_signing_time() -> None:
    with pytest.raises(PermitInputError) as err:
        may_sign(
            APPROVER,
            "wang",
            {"plant_leader"},
            assignee="li",
            delegations=[Delegation("hot_work_approver", "li", "wang", WED, None)],
        )
    assert err.value.code == "permits.delegation_needs_time"


# ------------------------------------------------------------------ guardians


@pytest.mark.parametrize(
    ("active", "work_type", "grade", "overloaded"),
    [
        pytest.param([], HOT_WORK, "special", False, id="§4.10 [D] first permit"),
        pytest.param([(HOT_WORK, "2")], HOT_WORK, "2", False, id="§4.10 [D] 二级 has no limit"),
        pytest.param(
            [(HOT_WORK, "2")], HOT_WORK, "special", True, id="§4.10 [D] adding 特级 to a watched job"
        ),
        pytest.param([(HOT_WORK, "1")], WORK_AT_HEIGHT, "I", True, id="§4.10 [D] already on 一级动火"),
        pytest.param(
            [(CONFINED_SPACE, None)], CONFINED_SPACE, None, True, id="§6.8 [D] second confined space"
        ),
        pytest.param(
            [(WORK_AT_HEIGHT, "I"), (LIFTING, "3")], EXCAVATION, None, False, id="§4.10 [D] no limits"
        ),
    ],
)
def test_guardian_overloaded(
    active: list[tuple[str, str | None]], work_type: str, grade: str | None, overloaded: bool
) -> None:
    assert guardian_overloaded(active, work_type, grade) is overloaded


def test_guardian_policy_is_configurable() -> None:
    policy = GuardianPolicy("test", {(CONFINED_SPACE, None): 2})
    assert not guardian_overloaded([(CONFINED_SPACE, None)], CONFINED_SPACE, None, policy)
    assert guardian_overloaded([(CONFINED_SPACE, None)] * 2, CONFINED_SPACE, None, policy)


# ------------------------------------------------------------------ every refusal has both messages


def test_every_code_has_both_messages() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "anguan" / "permits"
    text = "".join((root / f).read_text(encoding="utf-8") for f in ("rules.py", "workflow.py"))
    codes = set(re.findall(r'(?:PermitInputError|Problem)\(\s*"(permits\.[a-z_]+)"', text)) | {
        PIPELINE_CONFLICT
    }
    assert len(codes) >= 30
    missing = sorted(c for c in codes if c not in locales.MESSAGES)
    assert not missing, missing
    assert all(set(texts) == {"zh-CN", "en-US"} for texts in locales.MESSAGES.values())

"""GB 18218-2018 identification and grading, table-driven at the boundaries (clause ids in the names)."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from anguan.basics.rules import cas_valid
from anguan.core.i18n import has_message
from anguan.hazards import reference as ref
from anguan.hazards.rules import (
    HazardInputError,
    Substance,
    alpha,
    assess,
    correction_beta,
    critical_quantity,
    exact,
    grade_of,
    table1_matches,
    table2_codes,
)
from tests.plant.support import settings_for

F = Fraction


def sub(
    name: str, q: str, *, no: int | None = None, cas: str | None = None, classes: tuple[str, ...] = ()
) -> Substance:
    return Substance(name, exact(q), no, cas, classes)


# ------------------------------------------------------------------ the tables themselves


def test_table1_has_all_85_rows_with_valid_cas() -> None:
    assert [n.no for n in ref.TABLE1] == list(range(1, 86))
    assert all(cas_valid(c) for n in ref.TABLE1 for c in n.cas)
    assert sum(1 for n in ref.TABLE1 if not n.cas) == 3  # 煤气, 硝酸铵肥料, 烷基铝


@pytest.mark.parametrize(
    ("no", "cas", "q"),
    [
        (1, "7664-41-7", "10"),  # 氨
        (6, "75-44-5", "0.3"),  # 碳酰氯 (光气)
        (12, "7782-50-5", "5"),  # 氯
        (30, "624-83-9", "0.75"),  # 异氰酸甲酯
        (51, "1333-74-0", "5"),  # 氢 (corrupted public copies say 200 t)
        (56, "7782-44-7", "200"),  # 氧
        (64, "108-88-3", "500"),  # 甲苯
        (65, "67-56-1", "500"),  # 甲醇 (corrupted public copies say 50-00-0, 5 t)
        (85, "7440-23-5", "10"),  # 钠
    ],
)
def test_table1_rows_as_printed(no: int, cas: str, q: str) -> None:
    row = ref.TABLE1_BY_NO[no]
    assert cas in row.cas and row.q_t == q


def test_table3_and_table2_as_printed() -> None:
    assert {k: v[1] for k, v in ref.TABLE3.items() if v[0] in ("氯", "硫化氢", "碳酰氯", "一氧化碳")} == {
        "7782-50-5": "4",
        "7783-06-4": "5",
        "75-44-5": "20",
        "630-08-0": "2",
    }
    assert (ref.TABLE2["W5.3"].q_t, ref.TABLE2["W5.3"].beta) == ("1000", "1")
    assert (ref.TABLE2["J1"].q_t, ref.TABLE2["J1"].beta) == ("5", "4")
    assert len(ref.TABLE2) == 24


@pytest.mark.parametrize(
    ("name", "cas", "rows"),
    [
        ("甲醇", "67-56-1", [65]),
        ("液氨", None, [1]),  # an alias
        ("天然气", None, [49]),
        ("硝化纤维素", "9004-70-0", [37, 38, 39, 40, 41, 42]),  # shared CAS: the user chooses
        ("水", "7732-18-5", []),
    ],
)
def test_table1_matches(name: str, cas: str | None, rows: list[int]) -> None:
    assert table1_matches(name, cas) == rows


# ------------------------------------------------------------------ 表2 classes from GHS


@pytest.mark.parametrize(
    ("ghs", "state", "kw", "codes"),
    [
        (["acute_tox_inhal:1"], "gas", {}, ["J1"]),
        (["acute_tox_oral:1"], "liquid", {}, ["J2"]),
        (["acute_tox_inhal:3"], "gas", {}, ["J3"]),
        (["acute_tox_inhal:2"], "liquid", {"boiling_point_c": 35.0}, ["J4"]),  # bp exactly 35 ℃
        (["acute_tox_inhal:2"], "liquid", {"boiling_point_c": 35.1}, ["J5"]),
        (["acute_tox_oral:3"], "liquid", {"boiling_point_c": 64.7}, []),  # category 3 liquid: none
        (["explosive:unstable"], "solid", {}, ["W1.1"]),
        (["explosive:1.3"], "solid", {}, ["W1.2"]),
        (["explosive:1.4"], "solid", {}, ["W1.3"]),
        (["flam_gas:1", "press_gas:liquefied"], "gas", {}, ["W2"]),
        (["flam_liq:1"], "liquid", {}, ["W5.1"]),
        (["flam_liq:2"], "liquid", {"above_boiling_point": True}, ["W5.1"]),
        (["flam_liq:2"], "liquid", {"special_conditions": True}, ["W5.2"]),
        (["flam_liq:2"], "liquid", {}, ["W5.3"]),
        (["flam_liq:3"], "liquid", {}, ["W5.4"]),
        (["flam_liq:4"], "liquid", {}, []),
        (["org_perox:B"], "liquid", {}, ["W7.1"]),
        (["ox_sol:2"], "solid", {}, ["W9.2"]),
        (["water_react:1", "skin_corr:1B"], "solid", {}, ["W11"]),
        (["flam_liq:2", "acute_tox_oral:2"], "liquid", {"boiling_point_c": 80.0}, ["W5.3", "J5"]),
    ],
)
def test_table2_codes_from_ghs(ghs: list[str], state: str, kw: dict[str, object], codes: list[str]) -> None:
    assert table2_codes(ghs, state, **kw) == codes  # type: ignore[arg-type]


# ------------------------------------------------------------------ Q and β


def test_q_from_table1_wins_over_classes_4_1_2() -> None:
    q, basis = critical_quantity(sub("甲醇", "1", no=65, classes=("W5.3",)))
    assert q == 500 and basis.startswith("表1 第65行")


def test_several_classes_take_the_lowest_q_4_1_2() -> None:
    q, basis = critical_quantity(sub("某液体", "1", classes=("W5.3", "J5")))
    assert q == 500 and "J5" in basis and "最小" in basis


def test_beta_from_table3_for_named_toxic_gases() -> None:
    beta, basis, ambiguous = correction_beta(sub("氯", "1", no=12, cas="7782-50-5"))
    assert (beta, basis, ambiguous) == (4, "表3 氯", False)


def test_beta_with_several_classes_is_the_largest_and_needs_review() -> None:
    beta, basis, ambiguous = correction_beta(sub("某液体", "1", classes=("W5.3", "J4")))
    assert (beta, ambiguous) == (2, True) and "J4" in basis
    beta, _, ambiguous = correction_beta(sub("另一液体", "1", classes=("W5.3", "J5")))
    assert (beta, ambiguous) == (1, False)  # both 1: nothing to decide


# ------------------------------------------------------------------ S, α, R and grade


@pytest.mark.parametrize(
    ("quantities", "major"),
    [
        (["500"], True),  # q = Q: 4.2.1 "≥"
        (["499.999"], False),
        (["250", "250"], True),  # S exactly 1
        (["250", "249.999"], False),
        (["0", "0"], False),
    ],
)
def test_s_boundary_4_2_1(quantities: list[str], major: bool) -> None:
    res = assess([sub(f"甲醇{i}", q, no=65, classes=("W5.3",)) for i, q in enumerate(quantities)], 0)
    assert res.major is major


@pytest.mark.parametrize(
    ("people", "value"),
    [
        (0, "0.5"),
        (1, "1.0"),
        (29, "1.0"),
        (30, "1.2"),
        (49, "1.2"),
        (50, "1.5"),
        (99, "1.5"),
        (100, "2.0"),
        (5000, "2.0"),
    ],
)
def test_alpha_bands_table5(people: int, value: str) -> None:
    assert alpha(people)[0] == exact(value)


@pytest.mark.parametrize(
    ("r", "grade"),
    [("100", 1), ("99.999", 2), ("50", 2), ("49.999", 3), ("10", 3), ("9.999", 4), ("1", 4)],
)
def test_grade_boundaries_table6(r: str, grade: int) -> None:
    assert grade_of(exact(r)) == grade


def test_r_exactly_100_is_grade_1() -> None:
    # 氯: Q 5 t, β 4 (表3); 62.5 t → q/Q 12.5, βq/Q 50; α 2.0 (≥ 100 people) → R = 100 exactly.
    res = assess([sub("氯", "62.5", no=12, cas="7782-50-5")], 150)
    assert (res.r, res.grade, res.grade_name) == (F(100), 1, ("一级", "Grade 1"))


def test_tank_farm_sheet_checks_by_hand() -> None:
    """甲醇 800 t, 甲苯 600 t, 丙酮 300 t (all 表1, Q 500 t, β 1 from W5.3); 120 people → α 2.0.

    S = 1.6 + 1.2 + 0.6 = 3.4 ≥ 1 → major; R = 2.0 × 3.4 = 6.8 < 10 → 四级.
    """
    res = assess(
        [
            sub("甲醇", "800", no=65, cas="67-56-1", classes=("W5.3",)),
            sub("甲苯", "600", no=64, cas="108-88-3", classes=("W5.3",)),
            sub("丙酮", "300", no=59, cas="67-64-1", classes=("W5.3",)),
        ],
        120,
    )
    assert [ln.ratio for ln in res.lines] == [F(8, 5), F(6, 5), F(3, 5)]
    assert (res.s, res.major, res.alpha, res.r, res.grade) == (F(17, 5), True, F(2), F(34, 5), 4)
    assert res.alpha_basis == "表5 100人以上" and res.version == "gb18218-2018/v1"
    assert not res.needs_review


def test_not_major_has_no_grade() -> None:
    res = assess([sub("丙酮", "100", no=59, classes=("W5.3",))], 500)
    assert (res.major, res.r, res.grade, res.alpha) == (False, None, None, None)


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("substances", "people", "code"),
    [
        ([], 10, "hazards.empty_unit"),
        ([sub("甲醇", "-1", no=65, classes=("W5.3",))], 10, "hazards.negative_quantity"),
        ([sub("未知", "1", no=86, classes=("W5.3",))], 10, "hazards.unknown_table1_row"),
        ([sub("未知", "1")], 10, "hazards.no_critical_quantity"),
        ([sub("未知", "1", classes=("W99",))], 10, "hazards.unknown_class"),
        ([sub("甲醇", "1", no=65)], 10, "hazards.no_beta"),  # 表1 gives Q, but β needs a class
        ([sub("甲醇", "600", no=65, classes=("W5.3",))], -1, "hazards.negative_people"),
    ],
)
def test_bad_input_is_refused(substances: list[Substance], people: int, code: str) -> None:
    with pytest.raises(HazardInputError) as err:
        assess(substances, people)
    assert err.value.code == code


def test_zero_q_or_beta_in_reference_data_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ref.TABLE2, "W5.3", ref.ClassDefault("W5.3", "test", "0", "1"))
    with pytest.raises(HazardInputError) as err:
        assess([sub("液体", "1", classes=("W5.3",))], 0)
    assert err.value.code == "hazards.zero_critical_quantity"
    monkeypatch.setitem(ref.TABLE2, "W5.3", ref.ClassDefault("W5.3", "test", "1000", "0"))
    with pytest.raises(HazardInputError) as err:
        assess([sub("液体", "1", classes=("W5.3",))], 0)
    assert err.value.code == "hazards.zero_beta"


def test_not_a_number_is_refused() -> None:
    with pytest.raises(HazardInputError) as err:
        exact("abc")
    assert err.value.code == "hazards.not_a_number"


def test_every_refusal_has_both_messages() -> None:
    from anguan.app import create_app  # registers the module catalogues

    create_app(settings_for(Path("/nonexistent"), "sqlite+aiosqlite:///:memory:"))
    source = Path(__file__).resolve().parents[2] / "src" / "anguan" / "hazards" / "rules.py"
    codes = set(re.findall(r'HazardInputError\(\s*"(hazards\.[a-z_]+)"', source.read_text(encoding="utf-8")))
    assert len(codes) >= 9
    assert all(has_message(c) for c in codes), sorted(c for c in codes if not has_message(c))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(500), "500"),
        (F(1000), "1000"),
        (F(5976, 1000), "5.976"),
        (F(1, 3), "0.3333"),
        (F(0), "0"),
        (F(3, 10), "0.3"),
    ],
)
def test_sheet_numbers_are_fixed_point(value: Fraction, text: str) -> None:
    from anguan.hazards.service import decimal_text

    assert decimal_text(value) == text

"""Integrity of the GB 30871-2022 / AQ 3064.2-2025 reference data."""

from __future__ import annotations

import re
from datetime import timedelta

from anguan.basics.reference import AQ3064_2_2025_CERT_CODES, WORK_CERTIFICATES_V1
from anguan.permits import checklists
from anguan.permits import reference as ref
from anguan.permits.rules import grade_rank

KEYS = set(ref.GRADES_BY_KEY)


def test_eight_types_with_the_categories_of_table_a2() -> None:
    assert {t.code: t.category for t in ref.WORK_TYPES.values()} == {
        "hot_work": "0",
        "temporary_electricity": "1",
        "work_at_height": "2",
        "excavation": "3",
        "road_breaking": "4",
        "blinding": "5",
        "lifting": "6",
        "confined_space": "7",
    }
    assert set(ref.WORK_TYPES) == set(WORK_CERTIFICATES_V1)  # the master-data eligibility API's types


def test_subclass_codes_match_table_a2() -> None:
    assert {k: g.subclass for k, g in ref.GRADES_BY_KEY.items()} == {
        ("hot_work", "special"): "01",
        ("hot_work", "1"): "02",
        ("hot_work", "2"): "03",
        ("temporary_electricity", None): "10",
        ("work_at_height", "I"): "21",
        ("work_at_height", "II"): "22",
        ("work_at_height", "III"): "23",
        ("work_at_height", "IV"): "24",
        ("excavation", None): "30",
        ("road_breaking", None): "40",
        ("blinding", None): "50",
        ("lifting", "1"): "61",
        ("lifting", "2"): "62",
        ("lifting", "3"): "63",
        ("confined_space", None): "70",
    }
    assert len(ref.WORK_GRADES) == len(KEYS)  # no duplicate pair
    for g in ref.WORK_GRADES:
        assert g.subclass.startswith(ref.WORK_TYPES[g.work_type].category)
        assert (g.grade is None) == (not ref.WORK_TYPES[g.work_type].grades)
    for t in ref.WORK_TYPES.values():
        expected: set[str | None] = set(t.grades) if t.grades else {None}
        assert {g for (w, g) in KEYS if w == t.code} == expected


def test_every_pair_has_a_validity_entry() -> None:
    assert set(ref.VALIDITY_V1) == KEYS
    assert ref.VALIDITY_V1[("hot_work", "special")].normal == timedelta(hours=8)
    assert ref.VALIDITY_V1[("hot_work", "2")].normal == timedelta(hours=72)
    assert ref.VALIDITY_V1[("confined_space", None)].normal == timedelta(hours=24)
    assert ref.VALIDITY_V1[("temporary_electricity", None)].special == timedelta(days=30)
    assert all(v.special is None for k, v in ref.VALIDITY_V1.items() if k[0] != "temporary_electricity")
    for k in (("blinding", None), ("lifting", "1"), ("excavation", None), ("road_breaking", None)):
        assert ref.VALIDITY_V1[k].normal is None


def test_alarm_codes_are_unique_and_well_formed() -> None:
    codes = [a.code for a in ref.ALARM_TYPES]
    assert len(codes) == len(set(codes)) == 22
    for a in ref.ALARM_TYPES:
        assert re.fullmatch(r"\d/\d{2}", a.code), a.code
        category, sub = a.code.split("/")
        assert sub.startswith(category) and category in ref.ALARM_CATEGORIES
        assert a.zh and a.en and a.clause
    assert {a.code for a in ref.ALARM_TYPES if a.code.startswith("4/")} == {
        f"4/{c}" for c in ref.UPGRADE_CAUSES
    }
    assert {
        AQ3064_2_2025_CERT_CODES.missing,
        AQ3064_2_2025_CERT_CODES.expired,
        AQ3064_2_2025_CERT_CODES.mismatched,
    } == (ref.CERTIFICATE_ALARMS)
    assert set(ref.SIGNING_BLOCKER_ORDER) <= set(ref.ALARMS)
    assert len(set(ref.SIGNING_BLOCKER_ORDER)) == len(ref.SIGNING_BLOCKER_ORDER)


def test_ticket_status_codes_of_table_a1() -> None:
    assert {k: v[0] for k, v in ref.TICKET_STATUS.items()} == {
        "0": "未签发",
        "1": "已签发",
        "2": "作业中",
        "3": "已验收",
        "4": "作废",
        "5": "撤销",
        "6": "暂停",
    }


def test_every_approval_flow_is_well_formed() -> None:
    assert set(ref.APPROVAL_FLOWS_V1) == KEYS == set(ref.APPROVER_ROLE)
    for key, steps in ref.APPROVAL_FLOWS_V1.items():
        codes = [s.code for s in steps]
        assert len(codes) == len(set(codes)), key
        assert steps[-1].code == "acceptance" and steps[-1].phase == "acceptance", key
        assert [s.code for s in steps if s.phase == "acceptance"] == ["acceptance"], key
        phases = [ref.PHASES.index(s.phase) for s in steps]
        assert phases == sorted(phases), key  # signing, then start, then acceptance
        assert all(s.role in ref.ROLES for s in steps), key
        approvers = [s for s in steps if s.approver]
        assert len(approvers) == 1 and approvers[0].role == ref.APPROVER_ROLE[key], key
        assert approvers[0].phase == "signing", key
        assert steps[0].code == ("commander" if key[0] == "lifting" else "work_leader"), key
        assert all(s.time_limit == ref.DEFAULT_STEP_TIME_LIMIT for s in steps), key


def test_hot_work_flows_have_the_shift_leader_check_and_no_other_flow_does() -> None:
    for key, steps in ref.APPROVAL_FLOWS_V1.items():
        shift = [s for s in steps if s.code == "shift_leader_check"]
        if key[0] == "hot_work":
            assert len(shift) == 1 and shift[0].role == "shift_leader" and shift[0].phase == "start", key
            assert steps[-2].code == "shift_leader_check", key
        else:
            assert not shift and all(s.phase != "start" for s in steps), key


def test_approvers_of_table_b1() -> None:
    assert ref.APPROVER_ROLE[("hot_work", "special")] == "plant_leader"  # 主管领导
    assert ref.APPROVER_ROLE[("hot_work", "1")] == "safety_dept"
    assert ref.APPROVER_ROLE[("work_at_height", "IV")] == "plant_director"
    assert ref.APPROVER_ROLE[("lifting", "1")] == "plant_director"
    assert ref.APPROVER_ROLE[("temporary_electricity", None)] == "power_supplier"
    countersigned = {k for k, steps in ref.APPROVAL_FLOWS_V1.items() if any(s.countersign for s in steps)}
    assert countersigned == {("excavation", None), ("road_breaking", None)}


def test_gas_criteria() -> None:
    c = ref.GAS_CRITERIA_V1
    assert (c.lel_threshold_pct, c.combustible_max_high_lel_pct, c.combustible_max_low_lel_pct) == (
        "4",
        "0.5",
        "0.2",
    )
    assert (c.oxygen_min_pct, c.oxygen_max_pct, c.oxygen_rich_max_pct) == ("19.5", "21", "23.5")
    assert c.sample_to_start == timedelta(minutes=30)
    assert c.confined_record_interval == timedelta(hours=2)
    assert set(c.retest_after) <= KEYS and set(c.daily_retest) <= KEYS
    assert set(c.required_kinds) == set(ref.GAS_ANALYSIS_REQUIRED)
    assert all(k <= set(ref.GAS_KINDS) for k in c.required_kinds.values())
    assert c.mixture_method in ref.MIXTURE_METHODS


def test_height_tables() -> None:
    assert list(ref.HEIGHT_FACTORS) == list("abcdefghi")
    uppers = [u for u, _, _ in ref.HEIGHT_BANDS]
    assert uppers == ["5", "15", "30", None]
    for _, a, b in ref.HEIGHT_BANDS:
        assert grade_rank("work_at_height", b) >= grade_rank("work_at_height", a)
    assert {c.min_grade for c in ref.HEIGHT_EXTRA_CASES_V1.values()} <= set(
        ref.WORK_TYPES["work_at_height"].grades
    )
    assert set(ref.HEIGHT_EXTRA_CASES_V1).isdisjoint(ref.HEIGHT_FACTORS)


def test_policies_name_known_pairs() -> None:
    assert set(ref.GUARDIAN_POLICY_V1.max_concurrent) <= KEYS
    assert all(n >= 1 for n in ref.GUARDIAN_POLICY_V1.max_concurrent.values())
    assert ref.HOT_WORK_UPGRADE_V1.causes == set(ref.UPGRADE_CAUSES) == {"40", "41", "42", "43"}
    assert ref.HOT_WORK_UPGRADE_V1.steps == 1


def test_checklists_have_the_printed_row_counts_and_end_with_other_measures() -> None:
    assert {t: c.printed_rows for t, c in checklists.CHECKLISTS_V1.items()} == {
        "hot_work": 16,
        "confined_space": 15,
        "blinding": 11,
        "work_at_height": 15,
        "lifting": 20,
        "temporary_electricity": 14,
        "excavation": 11,
        "road_breaking": 4,
    }
    for t, c in checklists.CHECKLISTS_V1.items():
        assert c.work_type == t
        assert len(c.rows) == c.printed_rows, t
        assert len(set(c.rows)) == len(c.rows), t
        assert c.rows[-1].startswith("其他安全措施") and "编制人" in c.rows[-1], t
        assert c.paraphrased  # [D] until checked against the printed 附录A


def test_version() -> None:
    assert ref.VERSION == "gb30871-2022+aq3064.2-2025/v1"


def test_every_work_type_has_a_risk_template() -> None:
    assert set(ref.RISK_TEMPLATES_V1) == set(ref.WORK_TYPES)
    assert all(len(v) == len(set(v)) >= 3 for v in ref.RISK_TEMPLATES_V1.values())

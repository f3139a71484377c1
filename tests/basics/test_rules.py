"""Master-data rules at their boundaries (issue 4 groundwork)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from anguan.basics.reference import STAFFING_V1, WORK_CERTIFICATES_V1
from anguan.basics.rules import (
    Certificate,
    bypass_overdue,
    cas_valid,
    due_status,
    eligibility,
    missing_fields,
    staffing_findings,
)


@pytest.mark.parametrize(
    ("cas", "ok"),
    [
        ("67-56-1", True),  # 甲醇 methanol
        ("7782-50-5", True),  # 氯 chlorine
        ("7732-18-5", True),  # water
        ("1333-74-0", True),  # 氢 hydrogen
        ("7664-41-7", True),  # 氨 ammonia
        ("67-56-2", False),  # wrong check digit
        ("7782-50-4", False),
        ("6-75-61", False),  # first part too short
        ("12345678-56-1", False),  # first part too long
        ("67-5-1", False),
        ("67561", False),
        ("", False),
        (" 67-56-1 ", True),  # surrounding blanks are tolerated
    ],
)
def test_cas_check_digit(cas: str, ok: bool) -> None:
    assert cas_valid(cas) is ok


TODAY = date(2027, 1, 15)


@pytest.mark.parametrize(
    ("days", "status", "tier"),
    [
        (91, "valid", None),
        (90, "due", 90),  # exactly at the 90-day lead time
        (31, "due", 90),
        (30, "due", 30),
        (8, "due", 30),
        (7, "due", 7),
        (0, "due", 7),  # valid until today: still valid today
        (-1, "expired", 0),  # expired the day after
    ],
)
def test_due_status_boundaries(days: int, status: str, tier: int | None) -> None:
    d = due_status(TODAY + timedelta(days=days), TODAY)
    assert (d.status, d.days_left, d.tier) == (status, days, tier)


def test_missing_fields() -> None:
    record: dict[str, object] = {
        "number": "(冀)WH安许证字[2025]000123",
        "issuer": " ",
        "valid_until": None,
        "scope": [],
        "x": 0,
    }
    assert missing_fields(record, ["number", "issuer", "valid_until", "scope", "x", "absent"]) == [
        "issuer",
        "valid_until",
        "scope",
        "absent",
    ]


NOW = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("active", "until", "overdue"),
    [
        (True, NOW, False),  # exactly at the end of the approval: not yet overdue
        (True, NOW - timedelta(seconds=1), True),
        (False, NOW - timedelta(days=3), False),  # restored: no alarm
    ],
)
def test_bypass_outliving_its_approval(active: bool, until: datetime, overdue: bool) -> None:
    assert bypass_overdue(active, until, NOW) is overdue


ID = "130102199001011234"
WELD = WORK_CERTIFICATES_V1["hot_work"]


def cert(
    valid_from: date, valid_until: date, holder: str = ID, kind: str = "welding_cutting", **kw: bool
) -> Certificate:
    return Certificate(kind, holder, valid_from, valid_until, **kw)


@pytest.mark.parametrize(
    ("certs", "ok", "reason", "code"),
    [
        ([], False, "missing", "5/50"),
        (
            [cert(date(2021, 1, 1), date(2027, 1, 14), kind="electrician_low_voltage")],
            False,
            "missing",
            "5/50",
        ),
        ([cert(date(2021, 1, 1), TODAY)], True, None, None),  # valid through today
        ([cert(date(2021, 1, 1), TODAY - timedelta(days=1))], False, "expired", "5/51"),
        ([cert(TODAY, date(2033, 1, 1))], True, None, None),  # valid from today
        ([cert(TODAY + timedelta(days=1), date(2033, 1, 1))], False, "not_yet_valid", "5/51"),
        (
            [cert(date(2021, 1, 1), date(2033, 1, 1), holder="130102199202022345")],
            False,
            "mismatched",
            "5/52",
        ),
        ([cert(date(2021, 1, 1), date(2033, 1, 1), revoked=True)], False, "missing", "5/50"),
        (
            [cert(date(2015, 1, 1), date(2021, 1, 1)), cert(date(2021, 1, 2), date(2027, 1, 1))],
            False,
            "expired",
            "5/51",
        ),
    ],
)
def test_eligibility(certs: list[Certificate], ok: bool, reason: str | None, code: str | None) -> None:
    e = eligibility(ID, certs, WELD, TODAY)
    assert (e.ok, e.reason, e.alarm_code) == (ok, reason, code)


def test_work_without_a_state_certificate_needs_none() -> None:
    assert eligibility(ID, [], WORK_CERTIFICATES_V1["confined_space"], TODAY).ok


@pytest.mark.parametrize(
    ("employees", "staff", "engineers", "need_staff", "need_eng", "staff_ok", "eng_ok"),
    [
        (10, 1, 1, 1, 1, True, True),  # minimum one full-time safety officer
        (50, 1, 1, 1, 1, True, True),  # 2 % of 50 is exactly 1
        (51, 1, 1, 2, 1, False, True),  # 2 % of 51 rounds up to 2
        (300, 6, 0, 6, 1, True, False),  # at least one registered engineer
        (700, 14, 2, 14, 3, True, False),  # 15 % of 14 = 2.1 → 3
        (700, 20, 3, 14, 3, True, True),  # 15 % of 20 is exactly 3
    ],
)
def test_staffing_self_diagnosis(
    employees: int, staff: int, engineers: int, need_staff: int, need_eng: int, staff_ok: bool, eng_ok: bool
) -> None:
    f = {x.item: x for x in staffing_findings(employees, staff, engineers, STAFFING_V1)}
    assert (f["safety_staff"].required, f["safety_staff"].ok) == (need_staff, staff_ok)
    assert (f["registered_engineers"].required, f["registered_engineers"].ok) == (need_eng, eng_ok)


# ------------------------------------------------------------------ appended: reminders, eligibility
# combination, contractor admission (安全生产法 Art. 49), induction (安全培训规定 Art. 13)

from anguan.basics.reference import INDUCTION_LEVELS_V1  # noqa: E402
from anguan.basics.rules import (  # noqa: E402
    ContractorStanding,
    Due,
    certificate_valid,
    contractor_admission,
    holder_id_number,
    induction_missing,
    lead_days_valid,
    reminder_severity,
    work_eligibility,
)


@pytest.mark.parametrize(
    ("due", "severity"),
    [
        (Due("expired", -1, 0), "urgent"),
        (Due("due", 0, 7), "high"),
        (Due("due", 7, 7), "high"),
        (Due("due", 8, 30), "medium"),
        (Due("due", 30, 30), "medium"),
        (Due("due", 31, 90), "low"),
        (Due("due", 90, 90), "low"),
        (Due("valid", 91, None), None),
        (Due("due", 10, 14), "medium"),  # an enterprise tier between the reference ones
        (Due("due", 3, 3), "high"),
    ],
    ids=lambda v: repr(v) if not isinstance(v, Due) else f"{v.status}-{v.tier}",
)
def test_reminder_severity_by_tier(due: Due, severity: str | None) -> None:
    assert reminder_severity(due) == severity


@pytest.mark.parametrize(
    ("days", "ok"),
    [
        ([90, 30, 7], True),
        ([1], True),
        ([3650, 1000, 100, 10, 1], True),  # five tiers, both bounds
        ([], False),
        ([6, 5, 4, 3, 2, 1], False),  # six tiers
        ([30, 90], False),
        ([30, 30], False),
        ([0], False),
        ([3651], False),
        ([True], False),
    ],
)
def test_lead_days_valid(days: list[int], ok: bool) -> None:
    assert lead_days_valid(days) is ok


@pytest.mark.parametrize(
    ("printed", "own", "held_as"),
    [
        (None, ID, ID),  # nothing printed: the person's own
        ("", ID, ID),
        ("  ", ID, ID),
        ("13010219900101123x", ID, "13010219900101123X"),  # normalised
        ("130102199202022345", ID, "130102199202022345"),
    ],
)
def test_holder_id_number(printed: str | None, own: str, held_as: str) -> None:
    assert holder_id_number(printed, own) == held_as


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "revoked", "ok"),
    [
        (TODAY, TODAY, False, True),
        (TODAY + timedelta(days=1), TODAY + timedelta(days=9), False, False),
        (TODAY - timedelta(days=9), TODAY - timedelta(days=1), False, False),
        (TODAY, TODAY, True, False),
    ],
)
def test_certificate_valid(valid_from: date, valid_until: date, revoked: bool, ok: bool) -> None:
    assert certificate_valid(valid_from, valid_until, revoked, TODAY) is ok


@pytest.mark.parametrize(
    ("standing", "reasons"),
    [
        (ContractorStanding("approved", TODAY, None), []),  # qualification valid through today
        (ContractorStanding("approved", TODAY, TODAY), []),
        (
            ContractorStanding("approved", TODAY - timedelta(days=1), None),
            ["contractor_qualification_expired"],
        ),
        (ContractorStanding("approved", None, None), ["contractor_qualification_expired"]),  # none recorded
        (
            ContractorStanding("approved", TODAY, TODAY - timedelta(days=1)),
            ["contractor_qualification_expired"],
        ),  # safety licence lapsed
        (ContractorStanding("suspended", TODAY, None), ["contractor_not_approved"]),
        (ContractorStanding("blacklisted", TODAY, None), ["contractor_not_approved"]),
        (
            ContractorStanding("missing", None, None),
            ["contractor_not_approved", "contractor_qualification_expired"],
        ),
    ],
    ids=lambda v: repr(v) if not isinstance(v, ContractorStanding) else v.status,
)
def test_contractor_admission_art49(standing: ContractorStanding, reasons: list[str]) -> None:
    assert [c.reason for c in contractor_admission(standing, TODAY) if not c.ok] == reasons


GOOD_CERT = cert(date(2021, 1, 1), date(2033, 1, 1))
APPROVED = ContractorStanding("approved", TODAY, TODAY)


@pytest.mark.parametrize(
    ("active", "contractor", "certs", "ok", "reason", "code", "checks"),
    [
        (True, None, [GOOD_CERT], True, None, None, ["person_active", "certificate"]),
        (False, None, [GOOD_CERT], False, "person_inactive", None, ["person_active", "certificate"]),
        (
            False,
            None,
            [],
            False,
            "person_inactive",
            "5/50",
            ["person_active", "certificate"],
        ),  # first failure
        (
            True,
            APPROVED,
            [GOOD_CERT],
            True,
            None,
            None,
            ["person_active", "contractor_approved", "contractor_qualification", "certificate"],
        ),
        (
            True,
            ContractorStanding("suspended", TODAY, None),
            [GOOD_CERT],
            False,
            "contractor_not_approved",
            None,
            ["person_active", "contractor_approved", "contractor_qualification", "certificate"],
        ),
        (
            True,
            APPROVED,
            [cert(date(2021, 1, 1), TODAY - timedelta(days=1))],
            False,
            "expired",
            "5/51",
            ["person_active", "contractor_approved", "contractor_qualification", "certificate"],
        ),
    ],
)
def test_work_eligibility_gb30871_4_9(
    active: bool,
    contractor: ContractorStanding | None,
    certs: list[Certificate],
    ok: bool,
    reason: str | None,
    code: str | None,
    checks: list[str],
) -> None:
    e = work_eligibility(active, contractor, ID, certs, WELD, TODAY)
    assert (e.ok, e.reason, e.alarm_code) == (ok, reason, code)
    assert [c.check for c in e.checks] == checks


def test_work_eligibility_compares_normalised_id_numbers() -> None:
    lower = "13010219900101123x"
    e = work_eligibility(
        True, None, lower, [cert(date(2021, 1, 1), TODAY, holder=lower.upper())], WELD, TODAY
    )
    assert e.ok


@pytest.mark.parametrize(
    ("passed", "missing"),
    [
        ({"company", "workshop", "team"}, []),
        ({"company", "workshop", "team", "annual"}, []),
        ({"company", "team"}, ["workshop"]),
        (set(), list(INDUCTION_LEVELS_V1)),
        ({"annual", "special"}, ["company", "workshop", "team"]),
    ],
)
def test_three_level_induction_art13(passed: set[str], missing: list[str]) -> None:
    assert induction_missing(passed) == missing

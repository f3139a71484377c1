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

"""GB/T 22239-2019 (等保2.0 level 3) identity rules, table-driven with the clause in each test id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from anguan.identity import rules
from anguan.identity.permissions import (
    AUDIT_READ,
    BUILTIN_ROLES,
    FILES_WRITE,
    PERMISSION_DUTY,
    PLANT_READ,
    PLANT_WRITE,
    ROLE_READ,
    ROLE_WRITE,
    SESSION_MANAGE,
    SYSTEM_CONFIG,
    USER_ASSIGN_ROLES,
    USER_READ,
    USER_WRITE,
)
from anguan.identity.reference import SECURITY_POLICY_V1 as POLICY

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
US = timedelta(microseconds=1)


def test_reference_policy_is_the_level_3_table():
    """The thresholds the tables below rely on (a change of reference data must be deliberate)."""
    assert (POLICY.min_length, POLICY.min_char_classes) == (8, 3)
    assert (POLICY.max_failed_logins, POLICY.lockout_minutes) == (5, 15)
    assert (POLICY.idle_timeout_minutes, POLICY.absolute_session_hours) == (30, 12)
    assert (POLICY.password_max_age_days, POLICY.password_history) == (90, 3)


# ---------------------------------------------------------------- 8.1.4.1 a) password complexity


@pytest.mark.parametrize(
    ("password", "username", "expected"),
    [
        pytest.param("Ab1#xyz", "wang", ["too_short"], id="8.1.4.1a-length-7-too-short"),
        pytest.param("Ab1#xyzw", "wang", [], id="8.1.4.1a-length-8-ok"),
        pytest.param("abcdefg1", "wang", ["too_few_character_classes"], id="8.1.4.1a-2-classes-lower-digit"),
        pytest.param("abcdEFGH", "wang", ["too_few_character_classes"], id="8.1.4.1a-2-classes-lower-upper"),
        pytest.param("abcd#$%&", "wang", ["too_few_character_classes"], id="8.1.4.1a-2-classes-lower-symbol"),
        pytest.param("abcdEFG1", "wang", [], id="8.1.4.1a-3-classes-lower-upper-digit"),
        pytest.param("abcd#FGH", "wang", [], id="8.1.4.1a-3-classes-lower-upper-symbol"),
        pytest.param("1234#%ab", "wang", [], id="8.1.4.1a-3-classes-digit-symbol-lower"),
        pytest.param("Ab1#Ab1#", "wang", [], id="8.1.4.1a-4-classes"),
        pytest.param("12345678", "wang", ["too_few_character_classes"], id="8.1.4.1a-1-class-digits"),
        pytest.param("xWang#2026", "wang", ["contains_username"], id="8.1.4.1a-contains-username"),
        pytest.param("x#WANG2026", "wang", ["contains_username"], id="8.1.4.1a-username-case-insensitive"),
        pytest.param("x#wang2026", "WaNg", ["contains_username"], id="8.1.4.1a-username-mixed-case"),
        pytest.param("x#wan2026A", "wang", [], id="8.1.4.1a-part-of-username-ok"),
        pytest.param("Ab1#" + "x" * 124, "wang", [], id="8.1.4.1a-length-128-ok"),
        pytest.param("Ab1#" + "x" * 125, "wang", ["too_long"], id="8.1.4.1a-length-129-too-long"),
        pytest.param("", "wang", ["too_short", "too_few_character_classes"], id="8.1.4.1a-empty"),
        pytest.param(
            "wang",
            "wang",
            ["too_short", "too_few_character_classes", "contains_username"],
            id="8.1.4.1a-all-problems-reported",
        ),
        pytest.param("Ab1#xyzw", "", [], id="8.1.4.1a-no-username-no-username-check"),
    ],
)
def test_password_problems(password, username, expected):
    assert rules.password_problems(password, username, POLICY) == expected


@pytest.mark.parametrize(
    ("age", "expired"),
    [
        pytest.param(timedelta(days=90), True, id="8.1.4.1a-90-days-expired"),
        pytest.param(timedelta(days=90) - timedelta(minutes=1), False, id="8.1.4.1a-89d23h59m-not-expired"),
        pytest.param(timedelta(days=90) - US, False, id="8.1.4.1a-1us-before-90-days-not-expired"),
        pytest.param(timedelta(days=400), True, id="8.1.4.1a-long-expired"),
        pytest.param(timedelta(0), False, id="8.1.4.1a-just-changed"),
    ],
)
def test_password_expired(age, expired):
    assert rules.password_expired(T0, T0 + age, POLICY) is expired


# ---------------------------------------------------------------- 8.1.4.1 b) failed logins and lockout


@pytest.mark.parametrize(
    ("previous_failures", "count", "locked_until"),
    [
        pytest.param(0, 1, None, id="8.1.4.1b-1st-failure-counted"),
        pytest.param(3, 4, None, id="8.1.4.1b-4th-failure-not-locked"),
        pytest.param(4, 0, T0 + timedelta(minutes=15), id="8.1.4.1b-5th-failure-locks-15min"),
        pytest.param(9, 0, T0 + timedelta(minutes=15), id="8.1.4.1b-beyond-threshold-locks"),
    ],
)
def test_after_failed_login(previous_failures, count, locked_until):
    assert rules.after_failed_login(previous_failures, T0, POLICY) == (count, locked_until)


def test_lock_is_exactly_the_lockout_period():
    """8.1.4.1 b): the 5th failure locks for exactly 15 minutes, not 14:59 nor 15:01."""
    _, until = rules.after_failed_login(4, T0, POLICY)
    assert until is not None
    assert until - T0 == timedelta(minutes=15)
    assert rules.is_locked(until, T0 + timedelta(minutes=15) - US)
    assert not rules.is_locked(until, T0 + timedelta(minutes=15))


@pytest.mark.parametrize(
    ("locked_until", "now", "locked"),
    [
        pytest.param(None, T0, False, id="8.1.4.1b-never-locked"),
        pytest.param(T0, T0, False, id="8.1.4.1b-now-equals-locked-until-unlocked"),
        pytest.param(T0, T0 - US, True, id="8.1.4.1b-1us-before-still-locked"),
        pytest.param(T0, T0 + US, False, id="8.1.4.1b-1us-after-unlocked"),
        pytest.param(T0 + timedelta(minutes=15), T0, True, id="8.1.4.1b-freshly-locked"),
    ],
)
def test_is_locked(locked_until, now, locked):
    assert rules.is_locked(locked_until, now) is locked


# ---------------------------------------------------------------- 8.1.4.1 b) session timeouts

IDLE = timedelta(minutes=30)
LIFE = timedelta(hours=12)


@pytest.mark.parametrize(
    ("created", "last_seen", "expires", "now", "idle_applies", "reason"),
    [
        pytest.param(T0, T0, T0 + LIFE, T0 + IDLE, True, "idle_timeout", id="8.1.4.1b-idle-exactly-30min"),
        pytest.param(
            T0,
            T0,
            T0 + LIFE,
            T0 + IDLE - timedelta(seconds=1),
            True,
            None,
            id="8.1.4.1b-idle-29m59s-alive",
        ),
        pytest.param(T0, T0, T0 + LIFE, T0 + IDLE - US, True, None, id="8.1.4.1b-idle-1us-short-alive"),
        pytest.param(
            T0,
            T0 + LIFE - timedelta(minutes=1),
            T0 + LIFE,
            T0 + LIFE,
            True,
            "expired",
            id="8.1.4.1b-absolute-12h-exactly-expired",
        ),
        pytest.param(
            T0,
            T0 + LIFE - timedelta(minutes=1),
            T0 + LIFE,
            T0 + LIFE - US,
            True,
            None,
            id="8.1.4.1b-absolute-1us-short-alive",
        ),
        pytest.param(
            T0,
            T0 + LIFE - timedelta(minutes=1),
            T0 + timedelta(days=30),
            T0 + LIFE,
            True,
            "expired",
            id="8.1.4.1b-absolute-12h-from-creation-despite-later-expiry",
        ),
        pytest.param(
            T0,
            T0,
            T0 + timedelta(days=90),
            T0 + timedelta(days=10),
            False,
            None,
            id="8.1.4.1b-token-not-idle-limited",
        ),
        pytest.param(
            T0,
            T0 + timedelta(days=10),
            T0 + timedelta(days=90),
            T0 + timedelta(days=10, hours=13),
            False,
            None,
            id="8.1.4.1b-token-not-limited-to-12h",
        ),
        pytest.param(
            T0,
            T0,
            T0 + timedelta(days=90),
            T0 + timedelta(days=90),
            False,
            "expired",
            id="8.1.4.1b-token-expires-at-its-expiry",
        ),
    ],
)
def test_session_end_reason(created, last_seen, expires, now, idle_applies, reason):
    assert (
        rules.session_end_reason(created, last_seen, expires, now, POLICY, idle_applies=idle_applies)
        == reason
    )


# ---------------------------------------------------------------- 8.1.4.2 d) / 8.1.10 separation of duties (三员分立)


@pytest.mark.parametrize(
    ("duties", "violates"),
    [
        pytest.param({"system", "security"}, True, id="8.1.10-system+security-violates"),
        pytest.param({"system", "audit"}, True, id="8.1.10-system+audit-violates"),
        pytest.param({"security", "audit"}, True, id="8.1.10-security+audit-violates"),
        pytest.param({"system", "security", "audit"}, True, id="8.1.10-all-three-violates"),
        pytest.param({"system"}, False, id="8.1.10-system-only-ok"),
        pytest.param({"security"}, False, id="8.1.10-security-only-ok"),
        pytest.param({"audit"}, False, id="8.1.10-audit-only-ok"),
        pytest.param(set(), False, id="8.1.10-no-duty-ok"),
        pytest.param({"audit", "bogus"}, False, id="8.1.10-unknown-duty-ignored"),
    ],
)
def test_violates_separation_of_duties(duties, violates):
    assert rules.violates_separation_of_duties(duties) is violates


@pytest.mark.parametrize(
    ("permissions", "duties", "violates"),
    [
        pytest.param(
            [USER_WRITE, USER_ASSIGN_ROLES],
            {"system", "security"},
            True,
            id="8.1.4.2d-user-admin+role-assign",
        ),
        pytest.param([SYSTEM_CONFIG, AUDIT_READ], {"system", "audit"}, True, id="8.1.4.2d-config+audit"),
        pytest.param([ROLE_WRITE, AUDIT_READ], {"security", "audit"}, True, id="8.1.4.2d-role-write+audit"),
        pytest.param(
            [USER_WRITE, SYSTEM_CONFIG, USER_READ, PLANT_WRITE],
            {"system"},
            False,
            id="8.1.4.2d-system-duty-with-business-ok",
        ),
        pytest.param(
            [ROLE_WRITE, SESSION_MANAGE, USER_ASSIGN_ROLES],
            {"security"},
            False,
            id="8.1.4.2d-security-duty-ok",
        ),
        pytest.param([AUDIT_READ, PLANT_READ], {"audit"}, False, id="8.1.4.2d-audit-duty-ok"),
        pytest.param(
            [PLANT_READ, PLANT_WRITE, FILES_WRITE, USER_READ, ROLE_READ],
            set(),
            False,
            id="8.1.4.2d-business-permissions-only-ok",
        ),
        pytest.param(["unknown.permission"], set(), False, id="8.1.4.2d-unknown-code-carries-no-duty"),
    ],
)
def test_duties_of_permission_sets(permissions, duties, violates):
    got = rules.duties_of(permissions, PERMISSION_DUTY)
    assert got == duties
    assert rules.violates_separation_of_duties(got) is violates


@pytest.mark.parametrize("role", [pytest.param(r, id=f"8.1.10-builtin-{r.code}") for r in BUILTIN_ROLES])
def test_builtin_roles_hold_at_most_their_own_duty(role):
    """Every shipped role respects 三员分立, and an administrator role carries exactly its declared duty."""
    duties = rules.duties_of(role.permissions, PERMISSION_DUTY)
    assert not rules.violates_separation_of_duties(duties)
    assert duties == ({role.duty} if role.duty else set())

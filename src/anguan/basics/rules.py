"""Pure rules of the master-data module: identifiers, due dates, certificates, bypasses, staffing.

No I/O. Each function names its source; thresholds come from `reference`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from anguan.basics.reference import (
    AQ3064_2_2025_CERT_CODES,
    INDUCTION_LEVELS_V1,
    REMINDER_LEAD_DAYS_MAX,
    REMINDER_SEVERITY_V1,
    REMINDER_TIERS_MAX,
    REMINDERS_V1,
    EligibilityCodes,
    QualificationRules,
    ReminderPolicy,
    ReminderSeverityTable,
    StaffingRules,
)

_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def cas_valid(cas: str) -> bool:
    """CAS Registry Number: 2–7, 2 and 1 digits; the last is Σ(digit × position from the right) mod 10."""
    m = _CAS.match(cas.strip())
    if m is None:
        return False
    body = (m.group(1) + m.group(2))[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(body)) % 10 == int(m.group(3))


DueStatus = Literal["valid", "due", "expired"]


@dataclass(frozen=True)
class Due:
    """Where a dated item stands: days left (negative once expired) and the reminder tier reached."""

    status: DueStatus
    days_left: int
    tier: int | None  # the smallest lead time (days) already reached, None when none is


def due_status(valid_until: date, today: date, policy: ReminderPolicy = REMINDERS_V1) -> Due:
    """An item valid until D is valid on D and expired from D + 1; tiers at the policy's lead times."""
    days_left = (valid_until - today).days
    if days_left < 0:
        return Due("expired", days_left, 0)
    reached = [d for d in policy.lead_days if days_left <= d]
    if not reached:
        return Due("valid", days_left, None)
    return Due("due", days_left, min(reached))


def missing_fields(record: Mapping[str, object], required: Sequence[str]) -> list[str]:
    """Completeness check: required fields that are absent, None, blank or an empty list."""
    out = []
    for name in required:
        v = record.get(name)
        if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, list | tuple) and not v):
            out.append(name)
    return out


def bypass_overdue(active: bool, approved_until: datetime, now: datetime) -> bool:
    """An SIS/interlock bypass (旁路) still active after its approval ended raises an alarm."""
    return active and now > approved_until


@dataclass(frozen=True)
class Certificate:
    """A certificate as the eligibility rule needs it."""

    kind: str
    holder_id_number: str
    valid_from: date
    valid_until: date
    revoked: bool = False


@dataclass(frozen=True)
class Eligibility:
    """The answer to "may this person do this work at this time?", with the reason when not."""

    ok: bool
    reason: Literal["missing", "expired", "not_yet_valid", "mismatched"] | None = None
    alarm_code: str | None = None
    certificate_kinds: tuple[str, ...] = ()


def eligibility(
    person_id_number: str,
    certificates: Iterable[Certificate],
    accepted_kinds: frozenset[str],
    on: date,
    codes: EligibilityCodes = AQ3064_2_2025_CERT_CODES,
) -> Eligibility:
    """GB 30871-2022 §4.9 / AQ 3064.2-2025 5.9.7: a valid certificate of an accepted kind held by the
    person; alarms 5/50 missing, 5/51 expired (or not yet valid), 5/52 holder mismatch."""
    if not accepted_kinds:
        return Eligibility(True)
    relevant = [c for c in certificates if c.kind in accepted_kinds and not c.revoked]
    kinds = tuple(sorted(accepted_kinds))
    if not relevant:
        return Eligibility(False, "missing", codes.missing, kinds)
    own = [c for c in relevant if c.holder_id_number == person_id_number]
    if not own:
        return Eligibility(False, "mismatched", codes.mismatched, kinds)
    if any(c.valid_from <= on <= c.valid_until for c in own):
        return Eligibility(True, certificate_kinds=kinds)
    if all(on < c.valid_from for c in own):
        return Eligibility(False, "not_yet_valid", codes.expired, kinds)
    return Eligibility(False, "expired", codes.expired, kinds)


@dataclass(frozen=True)
class StaffingFinding:
    """One self-diagnosis result: what is required, what exists, whether it passes."""

    item: Literal["safety_staff", "registered_engineers"]
    required: int
    actual: int
    ok: bool


def staffing_findings(
    employees: int, safety_staff: int, registered_engineers: int, rules: StaffingRules
) -> list[StaffingFinding]:
    """Self-diagnosis of safety staffing (安全生产法 Art. 24 requires full-time safety staff in
    hazardous-chemical units; the ratios are configurable reference data, grade D)."""
    need_staff = max(rules.safety_staff_min, math.ceil(employees * rules.safety_staff_ratio - 1e-9))
    need_eng = max(1, math.ceil(safety_staff * rules.registered_engineer_share - 1e-9))
    return [
        StaffingFinding("safety_staff", need_staff, safety_staff, safety_staff >= need_staff),
        StaffingFinding(
            "registered_engineers", need_eng, registered_engineers, registered_engineers >= need_eng
        ),
    ]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID = re.compile(r"^\d{17}[\dX]$")


def id_number_valid(number: str) -> bool:
    """GB 11643-1999 citizen identity number: 17 digits, a valid birth date (positions 7–14) and the
    ISO 7064 MOD 11-2 check character (Σ digit × weight mod 11 → "10X98765432")."""
    n = number.strip().upper()
    if _ID.match(n) is None:
        return False
    try:
        date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return False
    return _ID_CHECK[sum(int(d) * w for d, w in zip(n[:17], _ID_WEIGHTS, strict=True)) % 11] == n[17]


def mask_id_number(number: str) -> str:
    """An identity number shown to callers without the PII permission: first 3 and last 4 kept."""
    n = number.strip()
    return n if len(n) <= 7 else n[:3] + "*" * (len(n) - 7) + n[-4:]


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when that day does not exist (31 Jan + 1 →
    28/29 Feb), so an interval never lands in the month after."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def next_due(last_done: date | None, interval_months: int | None) -> date | None:
    """The next periodic check after `last_done` (TSG/JJG intervals in EQUIPMENT_KINDS_V1), None when
    either is unknown."""
    if last_done is None or not interval_months:
        return None
    return add_months(last_done, interval_months)


def flammability_problems(lel: float | None, uel: float | None) -> list[str]:
    """Explosion limits (爆炸极限, % V/V): each in (0, 100], and LEL < UEL when both are known."""
    out = []
    for name, v in (("lel_pct", lel), ("uel_pct", uel)):
        if v is not None and not (0 < v <= 100):
            out.append(name)
    if lel is not None and uel is not None and not out and lel >= uel:
        out.append("uel_pct")
    return out


def ghs_valid(entry: str, classes: Mapping[str, tuple[str, str, tuple[str, ...]]]) -> bool:
    """A GHS entry "class:category" whose class and category exist in GB 30000 (reference data)."""
    cls, _, cat = entry.partition(":")
    spec = classes.get(cls)
    return spec is not None and cat in spec[2]


@dataclass(frozen=True)
class QualificationFinding:
    """One person failing one qualification rule of the self-diagnosis."""

    person_id: int
    role: str
    problem: Literal["education", "certificate"]
    required: str


def qualification_findings(
    person_id: int,
    roles: Iterable[str],
    education_rank: int | None,
    valid_certificate_kinds: Iterable[str],
    rules: QualificationRules,
) -> list[QualificationFinding]:
    """Practitioners' qualification (诊断分级指南 category 6, direct-red 3): per key role, the minimum
    education rank and one valid certificate of the required kinds. An unknown education fails."""
    held = set(valid_certificate_kinds)
    out = []
    for role in sorted(set(roles)):
        need_rank = rules.min_education.get(role)
        if need_rank is not None and (education_rank is None or education_rank < need_rank):
            out.append(QualificationFinding(person_id, role, "education", str(need_rank)))
        kinds = rules.required_certificates.get(role)
        if kinds and not (held & kinds):
            out.append(QualificationFinding(person_id, role, "certificate", ",".join(sorted(kinds))))
    return out


# --------------------------------------------------------------------------- appended: reminders,
# eligibility combination, contractor admission, induction


def reminder_severity(due: Due, table: ReminderSeverityTable = REMINDER_SEVERITY_V1) -> str | None:
    """Notification severity of a reminder (reference table, grade D): expired → urgent, then by the
    tier reached (7 → high, 30 → medium, beyond → low); None while no tier is reached."""
    if due.status == "expired":
        return table.expired
    if due.tier is None:
        return None
    for days, severity in table.tiers:
        if due.tier <= days:
            return severity
    return table.beyond


def lead_days_valid(days: Sequence[int]) -> bool:
    """Enterprise reminder lead times: 1–REMINDER_TIERS_MAX values, each 1–REMINDER_LEAD_DAYS_MAX days,
    strictly decreasing (the largest lead first, as ReminderPolicy lists them)."""
    if not 1 <= len(days) <= REMINDER_TIERS_MAX:
        return False
    if any(isinstance(d, bool) or not 1 <= d <= REMINDER_LEAD_DAYS_MAX for d in days):
        return False
    return all(days[i] > days[i + 1] for i in range(len(days) - 1))


def holder_id_number(printed: str | None, person_id_number: str) -> str:
    """The identity number a certificate is held under: the one printed on it, else the person's own
    (AQ 3064.2-2025 5.9.7: 5/52 compares the certificate's holder with the person). Normalised."""
    n = printed.strip().upper() if printed and printed.strip() else person_id_number
    return n.strip().upper()


def certificate_valid(valid_from: date, valid_until: date, revoked: bool, on: date) -> bool:
    """A certificate is valid from its first through its last day, unless revoked (GB 30871-2022 §4.9)."""
    return not revoked and valid_from <= on <= valid_until


@dataclass(frozen=True)
class ContractorStanding:
    """What the admission rule needs of a contractor company ("missing" status: no company linked)."""

    status: str
    qualification_valid_until: date | None
    safety_licence_valid_until: date | None


@dataclass(frozen=True)
class EligibilityCheck:
    """One step of the eligibility answer."""

    check: str
    ok: bool
    reason: str | None = None


def contractor_admission(contractor: ContractorStanding, on: date) -> list[EligibilityCheck]:
    """安全生产法 (2021) Art. 49: no work for a contractor lacking safety conditions or qualification —
    the company is approved (not suspended, blacklisted or missing), its qualification (资质) is recorded
    and valid on `on`, and its safety licence (安全生产许可证), when one is recorded, is valid on `on`."""
    approved = contractor.status == "approved"
    q = contractor.qualification_valid_until
    lic = contractor.safety_licence_valid_until
    qualified = q is not None and on <= q and (lic is None or on <= lic)
    return [
        EligibilityCheck("contractor_approved", approved, None if approved else "contractor_not_approved"),
        EligibilityCheck(
            "contractor_qualification", qualified, None if qualified else "contractor_qualification_expired"
        ),
    ]


@dataclass(frozen=True)
class WorkEligibility:
    """The combined answer: ok when every check passes; `reason` is the first failing check's."""

    ok: bool
    reason: str | None
    alarm_code: str | None
    checks: tuple[EligibilityCheck, ...]


def work_eligibility(
    person_active: bool,
    contractor: ContractorStanding | None,
    person_id_number: str,
    certificates: Iterable[Certificate],
    accepted_kinds: frozenset[str],
    on: date,
    codes: EligibilityCodes = AQ3064_2_2025_CERT_CODES,
) -> WorkEligibility:
    """GB 30871-2022 §4.9 with AQ 3064.2-2025 5.9.7: an active person, for a contractor worker an
    admitted contractor (安全生产法 Art. 49), and a valid own certificate of an accepted kind. Every check
    is reported; the AQ 3064.2 alarm code (5/50–5/52) comes from the certificate check alone."""
    checks = [EligibilityCheck("person_active", person_active, None if person_active else "person_inactive")]
    if contractor is not None:
        checks += contractor_admission(contractor, on)
    cert = eligibility(person_id_number.strip().upper(), certificates, accepted_kinds, on, codes)
    checks.append(EligibilityCheck("certificate", cert.ok, cert.reason))
    failed = next((c for c in checks if not c.ok), None)
    return WorkEligibility(failed is None, failed.reason if failed else None, cert.alarm_code, tuple(checks))


def induction_missing(passed_kinds: Iterable[str], levels: Sequence[str] = INDUCTION_LEVELS_V1) -> list[str]:
    """生产经营单位安全培训规定 Art. 13: the induction levels (厂级/车间级/班组级) without a passed
    training record, in the regulation's order."""
    passed = set(passed_kinds)
    return [level for level in levels if level not in passed]

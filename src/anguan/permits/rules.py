"""GB 30871-2022 and AQ 3064.2-2025 rules of special work permits (特殊作业安全作业票). Pure.

No I/O: the service passes in what the database, the positioning interface and the master-data
eligibility API know. Every threshold comes from `reference`. Numbers are compared exactly
(fractions of their decimal writing), times as aware datetimes, so a boundary such as exactly 5 m,
exactly 100 t or exactly 30 min is decided exactly. Impossible input raises PermitInputError.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from zoneinfo import ZoneInfo

from anguan.permits.reference import (
    APPROVAL_FLOWS_V1,
    BOOKING_MIN_DAYS_AHEAD,
    CERTIFICATE_ALARMS,
    GAS_ANALYSIS_REQUIRED,
    GAS_CRITERIA_V1,
    GAS_KINDS,
    GRADES_BY_KEY,
    GUARDIAN_POLICY_V1,
    HEIGHT_BANDS,
    HEIGHT_EXTRA_CASES_V1,
    HEIGHT_FACTORS,
    HEIGHT_MIN_M,
    HOT_WORK,
    HOT_WORK_UPGRADE_V1,
    LIFTING_GRADE_1_OVER_T,
    LIFTING_GRADE_2_FROM_T,
    LIFTING_PERMIT_FROM_T,
    MIXTURE_METHODS,
    NIGHT_END,
    NIGHT_START,
    PHASES,
    REST_WEEKDAYS,
    SIGNING_BLOCKER_ORDER,
    TEMPORARY_ELECTRICITY,
    VALIDITY_V1,
    WORK_AT_HEIGHT,
    WORK_TYPES,
    GasCriteria,
    GuardianPolicy,
    HeightCase,
    Step,
    UpgradePolicy,
    WorkGrade,
)

PLANT_TZ = ZoneInfo("Asia/Shanghai")  # the default of Settings.site_timezone

Num = Fraction | Decimal | int | float | str


class PermitInputError(ValueError):
    """An input that cannot give an answer: the rule refuses rather than guess."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def exact(value: Num) -> Fraction:
    """A number as an exact fraction of its decimal writing (0.2 is 1/5, not a binary float)."""
    if isinstance(value, bool):
        raise PermitInputError("permits.not_a_number", value=str(value))
    if isinstance(value, Fraction):
        return value
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise PermitInputError("permits.not_a_number", value=str(value)) from exc


def _aware(*values: datetime) -> None:
    for v in values:
        if v.tzinfo is None or v.utcoffset() is None:
            raise PermitInputError("permits.naive_datetime", value=v.isoformat())


def _ordered(start: datetime, end: datetime) -> None:
    _aware(start, end)
    if end <= start:
        raise PermitInputError("permits.end_before_start", start=start.isoformat(), end=end.isoformat())


# ------------------------------------------------------------------ types and grades


def work_grade(work_type: str, grade: str | None) -> WorkGrade:
    """The (type, grade) pair of GB 30871-2022 §3.1 with its AQ 3064.2-2025 表A.2 细类; graded types
    need one of their grades, the others None."""
    if work_type not in WORK_TYPES:
        raise PermitInputError("permits.unknown_work_type", work_type=str(work_type)[:40])
    found = GRADES_BY_KEY.get((work_type, grade))
    if found is None:
        raise PermitInputError("permits.unknown_grade", work_type=work_type, grade=str(grade)[:20])
    return found


def ticket_type(work_type: str, grade: str | None) -> str:
    """AQ 3064.2-2025 表A.1 TICKET_TYPE: the 表A.2 细类编码 (动火 特级 01 … 受限空间 70)."""
    return work_grade(work_type, grade).subclass


def grade_rank(work_type: str, grade: str) -> int:
    """Position of a grade from the lowest risk (0): 动火 二级 < 一级 < 特级, 高处 Ⅰ < … < Ⅳ, 吊装 三级 < 二级 < 一级."""
    work_grade(work_type, grade)
    return WORK_TYPES[work_type].grades.index(grade)


# ------------------------------------------------------------------ work at height (高处作业)


def height_grade(
    height_m: Num, factors: Iterable[str] = (), cases: Mapping[str, HeightCase] = HEIGHT_EXTRA_CASES_V1
) -> str | None:
    """GB 30871-2022 §8.1 (GB/T 3608): None below 2 m (§3.8: not work at height); 2 ≤ h ≤ 5 Ⅰ, 5 < h ≤ 15 Ⅱ,
    15 < h ≤ 30 Ⅲ, h > 30 Ⅳ by method A, one grade higher (Ⅳ at most) by method B when any of the §8.1.2
    factors a–i is present; the cases of the note to 表B.1 (e.g. "near_openings") raise it to their grade."""
    h = exact(height_m)
    if h < 0:
        raise PermitInputError("permits.negative_height", height_m=str(height_m))
    given = set(factors)
    unknown = sorted(f for f in given if f not in HEIGHT_FACTORS and f not in cases)
    if unknown:
        raise PermitInputError("permits.unknown_height_factor", factors=unknown)
    if h < exact(HEIGHT_MIN_M):
        return None
    method_b = any(f in HEIGHT_FACTORS for f in given)
    grade = "IV"
    for upper, grade_a, grade_b in HEIGHT_BANDS:
        if upper is None or h <= exact(upper):
            grade = grade_b if method_b else grade_a
            break
    for f in given:
        case = cases.get(f)
        if case is not None and grade_rank(WORK_AT_HEIGHT, case.min_grade) > grade_rank(
            WORK_AT_HEIGHT, grade
        ):
            grade = case.min_grade
    return grade


# ------------------------------------------------------------------ lifting (吊装作业)


def _mass(mass_t: Num) -> Fraction:
    m = exact(mass_t)
    if m <= 0:
        raise PermitInputError("permits.bad_mass", mass_t=str(mass_t))
    return m


def lifting_grade(mass_t: Num) -> str:
    """GB 30871-2022 §9.1: 一级 m > 100 t; 二级 40 t ≤ m ≤ 100 t; 三级 m < 40 t."""
    m = _mass(mass_t)
    if m > exact(LIFTING_GRADE_1_OVER_T):
        return "1"
    if m >= exact(LIFTING_GRADE_2_FROM_T):
        return "2"
    return "3"


def lifting_permit_required(mass_t: Num) -> bool:
    """GB 30871-2022 表B.1 note 3: a lift under 10 t may skip the 吊装安全作业票 (risk analysis still required)."""
    return _mass(mass_t) >= exact(LIFTING_PERMIT_FROM_T)


# ------------------------------------------------------------------ hot work (动火作业) grade and upgrade


def hot_work_grade(
    in_fire_explosion_area: bool,
    on_operating_equipment: bool,
    in_major_hazard_tank_dike: bool,
    on_pipe_rack: bool,
    shut_down_cleaned_isolated_approved: bool,
    *,
    in_fixed_hot_work_area: bool = False,
) -> str | None:
    """GB 30871-2022 §5.1.2–5.1.4: 特级 on operating equipment in a 火灾爆炸危险场所 or inside the dike of
    a major-hazard flammable tank farm; 一级 other work in such a place or on a 管廊; otherwise 二级; a
    unit fully shut down, cleaned, tested, isolated and approved may be 二级; a 固定动火区 (§3.3,
    outside any such place) has no grade (None)."""
    if on_operating_equipment and shut_down_cleaned_isolated_approved:
        raise PermitInputError("permits.operating_but_shut_down")
    if in_fixed_hot_work_area:
        if in_fire_explosion_area or in_major_hazard_tank_dike:
            raise PermitInputError("permits.fixed_area_in_hazardous_place")
        return None
    if shut_down_cleaned_isolated_approved:
        return "2"
    if (in_fire_explosion_area and on_operating_equipment) or in_major_hazard_tank_dike:
        return "special"
    if in_fire_explosion_area or on_pipe_rack:
        return "1"
    return "2"


@dataclass(frozen=True)
class PlantCalendar:
    """The enterprise calendar of AQ 3064.2-2025 §5.10: holidays, rest days, night, special periods."""

    tz: tzinfo = PLANT_TZ
    holidays: frozenset[date] = frozenset()  # 法定节假日 (the days off of the State Council notice)
    workdays: frozenset[date] = frozenset()  # make-up workdays (调休上班): not rest days
    special_periods: tuple[tuple[datetime, datetime], ...] = ()  # 重大活动等特殊时段, [from, to)
    night_start: time = NIGHT_START
    night_end: time = NIGHT_END
    rest_weekdays: frozenset[int] = REST_WEEKDAYS  # date.weekday(): Saturday 5, Sunday 6


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _overlaps(start: datetime, end: datetime, a: datetime, b: datetime) -> bool:
    return start < b and end > a


def _local_days(start: datetime, end: datetime, tz: tzinfo) -> list[date]:
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def upgrade_causes(start: datetime, end: datetime, calendar: PlantCalendar) -> list[str]:
    """GB 30871-2022 §5.1.1: the causes (表A.4 细类 40 holiday, 41 rest day, 42 night, 43 special period)
    that [start, end) overlaps in plant time; a holiday on a weekend counts as a holiday only."""
    _ordered(start, end)
    if calendar.night_start == calendar.night_end:
        raise PermitInputError("permits.bad_night_window")
    tz = calendar.tz
    causes: set[str] = set()
    for day in _local_days(start, end, tz):
        a, b = _local_midnight(day, tz), _local_midnight(day + timedelta(days=1), tz)
        if _overlaps(start, end, a, b):
            if day in calendar.holidays:
                causes.add("40")
            elif day.weekday() in calendar.rest_weekdays and day not in calendar.workdays:
                causes.add("41")
        n_from = datetime.combine(day, calendar.night_start, tzinfo=tz)
        n_day = day + timedelta(days=1) if calendar.night_start > calendar.night_end else day
        n_to = datetime.combine(n_day, calendar.night_end, tzinfo=tz)
        if _overlaps(start, end, n_from, n_to):
            causes.add("42")
    for a, b in calendar.special_periods:
        _ordered(a, b)
        if _overlaps(start, end, a, b):
            causes.add("43")
    return sorted(causes)


def hot_work_upgrade(
    grade: str,
    start: datetime,
    end: datetime,
    calendar: PlantCalendar,
    policy: UpgradePolicy = HOT_WORK_UPGRADE_V1,
) -> tuple[str, list[str]]:
    """GB 30871-2022 §5.1.1: on holidays, rest days, at night or in special periods hot work is upgraded
    (by the policy: one grade, 二级→一级→特级, 特级 stays 特级); the required grade and the causes."""
    rank = grade_rank(HOT_WORK, grade)
    causes = [c for c in upgrade_causes(start, end, calendar) if c in policy.causes]
    grades = WORK_TYPES[HOT_WORK].grades
    if causes:
        rank = min(len(grades) - 1, rank + policy.steps)
    return grades[rank], causes


def not_upgraded_alarms(declared_grade: str, required_grade: str, causes: Sequence[str]) -> list[str]:
    """AQ 3064.2-2025 表A.4 4/40–4/43: the permit's grade is below the grade its calendar causes require."""
    if grade_rank(HOT_WORK, declared_grade) >= grade_rank(HOT_WORK, required_grade):
        return []
    return [f"4/{c}" for c in causes]


# ------------------------------------------------------------------ validity (有效期)


def validity_limit(work_type: str, grade: str | None, special: bool = False) -> timedelta | None:
    """GB 30871-2022 §5.1.5, §6.10, §8.2.11, §10.8: the longest validity (8 h, 72 h, 24 h, 7 days,
    15/30 days); None where the standard states no maximum."""
    work_grade(work_type, grade)
    v = VALIDITY_V1[(work_type, grade)]
    if special and v.special is not None:
        return v.special
    return v.normal


def validity_ok(
    work_type: str,
    grade: str | None,
    start: datetime,
    end: datetime,
    special: bool = False,
    served_job_end: datetime | None = None,
) -> bool:
    """GB 30871-2022 §5.1.5, §6.10, §8.2.11, §10.8: end − start within the limit (exactly the limit is
    allowed); 临时用电 serving a 动火 or 受限空间 job also ends no later than that job."""
    _ordered(start, end)
    limit = validity_limit(work_type, grade, special)
    if limit is not None and end - start > limit:
        return False
    if work_type == TEMPORARY_ELECTRICITY and served_job_end is not None:
        _aware(served_job_end)
        return end <= served_job_end
    return True


def permit_overtime(valid_until: datetime, now: datetime) -> bool:
    """AQ 3064.2-2025 §5.9.5 (alarm 1/10): a permit still open after its validity ended (the end
    instant itself is still valid)."""
    _aware(valid_until, now)
    return now > valid_until


# ------------------------------------------------------------------ gas analysis (气体分析)


def gas_analysis_required(work_type: str, hazardous_area: bool = False) -> bool:
    """AQ 3064.2-2025 §5.4.3; GB 30871-2022 §5.3.1, §6.3 a, §10.1: 动火 and 受限空间 always, 临时用电 in
    running units, tank farms and 火灾爆炸危险场所."""
    if work_type not in WORK_TYPES:
        raise PermitInputError("permits.unknown_work_type", work_type=str(work_type)[:40])
    when = GAS_ANALYSIS_REQUIRED.get(work_type)
    return when == "always" or (when == "hazardous_area" and hazardous_area)


def _lel(lel_pct: Num) -> Fraction:
    lel = exact(lel_pct)
    if not 0 < lel <= 100:
        raise PermitInputError("permits.bad_lel", lel_pct=str(lel_pct))
    return lel


def gas_limit_pct(lel_pct: Num, criteria: GasCriteria = GAS_CRITERIA_V1) -> Decimal:
    """GB 30871-2022 §5.3.2: the combustible pass limit, ≤ 0.5 % v/v when the LEL ≥ 4 %, ≤ 0.2 % when < 4 %."""
    if _lel(lel_pct) >= exact(criteria.lel_threshold_pct):
        return Decimal(criteria.combustible_max_high_lel_pct)
    return Decimal(criteria.combustible_max_low_lel_pct)


def mixture_lel(
    components: Sequence[tuple[Num, Num]], method: str = GAS_CRITERIA_V1.mixture_method
) -> Fraction:
    """[D] requirements §2.6 (GB 30871-2022 gives no rule): the LEL of a mixture of (LEL %, share) parts,
    the lowest component LEL by default, or Le Chatelier 1 / Σ(yᵢ / LELᵢ) over the combustible shares."""
    if method not in MIXTURE_METHODS:
        raise PermitInputError("permits.unknown_mixture_method", method=str(method)[:40])
    if not components:
        raise PermitInputError("permits.bad_mixture")
    parts = [(_lel(lel), exact(share)) for lel, share in components]
    if any(share <= 0 for _, share in parts):
        raise PermitInputError("permits.bad_mixture")
    if method == "lowest":
        return min(lel for lel, _ in parts)
    total = sum((share for _, share in parts), Fraction(0))
    return 1 / sum((share / total / lel for lel, share in parts), Fraction(0))


@dataclass(frozen=True)
class GasReading:
    """One analysis value: combustible and O₂ in % v/v; toxic in the unit of its allowable limit."""

    kind: str  # a key of GAS_KINDS
    name: str  # 代表性气体, e.g. "甲烷", "O₂", "H₂S"
    value: Num
    limit: Num | None = None  # toxic: the allowable concentration (GBZ 2.1, from master data)
    lel_pct: Num | None = None  # combustible: this gas's own LEL, overriding the permit's


@dataclass(frozen=True)
class GasFailure:
    """A reading that fails its criterion, or a required reading that is missing."""

    name: str
    kind: str
    reason: str  # missing | combustible_over | oxygen_low | oxygen_high | toxic_over
    value: Fraction | None = None
    limit: Fraction | None = None


def gas_result_ok(
    work_type: str,
    readings: Sequence[GasReading],
    lel_pct: Num | None = None,
    oxygen_rich: bool = False,
    criteria: GasCriteria = GAS_CRITERIA_V1,
) -> list[GasFailure]:
    """GB 30871-2022 §5.3.2 (combustible by LEL), §6.4 a and §5.2.7 (O₂ 19.5–21 %, ≤ 23.5 % oxygen-rich),
    §6.4 b (toxic ≤ its GBZ 2.1 limit): the failing items, empty when the analysis passes."""
    if work_type not in WORK_TYPES:
        raise PermitInputError("permits.unknown_work_type", work_type=str(work_type)[:40])
    present = {r.kind for r in readings}
    out = [
        GasFailure(kind, kind, "missing")
        for kind in sorted(criteria.required_kinds.get(work_type, frozenset()) - present)
    ]
    for r in readings:
        if r.kind not in GAS_KINDS:
            raise PermitInputError("permits.unknown_gas_kind", kind=str(r.kind)[:40])
        v = exact(r.value)
        if v < 0 or (r.kind != "toxic" and v > 100):
            raise PermitInputError("permits.bad_reading", name=r.name, value=str(r.value))
        if r.kind == "combustible":
            lel = r.lel_pct if r.lel_pct is not None else lel_pct
            if lel is None:
                raise PermitInputError("permits.lel_missing", name=r.name)
            limit = exact(gas_limit_pct(lel, criteria))
            if v > limit:
                out.append(GasFailure(r.name, r.kind, "combustible_over", v, limit))
        elif r.kind == "oxygen":
            rule = criteria.oxygen_rule.get(work_type)
            if rule is None:
                continue
            upper = exact(
                criteria.oxygen_rich_max_pct if oxygen_rich or rule == "upper" else criteria.oxygen_max_pct
            )
            lower = exact(criteria.oxygen_min_pct) if rule == "range" else None
            if lower is not None and v < lower:
                out.append(GasFailure(r.name, r.kind, "oxygen_low", v, lower))
            elif v > upper:
                out.append(GasFailure(r.name, r.kind, "oxygen_high", v, upper))
        else:
            if r.limit is None:
                raise PermitInputError("permits.toxic_limit_missing", name=r.name)
            limit = exact(r.limit)
            if limit <= 0:
                raise PermitInputError("permits.bad_toxic_limit", name=r.name, limit=str(r.limit))
            if v > limit:
                out.append(GasFailure(r.name, r.kind, "toxic_over", v, limit))
    return out


def gas_fresh(
    sampled_at: datetime | None, start_at: datetime, criteria: GasCriteria = GAS_CRITERIA_V1
) -> str | None:
    """GB 30871-2022 §5.3.1 c, §6.3 a; AQ 3064.2-2025 §5.4.3: None when the analysis is at most 30 min
    old at the start; else its 表A.4 code, 0/01 missing (or taken after the start), 0/02 too old."""
    _aware(start_at)
    if sampled_at is None:
        return "0/01"
    _aware(sampled_at)
    if sampled_at > start_at:
        return "0/01"
    if start_at - sampled_at > criteria.sample_to_start:
        return "0/02"
    return None


def retest_needed(
    work_type: str,
    grade: str | None,
    paused_at: datetime,
    resumed_at: datetime,
    criteria: GasCriteria = GAS_CRITERIA_V1,
) -> bool:
    """GB 30871-2022 §5.3.1 d, §6.3 f; AQ 3064.2-2025 §5.9.1 (alarm 0/03 when skipped): an interruption
    longer than 30 min (特级/一级动火) or 60 min (二级动火, 受限空间) needs a new analysis."""
    work_grade(work_type, grade)
    _aware(paused_at, resumed_at)
    if resumed_at < paused_at:
        raise PermitInputError("permits.resumed_before_paused")
    limit = criteria.retest_after.get((work_type, grade))
    return limit is not None and resumed_at - paused_at > limit


def daily_retest_missing(
    work_type: str,
    grade: str | None,
    permit_start: datetime,
    work_start: datetime,
    analyses: Iterable[datetime],
    *,
    hazardous_area: bool = False,
    tz: tzinfo = PLANT_TZ,
    criteria: GasCriteria = GAS_CRITERIA_V1,
) -> bool:
    """AQ 3064.2-2025 §5.9.2 (alarm 0/04); GB 30871-2022 §5.3.1 d: a 二级动火 (or a hazardous-area 临时用电)
    running into a later plant day needs an analysis on that day before the day's work starts."""
    work_grade(work_type, grade)
    _aware(permit_start, work_start)
    when = criteria.daily_retest.get((work_type, grade))
    if when is None or (when == "hazardous_area" and not hazardous_area):
        return False
    day = work_start.astimezone(tz).date()
    if day <= permit_start.astimezone(tz).date():
        return False
    for at in analyses:
        _aware(at)
        if at <= work_start and at.astimezone(tz).date() == day:
            return False
    return True


def confined_record_overdue(
    last_record_at: datetime, now: datetime, criteria: GasCriteria = GAS_CRITERIA_V1
) -> bool:
    """GB 30871-2022 §6.5; AQ 3064.2-2025 §5.9.4 (alarm 0/05): confined-space readings not recorded for
    more than 2 h (exactly 2 h is still in time)."""
    _aware(last_record_at, now)
    if last_record_at > now:
        raise PermitInputError("permits.record_in_future")
    return now - last_record_at > criteria.confined_record_interval


# ------------------------------------------------------------------ blinding (盲板抽堵)

BLIND_ACTIONS: dict[str, tuple[str, str]] = {
    "insert": ("堵盲板", "Insert blind"),
    "remove": ("抽盲板", "Remove blind"),
}


@dataclass(frozen=True)
class BlindAction:
    """One blind on a 盲板抽堵 permit and what is done to it."""

    blind_no: str  # the number on the blind location drawing (盲板位置图, GB 30871-2022 §7.4)
    action: str  # insert | remove


@dataclass(frozen=True)
class Problem:
    """A rule failure with its stable code and, when AQ 3064.2 has one, its 表A.4 alarm code."""

    code: str
    alarm: str | None
    clause: str


def blind_permit_problems(actions: Sequence[BlindAction]) -> list[Problem]:
    """GB 30871-2022 §7.11 (one permit, one blind, one action); AQ 3064.2-2025 §5.4.4: 抽 and 堵 on one
    permit block signing with alarm 2/20."""
    for a in actions:
        if a.action not in BLIND_ACTIONS:
            raise PermitInputError("permits.unknown_blind_action", action=str(a.action)[:40])
    if not actions:
        return [Problem("permits.blind_missing", None, "GB 30871-2022 §7.11")]
    out = []
    if {a.action for a in actions} >= set(BLIND_ACTIONS):
        out.append(
            Problem("permits.blind_insert_and_remove", "2/20", "GB 30871-2022 §7.11; AQ 3064.2-2025 §5.4.4")
        )
    if len({a.blind_no.strip() for a in actions}) > 1:
        out.append(Problem("permits.several_blinds", None, "GB 30871-2022 §7.11"))
    return out


@dataclass(frozen=True)
class BlindJob:
    """A 盲板抽堵 permit as the pipeline check needs it."""

    permit_id: str
    pipeline: str
    active: bool = True  # signing, issued, in progress or paused


PIPELINE_CONFLICT = "permits.pipeline_conflict"  # the error code the service raises for a conflict


def pipeline_conflicts(jobs: Iterable[BlindJob]) -> list[tuple[str, tuple[str, ...]]]:
    """GB 30871-2022 §7.10: never two blinding jobs on one pipeline at once; the pipelines with two or
    more active permits, with their permit ids (PIPELINE_CONFLICT; 表A.4 has no alarm code for it)."""
    by_pipeline: dict[str, list[str]] = {}
    for j in jobs:
        if j.active:
            by_pipeline.setdefault(j.pipeline, []).append(j.permit_id)
    return [(p, tuple(ids)) for p, ids in sorted(by_pipeline.items()) if len(ids) > 1]


# ------------------------------------------------------------------ what blocks signing


@dataclass(frozen=True)
class SigningSnapshot:
    """What the signing check needs to know of a permit, gathered by the service."""

    work_type: str
    grade: str | None
    needs_gas: bool  # gas_analysis_required(type, hazardous_area)
    gas_sampled_at: datetime | None
    now: datetime
    risk_identified: bool  # 危险有害因素辨识 / 作业危害分析 done (GB 30871-2022 §4.1)
    measures_confirmed: bool  # every checklist row answered (是否涉及 + 确认人)
    briefing_done: bool  # 安全交底 given and acknowledged (GB 30871-2022 §4.4)
    # The 表A.4 codes (5/50, 5/51, 5/52) the master-data eligibility API answered for the workers.
    certificate_alarms: tuple[str, ...] = ()
    related_required: frozenset[str] = frozenset()  # other work types this job also involves (§4.6)
    related_obtained: frozenset[str] = frozenset()  # … for which a permit exists
    related_linked: frozenset[str] = frozenset()  # … whose permit is linked on this one


def signing_blockers(s: SigningSnapshot) -> list[str]:
    """AQ 3064.2-2025 §5.4.3–5.4.5, §5.9.7–5.9.8; GB 30871-2022 §4.1, §4.4, §4.6, §4.9: the 表A.4 codes
    that block signing (不应作业签批), in the order of SIGNING_BLOCKER_ORDER."""
    work_grade(s.work_type, s.grade)
    _aware(s.now)
    found: set[str] = set()
    if s.needs_gas:
        code = gas_fresh(s.gas_sampled_at, s.now)
        if code is not None:
            found.add(code)
    if not s.risk_identified:
        found.add("8/80")
    if not s.measures_confirmed:
        found.add("9/90")
    if not s.briefing_done:
        found.add("7/70")
    bad = sorted(c for c in s.certificate_alarms if c not in CERTIFICATE_ALARMS)
    if bad:
        raise PermitInputError("permits.not_a_certificate_alarm", codes=bad)
    found.update(s.certificate_alarms)
    unknown = sorted(
        t for t in s.related_required | s.related_obtained | s.related_linked if t not in WORK_TYPES
    )
    if unknown:
        raise PermitInputError("permits.unknown_work_type", work_type=",".join(unknown)[:40])
    required = s.related_required - {s.work_type}
    obtained = s.related_obtained | s.related_linked
    if required - obtained:
        found.add("6/61")
    if (required & obtained) - s.related_linked:
        found.add("6/62")
    return [c for c in SIGNING_BLOCKER_ORDER if c in found]


# ------------------------------------------------------------------ approval steps (表B.1)


def approval_steps(
    work_type: str,
    grade: str | None,
    time_limits: Mapping[str, timedelta | None] | None = None,
    flows: Mapping[tuple[str, str | None], tuple[Step, ...]] = APPROVAL_FLOWS_V1,
) -> list[Step]:
    """GB 30871-2022 表B.1 and the signature blocks of 附录A, in signing order; AQ 3064.2-2025 §5.2 per-step
    time limits (the default, or per step code)."""
    work_grade(work_type, grade)
    steps = list(flows[(work_type, grade)])
    if time_limits:
        codes = {s.code for s in steps}
        unknown = sorted(c for c in time_limits if c not in codes)
        if unknown:
            raise PermitInputError("permits.unknown_step", steps=unknown)
        steps = [replace(s, time_limit=time_limits[s.code]) if s.code in time_limits else s for s in steps]
    return steps


def next_step(steps: Sequence[Step], signed_codes: Iterable[str]) -> Step | None:
    """AQ 3064.2-2025 §5.5.1: approvals are pushed in sequence; the first unsigned step, None when all are
    signed. Signatures must be a prefix of the flow."""
    signed = set(signed_codes)
    codes = [s.code for s in steps]
    unknown = sorted(signed - set(codes))
    if unknown:
        raise PermitInputError("permits.unknown_step", steps=unknown)
    pending = next((i for i, c in enumerate(codes) if c not in signed), None)
    if pending is None:
        return None
    if any(c in signed for c in codes[pending + 1 :]):
        raise PermitInputError("permits.signed_out_of_order", step=codes[pending])
    return steps[pending]


def phase_complete(steps: Sequence[Step], signed_codes: Iterable[str], phase: str) -> bool:
    """Every step of a phase (signing before issue, start: the shift leader's check, acceptance) and of the
    phases before it is signed."""
    if phase not in PHASES:
        raise PermitInputError("permits.unknown_phase", phase=str(phase)[:40])
    step = next_step(steps, signed_codes)
    return step is None or PHASES.index(step.phase) > PHASES.index(phase)


@dataclass(frozen=True)
class Delegation:
    """委托签批: the assigned signer of a step lets another person sign it (AQ 3064.2-2025 §5.5.3)."""

    step: str
    from_person: str
    to_person: str
    valid_from: datetime | None = None
    valid_until: datetime | None = None


def may_sign(
    step: Step,
    signer: str,
    signer_roles: Iterable[str],
    *,
    assignee: str | None = None,
    delegations: Iterable[Delegation] = (),
    at: datetime | None = None,
) -> bool:
    """GB 30871-2022 §4.11; AQ 3064.2-2025 §5.5.3: the signer holds the step's role, and is its assignee
    (when one is set) or a delegate of the assignee for that step, within the delegation's dates."""
    if step.role not in set(signer_roles):
        return False
    if assignee is None or assignee == signer:
        return True
    for d in delegations:
        if d.step != step.code or d.from_person != assignee or d.to_person != signer:
            continue
        if d.valid_from is not None or d.valid_until is not None:
            if at is None:
                raise PermitInputError("permits.delegation_needs_time")
            _aware(at)
            if d.valid_from is not None and at < d.valid_from:
                continue
            if d.valid_until is not None and at > d.valid_until:
                continue
        return True
    return False


# ------------------------------------------------------------------ guardians (监护人)


def guardian_overloaded(
    active_permits_of_guardian: Sequence[tuple[str, str | None]],
    work_type: str,
    grade: str | None,
    policy: GuardianPolicy = GUARDIAN_POLICY_V1,
) -> bool:
    """[D] policy, not law (GB 30871-2022 §4.10 f, §6.8 b): taking one more permit would put the guardian
    over the limit of any permit involved (default 1 for 特级/一级动火 and 受限空间)."""
    involved = [*active_permits_of_guardian, (work_type, grade)]
    for t, g in involved:
        work_grade(t, g)
    limits = [policy.max_concurrent[k] for k in involved if k in policy.max_concurrent]
    return bool(limits) and len(involved) > min(limits)


# ------------------------------------------------------------------ booking (预约), AQ 3064.2-2025 §5.3.1


def booking_ok(booked_at: datetime, planned_start: datetime, emergency: bool, tz: tzinfo = PLANT_TZ) -> bool:
    """AQ 3064.2-2025 §5.3.1: booked at least one calendar day ahead (the planned start's plant date is
    after the booking's plant date), or an emergency booking for later the same day; never in the past."""
    _aware(booked_at, planned_start)
    if planned_start < booked_at:
        return False
    days = (planned_start.astimezone(tz).date() - booked_at.astimezone(tz).date()).days
    return days >= BOOKING_MIN_DAYS_AHEAD or emergency

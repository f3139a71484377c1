"""GB 18218-2018 identification and grading of major hazard sources (重大危险源辨识与分级). Pure.

Every number is exact (fractions from decimal strings), so a boundary such as S = 1 or R = 100 is
decided exactly; figures are rounded only for display. Every result carries the row of the table
that gave each Q, β and α, so a safety engineer can check the sheet by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from anguan.basics.rules import add_months
from anguan.hazards.reference import (
    COLOURS,
    GRADE_NAMES,
    REPORT_KINDS_V1,
    RISK_MODEL_V1,
    TABLE1_BY_NO,
    TABLE2,
    TABLE3,
    TABLE5,
    TABLE6,
    VERSION,
    ReportKind,
    RiskModel,
)


class HazardInputError(ValueError):
    """An input that cannot give a result: the calculation refuses rather than guess."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def exact(value: float | int | str | Decimal) -> Fraction:
    """A number as an exact fraction of its decimal writing (0.1 is 1/10, not a binary float)."""
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError) as exc:
        raise HazardInputError("hazards.not_a_number", value=str(value)) from exc


# ------------------------------------------------------------------ hazard classes (表2 codes)


def table2_codes(
    ghs: Iterable[str],
    state: str | None,
    *,
    boiling_point_c: float | None = None,
    above_boiling_point: bool = False,
    special_conditions: bool = False,
) -> list[str]:
    """表2 classes of a substance from its GHS classification (GB 30000 "class:category" codes).

    GB 18218-2018 表2: J1–J5 acute toxicity by category, route and physical state (J4: inhalation,
    liquid boiling at ≤ 35 ℃); W5.1 flammable liquid category 1, or 2/3 worked above the boiling
    point; W5.2 categories 2/3 under special process conditions (危险化工工艺, near the explosion
    limits, > 1.6 MPa); W5.3/W5.4 the other categories 2/3. Categories outside 表2 give no code.
    """
    out: list[str] = []

    def add(code: str) -> None:
        if code not in out:
            out.append(code)

    gas = state == "gas"
    for entry in ghs:
        cls, _, cat = entry.partition(":")
        if cls.startswith("acute_tox_"):
            inhal = cls == "acute_tox_inhal"
            if cat == "1":
                add("J1" if gas else "J2")
            elif cat in ("2", "3"):
                if gas:
                    add("J3")
                elif inhal and state == "liquid" and boiling_point_c is not None and boiling_point_c <= 35:
                    add("J4")
                elif cat == "2":
                    add("J5")
        elif cls == "explosive":
            add("W1.1" if cat in ("unstable", "1.1") else "W1.3" if cat == "1.4" else "W1.2")
        elif cls == "flam_gas" and cat in ("1", "2", "A", "B"):
            add("W2")
        elif cls == "aerosol" and cat in ("1", "2"):
            add("W3")
        elif cls == "ox_gas" and cat == "1":
            add("W4")
        elif cls == "flam_liq":
            if cat == "1" or (cat in ("2", "3") and above_boiling_point):
                add("W5.1")
            elif cat in ("2", "3") and special_conditions:
                add("W5.2")
            elif cat == "2":
                add("W5.3")
            elif cat == "3":
                add("W5.4")
        elif cls == "self_react":
            if cat in ("A", "B"):
                add("W6.1")
            elif cat in ("C", "D", "E"):
                add("W6.2")
        elif cls == "org_perox":
            if cat in ("A", "B"):
                add("W7.1")
            elif cat in ("C", "D", "E", "F"):
                add("W7.2")
        elif cls in ("pyr_liq", "pyr_sol") and cat == "1":
            add("W8")
        elif cls in ("ox_liq", "ox_sol"):
            if cat == "1":
                add("W9.1")
            elif cat in ("2", "3"):
                add("W9.2")
        elif cls == "flam_sol" and cat == "1":
            add("W10")
        elif cls == "water_react" and cat in ("1", "2"):
            add("W11")
    return out


# ------------------------------------------------------------------ one line of a unit


@dataclass(frozen=True)
class Substance:
    """One hazardous chemical present in a unit."""

    name: str
    q_t: Fraction  # design maximum quantity (设计最大量), tonnes
    table1_no: int | None = None  # the 表1 row it matches, by name and specification
    cas: str | None = None
    classes: tuple[str, ...] = ()  # 表2 codes (from table2_codes, or chosen for a mixture)


@dataclass(frozen=True)
class Line:
    """One line of the calculation sheet."""

    name: str
    q_t: Fraction
    Q_t: Fraction
    Q_basis: str  # e.g. "表1 第65行 甲醇" or "表2 W5.3 (lowest of W5.3, J5)"
    beta: Fraction
    beta_basis: str
    beta_ambiguous: bool  # several 表4 values applied: the largest was taken, a reviewer confirms

    @property
    def ratio(self) -> Fraction:
        """q / Q."""
        return self.q_t / self.Q_t

    @property
    def weighted(self) -> Fraction:
        """β · q / Q."""
        return self.beta * self.q_t / self.Q_t


def critical_quantity(s: Substance) -> tuple[Fraction, str]:
    """GB 18218-2018 §4.1.2: Q from 表1 when the substance is listed there, else from 表2 by hazard
    class; with several classes, the lowest Q."""
    if s.table1_no is not None:
        row = TABLE1_BY_NO.get(s.table1_no)
        if row is None:
            raise HazardInputError("hazards.unknown_table1_row", row=s.table1_no, name=s.name)
        return exact(row.q_t), f"表1 第{row.no}行 {row.name}"
    unknown = [c for c in s.classes if c not in TABLE2]
    if unknown:
        raise HazardInputError("hazards.unknown_class", name=s.name, classes=unknown)
    if not s.classes:
        raise HazardInputError("hazards.no_critical_quantity", name=s.name)
    best = min(s.classes, key=lambda c: (exact(TABLE2[c].q_t), c))
    basis = f"表2 {best} {TABLE2[best].zh}"
    if len(s.classes) > 1:
        basis += f"（{'、'.join(s.classes)} 中最小）"
    return exact(TABLE2[best].q_t), basis


def correction_beta(s: Substance) -> tuple[Fraction, str, bool]:
    """GB 18218-2018 §4.3.2: β from 表3 for the named toxic gases, else from 表4 by hazard class.

    With several classes the standard does not say which β applies (requirements §4.1 gap): the
    largest is taken and marked ambiguous when the classes disagree, for a reviewer to confirm.
    """
    if s.cas and s.cas in TABLE3:
        name, beta = TABLE3[s.cas]
        return exact(beta), f"表3 {name}", False
    if not s.classes:
        raise HazardInputError("hazards.no_beta", name=s.name)
    unknown = [c for c in s.classes if c not in TABLE2]
    if unknown:
        raise HazardInputError("hazards.unknown_class", name=s.name, classes=unknown)
    betas = {c: exact(TABLE2[c].beta) for c in s.classes}
    best = max(s.classes, key=lambda c: (betas[c], c))
    ambiguous = len(set(betas.values())) > 1
    basis = f"表4 {best}"
    if len(s.classes) > 1:
        basis += f"（{'、'.join(s.classes)} 中最大）"
    return betas[best], basis, ambiguous


def line(s: Substance) -> Line:
    """The calculation-sheet line of one substance; q < 0, Q = 0 and β = 0 are refused."""
    if s.q_t < 0:
        raise HazardInputError("hazards.negative_quantity", name=s.name)
    q_crit, q_basis = critical_quantity(s)
    beta, beta_basis, ambiguous = correction_beta(s)
    if q_crit <= 0:
        raise HazardInputError("hazards.zero_critical_quantity", name=s.name)
    if beta <= 0:
        raise HazardInputError("hazards.zero_beta", name=s.name)
    return Line(s.name, s.q_t, q_crit, q_basis, beta, beta_basis, ambiguous)


# ------------------------------------------------------------------ the unit


def alpha(people_outside: int) -> tuple[Fraction, str]:
    """GB 18218-2018 表5: α from the people normally present within 500 m outside the boundary."""
    if people_outside < 0:
        raise HazardInputError("hazards.negative_people")
    for least, value, band in TABLE5:
        if people_outside >= least:
            return exact(value), f"表5 {band}"
    raise AssertionError("TABLE5 ends at 0")  # pragma: no cover


def grade_of(r: Fraction) -> int:
    """GB 18218-2018 表6: 一级 R ≥ 100, 二级 100 > R ≥ 50, 三级 50 > R ≥ 10, 四级 R < 10."""
    for least, grade in TABLE6:
        if r >= exact(least):
            return grade
    return 4


@dataclass(frozen=True)
class Result:
    """Identification and, for a major hazard source, its grade, with the sheet behind them."""

    version: str
    lines: tuple[Line, ...]
    s: Fraction  # Σ q/Q
    major: bool  # S ≥ 1
    alpha: Fraction | None
    alpha_basis: str | None
    r: Fraction | None  # α Σ β q/Q
    grade: int | None  # 1..4
    needs_review: bool  # some β was ambiguous

    @property
    def grade_name(self) -> tuple[str, str] | None:
        """一级 … 四级 in Chinese and English."""
        return None if self.grade is None else GRADE_NAMES[self.grade]


def assess(substances: Sequence[Substance], people_outside: int) -> Result:
    """GB 18218-2018 §4.2.1 and §4.3: S = Σ qᵢ/Qᵢ, a major hazard source when S ≥ 1 (a single
    substance: q ≥ Q); then R = α · Σ βᵢ·qᵢ/Qᵢ graded by 表6. An empty unit is refused (not filled
    in is not "not a major hazard source")."""
    if not substances:
        raise HazardInputError("hazards.empty_unit")
    lines = tuple(line(s) for s in substances)
    s_value = sum((ln.ratio for ln in lines), Fraction(0))
    major = s_value >= 1
    if not major:
        return Result(
            VERSION, lines, s_value, False, None, None, None, None, any(ln.beta_ambiguous for ln in lines)
        )
    a, a_basis = alpha(people_outside)
    r = a * sum((ln.weighted for ln in lines), Fraction(0))
    return Result(
        VERSION, lines, s_value, True, a, a_basis, r, grade_of(r), any(ln.beta_ambiguous for ln in lines)
    )


_NAME_PARTS = re.compile(r"[()（）\[\];；,，、]")


def table1_matches(name: str, cas: str | None) -> list[int]:
    """表1 rows a chemical may be: by CAS, or by a printed name or alias. Several rows share a CAS
    (硝化纤维素, 硝酸铵), so the caller chooses among them by specification."""
    wanted = name.strip()
    out = []
    for no, row in TABLE1_BY_NO.items():
        names = {p.strip() for p in _NAME_PARTS.split(row.name) if p.strip()}
        if (cas and cas in row.cas) or wanted in names:
            out.append(no)
    return out


# ------------------------------------------------------------------ dynamic risk colour


@dataclass(frozen=True)
class Modifier:
    """One live condition that raises a unit's risk, with what it is for the reasons list."""

    kind: str  # alarm | bypass | bypass_overdue | status | duty_overdue | monitoring_loss | finding_overdue
    key: str  # alarm priority, unit status …
    label: str  # e.g. "GT-102 HH 紧急级报警"
    label_en: str = ""  # e.g. "GT-102 HH urgent alarm" (the zh-CN label when empty)


@dataclass(frozen=True)
class RiskColour:
    """A unit's colour now: max(inherent, dynamic), the points, and the reasons behind them."""

    colour: str
    inherent: str
    dynamic: str
    points: float
    reasons: tuple[tuple[str, float, str], ...]  # (label zh-CN, points, label en-US), largest first
    model_version: str

    @property
    def raised(self) -> bool:
        """Live conditions put the unit above its inherent colour (a warning, 预警)."""
        return COLOURS.index(self.dynamic) > COLOURS.index(self.inherent)


def risk_colour(
    grade: int | None, modifiers: Sequence[Modifier], model: RiskModel = RISK_MODEL_V1
) -> RiskColour:
    """Requirements §4.6 [D] placeholder, PROVISIONAL — NOT THE NATIONAL MODEL: inherent colour from
    the GB 18218 grade; dynamic colour from the summed points of live modifiers against the model's
    thresholds (a threshold reached exactly counts); the colour is the higher of the two."""
    inherent = model.inherent.get(grade, model.inherent[None])
    scored: list[tuple[str, float, str]] = []
    for m in modifiers:
        if m.kind == "alarm":
            pts = model.alarm_points.get(m.key, 0.0)
        elif m.kind == "bypass":
            pts = model.bypass_points
        elif m.kind == "bypass_overdue":
            pts = model.bypass_overdue_points
        elif m.kind == "status":
            pts = model.status_points.get(m.key, 0.0)
        elif m.kind == "duty_overdue":
            pts = model.duty_overdue_points
        elif m.kind == "monitoring_loss":
            pts = model.monitoring_loss_points
        elif m.kind == "finding_overdue":
            pts = model.finding_overdue_points.get(m.key, 0.0)
        else:
            raise ValueError(f"unknown modifier kind {m.kind}")
        if pts > 0:
            scored.append((m.label, pts, m.label_en or m.label))
    points = sum(p for _, p, _ in scored)
    dynamic = next((c for least, c in model.thresholds if points >= least), "blue")
    colour = max(inherent, dynamic, key=COLOURS.index)
    reasons = tuple(sorted(scored, key=lambda r: -r[1]))
    return RiskColour(colour, inherent, dynamic, points, reasons, model.version)


# ------------------------------------------------------------------ 包保 task periods


def period_of(day: date, cycle: str) -> tuple[date, date]:
    """The period (first and last day, inclusive) of a 包保 task cycle containing `day`: ISO weeks
    from Monday, calendar months, calendar quarters. A task is due by the last day of its period."""
    if cycle == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if cycle == "month":
        start = day.replace(day=1)
    elif cycle == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        raise ValueError(f"unknown cycle {cycle}")
    months = 1 if cycle == "month" else 3
    nxt = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def task_state(due_on: date, done_on: date | None, today: date) -> str:
    """A 包保 task: done on time (by its due day inclusive), done late, pending, or overdue from the
    day after its due day."""
    if done_on is not None:
        return "done" if done_on <= due_on else "late"
    return "overdue" if today > due_on else "pending"


# ------------------------------------------------------------------ evaluation reports


def report_due(
    kind: str, issued_on: date, entered: date | None, kinds: Mapping[str, ReportKind] = REPORT_KINDS_V1
) -> date | None:
    """When an evaluation report must be renewed.

    Kinds with a statutory cycle (REPORT_KINDS_V1: 安全评价 every 3 years per 危化品条例 Art. 22 and
    危化安全法 Art. 39; 重大危险源安全评估 after 3 years per 总局令第40号 Art. 11 (一); HAZOP of
    两重点一重大 units about every 3 years per 应急〔2019〕78号) are due on the same day `cycle` years
    after the report was issued (29 Feb → 28 Feb); an entered date may be earlier (a change forces a
    new study) but never later. Kinds without a cycle (SIL) are due on the entered date, if any.
    """
    spec = kinds.get(kind)
    if spec is None:
        raise HazardInputError("hazards.unknown_report_kind", kind=kind)
    if entered is not None and entered < issued_on:
        raise HazardInputError("hazards.report_due_before_issue", due=entered.isoformat())
    if spec.cycle_years is None:
        return entered
    limit = add_months(issued_on, 12 * spec.cycle_years)
    if entered is not None and entered > limit:
        raise HazardInputError(
            "hazards.report_beyond_cycle", due=entered.isoformat(), limit=limit.isoformat()
        )
    return entered or limit


def current_reports(reports: Iterable[tuple[int, str, int | None, int, date]]) -> set[int]:
    """The ids of the reports in force: per (kind, unit, site), the latest issued (ties: the latest
    entered). Older ones are superseded and are no longer reminded. Rows: (id, kind, unit, site, issued)."""
    best: dict[tuple[str, int | None, int], tuple[date, int]] = {}
    for rid, kind, unit, site, issued in reports:
        key = (kind, unit, site)
        if key not in best or (issued, rid) > best[key]:
            best[key] = (issued, rid)
    return {rid for _, rid in best.values()}


# ------------------------------------------------------------------ supervision findings (三录入)

FINDING_ACTIONS: dict[tuple[str, str], str] = {
    ("open", "edit"): "open",
    ("open", "feedback"): "open",
    ("open", "rectify"): "rectified",
    ("rectified", "feedback"): "rectified",
    ("rectified", "pass"): "closed",
    ("rectified", "fail"): "open",
}


def finding_next(status: str, action: str) -> str:
    """The 三录入 closed loop of a supervision finding: the problem is entered (open), the
    rectification is entered (rectified), the review is entered (closed on a pass, back to open on a
    fail). Feedback on progress is taken until the review; a closed finding takes nothing."""
    try:
        return FINDING_ACTIONS[(status, action)]
    except KeyError:
        raise HazardInputError("hazards.finding_bad_state", status=status, action=action) from None


def finding_overdue(deadline: date | None, status: str, today: date) -> bool:
    """A finding not yet rectified is overdue from the day after its deadline (the deadline day itself
    is still in time); once its rectification is entered, or it is closed, it is not overdue."""
    return deadline is not None and status == "open" and today > deadline

"""Tables of the major-hazard module: identification units, their substances, and assessments.

A unit (单元) is what GB 18218-2018 identifies: a production unit split at shut-off valves, or a
storage unit (a tank farm per 防火堤, a warehouse per building). A unit whose latest assessment has
S ≥ 1 is a major hazard source (重大危险源) with a grade; its calculation sheet is stored with its
inputs and rule version, so a later change in the reference data never rewrites an old result.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, BigId, IdMixin, TimestampMixin, UTCDateTime


class HazardUnit(IdMixin, TimestampMixin, Base):
    """An identification unit (辨识单元) and, when major, the hazard source it is."""

    __tablename__ = "hz_unit"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # storage | production
    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("plant_site.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_area.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # How the unit is bounded: the 防火堤, the building, or the shut-off valves.
    boundary: Mapped[str | None] = mapped_column(Text, nullable=True)
    # 常住人口 within 500 m outside the plant boundary (表5 α), with where the figure comes from.
    people_outside: Mapped[int] = mapped_column(Integer, default=0)
    people_basis: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The latest assessment's results (copied for lists and the map).
    assessment_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    major: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    grade: Mapped[int | None] = mapped_column(Integer, nullable=True)
    s_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    r_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    assessment_error: Mapped[str | None] = mapped_column(String(80), nullable=True)
    assessment_error_params: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    filing_no: Mapped[str | None] = mapped_column(String(60), nullable=True)  # 备案编号
    status: Mapped[str] = mapped_column(String(20), default="in_use")  # in_use | stopped | maintenance
    description: Mapped[str | None] = mapped_column(Text, nullable=True)


class UnitSubstance(IdMixin, TimestampMixin, Base):
    """A hazardous chemical present in a unit, with its design maximum quantity (设计最大量)."""

    __tablename__ = "hz_unit_substance"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("hz_unit.id", ondelete="CASCADE"), index=True)
    chemical_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("basics_chemical.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    q_t: Mapped[float] = mapped_column(Float)  # tonnes
    containers: Mapped[str | None] = mapped_column(String(200), nullable=True)  # e.g. T-101、T-102
    # The 表1 row, when the chemical is listed there (rows sharing a CAS are chosen here).
    table1_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # 表2 classes; empty means "derive from the chemical's GHS classes".
    classes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Conditions that move a flammable liquid between W5.1, W5.2 and W5.3/W5.4.
    above_boiling_point: Mapped[bool] = mapped_column(Boolean, default=False)
    special_conditions: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Assessment(IdMixin, Base):
    """One identification and grading of a unit: its inputs, its sheet and its result."""

    __tablename__ = "hz_assessment"

    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("hz_unit.id", ondelete="CASCADE"), index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rule_version: Mapped[str] = mapped_column(String(40))
    trigger: Mapped[str] = mapped_column(String(60))  # manual | substance_changed | chemical_changed ...
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    sheet: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    s_value: Mapped[str] = mapped_column(String(40))  # exact fraction as decimal text
    major: Mapped[bool] = mapped_column(Boolean)
    alpha: Mapped[str | None] = mapped_column(String(20), nullable=True)
    alpha_basis: Mapped[str | None] = mapped_column(String(60), nullable=True)
    r_value: Mapped[str | None] = mapped_column(String(40), nullable=True)
    grade: Mapped[int | None] = mapped_column(Integer, nullable=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class RiskState(Base):
    """A unit's current dynamic risk colour and the reasons behind it (one row per unit)."""

    __tablename__ = "hz_risk"

    unit_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("hz_unit.id", ondelete="CASCADE"), primary_key=True
    )
    colour: Mapped[str] = mapped_column(String(8))
    inherent: Mapped[str] = mapped_column(String(8))
    dynamic: Mapped[str] = mapped_column(String(8))
    points: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[list[Any]]] = mapped_column(JSON)  # [[label zh-CN, points, label en-US], ...]
    model_version: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RiskWarning(IdMixin, Base):
    """A risk warning (预警): raised when live conditions lift a unit above its inherent colour,
    cleared when they subside, closed only with the disposal result, cause analysis and corrective
    measures (消警后上报处置结果、原因分析及整改措施)."""

    __tablename__ = "hz_warning"

    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("hz_unit.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)  # open | cleared | closed
    colour: Mapped[str] = mapped_column(String(8))  # the highest colour reached
    reasons: Mapped[list[list[Any]]] = mapped_column(JSON)  # the reasons at the highest colour
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    disposal: Mapped[str | None] = mapped_column(Text, nullable=True)  # 处置结果
    cause: Mapped[str | None] = mapped_column(Text, nullable=True)  # 原因分析
    measures: Mapped[str | None] = mapped_column(Text, nullable=True)  # 整改措施
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Duty(IdMixin, TimestampMixin, Base):
    """A 包保 responsibility: who is the principal, technical or operational head of a hazard source."""

    __tablename__ = "hz_duty"
    __table_args__ = (UniqueConstraint("unit_id", "role"),)

    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("hz_unit.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # principal | technical | operational
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("basics_person.id", ondelete="RESTRICT"), index=True
    )


class DutyTemplate(IdMixin, TimestampMixin, Base):
    """One item of a role's 包保 task list (taskNum), with its cycle; enterprise-configurable."""

    __tablename__ = "hz_duty_template"
    __table_args__ = (UniqueConstraint("role", "task_num"),)

    role: Mapped[str] = mapped_column(String(20))
    task_num: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    cycle: Mapped[str] = mapped_column(String(10))  # week | month | quarter
    source: Mapped[str] = mapped_column(String(20), default="enterprise")  # national | enterprise
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class DutyTask(IdMixin, TimestampMixin, Base):
    """One 包保 task of one period for one responsible person, and how it was done."""

    __tablename__ = "hz_duty_task"
    __table_args__ = (UniqueConstraint("unit_id", "template_id", "period_start"),)

    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("hz_unit.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int] = mapped_column(BigId, ForeignKey("hz_duty_template.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    task_num: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("basics_person.id", ondelete="RESTRICT"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # plant date of completion
    done_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    result: Mapped[str | None] = mapped_column(String(10), nullable=True)  # normal | abnormal
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    photos: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Where it was done: plant-map metres, or WGS-84 from the phone.
    x: Mapped[float | None] = mapped_column(Float, nullable=True)
    y: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)


class EvaluationReport(IdMixin, TimestampMixin, Base):
    """An evaluation or assessment report (安全评价、重大危险源安全评估、HAZOP、SIL评估) of a hazard
    unit, or of a whole site when `unit_id` is empty, with its renewal date for the reminder centre."""

    __tablename__ = "hz_report"

    kind: Mapped[str] = mapped_column(String(30), index=True)
    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("plant_site.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("hz_unit.id", ondelete="CASCADE"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    report_no: Mapped[str | None] = mapped_column(String(60), nullable=True)
    agency: Mapped[str | None] = mapped_column(String(120), nullable=True)  # 评价/评估机构
    agency_certificate: Mapped[str | None] = mapped_column(String(60), nullable=True)  # 资质证书编号
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    conclusion: Mapped[str | None] = mapped_column(Text, nullable=True)  # 评价结论
    recommendations: Mapped[str | None] = mapped_column(Text, nullable=True)  # 对策措施建议
    current: Mapped[bool] = mapped_column(Boolean, default=True)  # False once a later one supersedes it
    files: Mapped[list[int]] = mapped_column(JSON, default=list)
    rule_version: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Finding(IdMixin, TimestampMixin, Base):
    """A supervision finding (督导检查问题) of a hazard source, kept with its three entries (三录入):
    the problem, its rectification and the review of that rectification."""

    __tablename__ = "hz_finding"

    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("hz_unit.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("hz_report.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(12), index=True)  # open | rectified | closed
    rounds: Mapped[int] = mapped_column(Integer, default=1)  # rectification rounds (a failed review adds one)
    # 1. problem (问题录入)
    source: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))  # general | major
    found_on: Mapped[date] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(120))  # who inspected (organisation and names)
    description: Mapped[str] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text, nullable=True)  # 依据
    deadline: Mapped[date] = mapped_column(Date, index=True)  # 整改期限
    responsible_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("basics_person.id", ondelete="SET NULL"), nullable=True, index=True
    )
    problem_files: Mapped[list[int]] = mapped_column(JSON, default=list)
    entered_by: Mapped[str] = mapped_column(String(64))
    # 2. rectification (整改录入)
    measures: Mapped[str | None] = mapped_column(Text, nullable=True)
    rectified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    cost: Mapped[float | None] = mapped_column(Float, nullable=True)  # 万元
    rectification_files: Mapped[list[int]] = mapped_column(JSON, default=list)
    rectified_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rectified_by_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    # 3. review (复核录入)
    review_result: Mapped[str | None] = mapped_column(String(10), nullable=True)  # pass | fail
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class FindingEvent(IdMixin, Base):
    """One step of a finding's history, and the rectification feedback (整改反馈) given on it."""

    __tablename__ = "hz_finding_event"

    finding_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("hz_finding.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # entered | edited | feedback | rectified | passed | failed
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    files: Mapped[list[int]] = mapped_column(JSON, default=list)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

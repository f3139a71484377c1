"""Tables of the special-work module (特殊作业): permits and everything recorded on them.

A permit (安全作业票) is one work type at one place for one period (GB 30871-2022 §4.6: a job of
several types has one permit per type, linked). Its content is fixed once the first signature is
given (不得涂改, §4.18): each signature stores the SHA-256 of the content it signed, and a change
closes the permit and issues a new one (§4.16/§4.17) that points back at it (`replaces_id`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, BigId, IdMixin, TimestampMixin, UTCDateTime


class Permit(IdMixin, TimestampMixin, Base):
    """A special-work permit and where it stands in its life cycle (permits/workflow.py)."""

    __tablename__ = "pm_permit"

    uid: Mapped[str] = mapped_column(String(36), unique=True)  # 表A.1 ID (UUID) at the exchange
    number: Mapped[str] = mapped_column(String(40), unique=True)  # 编号, e.g. DH-20261129-003
    work_type: Mapped[str] = mapped_column(String(30), index=True)
    grade: Mapped[str | None] = mapped_column(String(10), nullable=True)  # declared grade
    required_grade: Mapped[str | None] = mapped_column(String(10), nullable=True)  # after upgrade rules
    upgrade_causes: Mapped[list[str]] = mapped_column(JSON, default=list)  # 表A.4 40–43
    state: Mapped[str] = mapped_column(String(24), index=True)
    rule_version: Mapped[str] = mapped_column(String(60))
    # where
    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("plant_site.id", ondelete="RESTRICT"), index=True)
    area_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_area.id", ondelete="SET NULL"), nullable=True, index=True
    )
    location: Mapped[str] = mapped_column(String(200))  # 作业地点 (and 动火部位)
    x: Mapped[float | None] = mapped_column(Float, nullable=True)  # plant-map metres
    y: Mapped[float | None] = mapped_column(Float, nullable=True)
    hazardous_area: Mapped[bool] = mapped_column(Boolean, default=False)  # 火灾爆炸危险场所
    # what and who
    content: Mapped[str] = mapped_column(Text)  # 作业内容
    applicant_department_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_department.id", ondelete="SET NULL"), nullable=True
    )  # 作业申请单位
    contractor_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("basics_contractor.id", ondelete="RESTRICT"), nullable=True, index=True
    )  # 作业单位 when a contractor works
    work_unit: Mapped[str] = mapped_column(String(120))  # 作业单位 as printed
    leader_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("basics_person.id", ondelete="RESTRICT"), index=True
    )  # 作业负责人
    # when
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    planned_end: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # 验收时间
    # analysis before the work (AQ 3064.2-2025 §5.4.2)
    risks: Mapped[list[str]] = mapped_column(JSON, default=list)  # 风险辨识结果
    risk_identified_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    jha: Mapped[str | None] = mapped_column(Text, nullable=True)  # 作业危害分析
    briefing_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # 安全交底人
    briefing_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # the type's own fields (动火方式, 作业高度 and factors, 吊物质量, 盲板, 用电 …)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # fixed gas detectors (mon_point ids) and cameras watching the location
    detector_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    camera_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # change, cancellation, void (表A.1 IS_CHANGED / IS_CANCELLED)
    replaces_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("pm_permit.id", ondelete="SET NULL"), nullable=True
    )
    change_cause: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancel_cause: Mapped[str | None] = mapped_column(Text, nullable=True)
    void_cause: Mapped[str | None] = mapped_column(Text, nullable=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)  # at the first signature
    created_by: Mapped[str] = mapped_column(String(64))


class PermitLink(IdMixin, Base):
    """关联的其他特殊作业及安全作业票 (GB 30871-2022 §4.6), stored once per pair direction."""

    __tablename__ = "pm_link"
    __table_args__ = (UniqueConstraint("permit_id", "linked_id"),)

    permit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), index=True)
    linked_id: Mapped[int] = mapped_column(BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), index=True)


class PermitPerson(IdMixin, Base):
    """Someone named on a permit: worker (作业人), guardian (监护人), lifting commander, rigger,
    electrician …, with the certificate check answered when they were entered and again at signing."""

    __tablename__ = "pm_person"
    __table_args__ = (UniqueConstraint("permit_id", "person_id", "role"),)

    permit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("basics_person.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # worker | guardian | commander | rigger | electrician
    certificate_no: Mapped[str | None] = mapped_column(String(60), nullable=True)
    eligible: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    eligibility_code: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 表A.4 5/50–5/52
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # a replaced guardian stays on record


class Measure(IdMixin, Base):
    """One row of the permit's safety-measure checklist (安全措施: 是否涉及, 确认人)."""

    __tablename__ = "pm_measure"
    __table_args__ = (UniqueConstraint("permit_id", "seq"),)

    permit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    involved: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # None: not answered yet
    confirmed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GasTest(IdMixin, Base):
    """One gas analysis (气体分析): when, where, by whom, the readings and the verdict."""

    __tablename__ = "pm_gas_test"

    permit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), index=True)
    sampled_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    point: Mapped[str] = mapped_column(String(120))  # 分析部位
    analyst: Mapped[str] = mapped_column(String(64))
    analyst_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    # [{"kind": combustible|oxygen|toxic, "name": .., "value": .., "unit": "%"|"mg/m3", "limit": ..}]
    readings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    lel_pct: Mapped[float | None] = mapped_column(Float, nullable=True)  # the LEL the verdict used
    passed: Mapped[bool] = mapped_column(Boolean)
    failures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(12), default="portable")  # portable | fixed
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Signature(IdMixin, Base):
    """An electronic signature of one step: who (and for whom, when delegated), the opinion, when,
    where, the drawn signature image and the SHA-256 of the permit content signed."""

    __tablename__ = "pm_signature"

    permit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(30))
    phase: Mapped[str] = mapped_column(String(12))  # signing | start | acceptance
    signer_id: Mapped[int] = mapped_column(BigId)
    signer_name: Mapped[str] = mapped_column(String(64))
    on_behalf_of: Mapped[int | None] = mapped_column(BigId, nullable=True)  # delegation (委托签批)
    opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    x: Mapped[float | None] = mapped_column(Float, nullable=True)
    y: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    on_site: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    image_id: Mapped[int | None] = mapped_column(BigId, nullable=True)  # stored_file of the drawing
    content_hash: Mapped[str] = mapped_column(String(64))


class WorkAlarm(IdMixin, Base):
    """A work alarm of AQ 3064.2-2025 表A.3/表A.4, open until handled (closed-loop, §5.9.10)."""

    __tablename__ = "pm_alarm"

    permit_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), nullable=True, index=True
    )
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(6), index=True)  # 表A.4 e.g. 0/02
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)  # ALARM_RESULT 处理记录
    handled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # one open alarm per permit and code: "<permit>:<code>" while open, NULL once ended
    open_key: Mapped[str | None] = mapped_column(String(60), unique=True, nullable=True)


class EntryLog(IdMixin, Base):
    """Confined-space entry and exit register (GB 30871-2022 §6.8 c; AQ 3064.2-2025 §5.6.6)."""

    __tablename__ = "pm_entry"

    permit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # person | tool
    person_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("basics_person.id", ondelete="RESTRICT"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(120))  # the person's name or the tool
    count: Mapped[int] = mapped_column(Integer, default=1)  # tools: how many
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    exited_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))


class CalendarDay(IdMixin, Base):
    """The plant calendar the hot-work upgrade uses: holidays, make-up workdays, special periods."""

    __tablename__ = "pm_calendar"
    __table_args__ = (UniqueConstraint("day", "kind"),)

    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # holiday | workday | special
    name: Mapped[str] = mapped_column(String(120))


class Signer(IdMixin, TimestampMixin, Base):
    """Who may sign a step role (AQ 3064.2-2025 §5.2: the flow names each step's confirmer and
    approver), optionally only for one area; the work leader and commander sign as themselves."""

    __tablename__ = "pm_signer"
    __table_args__ = (UniqueConstraint("user_id", "role", "area_id"),)

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("identity_user.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # a key of reference.ROLES
    area_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_area.id", ondelete="CASCADE"), nullable=True
    )


class SigningDelegation(IdMixin, TimestampMixin, Base):
    """委托签批 (AQ 3064.2-2025 §5.5.3): a signer lets another person holding the same role sign a step
    for them within a period."""

    __tablename__ = "pm_delegation"

    from_user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("identity_user.id", ondelete="CASCADE"), index=True
    )
    to_user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("identity_user.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)


class CancelRequest(IdMixin, TimestampMixin, Base):
    """取消申请 (AQ 3064.2-2025 §5.7): the applicant asks, with a reason, to cancel a permit that is
    booked or further; the safety office (permits.manage) approves (the permit is revoked with that
    reason) or rejects it; the requester may withdraw it while it is pending. One pending per permit."""

    __tablename__ = "pm_cancel_request"

    permit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pm_permit.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(2000))
    requested_by: Mapped[str] = mapped_column(String(64))  # login
    requested_by_id: Mapped[int | None] = mapped_column(BigId, nullable=True)  # identity_user.id
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)  # CANCEL_REQUEST_STATES
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(String(2000), nullable=True)

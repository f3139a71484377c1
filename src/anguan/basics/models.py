"""Tables of the safety master data (安全管理基础信息).

Every list the registers expose (`registers.py`) is one table here. Codes stored in `String` columns
come from the catalogues of `reference.py`; `attachments` hold ids of `core_file` rows linked to the
record (readers of the record may download them). Dates are calendar dates in the plant's time zone;
date-times are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, BigId, IdMixin, TimestampMixin, UTCDateTime


def _fk(table: str, ondelete: str = "RESTRICT", nullable: bool = True) -> Any:
    return mapped_column(BigId, ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable, index=True)


# ------------------------------------------------------------------ licences and reports (证照)


class Licence(IdMixin, TimestampMixin, Base):
    """A licence, certificate of the enterprise or report (证照与报告); its format comes from its type."""

    __tablename__ = "basics_licence"

    type: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str | None] = mapped_column(String(120), nullable=True)
    site_id: Mapped[int | None] = _fk("plant_site", "SET NULL")
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Periodic update (复评/复审) due date, for reports that are re-done rather than renewed.
    review_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    scope: Mapped[str | None] = mapped_column(Text, nullable=True)  # 许可范围 / 登记品种
    grade: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 标准化等级
    project: Mapped[str | None] = mapped_column(String(200), nullable=True)  # 建设项目
    stage: Mapped[str | None] = mapped_column(String(30), nullable=True)  # 三同时 stage
    assessor_cert_no: Mapped[str | None] = mapped_column(String(80), nullable=True)  # 评价机构资质证号
    conclusion: Mapped[str | None] = mapped_column(Text, nullable=True)  # 评价结论
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | superseded | revoked
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


# ------------------------------------------------------------------ production process (生产过程)


class Chemical(IdMixin, TimestampMixin, Base):
    """A chemical (危险化学品) with identity, GHS classification, physical data and MSDS."""

    __tablename__ = "basics_chemical"

    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(160), nullable=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    cas: Mapped[str | None] = mapped_column(String(16), nullable=True, unique=True)
    un_number: Mapped[str | None] = mapped_column(String(8), nullable=True)
    catalogue_no: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 危险化学品目录序号
    formula: Mapped[str | None] = mapped_column(String(60), nullable=True)
    state: Mapped[str | None] = mapped_column(String(10), nullable=True)  # gas | liquid | solid
    ghs: Mapped[list[str]] = mapped_column(JSON, default=list)  # ["flam_liq:2", ...]
    key_supervised: Mapped[bool] = mapped_column(Boolean, default=False)  # 重点监管危险化学品
    highly_toxic: Mapped[bool] = mapped_column(Boolean, default=False)  # 剧毒化学品
    flash_point_c: Mapped[float | None] = mapped_column(Float, nullable=True)
    boiling_point_c: Mapped[float | None] = mapped_column(Float, nullable=True)
    lel_pct: Mapped[float | None] = mapped_column(Float, nullable=True)  # 爆炸下限 %(V/V)
    uel_pct: Mapped[float | None] = mapped_column(Float, nullable=True)  # 爆炸上限 %(V/V)
    oel_mg_m3: Mapped[float | None] = mapped_column(Float, nullable=True)  # PC-TWA / MAC
    msds_first_aid: Mapped[str | None] = mapped_column(Text, nullable=True)
    msds_fire: Mapped[str | None] = mapped_column(Text, nullable=True)
    msds_spill: Mapped[str | None] = mapped_column(Text, nullable=True)
    msds_ppe: Mapped[str | None] = mapped_column(Text, nullable=True)
    msds_storage: Mapped[str | None] = mapped_column(Text, nullable=True)
    msds_revised_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Process(IdMixin, TimestampMixin, Base):
    """A production unit and its process (装置与工艺), hazardous (危险化工工艺) or not."""

    __tablename__ = "basics_process"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    site_id: Mapped[int] = _fk("plant_site", "CASCADE", nullable=False)
    area_id: Mapped[int | None] = _fk("plant_area", "SET NULL")
    hazardous_process: Mapped[str | None] = mapped_column(String(40), nullable=True)  # 18 codes
    reaction_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    key_parameters: Mapped[str | None] = mapped_column(Text, nullable=True)
    control_means: Mapped[str | None] = mapped_column(Text, nullable=True)
    key_monitored_unit: Mapped[bool] = mapped_column(Boolean, default=False)  # 重点监控单元
    automation: Mapped[list[str]] = mapped_column(JSON, default=list)  # dcs, sis, interlock, gds
    chemicals: Mapped[list[str]] = mapped_column(JSON, default=list)  # CAS numbers handled
    capacity: Mapped[str | None] = mapped_column(String(120), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    hazards: Mapped[str | None] = mapped_column(Text, nullable=True)  # 危险特性
    status: Mapped[str] = mapped_column(String(20), default="running")  # running|stopped|maintenance
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)


class StartStop(IdMixin, TimestampMixin, Base):
    """A start-up or shut-down (开停车) of a unit: planned, confirmed, done."""

    __tablename__ = "basics_startstop"

    process_id: Mapped[int] = _fk("basics_process", "CASCADE", nullable=False)
    kind: Mapped[str] = mapped_column(String(20))  # startup | shutdown | emergency_shutdown
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(60), nullable=True)
    checklist_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # 开车条件确认
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | done | cancelled
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


# ------------------------------------------------------------------ equipment (设备设施)


class Equipment(IdMixin, TimestampMixin, Base):
    """Special equipment and safety devices with their periodic check (检验/校验/更换)."""

    __tablename__ = "basics_equipment"

    tag: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30), index=True)  # EQUIPMENT_KINDS_V1
    site_id: Mapped[int] = _fk("plant_site", "CASCADE", nullable=False)
    area_id: Mapped[int | None] = _fk("plant_area", "SET NULL")
    registration_no: Mapped[str | None] = mapped_column(String(60), nullable=True)  # 使用登记证编号
    model: Mapped[str | None] = mapped_column(String(80), nullable=True)
    manufacturer: Mapped[str | None] = mapped_column(String(120), nullable=True)
    serial_no: Mapped[str | None] = mapped_column(String(60), nullable=True)
    medium: Mapped[str | None] = mapped_column(String(60), nullable=True)
    design_pressure_mpa: Mapped[float | None] = mapped_column(Float, nullable=True)
    set_pressure_mpa: Mapped[float | None] = mapped_column(Float, nullable=True)  # 整定/爆破压力
    protects: Mapped[str | None] = mapped_column(String(40), nullable=True)  # protected equipment tag
    installed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    interval_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_check_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="in_use")  # in_use|standby|stopped|scrapped
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class EquipmentCheck(IdMixin, TimestampMixin, Base):
    """One inspection, calibration or replacement record (检验/校验/更换记录) of an equipment item."""

    __tablename__ = "basics_equipment_check"

    equipment_id: Mapped[int] = _fk("basics_equipment", "CASCADE", nullable=False)
    kind: Mapped[str] = mapped_column(String(20))  # inspection|calibration|replacement|proof_test|repair
    done_on: Mapped[date] = mapped_column(Date)
    org: Mapped[str | None] = mapped_column(String(120), nullable=True)
    report_no: Mapped[str | None] = mapped_column(String(60), nullable=True)
    result: Mapped[str] = mapped_column(String(20), default="pass")  # pass | conditional | fail
    next_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Interlock(IdMixin, TimestampMixin, Base):
    """A safety instrumented function or interlock (SIS/安全联锁); status follows its bypasses."""

    __tablename__ = "basics_interlock"

    tag: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # sis | interlock | esd
    sil: Mapped[int | None] = mapped_column(Integer, nullable=True)
    site_id: Mapped[int] = _fk("plant_site", "CASCADE", nullable=False)
    area_id: Mapped[int | None] = _fk("plant_area", "SET NULL")
    process_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    cause: Mapped[str | None] = mapped_column(Text, nullable=True)  # 联锁条件
    action: Mapped[str | None] = mapped_column(Text, nullable=True)  # 联锁动作
    point_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(
        String(20), default="in_service"
    )  # in_service|bypassed|out_of_service
    interval_months: Mapped[int | None] = mapped_column(Integer, nullable=True)  # proof test
    last_check_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Bypass(IdMixin, TimestampMixin, Base):
    """An interlock bypass (联锁旁路/摘除): requested, approved until a time, applied, removed."""

    __tablename__ = "basics_bypass"
    __table_args__ = (Index("ix_basics_bypass_status_until", "status", "approved_until"),)

    interlock_id: Mapped[int] = _fk("basics_interlock", "CASCADE", nullable=False)
    reason: Mapped[str] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text, nullable=True)  # 安全措施 while bypassed
    requested_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    requested_by_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    requested_until: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    approved_by_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    removed_by_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # requested | approved | active | removed | rejected | cancelled
    status: Mapped[str] = mapped_column(String(20), default="requested")
    overdue_alarmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


# ------------------------------------------------------------------ people (人员)


class Contractor(IdMixin, TimestampMixin, Base):
    """A contractor company (承包商) with its qualification and safety licence."""

    __tablename__ = "basics_contractor"

    name: Mapped[str] = mapped_column(String(120))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    qualification: Mapped[str | None] = mapped_column(String(200), nullable=True)  # 资质等级
    qualification_no: Mapped[str | None] = mapped_column(String(60), nullable=True)
    qualification_valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    safety_licence_no: Mapped[str | None] = mapped_column(String(60), nullable=True)
    safety_licence_valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    work_scope: Mapped[str | None] = mapped_column(Text, nullable=True)
    contact_name: Mapped[str | None] = mapped_column(String(60), nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="approved")  # approved|suspended|blacklisted
    rating: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 年度评价 A/B/C/D
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Person(IdMixin, TimestampMixin, Base):
    """A person working on site: employee (01), contractor worker (02); visitors are separate."""

    __tablename__ = "basics_person"

    kind: Mapped[str] = mapped_column(String(20), default="employee")  # employee | contractor
    name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)  # 居民身份证号 (GB 11643)
    gender: Mapped[str | None] = mapped_column(String(6), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    department_id: Mapped[int | None] = _fk("plant_department", "SET NULL")
    contractor_id: Mapped[int | None] = _fk("basics_contractor", "RESTRICT")
    position: Mapped[str | None] = mapped_column(String(60), nullable=True)  # 岗位
    key_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    education: Mapped[str | None] = mapped_column(String(30), nullable=True)
    major: Mapped[str | None] = mapped_column(String(60), nullable=True)
    title: Mapped[str | None] = mapped_column(String(30), nullable=True)  # 职称
    user_id: Mapped[int | None] = mapped_column(BigId, nullable=True, unique=True)
    hired_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | left
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class PersonCertificate(IdMixin, TimestampMixin, Base):
    """A certificate held by a person (特种作业操作证, 安全资格证, ...)."""

    __tablename__ = "basics_certificate"

    person_id: Mapped[int] = _fk("basics_person", "CASCADE", nullable=False)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[str] = mapped_column(String(60))
    # Holder as printed on the certificate: a mismatch with the person is AQ 3064.2 alarm 5/52.
    holder_name: Mapped[str | None] = mapped_column(String(60), nullable=True)
    holder_id_number: Mapped[str | None] = mapped_column(String(18), nullable=True)
    issuer: Mapped[str | None] = mapped_column(String(120), nullable=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    review_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 复审
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Training(IdMixin, TimestampMixin, Base):
    """A training record (培训记录) of a person."""

    __tablename__ = "basics_training"

    person_id: Mapped[int] = _fk("basics_person", "CASCADE", nullable=False)
    # company | workshop | team (三级教育) | annual | special | contractor_entry | other
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    trainer: Mapped[str | None] = mapped_column(String(60), nullable=True)
    passed: Mapped[bool] = mapped_column(Boolean, default=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)


class Duty(IdMixin, TimestampMixin, Base):
    """One duty-roster entry (值班值守): who is on duty, in which role, on which day and shift."""

    __tablename__ = "basics_duty"
    __table_args__ = (Index("ix_basics_duty_day", "day", "shift"),)

    day: Mapped[date] = mapped_column(Date)
    shift: Mapped[str] = mapped_column(String(10))  # day | night | all_day
    role: Mapped[str] = mapped_column(String(20))  # leader | manager | officer | operator
    person_id: Mapped[int] = _fk("basics_person", "CASCADE", nullable=False)
    site_id: Mapped[int | None] = _fk("plant_site", "SET NULL")
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Supplier(IdMixin, TimestampMixin, Base):
    """A supplier or carrier (供应商/承运商) with its licence."""

    __tablename__ = "basics_supplier"

    name: Mapped[str] = mapped_column(String(120))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # chemical | carrier | equipment | service
    licence_no: Mapped[str | None] = mapped_column(String(60), nullable=True)  # 经营/道路运输许可证
    licence_valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    supplies: Mapped[str | None] = mapped_column(Text, nullable=True)
    contact_name: Mapped[str | None] = mapped_column(String(60), nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="approved")  # approved|suspended|blacklisted
    attachments: Mapped[list[int]] = mapped_column(JSON, default=list)


class Visitor(IdMixin, TimestampMixin, Base):
    """A visitor registration (访客, 人员类型 03): host, purpose, validity, safety briefing."""

    __tablename__ = "basics_visitor"

    name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18))
    company: Mapped[str | None] = mapped_column(String(120), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    host_id: Mapped[int | None] = _fk("basics_person", "SET NULL")
    purpose: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int | None] = _fk("plant_site", "SET NULL")
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    briefed: Mapped[bool] = mapped_column(Boolean, default=False)  # 入厂安全告知
    status: Mapped[str] = mapped_column(String(20), default="registered")  # registered|cancelled
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class BasicsSetting(Base):
    """Enterprise-configurable reference values (reminder lead days, staffing ratios)."""

    __tablename__ = "basics_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)

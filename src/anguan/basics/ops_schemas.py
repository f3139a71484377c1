"""Request and response bodies of the master-data operations: interlock bypasses, the reminder
centre, work eligibility, the compliance self-diagnosis and the module settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from anguan.basics import rules
from anguan.basics.reference import REMINDER_LEAD_DAYS_MAX, REMINDER_TIERS_MAX
from anguan.core.db import MAX_ID
from anguan.core.schemas import RequestModel

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
BypassStatus = Literal["requested", "approved", "active", "removed", "rejected", "cancelled"]
DueFilter = Literal["due", "expired", "all"]


class _Aliased(BaseModel):
    """`register` is a field of these bodies, but also a method of every pydantic model's class."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


# ------------------------------------------------------------------------------ bypasses (联锁旁路)


class BypassIn(RequestModel):
    interlock_id: int = Field(ge=1, le=MAX_ID)
    reason: Text
    measures: Text  # 旁路期间的安全措施 (required: a bypass without compensating measures is refused)
    requested_until: AwareDatetime


class BypassApproveIn(RequestModel):
    approved_until: AwareDatetime
    note: Text | None = None


class BypassRejectIn(RequestModel):
    note: Text


class BypassNoteIn(RequestModel):
    note: Text | None = None


class BypassOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    interlock_id: int
    interlock_tag: str
    interlock_name: str
    interlock_status: str
    site_id: int
    area_id: int | None
    reason: str
    measures: str | None
    status: str
    requested_by: int | None
    requested_by_name: str | None
    requested_until: datetime
    approved_by: int | None
    approved_by_name: str | None
    approved_at: datetime | None
    approved_until: datetime | None
    applied_at: datetime | None
    removed_at: datetime | None
    removed_by_name: str | None
    overdue_alarmed_at: datetime | None
    note: str | None
    created_at: datetime
    updated_at: datetime


# ------------------------------------------------------------------------------ reminders (提醒中心)


class ReminderItem(_Aliased):
    register_name: str = Field(alias="register")
    register_zh: str
    register_en: str
    id: int
    title: str
    field: str
    what: str
    what_zh: str
    what_en: str
    due: date
    status: Literal["due", "expired"]
    days_left: int
    tier: int  # lead time reached (days), 0 once expired
    link: str
    site_id: int | None = None
    area_id: int | None = None


class ReminderCount(_Aliased):
    register_name: str = Field(alias="register")
    register_zh: str
    register_en: str
    due: int
    expired: int


class ReminderSummary(BaseModel):
    due: int
    expired: int
    lead_days: list[int]
    registers: list[ReminderCount]


# ------------------------------------------------------------------------------ eligibility (作业资格)


class EligibilityPerson(BaseModel):
    id: int
    name: str
    kind: str
    status: str


class EligibilityCheckOut(BaseModel):
    check: str
    ok: bool
    reason: str | None


class EligibilityCertificate(BaseModel):
    id: int
    number: str
    kind: str
    valid_from: date
    valid_until: date
    revoked: bool
    holder_matches: bool


class EligibilityOut(BaseModel):
    ok: bool
    reason: str | None
    alarm_code: str | None
    person: EligibilityPerson | None
    work_type: str
    on: date  # the plant date the answer is for
    accepted_kinds: list[str]
    checks: list[EligibilityCheckOut]
    certificates: list[EligibilityCertificate]


class EligibilityBatchIn(RequestModel):
    person_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=200)
    work_type: str = Field(min_length=1, max_length=40)
    at: datetime | None = None


# ------------------------------------------------------------------------------ self-diagnosis


class StaffingFindingOut(BaseModel):
    item: str
    required: int
    actual: int
    ok: bool


class QualificationFindingOut(BaseModel):
    person_id: int
    name: str
    role: str
    role_zh: str
    role_en: str
    problem: Literal["education", "certificate"]
    required: list[str]  # education level codes (lowest accepted first) or certificate kinds
    education: str | None


class InductionFindingOut(BaseModel):
    person_id: int
    name: str
    missing: list[str]  # company | workshop | team


class DiagnosisSummary(BaseModel):
    employees: int
    safety_staff: int
    registered_engineers: int
    staffing_failed: int
    qualification_findings: int
    people_with_qualification_findings: int
    induction_incomplete: int


class DiagnosisOut(BaseModel):
    rules_version: str
    on: date
    staffing: list[StaffingFindingOut]
    qualifications: list[QualificationFindingOut]
    induction: list[InductionFindingOut]
    summary: DiagnosisSummary


# ------------------------------------------------------------------------------ settings


class StaffingIn(RequestModel):
    safety_staff_ratio: float = Field(ge=0, le=1)
    safety_staff_min: int = Field(ge=0, le=10000)
    registered_engineer_share: float = Field(ge=0, le=1)


class SettingsIn(RequestModel):
    reminder_lead_days: list[Annotated[int, Field(strict=True)]] = Field(
        min_length=1, max_length=REMINDER_TIERS_MAX
    )
    staffing: StaffingIn

    @field_validator("reminder_lead_days")
    @classmethod
    def _lead_days(cls, value: list[int]) -> list[int]:
        if not rules.lead_days_valid(value):
            raise ValueError(f"lead days are 1 to {REMINDER_LEAD_DAYS_MAX} days each and strictly decreasing")
        return value


class SettingsOut(BaseModel):
    reminder_lead_days: list[int]
    staffing: StaffingIn
    reminder_version: str
    staffing_version: str
    default_reminder_lead_days: list[int]
    default_staffing: StaffingIn

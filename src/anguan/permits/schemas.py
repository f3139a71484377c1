"""Response shapes of the permits API: the parts of a permit's detail (people, measures, analyses,
signatures, work alarms, the entry register, the timeline, links) and the cancellation request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class CancelRequestOut(BaseModel):
    """A cancellation request (取消申请, AQ 3064.2-2025 §5.7) and its decision."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    permit_id: int
    reason: str
    requested_by: str
    requested_at: datetime
    state: str  # pending, approved, rejected, withdrawn
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class PersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    person_id: int
    name: str = ""
    role: str
    certificate_no: str | None
    eligible: bool | None
    eligibility_code: str | None
    active: bool


class MeasureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    text: str
    involved: bool | None
    confirmed_by: str | None
    confirmed_at: datetime | None


class GasTestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    sampled_at: datetime
    point: str
    analyst: str
    readings: list[dict[str, Any]]
    lel_pct: float | None
    passed: bool
    failures: list[dict[str, Any]]
    source: str


class SignatureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    step: str
    phase: str
    signer_name: str
    on_behalf_of: int | None
    opinion: str | None
    signed_at: datetime
    on_site: bool | None
    image_id: int | None
    content_hash: str


class AlarmOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    uid: str
    permit_id: int | None
    number: str | None = None  # the permit's
    code: str
    zh: str = ""
    en: str = ""
    detail: dict[str, Any]
    started_at: datetime
    ended_at: datetime | None
    result: str | None
    handled_by: str | None


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    person_id: int | None
    name: str
    count: int
    entered_at: datetime
    exited_at: datetime | None


class PermitTimelineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    ts: datetime
    actor_name: str | None
    action: str
    from_state: str | None
    to_state: str | None
    location: dict[str, Any] | None
    evidence: dict[str, Any]


class LinkedOut(BaseModel):
    id: int
    number: str
    work_type: str
    state: str

"""Response shapes shared by more than one of the permits API files."""

from __future__ import annotations

from datetime import datetime

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

"""Domain events of the monitoring module and the alarm view shared by the API and the realtime hub.

Realtime topics (registered with permission monitoring.read):
- `monitoring.alarms`: `monitoring.alarm_changed` with the full `AlarmView` (clients keep the
  highest `rev` per alarm id, so a change older than their snapshot is ignored);
- `monitoring.values`: `monitoring.values_changed` frames, one per area per publish interval,
  `values` = [[point_id, t (epoch s), value, quality], ...] (clients keep the newest t per point).
Linkage events (`monitoring.alarm_raised`, `monitoring.alarm_cleared`) have no topic and go
through the durable outbox: permits, hazards and notify react to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from anguan.core.events import DomainEvent


def isa_state(active: bool, acked: bool) -> str:
    """ISA-18.2 / IEC 62682 alarm state from the active and acknowledged flags."""
    if active:
        return "acked" if acked else "unack"
    return "normal" if acked else "rtn_unack"


class AlarmView(BaseModel):
    """An alarm condition as the console, the API and the realtime hub show it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    point_id: int
    tag: str
    point_name: str
    unit: str
    condition: str
    priority: str
    state: str  # normal | unack | acked | rtn_unack
    active: bool
    acked: bool
    occurrence: int
    activated_at: datetime | None
    returned_at: datetime | None
    value: float | None
    limit: float | None
    message: str | None
    site_id: int
    area_id: int | None
    console: str
    suppressed: bool
    chattering: bool
    shelved_until: datetime | None
    shelve_reason: str | None
    oos: bool
    oos_reason: str | None
    acked_at: datetime | None
    acked_by: int | None
    response_time_s: int
    rev: int


def alarm_view(alarm: Any, point: Any) -> AlarmView:
    """Build the view from a `mon_alarm` row and its `mon_point` row (ORM objects or Row mappings)."""
    return AlarmView(
        id=alarm.id,
        point_id=alarm.point_id,
        tag=point.tag,
        point_name=point.name,
        unit=point.unit,
        condition=alarm.condition,
        priority=alarm.priority,
        state=isa_state(alarm.active, alarm.acked),
        active=alarm.active,
        acked=alarm.acked,
        occurrence=alarm.occurrence,
        activated_at=alarm.activated_at,
        returned_at=alarm.returned_at,
        value=alarm.value,
        limit=alarm.limit,
        message=alarm.message,
        site_id=alarm.site_id,
        area_id=alarm.area_id,
        console=alarm.console,
        suppressed=alarm.suppressed,
        chattering=alarm.chattering,
        shelved_until=alarm.shelved_until,
        shelve_reason=alarm.shelve_reason,
        oos=alarm.oos,
        oos_reason=alarm.oos_reason,
        acked_at=alarm.acked_at,
        acked_by=alarm.acked_by,
        response_time_s=point.response_time_s,
        rev=alarm.rev,
    )


class AlarmChanged(DomainEvent):
    """Any change of an alarm (process side or operator action): consoles update the row."""

    name: ClassVar[str] = "monitoring.alarm_changed"
    topic: ClassVar[str | None] = "monitoring.alarms"
    change: (
        str  # activated | returned | acknowledged | shelved | unshelved | oos | in_service | suppressed | ...
    )
    alarm: AlarmView

    def realtime_scope(self) -> dict[str, int] | None:
        scope = {"site_id": self.alarm.site_id}
        if self.alarm.area_id is not None:
            scope["area_id"] = self.alarm.area_id
        return scope


class ValuesChanged(DomainEvent):
    """Latest values of the points of one area that changed since the previous frame."""

    name: ClassVar[str] = "monitoring.values_changed"
    topic: ClassVar[str | None] = "monitoring.values"
    site_id: int
    area_id: int | None
    values: list[tuple[int, float, float, int]]

    def realtime_scope(self) -> dict[str, int] | None:
        scope = {"site_id": self.site_id}
        if self.area_id is not None:
            scope["area_id"] = self.area_id
        return scope


class AlarmRaised(DomainEvent):
    """An alarm became active (linkage: permits suspend work near a gas alarm, hazards recolour)."""

    name: ClassVar[str] = "monitoring.alarm_raised"
    alarm_id: int
    point_id: int
    tag: str
    kind: str  # the point kind: gas_combustible, level...
    condition: str
    priority: str
    site_id: int
    area_id: int | None
    equipment_id: int | None
    hazard_source_id: int | None
    value: float | None
    limit: float | None
    at: datetime


class AlarmCleared(DomainEvent):
    """An alarm returned to normal (inactive and acknowledged), or was taken out of service."""

    name: ClassVar[str] = "monitoring.alarm_cleared"
    alarm_id: int
    point_id: int
    condition: str
    site_id: int
    area_id: int | None
    hazard_source_id: int | None
    at: datetime
